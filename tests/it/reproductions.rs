//! Shipped reproductions of published methods, checked against numbers computed here directly
//! from the data files and the spec's TOML (not through cwi's own code).

use std::collections::HashMap;
use std::fs;

use crate::common::{cwi, root, scratch};

/// Rows of a scores.csv: (year, region, node) -> (score, rank).
fn scores(dir: &std::path::Path) -> HashMap<(String, String, String), (f64, u32)> {
    fs::read_to_string(dir.join("scores.csv"))
        .unwrap()
        .lines()
        .skip(1)
        .filter_map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            Some((
                (f[0].into(), f[1].into(), f[3].into()),
                (f[7].parse().ok()?, f[8].parse().ok()?),
            ))
        })
        .collect()
}

fn compute(spec: &str, data: &[&str], name: &str) -> std::path::PathBuf {
    let out = scratch(name);
    let mut args = vec![
        "compute",
        "--spec",
        spec,
        "--out",
        out.to_str().unwrap(),
        "--lang",
        "en",
        "--data",
    ];
    args.extend_from_slice(data);
    let o = cwi(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    out
}

/// KIDS COUNT-style: z-scores across the six states of a year (sample sd), sign flipped because
/// every indicator measures a problem, summed within domains and then across domains.
#[test]
fn kids_count_style_sums_of_z_scores_rank_the_states() {
    let out = compute(
        "indicators/kids-count.toml",
        &["data-samples/kids-count/states-2023-2024.csv"],
        "repro-kids",
    );
    let got = scores(&out);
    let text =
        fs::read_to_string(root().join("data-samples/kids-count/states-2023-2024.csv")).unwrap();
    let mut lines = text.lines().filter(|l| !l.starts_with('#'));
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let domains = [
        ("economic", [2, 3]),
        ("health", [4, 5]),
        ("education", [6, 7]),
        ("family", [8, 9]),
    ];
    for year in ["2023", "2024"] {
        let year_rows: Vec<&Vec<&str>> = rows.iter().filter(|r| r[1] == year).collect();
        let z = |col: usize, state: &str| {
            let v: Vec<f64> = year_rows.iter().map(|r| r[col].parse().unwrap()).collect();
            let n = v.len() as f64;
            let mean = v.iter().sum::<f64>() / n;
            let sd = (v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
            let x: f64 = year_rows.iter().find(|r| r[0] == state).unwrap()[col]
                .parse()
                .unwrap();
            -(x - mean) / sd
        };
        let mut overall: Vec<(String, f64)> = Vec::new();
        for r in &year_rows {
            let state = r[0];
            let mut total = 0.0;
            for (domain, cols) in domains {
                let sum: f64 = cols.iter().map(|&c| z(c, state)).sum();
                let (score, _) = got[&(year.to_string(), state.to_string(), domain.to_string())];
                assert!(
                    (score - sum).abs() < 1e-9,
                    "{year} {state} {domain}: {score} against {sum} ({})",
                    header[cols[0]]
                );
                total += sum;
            }
            let (score, _) = got[&(
                year.to_string(),
                state.to_string(),
                "kids-count".to_string(),
            )];
            assert!(
                (score - total).abs() < 1e-9,
                "{year} {state}: {score} against {total}"
            );
            overall.push((state.to_string(), total));
        }
        overall.sort_by(|a, b| b.1.total_cmp(&a.1));
        for (k, (state, _)) in overall.iter().enumerate() {
            assert_eq!(
                got[&(year.to_string(), state.clone(), "kids-count".to_string())].1,
                k as u32 + 1
            );
        }
    }
}

/// The base-year index on the Kazakhstan sample: for Aktobe (no gaps), 2024, every indicator's
/// 100 x_2024 / x_2022 (inverted when lower is better), averaged within components and
/// directions and then over the four directions, read from the spec's TOML here.
#[test]
fn base_year_index_averages_indices_to_2022() {
    let out = compute(
        "indicators/kz-base-year.toml",
        &[
            "data-samples/kz/statistics.csv",
            "data-samples/kz/surveys.csv",
        ],
        "repro-base",
    );
    let got = scores(&out);
    let spec: toml::Table = fs::read_to_string(root().join("indicators/kz-base-year.toml"))
        .unwrap()
        .parse()
        .unwrap();
    let parent_of = |list: &str| -> Vec<(String, String, Option<String>)> {
        spec[list]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| {
                (
                    t["id"].as_str().unwrap().to_string(),
                    t["parent"].as_str().unwrap().to_string(),
                    t.get("direction").map(|d| d.as_str().unwrap().to_string()),
                )
            })
            .collect()
    };
    // Raw values of Aktobe: long statistics (Russian name) and wide surveys (code).
    let mut raw: HashMap<(String, String), f64> = HashMap::new();
    for line in fs::read_to_string(root().join("data-samples/kz/statistics.csv"))
        .unwrap()
        .lines()
    {
        let f: Vec<&str> = line.split(',').collect();
        if f[0] == "Актюбинская область" {
            raw.insert((f[1].into(), f[2].into()), f[3].parse().unwrap());
        }
    }
    let surveys = fs::read_to_string(root().join("data-samples/kz/surveys.csv")).unwrap();
    let mut lines = surveys.lines().filter(|l| !l.starts_with('#'));
    let header: Vec<String> = lines
        .next()
        .unwrap()
        .split(',')
        .map(str::to_string)
        .collect();
    for line in lines.filter(|l| l.starts_with("KZ-15,")) {
        let f: Vec<&str> = line.split(',').collect();
        for (c, name) in header
            .iter()
            .enumerate()
            .skip(2)
            .filter(|(_, h)| !h.ends_with("_n"))
        {
            raw.insert((f[1].into(), name.clone()), f[c].parse().unwrap());
        }
    }
    let mut value: HashMap<String, f64> = HashMap::new();
    for (id, _, direction) in parent_of("indicator") {
        let (now, base) = (
            raw[&("2024".into(), id.clone())],
            raw[&("2022".into(), id.clone())],
        );
        let v = if direction.as_deref() == Some("lower") {
            100.0 * base / now
        } else {
            100.0 * now / base
        };
        let (score, _) = got[&("2024".to_string(), "KZ-15".to_string(), id.clone())];
        assert!((score - v).abs() < 1e-9, "{id}: {score} against {v}");
        value.insert(id, v);
    }
    // Groups deepest first: components, then directions, then the index.
    let groups = parent_of("group");
    let mean_of = |parent: &str, value: &HashMap<String, f64>| {
        let children: Vec<f64> = parent_of("indicator")
            .into_iter()
            .chain(groups.clone())
            .filter(|(_, p, _)| p == parent)
            .map(|(id, _, _)| value[&id])
            .collect();
        children.iter().sum::<f64>() / children.len() as f64
    };
    for (id, _, _) in groups.iter().filter(|(_, p, _)| p != "kz-change") {
        let m = mean_of(id, &value);
        value.insert(id.clone(), m);
    }
    for (id, _, _) in groups.iter().filter(|(_, p, _)| p == "kz-change") {
        let m = mean_of(id, &value);
        value.insert(id.clone(), m);
    }
    let index = mean_of("kz-change", &value);
    let (score, _) = got[&(
        "2024".to_string(),
        "KZ-15".to_string(),
        "kz-change".to_string(),
    )];
    assert!((score - index).abs() < 1e-9, "{score} against {index}");
    // 2022 is the base: every region's index is 100 exactly.
    let (base, _) = got[&(
        "2022".to_string(),
        "KZ-15".to_string(),
        "kz-change".to_string(),
    )];
    assert!((base - 100.0).abs() < 1e-12);
}

/// The AMPI variant: for Aktobe (no gaps) in 2024, every indicator rescaled as
/// 70 + 60 (x - (ref - delta)) / (2 delta) (130 - ... when lower is better) with the spec's
/// reference and delta, then Mazziotta-Pareto means M - S^2 / M (S the population standard
/// deviation) up the tree, all read here from the data files and the spec's TOML.
#[test]
fn ampi_rescaling_and_mazziotta_pareto_means() {
    let out = compute(
        "indicators/kz-ampi.toml",
        &[
            "data-samples/kz/statistics.csv",
            "data-samples/kz/surveys.csv",
        ],
        "repro-ampi",
    );
    let got = scores(&out);
    let spec: toml::Table = fs::read_to_string(root().join("indicators/kz-ampi.toml"))
        .unwrap()
        .parse()
        .unwrap();
    let mut raw: HashMap<String, f64> = HashMap::new();
    for line in fs::read_to_string(root().join("data-samples/kz/statistics.csv"))
        .unwrap()
        .lines()
    {
        let f: Vec<&str> = line.split(',').collect();
        if f[0] == "Актюбинская область" && f[1] == "2024" {
            raw.insert(f[2].into(), f[3].parse().unwrap());
        }
    }
    let surveys = fs::read_to_string(root().join("data-samples/kz/surveys.csv")).unwrap();
    let mut lines = surveys.lines().filter(|l| !l.starts_with('#'));
    let header: Vec<String> = lines
        .next()
        .unwrap()
        .split(',')
        .map(str::to_string)
        .collect();
    let row: Vec<&str> = lines
        .find(|l| l.starts_with("KZ-15,2024,"))
        .unwrap()
        .split(',')
        .collect();
    for (c, name) in header
        .iter()
        .enumerate()
        .skip(2)
        .filter(|(_, h)| !h.ends_with("_n"))
    {
        raw.insert(name.clone(), row[c].parse().unwrap());
    }
    let mut value: HashMap<String, f64> = HashMap::new();
    let mut parent: Vec<(String, String)> = Vec::new();
    for t in spec["indicator"].as_array().unwrap() {
        let id = t["id"].as_str().unwrap().to_string();
        let n = t["normalisation"].as_table().unwrap();
        let (reference, delta) = (
            n["reference"].as_float().unwrap(),
            n["delta"].as_float().unwrap(),
        );
        let r = 60.0 * (raw[&id] - (reference - delta)) / (2.0 * delta);
        let v = if t["direction"].as_str() == Some("lower") {
            130.0 - r
        } else {
            70.0 + r
        };
        let (s, _) = got[&("2024".to_string(), "KZ-15".to_string(), id.clone())];
        assert!((s - v).abs() < 1e-9, "{id}: {s} against {v}");
        value.insert(id.clone(), v);
        parent.push((id, t["parent"].as_str().unwrap().to_string()));
    }
    let groups: Vec<(String, String)> = spec["group"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["id"].as_str().unwrap().to_string(),
                t["parent"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    parent.extend(groups.clone());
    let mpi = |node: &str, value: &HashMap<String, f64>| {
        let x: Vec<f64> = parent
            .iter()
            .filter(|(_, p)| p == node)
            .map(|(c, _)| value[c])
            .collect();
        let n = x.len() as f64;
        let m = x.iter().sum::<f64>() / n;
        let s2 = x.iter().map(|v| (v - m).powi(2)).sum::<f64>() / n;
        m - s2 / m
    };
    for pass in [false, true] {
        for (id, p) in &groups {
            if (p == "kz-ampi") == pass {
                let v = mpi(id, &value);
                value.insert(id.clone(), v);
            }
        }
    }
    let index = mpi("kz-ampi", &value);
    let (s, _) = got[&(
        "2024".to_string(),
        "KZ-15".to_string(),
        "kz-ampi".to_string(),
    )];
    assert!((s - index).abs() < 1e-9, "{s} against {index}");
}

/// Boundary changes (Kazakhstan, 8 June 2022): with 2021 on the 17 old regions, today's
/// boundaries give Abai the values of the old East Kazakhstan in 2021; the old boundaries give
/// East Kazakhstan, from 2022, the child-population-weighted mean of itself and Abai
/// (0.55 and 0.45 in the spec), and leave Abai, Jetisu and Ulytau out.
#[test]
fn series_on_todays_or_the_old_regions() {
    let data = [
        "data-samples/kz/statistics.csv",
        "data-samples/kz/surveys.csv",
        "data-samples/kz/before-2022.csv",
    ];
    let current = scores(&compute("indicators/kz-cwi.toml", &data, "repro-current"));
    let count = |s: &HashMap<(String, String, String), (f64, u32)>, year: &str| {
        s.keys().filter(|k| k.0 == year && k.2 == "kz-cwi").count()
    };
    assert_eq!((count(&current, "2021"), count(&current, "2024")), (20, 20));
    let im = |region: &str| {
        current[&(
            "2021".to_string(),
            region.to_string(),
            "infant_mortality".to_string(),
        )]
            .0
    };
    assert_eq!(im("KZ-10"), im("KZ-63"));

    let out = scratch("repro-historical");
    let mut args = vec![
        "explain",
        "--spec",
        "indicators/kz-cwi.toml",
        "--region",
        "KZ-63",
        "--year",
        "2022",
        "--boundaries",
        "historical",
        "--format",
        "json",
        "--data",
    ];
    args.extend_from_slice(&data);
    let o = cwi(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let e: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let raw = e["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["node"] == "infant_mortality")
        .unwrap()["raw"]
        .as_f64()
        .unwrap();
    let value = |name: &str| -> f64 {
        fs::read_to_string(root().join("data-samples/kz/statistics.csv"))
            .unwrap()
            .lines()
            .find(|l| l.starts_with(&format!("{name},2022,infant_mortality,")))
            .unwrap()
            .rsplit(',')
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    let expected = 0.55 * value("Восточно-Казахстанская область") + 0.45 * value("область Абай");
    assert!((raw - expected).abs() < 1e-9, "{raw} against {expected}");
    let o = cwi(&[
        "compute",
        "--spec",
        "indicators/kz-cwi.toml",
        "--boundaries",
        "historical",
        "--out",
        out.to_str().unwrap(),
        "--data",
        data[0],
        data[1],
        data[2],
    ]);
    assert!(o.status.success());
    let historical = scores(&out);
    assert_eq!(
        (count(&historical, "2021"), count(&historical, "2024")),
        (17, 17)
    );
    assert!(!historical.contains_key(&(
        "2024".to_string(),
        "KZ-10".to_string(),
        "kz-cwi".to_string()
    )));
    // Weights that do not sum to 1 are refused at their line.
    let spec = out.join("bad.toml");
    let text = fs::read_to_string(root().join("indicators/kz-cwi.toml"))
        .unwrap()
        .replace("weights = [0.55, 0.45]", "weights = [0.55, 0.4]");
    fs::write(&spec, &text).unwrap();
    fs::copy(
        root().join("indicators/kz-regions.csv"),
        out.join("kz-regions.csv"),
    )
    .unwrap();
    let o = cwi(&["validate", spec.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let report = String::from_utf8_lossy(&o.stdout);
    assert!(
        report.contains("must be 2 shares >= 0 summing to 1"),
        "{report}"
    );
    let line = text
        .lines()
        .position(|l| l == "weights = [0.55, 0.4]")
        .unwrap()
        + 1;
    assert!(report.contains(&format!("bad.toml:{line}:")), "{report}");
}
