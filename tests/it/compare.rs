//! `cwi compare` reads numbers as the loader does and matches regions as `compute` does: cwi's
//! own scores.csv rounded to three decimals compares (a score such as 38.520 is not refused as
//! "decimal or thousands"), and a published table keyed by Russian names, semicolon-separated
//! with decimal commas, matches through the spec's units; computed regions the table lacks are
//! reported.

use std::fs;

use crate::common::{cwi, root, scratch};

/// (year, region code, node, score) of a scores.csv.
fn rows(path: &std::path::Path) -> Vec<(String, String, String, f64)> {
    let text = fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (y, r, n, s) = (
        col("year"),
        col("region_code"),
        col("node_id"),
        col("score"),
    );
    lines
        .filter_map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            let score = f[s].parse().ok()?;
            Some((f[y].to_string(), f[r].to_string(), f[n].to_string(), score))
        })
        .collect()
}

#[test]
fn compare_reads_numbers_and_regions_as_compute_does() {
    let dir = scratch("compare");
    let out = dir.join("out");
    let o = cwi(&[
        "compute",
        "--spec",
        "indicators/kz-cwi.toml",
        "--data",
        "data-samples/kz/statistics.csv",
        "data-samples/kz/surveys.csv",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let scores = out.join("scores.csv");
    let all = rows(&scores);

    // Every score rounded to three decimals, as a published table gives them.
    let mut three = String::from("year,region_code,node_id,score\n");
    for (y, r, n, s) in &all {
        three.push_str(&format!("{y},{r},{n},{s:.3}\n"));
    }
    let three_path = dir.join("three.csv");
    fs::write(&three_path, three).unwrap();
    let o = cwi(&[
        "compare",
        "--scores",
        scores.to_str().unwrap(),
        "--expected",
        three_path.to_str().unwrap(),
        "--decimals",
        "3",
    ]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{text}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        text.ends_with(&format!(
            "0 of {} row(s) differ beyond tolerance 0.000000001, computed rounded to 3 decimals\n",
            all.len()
        )),
        "{text}"
    );

    // The index in 2024 by Russian name (the units table's third column), decimal commas,
    // one region left out.
    let names: Vec<(String, String)> = fs::read_to_string(root().join("indicators/kz-regions.csv"))
        .unwrap()
        .lines()
        .filter(|l| l.starts_with("KZ-"))
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[0].to_string(), f[2].to_string())
        })
        .collect();
    assert_eq!(names.len(), 20);
    let mut published = String::from("год;область;индекс\n");
    let index: Vec<&(String, String, String, f64)> = all
        .iter()
        .filter(|(y, _, n, _)| y == "2024" && n == "kz-cwi")
        .collect();
    assert_eq!(index.len(), 20);
    let left_out = &names[0].0;
    for (_, code, _, score) in &index {
        if code == left_out {
            continue;
        }
        let name = &names.iter().find(|(c, _)| c == code).unwrap().1;
        published.push_str(&format!(
            "2024;{name};{}\n",
            format!("{score:.1}").replace('.', ",")
        ));
    }
    let published_path = dir.join("published.csv");
    fs::write(&published_path, published).unwrap();
    let run = |spec: bool| {
        let mut args = vec![
            "compare",
            "--scores",
            scores.to_str().unwrap(),
            "--expected",
            published_path.to_str().unwrap(),
            "--node",
            "kz-cwi",
            "--year-column",
            "год",
            "--region-column",
            "область",
            "--score-column",
            "индекс",
            "--decimals",
            "1",
        ];
        if spec {
            args.extend(["--spec", "indicators/kz-cwi.toml"]);
        }
        cwi(&args)
    };
    let o = run(true);
    let text = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{text}");
    assert!(
        text.contains(&format!("note: 1 computed score(s) of the nodes and years compared are not in the expected table: 2024 {left_out} kz-cwi\n")),
        "{text}"
    );
    assert!(
        text.ends_with(
            "0 of 19 row(s) differ beyond tolerance 0.000000001, computed rounded to 1 decimals\n"
        ),
        "{text}"
    );
    // Without the spec the Russian names are not the names scores.csv gives.
    let o = run(false);
    let text = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(text.matches(": expected ").count(), 19, "{text}");
    assert!(text.contains("not computed"), "{text}");
}
