//! `cwi audit` and `cwi explain` against numbers computed here from the inputs and outputs.

use std::collections::HashMap;
use std::fs;

use crate::common::{cwi, root, scratch};

const KZ: [&str; 5] = [
    "--spec",
    "indicators/kz-cwi.toml",
    "--data",
    "data-samples/kz/statistics.csv",
    "data-samples/kz/surveys.csv",
];

fn run(args: &[&str]) -> String {
    let o = cwi(args);
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

/// Aktobe has no missing value and the Kazakhstan spec is arithmetic throughout, so each
/// indicator's contribution is its effective weight (from the manifest) times its score (from
/// scores.csv), and they add up to the index score; the changes add up to the score's change.
#[test]
fn contributions_sum_to_the_score_and_its_change() {
    let out = scratch("analysis-explain");
    let mut args = vec!["compute", "--out", out.to_str().unwrap()];
    args.extend_from_slice(&KZ);
    run(&args);
    let manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    let weights: HashMap<String, f64> = manifest["framework"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["id"].as_str().unwrap().to_string(),
                n["effective_weight"].as_f64().unwrap(),
            )
        })
        .collect();
    let scores: HashMap<(String, String), f64> = fs::read_to_string(out.join("scores.csv"))
        .unwrap()
        .lines()
        .skip(1)
        .filter(|l| l.contains(",KZ-15,"))
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            ((f[0].to_string(), f[3].to_string()), f[7].parse().unwrap())
        })
        .collect();

    let mut args = vec![
        "explain", "--region", "Aktobe", "--year", "2024", "--since", "2023", "--format", "json",
    ];
    args.extend_from_slice(&KZ);
    let e: serde_json::Value = serde_json::from_str(&run(&args)).unwrap();
    let lines = e["lines"].as_array().unwrap();
    let indicators: Vec<&serde_json::Value> =
        lines.iter().filter(|l| l["kind"] == "indicator").collect();
    assert_eq!(indicators.len(), 36);
    let (mut sum, mut change) = (0.0, 0.0);
    for l in &indicators {
        let id = l["node"].as_str().unwrap();
        let expected = weights[id] * scores[&("2024".to_string(), id.to_string())];
        let c = l["contribution"].as_f64().unwrap();
        assert!((c - expected).abs() < 1e-9, "{id}: {c} against {expected}");
        sum += c;
        change += l["change"].as_f64().unwrap();
    }
    let score = scores[&("2024".to_string(), "kz-cwi".to_string())];
    let before = scores[&("2023".to_string(), "kz-cwi".to_string())];
    assert!((sum - score).abs() < 1e-9, "{sum} against {score}");
    assert!(
        (change - (score - before)).abs() < 1e-9,
        "{change} against {}",
        score - before
    );
    assert_eq!(e["strongest"].as_array().unwrap().len(), 3);
}

/// tiny.toml's index is a geometric mean: R1 = sqrt(100 * 50) = 70.71068. The log
/// decomposition gives health 70.71068 * ln 100 / (ln 100 + ln 50) = 38.23263, education the
/// rest, 32.47805; within health (arithmetic, weights 1 and 3, scores 100 and 100) vaccination
/// gets a quarter, 9.55816, and mortality 28.67447.
#[test]
fn a_geometric_index_is_decomposed_on_logs() {
    let tiny = [
        "--spec",
        "tests/fixtures/tiny.toml",
        "--data",
        "tests/fixtures/tiny.csv",
        "--year",
        "2024",
    ];
    let mut args = vec!["explain", "--region", "North", "--format", "json"];
    args.extend_from_slice(&tiny);
    let e: serde_json::Value = serde_json::from_str(&run(&args)).unwrap();
    let c = |id: &str| {
        e["lines"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["node"] == id)
            .unwrap()["contribution"]
            .as_f64()
            .unwrap()
    };
    let total = 5000f64.sqrt();
    let health = total * 100f64.ln() / (100f64.ln() + 50f64.ln());
    assert!((health - 38.23263).abs() < 1e-5);
    assert!((c("health") - health).abs() < 1e-9);
    assert!((c("education") - (total - health)).abs() < 1e-9);
    assert!((c("vaccination") - health / 4.0).abs() < 1e-9);
    assert!((c("mortality") - 3.0 * health / 4.0).abs() < 1e-9);
    let sum: f64 = ["vaccination", "mortality", "enrolment", "reading"]
        .iter()
        .map(|i| c(i))
        .sum();
    assert!((sum - total).abs() < 1e-9, "{sum}");
    // An unknown region is refused clearly.
    let mut args = vec!["explain", "--region", "Atlantis"];
    args.extend_from_slice(&tiny);
    let o = cwi(&args);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("no region \"Atlantis\"") && !err.contains("did you mean"),
        "{err}"
    );
    // A misspelt one gets the nearest code, name or alias (tiny's R1 is "North", alias
    // "Northern Region"; its Russian name "Север").
    for (typed, near) in [
        ("Nort", "North"),
        ("Northen Region", "Northern Region"),
        ("Севр", "Север"),
    ] {
        let mut args = vec!["explain", "--region", typed];
        args.extend_from_slice(&tiny);
        let o = cwi(&args);
        assert_eq!(o.status.code(), Some(1));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains(&format!("did you mean \"{near}\"?")),
            "{typed}: {err}"
        );
    }
}

/// The audit's statistics of infant mortality in 2024 against the 20 raw values read here
/// from the sample file.
#[test]
fn audit_statistics_match_the_raw_data() {
    let out = scratch("analysis-audit");
    let mut args = vec!["audit", "--out", out.to_str().unwrap()];
    args.extend_from_slice(&KZ);
    run(&args);
    let raw: Vec<f64> = fs::read_to_string(root().join("data-samples/kz/statistics.csv"))
        .unwrap()
        .lines()
        .filter(|l| l.contains(",2024,infant_mortality,"))
        .map(|l| l.rsplit(',').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(raw.len(), 20);
    let n = raw.len() as f64;
    let mean = raw.iter().sum::<f64>() / n;
    let sd = (raw.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    let stats = fs::read_to_string(out.join("audit/statistics.csv")).unwrap();
    let row: Vec<&str> = stats
        .lines()
        .find(|l| l.starts_with("infant_mortality,2024,"))
        .unwrap()
        .split(',')
        .collect();
    assert_eq!((row[2], row[3]), ("1", "20"));
    assert!((row[4].parse::<f64>().unwrap() - mean).abs() < 1e-9);
    assert!((row[5].parse::<f64>().unwrap() - sd).abs() < 1e-9);
    assert_eq!(
        row[6].parse::<f64>().unwrap(),
        raw.iter().copied().fold(f64::INFINITY, f64::min)
    );
    // Alpha and PCA for every group and year; the correlation chart is drawn.
    let groups = fs::read_to_string(out.join("audit/groups.csv")).unwrap();
    assert_eq!(
        groups.lines().count() - 1,
        8 * 3,
        "index, 4 directions, 3 components; 3 years"
    );
    assert!(out.join("charts/correlations-2024.svg").exists());
    assert!(out.join("charts/correlations-2024.png").exists());
    let json: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("audit/audit.json")).unwrap()).unwrap();
    assert_eq!(json["statistics"].as_array().unwrap().len(), 36 * 3);
}
