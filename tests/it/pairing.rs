//! `cwi validate` with several specs and data: each file checked against the specs it belongs
//! to, each data problem naming its spec, a file of no spec an error (E123); and the warnings
//! a node allows.

use std::fs;

use crate::common::{cwi, root, scratch};

/// The repository as shipped: every sample file pairs with its own spec (the Kazakh files with
/// the five Kazakh specs, each UNDP file with its index, the states with KIDS COUNT) and all
/// checks pass with --deny-warnings; the pairs are listed on standard error.
#[test]
fn every_sample_file_is_checked_against_its_own_specs() {
    let mut args = vec!["validate", "indicators/", "--deny-warnings", "--data"];
    let data = [
        "data-samples/kz/statistics.csv",
        "data-samples/kz/surveys.csv",
        "data-samples/hdi/hdi-components-2021-2022.csv",
        "data-samples/gdi/gdi-components-2021.csv",
        "data-samples/gii/gii-components-2021.csv",
        "data-samples/kids-count/states-2023-2024.csv",
    ];
    args.extend(data);
    let o = cwi(&args);
    let (out, err) = (
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr),
    );
    assert_eq!(o.status.code(), Some(0), "{out}\n{err}");
    assert!(out.contains("0 error(s), 0 warning(s)"), "{out}");
    let line = |file: &str| {
        err.lines()
            .find(|l| l.starts_with(&format!("note: {file}: checked against ")))
            .unwrap_or_else(|| panic!("no pairing of {file}: {err}"))
            .to_string()
    };
    // statistics.csv holds the indicators of every Kazakh spec; surveys.csv those of the
    // three that read surveys; KIDS COUNT shares indicator names with it, not its states.
    let stats = line("data-samples/kz/statistics.csv");
    for spec in [
        "kz-ampi",
        "kz-base-year",
        "kz-cwi",
        "kz-deprivation",
        "kz-thriving",
    ] {
        assert!(
            stats.contains(&format!("indicators/{spec}.toml")),
            "{stats}"
        );
    }
    assert!(
        !stats.contains("kids-count") && !stats.contains("hdi"),
        "{stats}"
    );
    let surveys = line("data-samples/kz/surveys.csv");
    assert!(
        surveys.ends_with("indicators/kz-ampi.toml, indicators/kz-base-year.toml, indicators/kz-cwi.toml (the specs whose indicators it holds)"),
        "{surveys}"
    );
    for (file, spec) in [
        ("data-samples/hdi/hdi-components-2021-2022.csv", "hdi"),
        ("data-samples/gdi/gdi-components-2021.csv", "gdi"),
        ("data-samples/gii/gii-components-2021.csv", "gii"),
        ("data-samples/kids-count/states-2023-2024.csv", "kids-count"),
    ] {
        assert!(
            line(file).ends_with(&format!(
                "checked against indicators/{spec}.toml (the specs whose indicators it holds)"
            )),
            "{file}"
        );
    }
    // The HDI's and the GDI's geometric means allow W020, and say so.
    for (spec, node) in [("hdi", "hdi"), ("gdi", "hdi_f"), ("gdi", "hdi_m")] {
        assert!(
            err.contains(&format!(
                "note: indicators/{spec}.toml: W020 allowed at \"{node}\" (the node's allow)"
            )),
            "{err}"
        );
    }
}

/// A data problem found against one of several specs names it (JSON `spec`, human `checked
/// against`), and a file that belongs to no spec given (a table of published scores) is E123.
#[test]
fn data_problems_name_their_spec_and_a_file_of_no_spec_is_an_error() {
    let dir = scratch("pairing");
    let stats = fs::read_to_string(root().join("data-samples/kz/statistics.csv")).unwrap();
    let bad = stats.replacen(
        "область Абай,2024,child_poverty,5.9",
        "область Абай,2024,child_poverty,five",
        1,
    );
    assert_ne!(bad, stats, "the sample has the row to spoil");
    let bad_path = dir.join("statistics.csv");
    fs::write(&bad_path, bad).unwrap();
    let bad_file = bad_path.to_str().unwrap();
    let o = cwi(&[
        "validate",
        "indicators/kz-cwi.toml",
        "indicators/hdi.toml",
        "--format",
        "json",
        "--data",
        bad_file,
        "data-samples/hdi/hdi-published-2021-2022.csv",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let five: Vec<&serde_json::Value> = lines.iter().filter(|d| d["code"] == "E103").collect();
    assert_eq!(five.len(), 1, "{lines:?}");
    assert_eq!(five[0]["spec"], "indicators/kz-cwi.toml");
    assert_eq!(five[0]["file"], bad_file);
    let orphan: Vec<&serde_json::Value> = lines.iter().filter(|d| d["code"] == "E123").collect();
    assert_eq!(orphan.len(), 1, "{lines:?}");
    assert_eq!(
        orphan[0]["file"],
        "data-samples/hdi/hdi-published-2021-2022.csv"
    );
    // With one spec, every file is its data, as before: no spec named.
    let o = cwi(&[
        "validate",
        "indicators/kz-cwi.toml",
        "--format",
        "json",
        "--data",
        bad_file,
    ]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("\"E103\"") && !text.contains("\"spec\""),
        "{text}"
    );
}

/// `allow` on a node takes the warnings cwi raises about one node; W020 allowed at the HDI's
/// index is not raised, the same spec without it raises three, and an error code (or a data
/// warning) in `allow` is refused at the list.
#[test]
fn a_node_allows_only_the_warnings_about_a_node() {
    let dir = scratch("allow");
    let hdi = fs::read_to_string(root().join("indicators/hdi.toml")).unwrap();
    let run = |name: &str, text: &str| {
        let path = dir.join(name);
        fs::write(&path, text).unwrap();
        cwi(&["validate", path.to_str().unwrap(), "--format", "json"])
    };
    let count = |o: &std::process::Output, code: &str| {
        String::from_utf8_lossy(&o.stdout)
            .matches(&format!("\"code\":\"{code}\""))
            .count()
    };
    let allowed = run("hdi.toml", &hdi);
    assert_eq!(allowed.status.code(), Some(0));
    assert_eq!(count(&allowed, "W020"), 0);
    let without = hdi.replacen("allow = [\"W020\"]\n", "", 1);
    assert_ne!(without, hdi);
    let o = run("without.toml", &without);
    assert_eq!(
        count(&o, "W020"),
        3,
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    for code in ["E011", "W110"] {
        let o = run(
            "wrong.toml",
            &hdi.replacen("allow = [\"W020\"]", &format!("allow = [\"{code}\"]"), 1),
        );
        assert_eq!(o.status.code(), Some(1));
        let text = String::from_utf8_lossy(&o.stdout);
        assert!(
            text.contains(&format!(
                "allow: \\\"{code}\\\" is not a warning about a node"
            )),
            "{text}"
        );
    }
}
