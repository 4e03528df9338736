//! `cwi uncertainty` and `cwi sensitivity`: nominal ranks reproduced without perturbation,
//! identical results for any number of threads, bad settings refused before any work.

use std::collections::HashMap;
use std::fs;
use std::process::Command;

use crate::common::{cwi, root, scratch};

const KZ: [&str; 5] = [
    "--spec",
    "indicators/kz-cwi.toml",
    "--data",
    "data-samples/kz/statistics.csv",
    "data-samples/kz/surveys.csv",
];
const HDI: [&str; 4] = [
    "--spec",
    "indicators/hdi.toml",
    "--data",
    "data-samples/hdi/hdi-components-2021-2022.csv",
];

pub fn ok(args: &[&str]) {
    let o = cwi(args);
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// With nothing perturbed every replication is the nominal index: median, 5th and 95th
/// percentile equal the rank in scores.csv, and no rank moves.
#[test]
fn zero_perturbation_reproduces_the_nominal_ranks() {
    let out = scratch("unc-zero");
    let o = out.to_str().unwrap();
    let mut args = vec!["compute", "--out", o];
    args.extend_from_slice(&HDI);
    ok(&args);
    let mut args = vec![
        "uncertainty",
        "--out",
        o,
        "--replications",
        "50",
        "--weights",
        "0",
        "--quiet",
    ];
    args.extend_from_slice(&HDI);
    ok(&args);
    // Every node's nominal rank, by (year, node, region): scores.csv's rank column, counted
    // from the end of the line (names may hold commas).
    let nominal: HashMap<(String, String, String), String> =
        fs::read_to_string(out.join("scores.csv"))
            .unwrap()
            .lines()
            .skip(1)
            .map(|l| {
                let f: Vec<&str> = l.split(',').collect();
                (
                    (
                        f[0].to_string(),
                        f[f.len() - 11].to_string(),
                        f[1].to_string(),
                    ),
                    f[f.len() - 6].to_string(),
                )
            })
            .collect();
    let ranks = fs::read_to_string(out.join("uncertainty/ranks.csv")).unwrap();
    // The index and its top level (health, education, income): 4 nodes x 28 region-years.
    assert_eq!(ranks.lines().count(), 1 + 4 * 28);
    for line in ranks.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let rank = &nominal[&(f[0].to_string(), f[1].to_string(), f[2].to_string())];
        assert_eq!(
            (f[3], f[4], f[5], f[6], f[7], f[8]),
            (
                rank.as_str(),
                rank.as_str(),
                rank.as_str(),
                rank.as_str(),
                "0",
                "50"
            ),
            "{line}"
        );
    }
}

#[test]
fn the_same_seed_gives_the_same_bytes_with_one_or_two_threads() {
    let mut outputs = Vec::new();
    for threads in ["1", "2"] {
        let out = scratch(&format!("unc-threads-{threads}"));
        let mut args = vec![
            "uncertainty",
            "--out",
            out.to_str().unwrap(),
            "--replications",
            "3000",
            "--quiet",
        ];
        args.extend_from_slice(&KZ);
        let o = Command::new(env!("CARGO_BIN_EXE_cwi"))
            .args(&args)
            .current_dir(root())
            .env("RAYON_NUM_THREADS", threads)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let mut args = vec![
            "sensitivity",
            "--out",
            out.to_str().unwrap(),
            "--samples",
            "200",
            "--quiet",
        ];
        args.extend_from_slice(&KZ);
        let o = Command::new(env!("CARGO_BIN_EXE_cwi"))
            .args(&args)
            .current_dir(root())
            .env("RAYON_NUM_THREADS", threads)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        outputs.push((
            fs::read(out.join("uncertainty/ranks.csv")).unwrap(),
            fs::read(out.join("uncertainty/uncertainty.json")).unwrap(),
            fs::read(out.join("sensitivity/indices.csv")).unwrap(),
        ));
    }
    assert!(
        outputs[0] == outputs[1],
        "results differ between 1 and 2 threads"
    );
    // The Kazakhstan spec varies weights, imputation, exclusion and sampling error: ranks move.
    let ranks = String::from_utf8(outputs[0].0.clone()).unwrap();
    let shifts: Vec<f64> = ranks
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(7).unwrap().parse().unwrap())
        .collect();
    // The index and its four directions, 20 regions x 3 years each.
    assert_eq!(shifts.len(), 5 * 60);
    assert!(shifts.iter().any(|&s| s > 0.5), "some rank moves");
    for line in ranks.lines().skip(1) {
        let f: Vec<f64> = line
            .split(',')
            .skip(4)
            .take(3)
            .map(|v| v.parse().unwrap())
            .collect();
        assert!(f[1] <= f[0] && f[0] <= f[2], "p05 <= median <= p95: {line}");
    }
    let json: serde_json::Value = serde_json::from_slice(&outputs[0].1).unwrap();
    assert_eq!(
        json["factors"],
        serde_json::json!(["weights", "imputation", "exclusion", "sampling"])
    );
    assert!(json["rng"].as_str().unwrap().starts_with("ChaCha8"));
    // Sensitivity: one row per factor for every region-year and for the overall shift.
    let indices = String::from_utf8(outputs[0].2.clone()).unwrap();
    assert_eq!(indices.lines().count() - 1, 4 * 61);
    let all: Vec<&str> = indices.lines().filter(|l| l.contains(",all,")).collect();
    assert_eq!(all.len(), 4);
    for line in all {
        let total: f64 = line.split(',').nth(6).unwrap().parse().unwrap();
        assert!((-0.1..=1.5).contains(&total), "{line}");
    }
    // An output that moves in under 1% of the runs has no indices, and says why; every other
    // has its indices, and its first-order sum is the sum of its rows' first-order indices.
    let mut sums: std::collections::HashMap<(String, String), (f64, Option<f64>)> =
        std::collections::HashMap::new();
    let (mut blank, mut estimated) = (0, 0);
    for line in indices.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let moved: f64 = f[9].parse().unwrap();
        if moved < 0.01 {
            blank += 1;
            assert!(
                f[3].is_empty() && f[6].is_empty() && f[10].is_empty(),
                "{line}"
            );
            assert!(
                f[11].starts_with("not estimated: the output moves in"),
                "{line}"
            );
        } else {
            estimated += 1;
            assert!(f[11].is_empty(), "{line}");
            let entry = sums
                .entry((f[0].to_string(), f[1].to_string()))
                .or_insert((0.0, f[10].parse().ok()));
            entry.0 += f[3].parse::<f64>().unwrap();
        }
    }
    assert!(estimated > 0, "some ranks move");
    for ((year, region), (sum, reported)) in sums {
        let reported = reported.unwrap();
        assert!(
            (sum - reported).abs() < 1e-9,
            "{year} {region}: {sum} against {reported}"
        );
    }
    eprintln!("{blank} rows not estimated, {estimated} estimated");
}

#[test]
fn bad_settings_are_refused_before_any_work() {
    let out = scratch("unc-bad");
    let o = out.to_str().unwrap();
    let run = |extra: &[&str]| {
        let mut args = vec!["uncertainty", "--out", o, "--quiet"];
        args.extend_from_slice(&KZ);
        args.extend_from_slice(extra);
        let r = cwi(&args);
        (
            r.status.code(),
            String::from_utf8_lossy(&r.stderr).into_owned(),
        )
    };
    let (code, err) = run(&["--replications", "0"]);
    assert_eq!(code, Some(1));
    assert!(err.contains("zero replications"), "{err}");
    let (code, err) = run(&["--weights", "1.5"]);
    assert_eq!(code, Some(1));
    assert!(err.contains("perturbation of 1.5"), "{err}");
    let (code, err) = run(&["--aggregations", "arithmetic,geometric"]);
    assert_eq!(code, Some(1));
    assert!(
        err.contains("the scores of the spec's normalisations reach 0 on the data"),
        "{err}"
    );
    let (code, err) = run(&["--aggregations", "median-of-means"]);
    assert_eq!(code, Some(1));
    assert!(
        err.contains("unknown aggregation method \"median-of-means\""),
        "{err}"
    );
    assert!(!out.join("uncertainty").exists());
    // An undefined alternative in the spec is a spec error at its line.
    let spec = out.join("spec.toml");
    let text = fs::read_to_string(root().join("indicators/kz-cwi.toml"))
        .unwrap()
        .replace("indicators/", "");
    fs::write(
        &spec,
        text.replace(
            "imputations = [\"none\", \"mean\", \"median\"]",
            "imputations = [\"none\", \"knn\"]",
        ),
    )
    .unwrap();
    fs::copy(
        root().join("indicators/kz-regions.csv"),
        out.join("kz-regions.csv"),
    )
    .unwrap();
    let r = cwi(&["validate", spec.to_str().unwrap()]);
    assert_eq!(r.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&r.stdout).contains("unknown imputation method \"knn\""));
    // A negative standard error in the data is refused with its place.
    let data = out.join("survey.csv");
    fs::write(&data, "region,year,indicator,value,se\nR1,2024,reading,5,-0.5\nR2,2024,reading,3,\nR3,2024,reading,4,0.2\n").unwrap();
    let r = cwi(&[
        "validate",
        "tests/fixtures/tiny.toml",
        "--format",
        "json",
        "--data",
        data.to_str().unwrap(),
    ]);
    let out_text = String::from_utf8_lossy(&r.stdout);
    let e116: serde_json::Value = out_text
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|p| p["code"] == "E116")
        .expect("E116");
    assert_eq!(
        (
            e116["row"].as_u64(),
            e116["line"].as_u64(),
            e116["field"].as_str()
        ),
        (Some(1), Some(2), Some("se"))
    );
}

/// A weighting alternative runs through the stages. tiny with equal weights (vaccination 1
/// instead of 1, mortality 1 instead of 3), by hand: min-max scores vaccination 100, 50, 0;
/// mortality (lower is better) 100, 0, 50; health = their mean: 100, 25, 25; education (min
/// share 0.5): 50, 50, 50 (R3 has reading only); index = geometric mean: 70.7, 35.4, 35.4, so
/// ranks 1, 2, 2. The spec's weights give health 100, 12.5, 37.5 and ranks 1, 3, 2.
#[test]
fn a_weighting_alternative_reweights_every_group() {
    let out = scratch("unc-weighting");
    ok(&[
        "uncertainty",
        "--spec",
        "tests/fixtures/tiny.toml",
        "--data",
        "tests/fixtures/tiny.csv",
        "--out",
        out.to_str().unwrap(),
        "--weightings",
        "equal",
        "--no-sampling",
        "--replications",
        "20",
        "--quiet",
    ]);
    let text = fs::read_to_string(out.join("uncertainty/ranks.csv")).unwrap();
    let row = |region: &str| -> (String, String) {
        let line = text
            .lines()
            .find(|l| l.split(',').nth(1) == Some("tiny") && l.split(',').nth(2) == Some(region))
            .unwrap();
        let f: Vec<&str> = line.split(',').collect();
        (f[3].to_string(), f[4].to_string())
    };
    assert_eq!(row("R1"), ("1".into(), "1".into()));
    assert_eq!(row("R2"), ("3".into(), "2".into()));
    assert_eq!(row("R3"), ("2".into(), "2".into()));
}

/// A replication the index cannot be computed with stops the analysis and says which one and
/// why: a log treatment alternative meets reading = 0.
#[test]
fn a_replication_that_cannot_be_computed_stops_the_analysis() {
    let out = scratch("unc-fails");
    let data = out.join("tiny.csv");
    fs::write(
        &data,
        fs::read_to_string(root().join("tests/fixtures/tiny.csv"))
            .unwrap()
            .replace("R2,2024,reading,3", "R2,2024,reading,0"),
    )
    .unwrap();
    let o = cwi(&[
        "uncertainty",
        "--spec",
        "tests/fixtures/tiny.toml",
        "--data",
        data.to_str().unwrap(),
        "--out",
        out.join("out").to_str().unwrap(),
        "--treatments",
        "none,log",
        "--replications",
        "20",
        "--quiet",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("replication") && stderr.contains("treatment log"),
        "{stderr}"
    );
    assert!(stderr.contains("natural log"), "{stderr}");
    assert!(!out.join("out").exists(), "nothing is written");
}

/// COINr's standard design runs: min-max onto [1, 100] or z-scores with mean 10 and sd 2, each
/// with arithmetic or geometric means; the positivity of the geometric mean is checked on the
/// scores the alternatives give on the data (all above 0 here), and every replication ranks
/// every region.
#[test]
fn coinr_standard_design_runs() {
    let out = scratch("unc-coinr");
    let spec = out.join("kz.toml");
    let text = fs::read_to_string(root().join("indicators/kz-cwi.toml"))
        .unwrap()
        .replace(
            "imputations = [\"none\", \"mean\", \"median\"]",
            "normalisations = [{ method = \"min-max\", range = [1, 100] }, { method = \"z-score\", mean = 10, sd = 2 }]\naggregations = [\"arithmetic\", \"geometric\"]",
        );
    fs::write(&spec, text).unwrap();
    fs::copy(
        root().join("indicators/kz-regions.csv"),
        out.join("kz-regions.csv"),
    )
    .unwrap();
    ok(&[
        "uncertainty",
        "--spec",
        spec.to_str().unwrap(),
        "--data",
        "data-samples/kz/statistics.csv",
        "data-samples/kz/surveys.csv",
        "--out",
        out.join("out").to_str().unwrap(),
        "--replications",
        "60",
        "--no-sampling",
        "--quiet",
    ]);
    let json: serde_json::Value = serde_json::from_str(
        &fs::read_to_string(out.join("out/uncertainty/uncertainty.json")).unwrap(),
    )
    .unwrap();
    let factors: Vec<&str> = json["factors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    assert!(factors.contains(&"normalisation") && factors.contains(&"aggregation"));
    for r in json["ranks"].as_array().unwrap() {
        assert_eq!(
            (r["ranked"].as_u64(), r["failed"].as_u64()),
            (Some(60), Some(0)),
            "{r}"
        );
    }
}

/// Command-line alternatives take parameters as the spec's method tables do; one that cannot
/// be read is refused before any work, with the spec's own message.
#[test]
fn command_line_alternatives_take_parameters() {
    let out = scratch("unc-cli-params");
    let run = |extra: &[&str]| {
        let mut args = vec![
            "uncertainty",
            "--spec",
            "indicators/kz-cwi.toml",
            "--data",
            "data-samples/kz/statistics.csv",
            "data-samples/kz/surveys.csv",
            "--out",
            out.to_str().unwrap(),
            "--replications",
            "20",
            "--no-sampling",
            "--quiet",
        ];
        args.extend_from_slice(extra);
        cwi(&args)
    };
    let o = run(&[
        "--normalisations",
        "min-max(range = [1, 100]), z-score(mean = 10, sd = 2)",
        "--aggregations",
        "arithmetic,geometric",
        "--imputations",
        "none",
        "carry(years = 2)",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let json: serde_json::Value = serde_json::from_str(
        &fs::read_to_string(out.join("uncertainty/uncertainty.json")).unwrap(),
    )
    .unwrap();
    let settings = &json["settings"];
    assert_eq!(
        settings["normalisations"][0]["range"],
        serde_json::json!([1.0, 100.0])
    );
    assert_eq!(
        (
            settings["normalisations"][1]["mean"].as_f64(),
            settings["normalisations"][1]["sd"].as_f64()
        ),
        (Some(10.0), Some(2.0))
    );
    assert_eq!(settings["imputations"][1]["years"], 2);
    for (bad, message) in [
        (
            "z-score(mean = 10, sd = -2)",
            "z-score sd must be a positive number",
        ),
        ("geometric(offset = 1", "without its )"),
        ("power", "the power mean needs its exponent p"),
    ] {
        let flag = if bad.starts_with("z-score") {
            "--normalisations"
        } else {
            "--aggregations"
        };
        let o = run(&[flag, bad]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{bad}: {err}");
        assert!(err.contains(message), "{bad}: {err}");
    }
}

/// Four shards merged give a single run's outputs byte for byte (the rank intervals as CSV,
/// Parquet and JSON, and the chart); a missing shard, one given
/// twice, or shards of other settings are refused, and nothing is written.
#[test]
fn shards_merge_into_a_single_run() {
    let out = scratch("unc-shards");
    let run = |extra: &[&str], dir: &str| {
        let dir = out.join(dir);
        let mut args = vec!["uncertainty", "--replications", "57", "--quiet"];
        args.extend_from_slice(&KZ);
        args.extend(["--out", dir.to_str().unwrap()]);
        args.extend_from_slice(extra);
        let o = cwi(&args);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    run(&["--formats", "csv,json,parquet"], "single");
    let mut shards = Vec::new();
    for k in 1..=4 {
        let shard = format!("{k}/4");
        run(&["--shard", &shard], &format!("s{k}"));
        shards.push(
            out.join(format!("s{k}/uncertainty/shard-{k}-of-4.json"))
                .to_str()
                .unwrap()
                .to_string(),
        );
    }
    let merge = |shards: &[&str], replications: &str, dir: &str| {
        let dir = out.join(dir);
        let mut args = vec!["merge", "--replications", replications, "--quiet"];
        args.extend(["--formats", "csv,json,parquet"]);
        args.extend_from_slice(&KZ);
        args.extend(["--out", dir.to_str().unwrap(), "--shards"]);
        args.extend_from_slice(shards);
        cwi(&args)
    };
    let all: Vec<&str> = shards.iter().map(String::as_str).collect();
    let o = merge(&all, "57", "merged");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for file in [
        "uncertainty/ranks.csv",
        "uncertainty/ranks.parquet",
        "uncertainty/uncertainty.json",
        "charts/rank-intervals-2024.svg",
    ] {
        assert_eq!(
            fs::read(out.join("single").join(file)).unwrap(),
            fs::read(out.join("merged").join(file)).unwrap(),
            "{file}"
        );
    }
    for (shards, replications, message) in [
        (vec![all[0], all[1], all[2]], "57", "shard(s) 4/4 missing"),
        (
            vec![all[0], all[1], all[1], all[2], all[3]],
            "57",
            "shard 2/4 is given twice",
        ),
        (all.clone(), "58", "--replications: 58 against 57"),
    ] {
        let o = merge(&shards, replications, "refused");
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{err}");
        assert!(err.contains(message), "{err}");
        assert!(!out.join("refused").exists());
    }
}

/// The sensitivity analysis in 3 shards merges into a single run's tables byte for byte.
#[test]
fn sensitivity_shards_merge_into_a_single_run() {
    let out = scratch("sens-shards");
    let run = |extra: &[&str], dir: &str| {
        let dir = out.join(dir);
        let mut args = vec!["sensitivity", "--samples", "16", "--quiet"];
        args.extend_from_slice(&KZ);
        args.extend(["--out", dir.to_str().unwrap()]);
        args.extend_from_slice(extra);
        let o = cwi(&args);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    run(&[], "single");
    let mut shards = Vec::new();
    for k in 1..=3 {
        run(&["--shard", &format!("{k}/3")], &format!("s{k}"));
        shards.push(format!(
            "{}/s{k}/sensitivity/shard-{k}-of-3.json",
            out.display()
        ));
    }
    let mut args = vec!["merge", "--samples", "16", "--quiet"];
    args.extend_from_slice(&KZ);
    let merged = out.join("merged");
    args.extend(["--out", merged.to_str().unwrap(), "--shards"]);
    args.extend(shards.iter().map(String::as_str));
    let o = cwi(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for file in ["sensitivity/indices.csv", "sensitivity/sensitivity.json"] {
        assert_eq!(
            fs::read(out.join("single").join(file)).unwrap(),
            fs::read(merged.join(file)).unwrap(),
            "{file}"
        );
    }
}

/// The analyses' tables in the formats asked for: with `--formats parquet` the rank
/// intervals are a typed Parquet table (and no CSV or JSON is written); with nothing
/// perturbed its ranks are the nominal ranks of scores.csv. The audit's tables as Parquet
/// hold the values of its CSV tables.
#[test]
fn analysis_tables_as_parquet_are_typed_and_hold_the_values() {
    use polars::prelude::*;
    let out = scratch("unc-parquet");
    let o = out.to_str().unwrap();
    let mut args = vec!["compute", "--out", o];
    args.extend_from_slice(&HDI);
    ok(&args);
    let mut args = vec![
        "uncertainty",
        "--out",
        o,
        "--replications",
        "20",
        "--weights",
        "0",
        "--quiet",
        "--formats",
        "parquet",
    ];
    args.extend_from_slice(&HDI);
    ok(&args);
    assert!(!out.join("uncertainty/ranks.csv").exists());
    assert!(!out.join("uncertainty/uncertainty.json").exists());
    let read = |path: &std::path::Path| {
        ParquetReader::new(fs::File::open(path).unwrap())
            .finish()
            .unwrap()
    };
    let ranks = read(&out.join("uncertainty/ranks.parquet"));
    assert_eq!(ranks.column("year").unwrap().dtype(), &DataType::Int64);
    // Codes dictionary-encoded (polars' Enum), as in scores.parquet.
    assert!(matches!(
        ranks.column("region_code").unwrap().dtype(),
        DataType::Enum(..)
    ));
    assert_eq!(
        ranks.column("median_rank").unwrap().dtype(),
        &DataType::Float64
    );
    let nominal: HashMap<(i64, String), f64> = fs::read_to_string(out.join("scores.csv"))
        .unwrap()
        .lines()
        .filter(|l| l.contains(",hdi,Human"))
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (
                (f[0].parse().unwrap(), f[1].to_string()),
                f[f.len() - 6].parse().unwrap(),
            )
        })
        .collect();
    // The index's rows; the table also holds its top level's.
    let node = ranks
        .column("node_id")
        .unwrap()
        .cast(&DataType::String)
        .unwrap();
    let node = node.str().unwrap();
    let mask: BooleanChunked = (0..node.len())
        .map(|k| Some(node.get(k) == Some("hdi")))
        .collect();
    let ranks = ranks.filter(&mask).unwrap();
    assert_eq!(ranks.height(), nominal.len());
    let (year, region) = (
        ranks.column("year").unwrap().i64().unwrap(),
        ranks
            .column("region_code")
            .unwrap()
            .cast(&DataType::String)
            .unwrap(),
    );
    let region = region.str().unwrap();
    let (median, p95) = (
        ranks.column("median_rank").unwrap().f64().unwrap(),
        ranks.column("p95_rank").unwrap().f64().unwrap(),
    );
    for k in 0..ranks.height() {
        let rank = nominal[&(year.get(k).unwrap(), region.get(k).unwrap().to_string())];
        assert_eq!(
            (median.get(k), p95.get(k)),
            (Some(rank), Some(rank)),
            "row {k}"
        );
    }

    let mut args = vec!["audit", "--out", o, "--formats", "csv,parquet"];
    args.extend_from_slice(&HDI);
    ok(&args);
    assert!(!out.join("audit/audit.json").exists());
    let stats = read(&out.join("audit/statistics.parquet"));
    let csv = fs::read_to_string(out.join("audit/statistics.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().skip(1).collect();
    assert_eq!(stats.height(), lines.len());
    let mean = stats.column("mean").unwrap().f64().unwrap();
    let indicator = stats.column("indicator").unwrap();
    assert!(matches!(indicator.dtype(), DataType::Enum(..)));
    let indicator = indicator.cast(&DataType::String).unwrap();
    let indicator = indicator.str().unwrap();
    let outlier = stats.column("outlier").unwrap().bool().unwrap();
    for (k, line) in lines.iter().enumerate() {
        let f: Vec<&str> = line.split(',').collect();
        assert_eq!(indicator.get(k), Some(f[0]), "row {k}");
        assert_eq!(mean.get(k), f[4].parse::<f64>().ok(), "row {k}");
        assert_eq!(outlier.get(k), Some(f[10] == "true"), "row {k}");
    }
}
