//! End-to-end runs of the `cwi` binary: the shipped sample, byte-identical reruns, bad input
//! refused with its place named, and outputs that survive a failed run.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use crate::common::{cwi, root, scratch};

fn compute(spec: &Path, data: &[&Path], out: &Path) -> Output {
    let mut args = vec![
        "compute",
        "--spec",
        spec.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--data",
    ];
    args.extend(data.iter().map(|d| d.to_str().unwrap()));
    cwi(&args)
}

fn kz_sample(out: &Path) -> Output {
    let r = root();
    compute(
        &r.join("indicators/kz-cwi.toml"),
        &[
            &r.join("data-samples/kz/statistics.csv"),
            &r.join("data-samples/kz/surveys.csv"),
        ],
        out,
    )
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn kz_sample_gives_every_node_region_and_year_with_plausible_scores() {
    let out = scratch("cli-kz");
    let o = kz_sample(&out);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = fs::read_to_string(out.join("scores.csv")).unwrap();
    let mut rows = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(
        rows.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "year",
            "region_code",
            "region_name",
            "node_id",
            "node_name",
            "level",
            "kind",
            "score",
            "rank",
            "flag",
            "score_change",
            "rank_change",
            "score_change_base",
            "rank_change_base"
        ]
    );
    let rows: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    // 3 years x 20 regions x (1 index + 4 directions + 3 components + 36 indicators).
    assert_eq!(rows.len(), 3 * 20 * 44);
    for year in ["2022", "2023", "2024"] {
        let index: Vec<&csv::StringRecord> = rows
            .iter()
            .filter(|r| &r[0] == year && &r[3] == "kz-cwi")
            .collect();
        assert_eq!(index.len(), 20);
        let scores: Vec<f64> = index.iter().map(|r| r[7].parse().unwrap()).collect();
        assert!(
            scores.iter().all(|s| (0.0..=100.0).contains(s)),
            "{scores:?}"
        );
        let mean = scores.iter().sum::<f64>() / 20.0;
        // The sample is built to sit near the published national values (56.1 in 2023, 58.6 in 2024).
        assert!(
            (50.0..=65.0).contains(&mean),
            "{year}: national mean {mean}"
        );
        let mut ranks: Vec<u32> = index.iter().map(|r| r[8].parse().unwrap()).collect();
        ranks.sort();
        assert_eq!(
            ranks,
            (1..=20).collect::<Vec<_>>(),
            "{year}: ranks are a permutation"
        );
        // The best score has rank 1.
        let best = index
            .iter()
            .max_by(|a, b| {
                a[7].parse::<f64>()
                    .unwrap()
                    .total_cmp(&b[7].parse().unwrap())
            })
            .unwrap();
        assert_eq!(&best[8], "1");
        // Region names in Kazakh by default (the spec's first language).
        assert!(index.iter().any(|r| &r[2] == "Ақтөбе облысы"));
    }
    // Changes against the previous year: the difference of the two years' scores and ranks.
    let row = |year: &str, region: &str| {
        rows.iter()
            .find(|r| &r[0] == year && &r[1] == region && &r[3] == "kz-cwi")
            .unwrap()
            .clone()
    };
    let (now, before) = (row("2024", "KZ-15"), row("2023", "KZ-15"));
    let change: f64 = now[10].parse().unwrap();
    let expected = now[7].parse::<f64>().unwrap() - before[7].parse::<f64>().unwrap();
    assert!((change - expected).abs() < 1e-9);
    assert_eq!(
        now[11].parse::<i64>().unwrap(),
        before[8].parse::<i64>().unwrap() - now[8].parse::<i64>().unwrap()
    );
    assert_eq!(&row("2022", "KZ-15")[10], "", "no previous year in 2022");
    // The generator leaves adolescent_suicide empty for Ulytau in 2022 (".." in the file).
    let gap = rows
        .iter()
        .find(|r| &r[0] == "2022" && &r[1] == "KZ-62" && &r[3] == "adolescent_suicide")
        .unwrap();
    assert_eq!((&gap[7], &gap[8]), ("", ""));

    let manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    let data = manifest["data"].as_array().unwrap();
    assert_eq!(data.len(), 2);
    let stats = fs::read(root().join("data-samples/kz/statistics.csv")).unwrap();
    assert_eq!(data[0]["sha256"], cwi::digest::sha256_hex(&stats));
    assert_eq!(data[0]["layout"], "long");
    assert_eq!(data[1]["layout"], "wide");
    assert_eq!(manifest["pooling"]["pooling"], "all-years");
    let missing = manifest["missing_values"].as_array().unwrap();
    assert_eq!(missing.len(), 36 * 3);
    let suicide_2022 = missing
        .iter()
        .find(|m| m["indicator"] == "adolescent_suicide" && m["year"] == 2022)
        .unwrap();
    assert_eq!(
        (
            suicide_2022["missing"].as_u64(),
            suicide_2022["units"].as_u64()
        ),
        (Some(1), Some(20))
    );
    let total: u64 = missing.iter().map(|m| m["missing"].as_u64().unwrap()).sum();
    assert_eq!(total, 5, "the generator leaves 5 gaps");

    let json: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("scores.json")).unwrap()).unwrap();
    assert_eq!(json["scores"].as_array().unwrap().len(), rows.len());
    fs::remove_dir_all(&out).unwrap();
}

#[test]
fn same_inputs_give_identical_bytes() {
    let (a, b) = (scratch("cli-same-a"), scratch("cli-same-b"));
    assert!(kz_sample(&a).status.success());
    assert!(kz_sample(&b).status.success());
    for f in ["scores.csv", "scores.json", "manifest.json"] {
        assert_eq!(
            fs::read(a.join(f)).unwrap(),
            fs::read(b.join(f)).unwrap(),
            "{f}"
        );
    }
    fs::remove_dir_all(&a).unwrap();
    fs::remove_dir_all(&b).unwrap();
}

/// Runs the tiny fixture with one line of its spec replaced; returns the output, the spec path
/// and the 1-based line of the replacement.
fn broken_spec(name: &str, from: &str, to: &str) -> (Output, PathBuf, usize, PathBuf) {
    let dir = scratch(&format!("cli-{name}"));
    let text = fs::read_to_string(root().join("tests/fixtures/tiny.toml")).unwrap();
    let at = text
        .find(from)
        .unwrap_or_else(|| panic!("{from} not in the fixture"));
    let line = text[..at].matches('\n').count() + 1;
    let spec = dir.join("spec.toml");
    fs::write(&spec, text.replacen(from, to, 1)).unwrap();
    let out = dir.join("out");
    let o = compute(&spec, &[&root().join("tests/fixtures/tiny.csv")], &out);
    (o, spec, line, out)
}

#[test]
fn spec_errors_name_the_file_line_and_fix() {
    let cases = [
        (
            "method",
            "normalisation = { method = \"min-max\" }",
            "normalisation = { method = \"minmax\" }",
            "unknown normalisation method \"minmax\"",
        ),
        (
            "goalposts",
            "normalisation = { method = \"min-max\" }",
            "normalisation = { method = \"goalposts\", lo = 50, hi = 10 }",
            "goalposts lo (50) must be below hi (10)",
        ),
        (
            "negative",
            "weight = 3",
            "weight = -3",
            "weight of \"mortality\" must be a finite number >= 0, not -3",
        ),
        (
            "nan",
            "weight = 3",
            "weight = nan",
            "must be a finite number >= 0, not NaN",
        ),
        (
            "parent",
            "parent = \"education\"",
            "parent = \"educaton\"",
            "which is not defined",
        ),
    ];
    for (name, from, to, message) in cases {
        let (o, spec, line, out) = broken_spec(name, from, to);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{name}: {err}");
        let place = format!("{}:{line}:", spec.display());
        assert!(err.contains(&place), "{name}: expected {place} in\n{err}");
        assert!(
            err.contains(message),
            "{name}: expected {message:?} in\n{err}"
        );
        assert!(err.contains("hint:"), "{name}: no hint in\n{err}");
        assert!(!out.exists(), "{name}: an output was written");
    }
    // The misspelt parent gets a suggestion.
    let (o, ..) = broken_spec("suggest", "parent = \"education\"", "parent = \"educaton\"");
    assert!(
        stderr(&o).contains("did you mean \"education\""),
        "{}",
        stderr(&o)
    );
}

#[test]
fn an_empty_group_is_refused_at_its_line() {
    // Re-parent both education indicators: the education group is left empty.
    let dir = scratch("cli-empty");
    let text = fs::read_to_string(root().join("tests/fixtures/tiny.toml")).unwrap();
    let line = text
        .lines()
        .position(|l| l == "id = \"education\"")
        .unwrap()
        + 1;
    let spec = dir.join("spec.toml");
    fs::write(
        &spec,
        text.replace("parent = \"education\"", "parent = \"health\""),
    )
    .unwrap();
    let o = compute(
        &spec,
        &[&root().join("tests/fixtures/tiny.csv")],
        &dir.join("out"),
    );
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1));
    assert!(err.contains(&format!("spec.toml:{line}:")), "{err}");
    assert!(err.contains("group \"education\" is empty"), "{err}");
}

fn broken_data(name: &str, csv: &str) -> (Output, PathBuf, PathBuf) {
    let dir = scratch(&format!("cli-{name}"));
    let data = dir.join("data.csv");
    fs::write(&data, csv).unwrap();
    let out = dir.join("out");
    let o = compute(&root().join("tests/fixtures/tiny.toml"), &[&data], &out);
    (o, data, out)
}

#[test]
fn data_errors_name_the_row_line_and_column() {
    let tiny = fs::read_to_string(root().join("tests/fixtures/tiny.csv")).unwrap();
    // Row 5 of the data (line 6 of the file) gets a value that is not a number.
    let bad = tiny.replace("R2,2024,mortality,30", "R2,2024,mortality,30 per 1000");
    let (o, data, out) = broken_data("nonnumeric", &bad);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!("{}:6: row 5, column \"value\"", data.display())),
        "{err}"
    );
    assert!(err.contains("\"30 per 1000\" is not a number"), "{err}");
    assert!(!out.exists());

    // A comment line before the header moves the line, not the row.
    let duplicated = format!("# note\n{tiny}R1,2024,reading,6\n");
    let (o, data, _) = broken_data("duplicate", &duplicated);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!("{}:15: row 13", data.display())),
        "{err}"
    );
    assert!(
        err.contains("duplicated value for region R1, year 2024, indicator \"reading\""),
        "{err}"
    );
    assert!(
        err.contains("row 10"),
        "the first occurrence is named: {err}"
    );
}

#[test]
fn unknown_regions_and_indicators_are_reported_not_guessed() {
    let tiny = fs::read_to_string(root().join("tests/fixtures/tiny.csv")).unwrap();
    // An unknown indicator is a warning: its rows are skipped and reported.
    let extra = format!("{tiny}R1,2024,happiness,3\n");
    let (o, _, _) = broken_data("unknown-indicator", &extra);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains("indicator \"happiness\" is not in the spec"),
        "{err}"
    );
    // An unknown region is an error, with the nearest spelling: the report must not come out
    // with a region's data missing.
    let extra = format!("{tiny}Nortth,2024,reading,7\n");
    let (o, _, out) = broken_data("unknown-region", &extra);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("E109"), "{err}");
    assert!(err.contains("unknown region \"Nortth\""), "{err}");
    assert!(err.contains("did you mean North (R1)"), "{err}");
    assert!(!out.join("manifest.json").exists());
}

/// Rows of regions declared in [data] ignore_regions (a national total) are skipped and
/// reported with their count, in the warnings and the manifest; a spelling that is a unit of
/// the index cannot be ignored.
#[test]
fn declared_regions_are_skipped_and_reported() {
    let dir = scratch("cli-ignore");
    let tiny = fs::read_to_string(root().join("tests/fixtures/tiny.toml")).unwrap();
    let spec = dir.join("tiny.toml");
    fs::write(
        &spec,
        format!("{tiny}\n[data]\nignore_regions = [\"Республика Казахстан\"]\n"),
    )
    .unwrap();
    let data = dir.join("data.csv");
    fs::write(
        &data,
        fs::read_to_string(root().join("tests/fixtures/tiny.csv")).unwrap()
            + "Республика Казахстан,2024,reading,4\nРЕСПУБЛИКА  КАЗАХСТАН,2024,mortality,20\n",
    )
    .unwrap();
    let out = dir.join("out");
    let o = compute(&spec, &[&data], &out);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(err.contains("W117"), "{err}");
    assert!(err.contains("(2 row(s) skipped)"), "{err}");
    let manifest = fs::read_to_string(out.join("manifest.json")).unwrap();
    assert!(
        manifest.contains("is in [data] ignore_regions (2 row(s) skipped)"),
        "{manifest}"
    );
    fs::write(
        &spec,
        format!("{tiny}\n[data]\nignore_regions = [\"South\"]\n"),
    )
    .unwrap();
    let o = compute(&spec, &[&data], &out);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("ignore_regions lists \"South\", which is unit R2"),
        "{err}"
    );
}

#[test]
fn a_failed_run_leaves_earlier_outputs_untouched() {
    let dir = scratch("cli-keep");
    let out = dir.join("out");
    let tiny_spec = root().join("tests/fixtures/tiny.toml");
    let o = compute(&tiny_spec, &[&root().join("tests/fixtures/tiny.csv")], &out);
    assert!(o.status.success(), "{}", stderr(&o));
    let before = fs::read(out.join("scores.csv")).unwrap();
    let bad = dir.join("bad.csv");
    fs::write(&bad, "region,year,indicator,value\nR1,2024,reading,abc\n").unwrap();
    let o = compute(&tiny_spec, &[&bad], &out);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(fs::read(out.join("scores.csv")).unwrap(), before);
    let names: Vec<String> = fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n != ".cwi.lock")
        .collect();
    assert_eq!(names.len(), 3, "no temporary files left: {names:?}");
}

#[test]
fn parquet_and_wide_files_load_like_the_long_csv() {
    use polars::prelude::*;
    let dir = scratch("cli-parquet");
    // The tiny fixture in wide form, split over a Parquet file (health) and a CSV (education).
    let mut health = df!(
        "region" => ["R1", "R2", "R3"],
        "year" => [2024i64, 2024, 2024],
        "vaccination" => [90.0, 80.0, 70.0],
        "mortality" => [10.0, 30.0, 20.0],
    )
    .unwrap();
    let parquet = dir.join("health.parquet");
    ParquetWriter::new(fs::File::create(&parquet).unwrap())
        .finish(&mut health)
        .unwrap();
    let csv = dir.join("education.csv");
    fs::write(
        &csv,
        "region,year,enrolment,reading\nR1,2024,60,5\nR2,2024,100,3\nR3,2024,,4\n",
    )
    .unwrap();
    let spec = root().join("tests/fixtures/tiny.toml");
    let (wide, long) = (dir.join("wide"), dir.join("long"));
    assert!(compute(&spec, &[&parquet, &csv], &wide).status.success());
    assert!(
        compute(&spec, &[&root().join("tests/fixtures/tiny.csv")], &long)
            .status
            .success()
    );
    assert_eq!(
        fs::read(wide.join("scores.csv")).unwrap(),
        fs::read(long.join("scores.csv")).unwrap()
    );
}

#[test]
fn an_unknown_language_is_refused() {
    let dir = scratch("cli-lang");
    let o = cwi(&[
        "compute",
        "--spec",
        "tests/fixtures/tiny.toml",
        "--data",
        "tests/fixtures/tiny.csv",
        "--out",
        dir.join("out").to_str().unwrap(),
        "--lang",
        "kk",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("language \"kk\" has no labels"),
        "{}",
        stderr(&o)
    );
}

/// `cwi explain ... | head` : a reader that stops reading ends the command quietly, exit 0
/// (before, printing into the closed pipe panicked with exit 101).
#[test]
fn printing_into_a_closed_pipe_ends_quietly() {
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_cwi"))
        .args([
            "explain",
            "--spec",
            "indicators/kz-cwi.toml",
            "--region",
            "KZ-10",
            "--year",
            "2024",
            "--format",
            "json",
            "--data",
            "data-samples/kz/statistics.csv",
            "data-samples/kz/surveys.csv",
        ])
        .current_dir(root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Close the reading end before cwi has computed anything to write.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!stderr.contains("error"), "{stderr}");
}
