//! The shipped examples of published shapes on the Kazakhstan sample: a lower-is-better
//! deprivation index of summed percentile ranks, and a multiplicative index, each checked
//! against numbers computed here directly from the data file (not through cwi's code).

use std::collections::HashMap;
use std::fs;

use crate::common::{cwi, root, scratch};

/// The sample's statistics file: (region code, year, indicator) -> value, region names mapped
/// to codes by the units table's Russian names.
fn statistics() -> HashMap<(String, i32, String), f64> {
    let regions = fs::read_to_string(root().join("indicators/kz-regions.csv")).unwrap();
    let mut lines = regions.lines().filter(|l| !l.starts_with('#'));
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let ru = header.iter().position(|h| *h == "name_ru").unwrap();
    let code_of: HashMap<String, String> = lines
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[ru].to_string(), f[0].to_string())
        })
        .collect();
    fs::read_to_string(root().join("data-samples/kz/statistics.csv"))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#'))
        .skip(1)
        .filter_map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            // ".." and the like are missing values: the indicators here have none.
            let value = f[3].parse().ok()?;
            Some((
                (
                    code_of[f[0]].clone(),
                    f[1].parse().unwrap(),
                    f[2].to_string(),
                ),
                value,
            ))
        })
        .collect()
}

fn compute(spec: &str, name: &str) -> std::path::PathBuf {
    let out = scratch(name);
    let o = cwi(&[
        "compute",
        "--spec",
        spec,
        "--data",
        "data-samples/kz/statistics.csv",
        "--out",
        out.to_str().unwrap(),
        "--lang",
        "en",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let said = String::from_utf8_lossy(&o.stderr);
    assert!(!said.contains("warning"), "no warning: {said}");
    out
}

/// Rows of a CSV by the values of `key` columns: the other columns by name.
fn table(path: &std::path::Path, key: &[&str]) -> HashMap<Vec<String>, HashMap<String, String>> {
    let text = fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header: Vec<String> = lines.next().unwrap().split(',').map(String::from).collect();
    lines
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            let row: HashMap<String, String> = header
                .iter()
                .cloned()
                .zip(f.iter().map(|s| s.to_string()))
                .collect();
            (key.iter().map(|k| row[*k].clone()).collect(), row)
        })
        .collect()
}

fn round4(x: f64) -> f64 {
    (x * 1e4).round() / 1e4
}

/// (rank - 1)/(n - 1) with ties at the lowest rank: the share of the other values below.
fn percentile_min(values: &[f64]) -> Vec<f64> {
    let n = values.len() as f64;
    values
        .iter()
        .map(|v| values.iter().filter(|w| *w < v).count() as f64 / (n - 1.0))
        .collect()
}

/// `indicators/kz-deprivation.toml` in 2024, recomputed: each indicator's percentile rank
/// with ties at the minimum, 4 decimals, higher-is-better indicators reversed (more space,
/// coverage or water access is less deprived); per domain the sum (4 decimals) and its
/// percentile rank; the domains' sums summed, ranked the same way, and the regions ranked from
/// the lowest, tied ones at the lowest rank.
#[test]
fn the_deprivation_index_sums_percentile_ranks_and_ranks_from_the_lowest() {
    let data = statistics();
    let domains: [(&str, [(&str, bool); 3]); 3] = [
        (
            "material",
            [
                ("child_poverty", false),
                ("housing_space", true),
                ("unemployment", false),
            ],
        ),
        (
            "learning",
            [
                ("preschool_coverage", true),
                ("overcrowded_schools", false),
                ("reading_proficiency", true),
            ],
        ),
        (
            "health",
            [
                ("infant_mortality", false),
                ("adolescent_births", false),
                ("water_access", true),
            ],
        ),
    ];
    let mut codes: Vec<String> = data
        .keys()
        .filter(|k| k.1 == 2024)
        .map(|k| k.0.clone())
        .collect();
    codes.sort();
    codes.dedup();
    assert_eq!(codes.len(), 20);
    let mut total = vec![0.0; codes.len()];
    let mut domain_scores = HashMap::new();
    let mut domain_sums = HashMap::new();
    for (domain, indicators) in domains {
        let mut sum = vec![0.0; codes.len()];
        for (id, reversed) in indicators {
            let values: Vec<f64> = codes
                .iter()
                .map(|c| {
                    let v = data[&(c.clone(), 2024, id.to_string())];
                    if reversed { -v } else { v }
                })
                .collect();
            for (s, p) in sum.iter_mut().zip(percentile_min(&values)) {
                *s += round4(p);
            }
        }
        let sum: Vec<f64> = sum.into_iter().map(round4).collect();
        let score: Vec<f64> = percentile_min(&sum).into_iter().map(round4).collect();
        for (t, s) in total.iter_mut().zip(&sum) {
            *t += s;
        }
        domain_scores.insert(domain, score);
        domain_sums.insert(domain, sum);
    }
    let total: Vec<f64> = total.into_iter().map(round4).collect();
    let index: Vec<f64> = percentile_min(&total).into_iter().map(round4).collect();
    let rank: Vec<usize> = index
        .iter()
        .map(|v| index.iter().filter(|w| *w < v).count() + 1)
        .collect();

    let out = compute("indicators/kz-deprivation.toml", "example-deprivation");
    let scores = table(&out.join("scores.csv"), &["year", "region_code", "node_id"]);
    let aggregates = table(
        &out.join("aggregates.csv"),
        &["year", "region_code", "node_id"],
    );
    let at = |t: &HashMap<Vec<String>, HashMap<String, String>>, c: &str, node: &str, col: &str| {
        t[&vec!["2024".to_string(), c.to_string(), node.to_string()]][col]
            .parse::<f64>()
            .unwrap()
    };
    for (k, c) in codes.iter().enumerate() {
        assert_eq!(at(&scores, c, "kz-deprivation", "score"), index[k], "{c}");
        assert_eq!(
            at(&scores, c, "kz-deprivation", "rank"),
            rank[k] as f64,
            "{c}"
        );
        assert_eq!(
            at(&aggregates, c, "kz-deprivation", "aggregate"),
            total[k],
            "{c}"
        );
        for domain in ["material", "learning", "health"] {
            assert_eq!(
                at(&scores, c, domain, "score"),
                domain_scores[domain][k],
                "{c} {domain}"
            );
            assert_eq!(
                at(&aggregates, c, domain, "aggregate"),
                domain_sums[domain][k],
                "{c} {domain}"
            );
        }
    }
    // The most deprived region ranks last: rank 1 is the lowest score.
    let lowest = (0..codes.len())
        .min_by(|&a, &b| index[a].total_cmp(&index[b]))
        .unwrap();
    assert_eq!(rank[lowest], 1);
}

/// `indicators/kz-thriving.toml`, recomputed for every region and year: (1 - under-5
/// mortality / 1000) x the mean share proficient in reading and mathematics x the share
/// immunised, ranked from the highest.
#[test]
fn the_thriving_index_multiplies_its_terms() {
    let data = statistics();
    let out = compute("indicators/kz-thriving.toml", "example-thriving");
    let scores = table(&out.join("scores.csv"), &["year", "region_code", "node_id"]);
    let mut checked = 0;
    for ((code, year, id), u5) in &data {
        if id != "under5_mortality" {
            continue;
        }
        let v = |i: &str| data[&(code.clone(), *year, i.to_string())];
        let want = (1.0 - u5 / 1000.0)
            * ((v("reading_proficiency") + v("math_proficiency")) / 200.0)
            * (v("immunisation") / 100.0);
        let got: f64 =
            scores[&vec![year.to_string(), code.clone(), "kz-thriving".to_string()]]["score"]
                .parse()
                .unwrap();
        assert!(
            (got - want).abs() < 1e-12,
            "{code} {year}: {got} against {want}"
        );
        checked += 1;
    }
    assert_eq!(checked, 60);
}
