//! `[index] ties = "average"`: tied scores share the average of the places they span (R's
//! `rank()` default), through every output that shows a rank: the score tables (CSV, JSON,
//! Parquet), rank changes, the uncertainty analysis, `diff` against a spec that ties at the
//! minimum, and the report. Every expected rank is worked out by hand below.
//!
//! A deprivation index (lower is better) of four regions: poverty (lower is better) and
//! preschool (higher is better), min-max normalised, summed.
//! - 2024: poverty 10, 20, 40, 40; preschool 90, 80, 60, 60. R1 is the least deprived in both,
//!   R2 next in both, R3 and R4 have the same values, so the same score, the highest: they
//!   span places 3 and 4 and share (3 + 4)/2 = 3.5 (with `min` ties, 3). Whatever the weights
//!   or the normalisation, R3 and R4 stay tied at the bottom, so every replication of an
//!   uncertainty analysis ranks them 3.5 as well.
//! - 2025: poverty 10, 20, 40, 50, preschool as in 2024: R4 is now the most deprived, ranks 1,
//!   2, 3, 4. R3 moves up half a place (3.5 -> 3), R4 down half a place (3.5 -> 4).

use std::fs;
use std::io::Cursor;
use std::path::{Path, PathBuf};

use polars::prelude::*;

use crate::common::{cwi, scratch};
use crate::methods::{indicator, spec_text};

fn spec(ties: &str) -> String {
    let body = format!(
        "[defaults]\npooling = \"each-year\"\nnormalisation = {{ method = \"min-max\" }}\naggregation = {{ method = \"weighted-sum\" }}\n{}{}",
        indicator("poverty", "ix", "lower", ""),
        indicator("preschool", "ix", "higher", "")
    );
    spec_text(&format!("direction = \"lower\"\nties = \"{ties}\""), &body)
}

const DATA: &str = "region,year,indicator,value
R1,2024,poverty,10
R2,2024,poverty,20
R3,2024,poverty,40
R4,2024,poverty,40
R1,2024,preschool,90
R2,2024,preschool,80
R3,2024,preschool,60
R4,2024,preschool,60
R1,2025,poverty,10
R2,2025,poverty,20
R3,2025,poverty,40
R4,2025,poverty,50
R1,2025,preschool,90
R2,2025,preschool,80
R3,2025,preschool,60
R4,2025,preschool,60
";

fn setup(name: &str) -> PathBuf {
    let dir = scratch(name);
    fs::write(dir.join("average.toml"), spec("average")).unwrap();
    fs::write(dir.join("min.toml"), spec("min")).unwrap();
    fs::write(dir.join("data.csv"), DATA).unwrap();
    dir
}

fn path(dir: &Path, name: &str) -> String {
    dir.join(name).to_str().unwrap().to_string()
}

fn run(args: &[&str]) -> std::process::Output {
    let o = cwi(args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    o
}

/// The index rows of scores.csv: (year, region, rank, rank_change) as written.
fn index_rows(csv: &str) -> Vec<(String, String, String, String)> {
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let at = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (y, r, n, k, c) = (
        at("year"),
        at("region_code"),
        at("node_id"),
        at("rank"),
        at("rank_change"),
    );
    lines
        .map(|l| l.split(',').collect::<Vec<_>>())
        .filter(|f| f[n] == "ix")
        .map(|f| (f[y].into(), f[r].into(), f[k].into(), f[c].into()))
        .collect()
}

#[test]
fn tied_scores_share_the_average_place_in_every_output() {
    let dir = setup("average-ranks");
    let out = dir.join("out");
    run(&[
        "compute",
        "--spec",
        &path(&dir, "average.toml"),
        "--data",
        &path(&dir, "data.csv"),
        "--out",
        out.to_str().unwrap(),
        "--formats",
        "csv,json,parquet",
        "--quiet",
    ]);
    let csv = fs::read_to_string(out.join("scores.csv")).unwrap();
    let row = |y: &str, r: &str, k: &str, c: &str| (y.into(), r.into(), k.into(), c.into());
    assert_eq!(
        index_rows(&csv),
        vec![
            row("2024", "R1", "1", ""),
            row("2024", "R2", "2", ""),
            row("2024", "R3", "3.5", ""),
            row("2024", "R4", "3.5", ""),
            row("2025", "R1", "1", "0"),
            row("2025", "R2", "2", "0"),
            row("2025", "R3", "3", "0.5"),
            row("2025", "R4", "4", "-0.5"),
        ]
    );
    // Excel's CSV style writes the half with a decimal comma.
    let excel = dir.join("excel");
    run(&[
        "compute",
        "--spec",
        &path(&dir, "average.toml"),
        "--data",
        &path(&dir, "data.csv"),
        "--out",
        excel.to_str().unwrap(),
        "--csv",
        "excel",
        "--quiet",
    ]);
    let text = fs::read_to_string(excel.join("scores.csv")).unwrap();
    assert!(
        text.lines()
            .any(|l| l.starts_with("2024;R3;") && l.contains(";ix;") && l.contains(";3,5;")),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("2025;R4;") && l.contains(";ix;") && l.ends_with(";-0,5;;")),
        "{text}"
    );
    // JSON: a whole rank is an integer, a shared one a number.
    let json: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("scores.json")).unwrap()).unwrap();
    let rows = json["scores"].as_array().expect("scores");
    let r3 = rows
        .iter()
        .find(|r| r["year"] == 2024 && r["region_code"] == "R3" && r["node_id"] == "ix")
        .unwrap();
    assert_eq!(r3["rank"].to_string(), "3.5");
    let r1 = rows
        .iter()
        .find(|r| r["year"] == 2025 && r["region_code"] == "R1" && r["node_id"] == "ix")
        .unwrap();
    assert_eq!(r1["rank"].to_string(), "1");
    // Parquet: the rank columns are Float64 under average ties, for every year alike.
    let frame = ParquetReader::new(Cursor::new(fs::read(out.join("scores.parquet")).unwrap()))
        .finish()
        .unwrap();
    for name in ["rank", "rank_change", "rank_change_base"] {
        assert_eq!(
            frame.column(name).unwrap().dtype(),
            &DataType::Float64,
            "{name}"
        );
    }
    let text = |name: &str| -> Vec<String> {
        let c = frame.column(name).unwrap().cast(&DataType::String).unwrap();
        c.str()
            .unwrap()
            .iter()
            .map(|v| v.unwrap().to_string())
            .collect()
    };
    let (nodes, regions) = (text("node_id"), text("region_code"));
    let years: Vec<i32> = frame
        .column("year")
        .unwrap()
        .i32()
        .unwrap()
        .iter()
        .map(|v| v.unwrap())
        .collect();
    let rank = frame.column("rank").unwrap().f64().unwrap();
    let mut ranks: Vec<(i32, String, Option<f64>)> = (0..frame.height())
        .filter(|&k| nodes[k] == "ix")
        .map(|k| (years[k], regions[k].clone(), rank.get(k)))
        .collect();
    ranks.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    let ranks: Vec<Option<f64>> = ranks.into_iter().map(|r| r.2).collect();
    let want = [1.0, 2.0, 3.5, 3.5, 1.0, 2.0, 3.0, 4.0];
    assert_eq!(ranks, want.map(Some).to_vec());
    let _ = fs::remove_dir_all(&dir);
}

/// With `min` ties the same data give 3, 3 in 2024 and Int64 rank columns, as before.
#[test]
fn min_ties_keep_whole_ranks_and_integer_columns() {
    let dir = setup("average-ranks-min");
    let out = dir.join("out");
    run(&[
        "compute",
        "--spec",
        &path(&dir, "min.toml"),
        "--data",
        &path(&dir, "data.csv"),
        "--out",
        out.to_str().unwrap(),
        "--formats",
        "csv,parquet",
        "--quiet",
    ]);
    let csv = fs::read_to_string(out.join("scores.csv")).unwrap();
    let ranks: Vec<String> = index_rows(&csv).into_iter().map(|r| r.2).collect();
    assert_eq!(ranks, ["1", "2", "3", "3", "1", "2", "3", "4"]);
    let frame = ParquetReader::new(Cursor::new(fs::read(out.join("scores.parquet")).unwrap()))
        .finish()
        .unwrap();
    assert_eq!(frame.column("rank").unwrap().dtype(), &DataType::Int64);
    let _ = fs::remove_dir_all(&dir);
}

/// Every replication ties R3 and R4 at 3.5 (see the module's comment), so their nominal,
/// median and 5th and 95th percentile ranks are all 3.5 and they never move; R1 and R2 keep 1
/// and 2.
#[test]
fn the_uncertainty_analysis_counts_half_places() {
    let dir = setup("average-ranks-uncertainty");
    let out = dir.join("out");
    run(&[
        "uncertainty",
        "--spec",
        &path(&dir, "average.toml"),
        "--data",
        &path(&dir, "data.csv"),
        "--out",
        out.to_str().unwrap(),
        "--replications",
        "200",
        "--weights",
        "0.5",
        "--normalisations",
        "min-max",
        "z-score",
        "--year",
        "2024",
        "--quiet",
    ]);
    let csv = fs::read_to_string(out.join("uncertainty/ranks.csv")).unwrap();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let at = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let got: Vec<Vec<String>> = lines
        .map(|l| l.split(',').map(String::from).collect::<Vec<_>>())
        .filter(|f| f[at("year")] == "2024" && f[at("node_id")] == "ix")
        .map(|f| {
            [
                "region_code",
                "nominal_rank",
                "median_rank",
                "p05_rank",
                "p95_rank",
                "mean_abs_rank_shift",
            ]
            .iter()
            .map(|c| f[at(c)].clone())
            .collect()
        })
        .collect();
    let row = |r: &str, k: &str| -> Vec<String> { [r, k, k, k, k, "0"].map(String::from).to_vec() };
    assert_eq!(
        got,
        vec![
            row("R1", "1"),
            row("R2", "2"),
            row("R3", "3.5"),
            row("R4", "3.5")
        ]
    );
    let _ = fs::remove_dir_all(&dir);
}

/// `diff` of min ties (old) against average ties (new): in 2024 R3 and R4 go from 3 to 3.5,
/// half a place down (-0.5); in 2025 nothing moves. `--fail-on-rank-move 0` fails on the half.
#[test]
fn diff_shows_half_place_moves() {
    let dir = setup("average-ranks-diff");
    let o = run(&[
        "diff",
        "--base-spec",
        &path(&dir, "min.toml"),
        "--spec",
        &path(&dir, "average.toml"),
        "--data",
        &path(&dir, "data.csv"),
        "--format",
        "csv",
    ]);
    let text = String::from_utf8(o.stdout).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let at = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let moved: Vec<(String, String, String, String, String)> = lines
        .map(|l| l.split(',').map(String::from).collect::<Vec<_>>())
        .filter(|f| f[at("node_id")] == "ix" && f[at("rank_change")] != "0")
        .map(|f| {
            (
                f[at("year")].clone(),
                f[at("region_code")].clone(),
                f[at("old_rank")].clone(),
                f[at("new_rank")].clone(),
                f[at("rank_change")].clone(),
            )
        })
        .collect();
    let row = |r: &str| {
        (
            "2024".into(),
            r.into(),
            "3".into(),
            "3.5".into(),
            "-0.5".into(),
        )
    };
    assert_eq!(moved, vec![row("R3"), row("R4")]);
    let o = cwi(&[
        "diff",
        "--base-spec",
        &path(&dir, "min.toml"),
        "--spec",
        &path(&dir, "average.toml"),
        "--data",
        &path(&dir, "data.csv"),
        "--fail-on-rank-move",
        "0",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("moved 0.5 places") && err.contains("rank 3 -> 3.5"),
        "{err}"
    );
    let _ = fs::remove_dir_all(&dir);
}

/// The report's methodology says how ties are ranked, and its ranking table shows 3.5.
#[test]
fn the_report_says_how_ties_are_ranked() {
    let dir = setup("average-ranks-report");
    let out = dir.join("out");
    run(&[
        "report",
        "--spec",
        &path(&dir, "average.toml"),
        "--data",
        &path(&dir, "data.csv"),
        "--out",
        out.to_str().unwrap(),
        "--year",
        "2024",
        "--quiet",
    ]);
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        html.contains("Tied scores: <strong>share the average of the places they span"),
        "the methodology names the tie rule"
    );
    assert!(
        html.contains("<td class=\"n\">3.5</td>"),
        "the ranking shows 3.5"
    );
    let _ = fs::remove_dir_all(&dir);
}

/// A published edition with average ties reads its shared ranks back as they are: the same
/// run revises nothing, and the run with `min` ties revises R3's and R4's 2024 rank from the
/// published 3.5 to 3.
#[test]
fn a_published_edition_keeps_its_half_places() {
    let dir = setup("average-ranks-edition");
    let published = dir.join("published");
    run(&[
        "compute",
        "--spec",
        &path(&dir, "average.toml"),
        "--data",
        &path(&dir, "data.csv"),
        "--out",
        published.to_str().unwrap(),
        "--quiet",
    ]);
    let edition = |spec: &str| {
        cwi(&[
            "diff",
            "--spec",
            &path(&dir, spec),
            "--data",
            &path(&dir, "data.csv"),
            "--previous-edition",
            published.to_str().unwrap(),
            "--format",
            "csv",
            "--fail-on-revision",
        ])
    };
    let same = edition("average.toml");
    assert_eq!(
        same.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&same.stderr)
    );
    let changed = edition("min.toml");
    assert_eq!(changed.status.code(), Some(1));
    let text = String::from_utf8(changed.stdout).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let at = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let ranks: Vec<(String, String, String)> = lines
        .map(|l| l.split(',').map(String::from).collect::<Vec<_>>())
        .filter(|f| f[at("node_id")] == "ix" && f[at("rank_published")] != f[at("rank_now")])
        .map(|f| {
            (
                f[at("region_code")].clone(),
                f[at("rank_published")].clone(),
                f[at("rank_now")].clone(),
            )
        })
        .collect();
    let row = |r: &str| (r.to_string(), "3.5".to_string(), "3".to_string());
    assert_eq!(ranks, vec![row("R3"), row("R4")]);
    let _ = fs::remove_dir_all(&dir);
}
