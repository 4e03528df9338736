//! The yearly edition's figures say what they compare: values reconstructed across the 2022
//! boundary change are flagged in the score tables and left out of changes, and a national
//! change is computed on the same regions in both years.

use std::collections::HashMap;
use std::fs;

use crate::common::{cwi, scratch};

const KZ: [&str; 3] = [
    "data-samples/kz/statistics.csv",
    "data-samples/kz/surveys.csv",
    "data-samples/kz/before-2022.csv",
];

/// The sample has 17 regions in 2021; on today's boundaries Abai, Jetisu and Ulytau get their
/// 2021 values from East Kazakhstan, Almaty Region and Karaganda, whose own 2021 values are on
/// their old, larger territory: those six region-years are reconstructions (the manifest's
/// `carried`). Every row of them is flagged `carried` (6 x 44 nodes), and no other; the
/// report for 2022 leaves them out of the rank moves, names them, and computes the change
/// since 2021 on the 14 regions observed in both years.
#[test]
fn reconstructed_values_are_flagged_and_changes_are_like_for_like() {
    let out = scratch("edition-carried");
    let mut args = vec![
        "report",
        "--spec",
        "indicators/kz-cwi.toml",
        "--year",
        "2022",
        "--lang",
        "en",
        "--formats",
        "html,csv,json,parquet",
        "--out",
        out.to_str().unwrap(),
        "--data",
    ];
    args.extend(KZ);
    let o = cwi(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let reconstructed = ["KZ-10", "KZ-19", "KZ-33", "KZ-35", "KZ-62", "KZ-63"];
    let csv = fs::read_to_string(out.join("scores.csv")).unwrap();
    let rows: Vec<Vec<&str>> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    let flagged: Vec<(&str, &str)> = rows
        .iter()
        .filter(|f| f[9].starts_with("carried"))
        .map(|f| (f[0], f[1]))
        .collect();
    assert_eq!(flagged.len(), 6 * 44);
    assert!(
        flagged
            .iter()
            .all(|(y, r)| *y == "2021" && reconstructed.contains(r))
    );
    let json = fs::read_to_string(out.join("scores.json")).unwrap();
    assert_eq!(json.matches("\"flag\":\"carried\"").count(), 6 * 44);

    // The national change since 2021, on the regions with index scores in both years and
    // neither reconstructed, from scores.csv.
    let index: HashMap<(&str, &str), f64> = rows
        .iter()
        .filter(|f| f[3] == "kz-cwi" && !f[7].is_empty())
        .map(|f| ((f[0], f[1]), f[7].parse().unwrap()))
        .collect();
    let common: Vec<&str> = index
        .keys()
        .filter(|(y, r)| *y == "2022" && !reconstructed.contains(r))
        .map(|(_, r)| *r)
        .filter(|r| index.contains_key(&("2021", *r)))
        .collect();
    assert_eq!(common.len(), 14);
    let mean = |y: &str| common.iter().map(|r| index[&(y, *r)]).sum::<f64>() / 14.0;
    let change = mean("2022") - mean("2021");
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        html.contains(&format!("Change since 2021: {change:+.1}")),
        "{change:+.1}"
    );
    assert!(html.contains("on the 14 of 20 regions with values in both years"));
    assert!(html.contains("Values reconstructed across a boundary change"));
    assert!(
        html.contains("Abai Region 2021 ← East Kazakhstan Region"),
        "names"
    );
    // The biggest rank changes list none of the six.
    let movers = &html[html.find("Biggest rank changes").unwrap()..];
    let movers = &movers[..movers.find("</ul>").unwrap()];
    for name in [
        "Abai Region",
        "Jetisu Region",
        "Ulytau Region",
        "Almaty Region",
        "Karaganda Region",
        "East Kazakhstan Region",
    ] {
        assert!(!movers.contains(&format!("{name} <")), "{name} in {movers}");
    }
}

/// An indicator with no value for any region in one year (reading, absent in 2025): warned
/// about (W121) in validate and compute, listed as a break in the manifest, which no longer
/// says the years are comparable, and no score or rank change is given in 2025 for the nodes
/// built without it (reading's parents education and the index), while health's changes,
/// which do not depend on it, are there.
#[test]
fn a_year_without_an_indicator_is_a_break_not_a_change() {
    let dir = scratch("edition-break");
    let tiny = fs::read_to_string(crate::common::root().join("tests/fixtures/tiny.csv")).unwrap();
    let later: String = tiny
        .lines()
        .skip(1)
        .filter(|l| !l.contains(",reading,"))
        .map(|l| l.replace(",2024,", ",2025,") + "\n")
        .collect();
    let data = dir.join("two-years.csv");
    fs::write(&data, format!("{tiny}{later}")).unwrap();
    // The index as an arithmetic mean: in 2025 education is enrolment alone, 0 for R1, which
    // the tiny spec's geometric index refuses.
    let spec = dir.join("tiny.toml");
    let text = fs::read_to_string(crate::common::root().join("tests/fixtures/tiny.toml"))
        .unwrap()
        .replace(
            "aggregation = { method = \"geometric\" }",
            "aggregation = { method = \"arithmetic\" }",
        );
    fs::write(&spec, text).unwrap();
    let o = cwi(&[
        "validate",
        spec.to_str().unwrap(),
        "--data",
        data.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.lines().any(|l| l.contains("\"W121\"")
            && l.contains("\\\"reading\\\" has no value for any region in 2025")
            && l.contains("education, tiny")),
        "{out}"
    );
    let res = dir.join("out");
    let o = cwi(&[
        "compute",
        "--spec",
        spec.to_str().unwrap(),
        "--data",
        data.to_str().unwrap(),
        "--out",
        res.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stderr).contains("W121"));
    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(res.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["comparable_across_years"], false);
    assert_eq!(
        manifest["breaks"],
        serde_json::json!([{ "year": 2025, "indicator": "reading", "nodes": ["education", "tiny"] }])
    );
    let csv = fs::read_to_string(res.join("scores.csv")).unwrap();
    for line in csv.lines().filter(|l| l.starts_with("2025,")) {
        let f: Vec<&str> = line.split(',').collect();
        let (node, score_change, rank_change) = (f[3], f[10], f[11]);
        match node {
            "education" | "tiny" => assert_eq!((score_change, rank_change), ("", ""), "{line}"),
            // health's values are the same in both years: a change of 0, shown.
            "health" => assert_eq!(score_change, "0", "{line}"),
            _ => {}
        }
    }
}

/// `explain --since` when a child is missing in the earlier year (R3's enrolment, absent in
/// 2024 and 80 in 2025): it contributed nothing then, so its change is its whole 2025
/// contribution, marked "absent before", and the indicators' changes sum to the change of
/// R3's index score in scores.csv.
#[test]
fn explain_since_adds_up_when_a_child_is_missing_in_one_year() {
    let dir = scratch("edition-explain");
    let tiny = fs::read_to_string(crate::common::root().join("tests/fixtures/tiny.csv")).unwrap();
    let later: String = tiny
        .lines()
        .skip(1)
        .map(|l| {
            l.replace(",2024,", ",2025,")
                .replace("R3,2025,enrolment,", "R3,2025,enrolment,80")
                .replace("R1,2025,reading,5", "R1,2025,reading,6")
                + "\n"
        })
        .collect();
    let data = dir.join("two-years.csv");
    fs::write(&data, format!("{tiny}{later}")).unwrap();
    let spec = dir.join("tiny.toml");
    fs::write(
        &spec,
        fs::read_to_string(crate::common::root().join("tests/fixtures/tiny.toml"))
            .unwrap()
            .replace(
                "aggregation = { method = \"geometric\" }",
                "aggregation = { method = \"arithmetic\" }",
            ),
    )
    .unwrap();
    let common = [
        "--spec",
        spec.to_str().unwrap(),
        "--data",
        data.to_str().unwrap(),
    ];
    let mut args = vec!["compute", "--out"];
    let out = dir.join("out");
    args.push(out.to_str().unwrap());
    args.extend_from_slice(&common);
    assert!(cwi(&args).status.success());
    let index: HashMap<String, f64> = fs::read_to_string(out.join("scores.csv"))
        .unwrap()
        .lines()
        .filter(|l| l.contains(",R3,") && l.contains(",tiny,"))
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[0].to_string(), f[7].parse().unwrap())
        })
        .collect();
    let mut args = vec![
        "explain", "--region", "R3", "--year", "2025", "--since", "2024", "--format", "json",
    ];
    args.extend_from_slice(&common);
    let o = cwi(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let e: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let lines = e["lines"].as_array().unwrap();
    let sum: f64 = lines
        .iter()
        .filter(|l| l["kind"] == "indicator")
        .map(|l| l["change"].as_f64().unwrap())
        .sum();
    let change = index["2025"] - index["2024"];
    assert!((sum - change).abs() < 1e-9, "{sum} against {change}");
    let enrolment = lines.iter().find(|l| l["node"] == "enrolment").unwrap();
    assert_eq!(enrolment["change_note"], "absent before");
    assert_eq!(enrolment["change"], enrolment["contribution"]);
    assert!(enrolment["since_contribution"].is_null());
}

/// Adding a year under all-years pooling revises last year's published scores (the bounds
/// are pooled over the new year): with --previous-edition, revisions.csv lists exactly the
/// 2024 rows whose score or rank differs between the two editions' scores.csv (compared
/// here, independently), the reason is the new year pooled into the bounds, and the manifest
/// records the edition. A directory that is not a cwi output is refused before any work.
#[test]
fn a_new_edition_lists_its_revisions_of_the_previous_one() {
    let dir = scratch("edition-revisions");
    let spec = pooled_tiny(&dir);
    let (first, second) = two_years(&dir);
    let (a, b) = (dir.join("edition-2024"), dir.join("edition-2025"));
    let run = |out: &std::path::Path, data: &[&std::path::Path], extra: &[&str]| {
        let mut args = vec!["compute", "--spec", spec.to_str().unwrap(), "--out"];
        args.push(out.to_str().unwrap());
        args.extend_from_slice(extra);
        args.push("--data");
        args.extend(data.iter().map(|p| p.to_str().unwrap()));
        cwi(&args)
    };
    assert!(run(&a, &[&first], &[]).status.success());
    let o = run(
        &b,
        &[&first, &second],
        &["--previous-edition", a.to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stderr = String::from_utf8_lossy(&o.stderr);

    let table = |dir: &std::path::Path| -> HashMap<(String, String, String), (String, String)> {
        fs::read_to_string(dir.join("scores.csv"))
            .unwrap()
            .lines()
            .skip(1)
            .map(|l| {
                let f: Vec<&str> = l.split(',').collect();
                (
                    (f[0].to_string(), f[1].to_string(), f[3].to_string()),
                    (f[7].to_string(), f[8].to_string()),
                )
            })
            .collect()
    };
    let (before, after) = (table(&a), table(&b));
    let mut expected: Vec<(String, String, String)> = before
        .iter()
        .filter(|(key, value)| after.get(*key) != Some(*value))
        .map(|(key, _)| key.clone())
        .collect();
    expected.sort();
    assert!(
        !expected.is_empty(),
        "pooling over 2025 moves 2024's scores"
    );
    let mut listed: Vec<(String, String, String)> = fs::read_to_string(b.join("revisions.csv"))
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[0].to_string(), f[1].to_string(), f[2].to_string())
        })
        .collect();
    listed.sort();
    assert_eq!(listed, expected);
    assert!(
        stderr.contains(&format!(
            "{} published value(s) revised in 2024",
            expected.len()
        )) && stderr.contains("bounds pooled over the new year(s) 2025"),
        "{stderr}"
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(b.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["previous_edition"]["revised"], expected.len());
    assert!(manifest["outputs"].to_string().contains("revisions.csv"));
    // Each row says why: 2024's data are the same in both runs, so its reason is the pooling.
    let revisions = fs::read_to_string(b.join("revisions.csv")).unwrap();
    assert!(revisions.lines().next().unwrap().ends_with(",reason"));
    assert!(
        revisions
            .lines()
            .skip(1)
            .all(|l| l.contains("bounds pooled over the new year(s) 2025")
                && !l.contains("the data of 2024 changed")),
        "{revisions}"
    );
    // `cwi diff --previous-edition` lists the same revisions, and fails on them when asked.
    let o = cwi(&[
        "diff",
        "--spec",
        spec.to_str().unwrap(),
        "--data",
        first.to_str().unwrap(),
        second.to_str().unwrap(),
        "--previous-edition",
        a.to_str().unwrap(),
        "--format",
        "csv",
        "--fail-on-revision",
    ]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&o.stdout), revisions);
    assert!(String::from_utf8_lossy(&o.stderr).contains(&format!(
        "error: {} published value(s) revised in 2024",
        expected.len()
    )));

    // The report says the same in its revisions section.
    let report = dir.join("report");
    let mut args = vec!["report", "--spec", spec.to_str().unwrap(), "--out"];
    args.push(report.to_str().unwrap());
    args.extend(["--lang", "en", "--formats", "html", "--previous-edition"]);
    args.push(a.to_str().unwrap());
    args.extend(["--data", first.to_str().unwrap(), second.to_str().unwrap()]);
    let o = cwi(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let html = fs::read_to_string(report.join("report.html")).unwrap();
    assert!(html.contains("<h2>Revisions of the previous edition</h2>"));
    assert!(html.contains(&format!(
        "{} published value(s) revised in 2024",
        expected.len()
    )));
    assert_eq!(
        html.matches("<tr><td class=\"n\">2024</td>").count(),
        expected.len().min(30)
    );
    // In Russian, the summary and the reasons are in Russian.
    let ru = dir.join("report-ru");
    let mut args = vec!["report", "--spec", spec.to_str().unwrap(), "--out"];
    args.push(ru.to_str().unwrap());
    args.extend(["--lang", "ru", "--formats", "html", "--previous-edition"]);
    args.push(a.to_str().unwrap());
    args.extend(["--data", first.to_str().unwrap(), second.to_str().unwrap()]);
    let o = cwi(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let html = fs::read_to_string(ru.join("report.html")).unwrap();
    assert!(
        html.contains(&format!(
            "пересмотрено опубликованных значений за 2024: {}",
            expected.len()
        )) && html.contains("границы нормализации взяты по всем годам, включая новые (2025)"),
        "the Russian revisions section"
    );

    // Not a cwi output: refused, and nothing written.
    let empty = dir.join("empty");
    fs::create_dir_all(&empty).unwrap();
    let c = dir.join("edition-none");
    let o = run(
        &c,
        &[&first],
        &["--previous-edition", empty.to_str().unwrap()],
    );
    assert!(!o.status.success());
    assert!(
        String::from_utf8_lossy(&o.stderr)
            .contains("not a cwi output directory (no manifest.json)"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(!c.exists());
}

/// The tiny fixture's spec with its bounds pooled over all years and an arithmetic index (its
/// geometric one refuses the zeros min-max gives), written into `dir`.
fn pooled_tiny(dir: &std::path::Path) -> std::path::PathBuf {
    let spec = dir.join("tiny.toml");
    fs::write(
        &spec,
        fs::read_to_string(crate::common::root().join("tests/fixtures/tiny.toml"))
            .unwrap()
            .replace("pooling = \"each-year\"", "pooling = \"all-years\"")
            .replace(
                "aggregation = { method = \"geometric\" }",
                "aggregation = { method = \"arithmetic\" }",
            ),
    )
    .unwrap();
    spec
}

/// The tiny fixture's 2024 data, and a 2025 in which vaccination reaches 95 in R1 and reading
/// 7 in R2, beyond 2024's maxima: the two files.
fn two_years(dir: &std::path::Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let tiny = fs::read_to_string(crate::common::root().join("tests/fixtures/tiny.csv")).unwrap();
    let first = dir.join("2024.csv");
    fs::write(&first, &tiny).unwrap();
    let later: String = tiny
        .lines()
        .skip(1)
        .map(|l| {
            l.replace(",2024,", ",2025,")
                .replace("R1,2025,vaccination,90", "R1,2025,vaccination,95")
                .replace("R2,2025,reading,3", "R2,2025,reading,7")
                + "\n"
        })
        .collect();
    let second = dir.join("2025.csv");
    fs::write(&second, format!("region,year,indicator,value\n{later}")).unwrap();
    (first, second)
}

/// A spec that keeps the bounds of a published edition (`bounds_edition`) revises none of its
/// values when a year is added under all-years pooling, and scores the new year on the
/// edition's bounds: R1's 2025 vaccination of 95 on 2024's [70, 90] is (95 - 70) / 20 * 100 =
/// 125, and R2's reading of 7 on [3, 5] is 200. The manifest records the edition it kept.
#[test]
fn bounds_frozen_at_an_edition_revise_nothing() {
    let dir = scratch("edition-frozen");
    let root = crate::common::root();
    let tiny = fs::read_to_string(root.join("tests/fixtures/tiny.toml"))
        .unwrap()
        .replace("pooling = \"each-year\"", "pooling = \"all-years\"");
    let (spec, frozen) = (dir.join("tiny.toml"), dir.join("frozen.toml"));
    fs::write(&spec, &tiny).unwrap();
    let keep = |edition: &str| {
        tiny.replace(
            "pooling = \"all-years\"",
            &format!("pooling = \"all-years\"\nbounds_edition = \"{edition}\""),
        )
    };
    fs::write(&frozen, keep("edition-2024")).unwrap();
    let data = fs::read_to_string(root.join("tests/fixtures/tiny.csv")).unwrap();
    let (first, second) = two_years(&dir);
    let run = |spec: &std::path::Path, out: &str, data: &[&std::path::Path], extra: &[&str]| {
        let out = dir.join(out);
        let mut args = vec!["compute", "--spec", spec.to_str().unwrap(), "--out"];
        args.push(out.to_str().unwrap());
        args.extend_from_slice(extra);
        args.push("--data");
        args.extend(data.iter().map(|p| p.to_str().unwrap()));
        let o = cwi(&args);
        (out, o)
    };
    let ok = |(out, o): (std::path::PathBuf, std::process::Output)| {
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        (out, String::from_utf8_lossy(&o.stderr).into_owned())
    };
    let (a, _) = ok(run(&spec, "edition-2024", &[&first], &[]));
    let previous = ["--previous-edition", a.to_str().unwrap()];
    let (b, stderr) = ok(run(&frozen, "edition-2025", &[&first, &second], &previous));
    assert!(stderr.contains("no published value revised"), "{stderr}");
    assert!(
        !stderr.contains("W122"),
        "every indicator keeps its bounds: {stderr}"
    );
    assert_eq!(
        fs::read_to_string(b.join("revisions.csv"))
            .unwrap()
            .lines()
            .count(),
        1,
        "the header only"
    );
    let scores = fs::read_to_string(b.join("scores.csv")).unwrap();
    let score = |year: &str, region: &str, node: &str| -> f64 {
        scores
            .lines()
            .map(|l| l.split(',').collect::<Vec<_>>())
            .find(|f| f[0] == year && f[1] == region && f[3] == node)
            .unwrap()[7]
            .parse()
            .unwrap()
    };
    assert!((score("2025", "R1", "vaccination") - 125.0).abs() < 1e-9);
    assert!((score("2025", "R2", "reading") - 200.0).abs() < 1e-9);
    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(b.join("manifest.json")).unwrap()).unwrap();
    assert!(
        manifest["bounds_edition"]["path"]
            .as_str()
            .unwrap()
            .ends_with("edition-2024/manifest.json")
    );
    // An indicator whose method changed to ranks keeps nothing, and the run says so (W122)
    // at its id in the spec.
    let ranked = dir.join("ranked.toml");
    fs::write(
        &ranked,
        keep("edition-2024").replace(
            "id = \"reading\"\n",
            "id = \"reading\"\nnormalisation = { method = \"rank\" }\n",
        ),
    )
    .unwrap();
    let (_, stderr) = ok(run(&ranked, "ranked", &[&first, &second], &[]));
    assert!(
        stderr.contains("W122")
            && stderr.contains("bounds_edition keeps no bounds for \"reading\""),
        "{stderr}"
    );
    assert_eq!(stderr.matches("W122").count(), 1, "{stderr}");
    // Without the frozen bounds the same run revises 2024 (the pooled bounds move).
    let (_, stderr) = ok(run(&spec, "pooled", &[&first, &second], &previous));
    assert!(stderr.contains("revised in 2024"), "{stderr}");
    // A corrected 2024 value revises 2024 for that reason, besides the spec (the key added):
    // on the kept bounds [70, 90], R3's vaccination 70 -> 72 scores 10 instead of 0, and only
    // R3's vaccination, health and index move; no row gives the pooling as a reason.
    let corrected = dir.join("2024-corrected.csv");
    fs::write(
        &corrected,
        data.replace("R3,2024,vaccination,70", "R3,2024,vaccination,72"),
    )
    .unwrap();
    let (c, _) = ok(run(&frozen, "corrected", &[&corrected, &second], &previous));
    let revisions = fs::read_to_string(c.join("revisions.csv")).unwrap();
    let mut rows: Vec<&str> = revisions.lines().skip(1).collect();
    rows.sort();
    assert_eq!(rows.len(), 3, "{revisions}");
    assert!(
        rows[2].starts_with("2024,R3,vaccination,0,10,10,"),
        "{revisions}"
    );
    assert!(
        rows.iter().all(|l| l.starts_with("2024,R3,")
            && l.contains(",\"the data of 2024 changed; the spec changed")
            && !l.contains("pooled")),
        "{revisions}"
    );
    // An edition that is not there is refused at the spec's key, and nothing is written.
    fs::write(&frozen, keep("no-such-edition")).unwrap();
    let (none, o) = run(&frozen, "none", &[&first], &[]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success());
    assert!(
        err.contains("frozen.toml:26:") && err.contains("bounds_edition: cannot read"),
        "{err}"
    );
    assert!(!none.exists());
}

/// Rank changes compare the same regions: with R1 absent in 2024, its first place in 2025
/// does not push R2 and R3 down. Every 2025 rank_change of scores.csv equals the change of
/// rank among the regions ranked in both years, worked out here from the scores, and the
/// report says on how many regions its rank moves are computed.
#[test]
fn rank_changes_compare_the_regions_ranked_in_both_years() {
    let dir = scratch("edition-common-ranks");
    let root = crate::common::root();
    let spec = pooled_tiny(&dir);
    let tiny = fs::read_to_string(root.join("tests/fixtures/tiny.csv")).unwrap();
    let mut data = String::from("region,year,indicator,value\n");
    for line in tiny.lines().skip(1) {
        // 2024 without R1 (R1 and its alias Northern Region); 2025 with every region, R1
        // ahead on everything.
        if !line.starts_with("R1,") && !line.starts_with("Northern Region,") {
            data.push_str(line);
            data.push('\n');
        }
        let later = line
            .replace(",2024,", ",2025,")
            .replace("R1,2025,vaccination,90", "R1,2025,vaccination,99")
            .replace(
                "Northern Region,2025,mortality,10",
                "Northern Region,2025,mortality,1",
            )
            .replace("R1,2025,enrolment,60", "R1,2025,enrolment,95")
            .replace("R1,2025,reading,5", "R1,2025,reading,6");
        data.push_str(&later);
        data.push('\n');
    }
    let file = dir.join("data.csv");
    fs::write(&file, data).unwrap();
    let out = dir.join("out");
    let o = cwi(&[
        "report",
        "--spec",
        spec.to_str().unwrap(),
        "--year",
        "2025",
        "--lang",
        "en",
        "--format",
        "html",
        "--formats",
        "csv",
        "--out",
        out.to_str().unwrap(),
        "--data",
        file.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let csv = fs::read_to_string(out.join("scores.csv")).unwrap();
    let rows: Vec<Vec<&str>> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    let index: HashMap<(&str, &str), f64> = rows
        .iter()
        .filter(|f| f[3] == "tiny" && !f[7].is_empty())
        .map(|f| ((f[0], f[1]), f[7].parse().unwrap()))
        .collect();
    assert!(!index.contains_key(&("2024", "R1")) && index.contains_key(&("2025", "R1")));
    let common: Vec<&str> = ["R1", "R2", "R3"]
        .into_iter()
        .filter(|r| index.contains_key(&("2024", r)) && index.contains_key(&("2025", r)))
        .collect();
    assert_eq!(common, ["R2", "R3"]);
    let rank = |year: &str, region: &str| {
        1 + common
            .iter()
            .filter(|r| index[&(year, **r)] > index[&(year, region)])
            .count() as i64
    };
    let mut checked = 0;
    for f in rows.iter().filter(|f| f[0] == "2025" && f[3] == "tiny") {
        let expected = if f[1] == "R1" {
            String::new()
        } else {
            (rank("2024", f[1]) - rank("2025", f[1])).to_string()
        };
        assert_eq!(f[11], expected, "{f:?}");
        checked += 1;
    }
    assert_eq!(checked, 3);
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("rank changes among the 2 regions ranked in both years"));
}
