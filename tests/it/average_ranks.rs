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

/// `cwi COMMAND --spec SPEC --data data.csv EXTRA...` in `dir`, which must succeed.
fn run(dir: &Path, command: &str, spec: &str, extra: &[&str]) -> std::process::Output {
    let o = cwi_on(dir, command, spec, extra);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    o
}

/// `cwi COMMAND --spec SPEC --data data.csv EXTRA...` in `dir`, as it ends.
fn cwi_on(dir: &Path, command: &str, spec: &str, extra: &[&str]) -> std::process::Output {
    let (spec, data) = (dir.join(spec), dir.join("data.csv"));
    let mut args = vec![
        command,
        "--spec",
        spec.to_str().unwrap(),
        "--data",
        data.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    cwi(&args)
}

/// The index's rows of a comma-separated table (`node_id` "ix"), with the named columns, as
/// written.
fn index_rows(text: &str, columns: &[&str]) -> Vec<Vec<String>> {
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let at = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let node = at("node_id");
    lines
        .map(|l| l.split(',').collect::<Vec<_>>())
        .filter(|f| f[node] == "ix")
        .map(|f| columns.iter().map(|&c| f[at(c)].to_string()).collect())
        .collect()
}

/// A row of expected cells.
fn row(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|c| c.to_string()).collect()
}

/// The Parquet file's column of `name`, every cell as text.
fn parquet_column(frame: &DataFrame, name: &str) -> Vec<String> {
    let c = frame.column(name).unwrap().cast(&DataType::String).unwrap();
    c.str()
        .unwrap()
        .iter()
        .map(|v| v.unwrap_or_default().to_string())
        .collect()
}

fn read_parquet(path: &Path) -> DataFrame {
    ParquetReader::new(Cursor::new(fs::read(path).unwrap()))
        .finish()
        .unwrap()
}

#[test]
fn tied_scores_share_the_average_place_in_every_output() {
    let dir = setup("average-ranks");
    let out = dir.join("out");
    let out_arg = out.to_str().unwrap();
    let formats = ["--out", out_arg, "--formats", "csv,json,parquet", "--quiet"];
    run(&dir, "compute", "average.toml", &formats);
    let csv = fs::read_to_string(out.join("scores.csv")).unwrap();
    let columns = ["year", "region_code", "rank", "rank_change"];
    assert_eq!(
        index_rows(&csv, &columns),
        vec![
            row(&["2024", "R1", "1", ""]),
            row(&["2024", "R2", "2", ""]),
            row(&["2024", "R3", "3.5", ""]),
            row(&["2024", "R4", "3.5", ""]),
            row(&["2025", "R1", "1", "0"]),
            row(&["2025", "R2", "2", "0"]),
            row(&["2025", "R3", "3", "0.5"]),
            row(&["2025", "R4", "4", "-0.5"]),
        ]
    );
    // Excel's CSV style writes the half with a decimal comma.
    let excel = dir.join("excel");
    let excel_arg = excel.to_str().unwrap();
    run(
        &dir,
        "compute",
        "average.toml",
        &["--out", excel_arg, "--csv", "excel", "--quiet"],
    );
    let text = fs::read_to_string(excel.join("scores.csv")).unwrap();
    let line = |start: &str, end: &str| {
        text.lines()
            .any(|l| l.starts_with(start) && l.contains(";ix;") && l.contains(end))
    };
    assert!(
        line("2024;R3;", ";3,5;") && line("2025;R4;", ";-0,5;;"),
        "{text}"
    );
    // JSON: a whole rank is an integer, a shared one a number.
    let json: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("scores.json")).unwrap()).unwrap();
    let rank = |year: i32, region: &str| {
        json["scores"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["year"] == year && r["region_code"] == region && r["node_id"] == "ix")
            .map(|r| r["rank"].to_string())
    };
    assert_eq!(rank(2024, "R3").as_deref(), Some("3.5"));
    assert_eq!(rank(2025, "R1").as_deref(), Some("1"));
    // Parquet: the rank columns are Float64 under average ties, for every year alike.
    let frame = read_parquet(&out.join("scores.parquet"));
    for name in ["rank", "rank_change", "rank_change_base"] {
        assert_eq!(
            frame.column(name).unwrap().dtype(),
            &DataType::Float64,
            "{name}"
        );
    }
    let (nodes, years, regions, ranks) = (
        parquet_column(&frame, "node_id"),
        parquet_column(&frame, "year"),
        parquet_column(&frame, "region_code"),
        parquet_column(&frame, "rank"),
    );
    let mut index: Vec<Vec<String>> = (0..frame.height())
        .filter(|&k| nodes[k] == "ix")
        .map(|k| vec![years[k].clone(), regions[k].clone(), ranks[k].clone()])
        .collect();
    index.sort();
    let ranks: Vec<&str> = index.iter().map(|r| r[2].as_str()).collect();
    assert_eq!(
        ranks,
        ["1.0", "2.0", "3.5", "3.5", "1.0", "2.0", "3.0", "4.0"]
    );
    let _ = fs::remove_dir_all(&dir);
}

/// With `min` ties the same data give 3, 3 in 2024 and Int64 rank columns, as before.
#[test]
fn min_ties_keep_whole_ranks_and_integer_columns() {
    let dir = setup("average-ranks-min");
    let out = dir.join("out");
    let out_arg = out.to_str().unwrap();
    run(
        &dir,
        "compute",
        "min.toml",
        &["--out", out_arg, "--formats", "csv,parquet", "--quiet"],
    );
    let csv = fs::read_to_string(out.join("scores.csv")).unwrap();
    let ranks: Vec<String> = index_rows(&csv, &["rank"]).concat();
    assert_eq!(ranks, ["1", "2", "3", "3", "1", "2", "3", "4"]);
    let frame = read_parquet(&out.join("scores.parquet"));
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
    let options = [
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
    ];
    run(&dir, "uncertainty", "average.toml", &options);
    let csv = fs::read_to_string(out.join("uncertainty/ranks.csv")).unwrap();
    let columns = [
        "year",
        "region_code",
        "nominal_rank",
        "median_rank",
        "p05_rank",
        "p95_rank",
        "mean_abs_rank_shift",
    ];
    let got: Vec<Vec<String>> = index_rows(&csv, &columns)
        .into_iter()
        .filter(|r| r[0] == "2024")
        .collect();
    let each = |r: &str, k: &str| row(&["2024", r, k, k, k, k, "0"]);
    assert_eq!(
        got,
        [
            each("R1", "1"),
            each("R2", "2"),
            each("R3", "3.5"),
            each("R4", "3.5")
        ]
    );
    let _ = fs::remove_dir_all(&dir);
}

/// `diff` of min ties (old) against average ties (new): in 2024 R3 and R4 go from 3 to 3.5,
/// half a place down (-0.5); in 2025 nothing moves. `--fail-on-rank-move 0` fails on the half.
#[test]
fn diff_shows_half_place_moves() {
    let dir = setup("average-ranks-diff");
    let base = dir.join("min.toml");
    let base = ["--base-spec", base.to_str().unwrap()];
    let o = run(
        &dir,
        "diff",
        "average.toml",
        &[&base[..], &["--format", "csv"]].concat(),
    );
    let text = String::from_utf8(o.stdout).unwrap();
    let columns = ["year", "region_code", "old_rank", "new_rank", "rank_change"];
    let moved: Vec<Vec<String>> = index_rows(&text, &columns)
        .into_iter()
        .filter(|r| r[4] != "0")
        .collect();
    let half = |r: &str| row(&["2024", r, "3", "3.5", "-0.5"]);
    assert_eq!(moved, [half("R3"), half("R4")]);
    let gate = [&base[..], &["--fail-on-rank-move", "0"]].concat();
    let o = cwi_on(&dir, "diff", "average.toml", &gate);
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
    let options = ["--out", out.to_str().unwrap(), "--year", "2024", "--quiet"];
    run(&dir, "report", "average.toml", &options);
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
    let published = published.to_str().unwrap();
    run(
        &dir,
        "compute",
        "average.toml",
        &["--out", published, "--quiet"],
    );
    let edition = |spec: &str| {
        let options = [
            "--previous-edition",
            published,
            "--format",
            "csv",
            "--fail-on-revision",
        ];
        cwi_on(&dir, "diff", spec, &options)
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
    let columns = ["region_code", "rank_published", "rank_now"];
    let revised: Vec<Vec<String>> = index_rows(&text, &columns)
        .into_iter()
        .filter(|r| r[1] != r[2])
        .collect();
    assert_eq!(
        revised,
        [row(&["R3", "3.5", "3"]), row(&["R4", "3.5", "3"])]
    );
    let _ = fs::remove_dir_all(&dir);
}
