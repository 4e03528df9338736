//! `cwi import coinr` on COINr's own ASEM example, as tests/fixtures/coinr/asem/make.R wrote
//! it with COINr 1.1.14: the workbook of export_to_excel(coin) of build_example_coin(), iData
//! and iMeta as write.csv and openxlsx write them, and COINr's own ranks (get_results). The
//! expected numbers are COINr's: its Data.Aggregated sheet and ranks.csv.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::common::{cwi, root, scratch};

fn asem(file: &str) -> PathBuf {
    root().join("tests/fixtures/coinr/asem").join(file)
}

fn import(out: &Path, args: &[&str]) -> std::process::Output {
    let mut all = vec!["import", "coinr", "--out", out.to_str().unwrap()];
    all.extend_from_slice(args);
    cwi(&all)
}

/// Computes an imported spec: (region, node) -> (score, rank) from scores.csv.
fn compute(dir: &Path) -> HashMap<(String, String), (Option<f64>, Option<u32>)> {
    let out = dir.join("out");
    let o = cwi(&[
        "compute",
        "--spec",
        dir.join("spec.toml").to_str().unwrap(),
        "--data",
        dir.join("data.csv").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut reader = csv::Reader::from_path(out.join("scores.csv")).unwrap();
    let header = reader.headers().unwrap().clone();
    let col = |n: &str| header.iter().position(|h| h == n).unwrap();
    let (region, node, score, rank) = (
        col("region_code"),
        col("node_id"),
        col("score"),
        col("rank"),
    );
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (
                (r[region].to_string(), r[node].to_string()),
                (r[score].parse().ok(), r[rank].parse().ok()),
            )
        })
        .collect()
}

/// COINr's index scores (to 10 decimals) and ranks, by unit.
fn coinr_ranks() -> Vec<(String, f64, u32)> {
    let mut reader = csv::Reader::from_path(asem("ranks.csv")).unwrap();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (
                r[0].to_string(),
                r[1].parse().unwrap(),
                r[2].parse().unwrap(),
            )
        })
        .collect()
}

/// Every unit's index score and rank against COINr's get_results.
fn assert_coinr_ranks(scores: &HashMap<(String, String), (Option<f64>, Option<u32>)>) {
    let ranks = coinr_ranks();
    assert_eq!(ranks.len(), 51);
    for (unit, index, rank) in ranks {
        let (score, ours) = scores[&(unit.clone(), "Index".to_string())];
        let score = score.unwrap();
        assert!(
            (score - index).abs() < 1e-9,
            "{unit}: {score} against COINr's {index}"
        );
        assert_eq!(ours, Some(rank), "{unit}'s rank");
    }
}

#[test]
fn the_asem_workbook_imports_with_no_option_and_reproduces_every_value() {
    let dir = scratch("coinr-workbook").join("imported");
    let o = import(&dir, &["--workbook", asem("asem.xlsx").to_str().unwrap()]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    // The steps and parameters the sheets show, said and written.
    assert!(
        err.contains("i_mean_grp by the Group column EurAsia_group"),
        "{err}"
    );
    assert!(
        err.contains(
            "the data sets Raw, Denominated, Imputed, Screened, Treated, Normalised, Aggregated"
        ),
        "{err}"
    );
    // 51 units x 49 indicators per data set; Aggregated adds the 11 aggregates.
    assert!(err.contains("(Denominated 2499, Imputed 2499, Screened 2499, Treated 2499, Normalised 2499, Aggregated 3060) and 51 ranks"), "{err}");
    let spec = fs::read_to_string(dir.join("spec.toml")).unwrap();
    for line in [
        "imputation = { method = \"group-mean\" }",
        "treatment = { method = \"jrc\", points = 5, log_form = \"coinr\" }",
        "when = \"after-imputation\"",
        "normalisation = { method = \"min-max\", range = [0, 100] }",
        "formula = \"Flights / Population\"",
    ] {
        assert!(spec.contains(line), "{line} not in\n{spec}");
    }
    // Every value of COINr's Data.Aggregated (the normalised indicators and the aggregates),
    // as cwi compute writes it from the imported spec, to 1e-9.
    let scores = compute(&dir);
    let book = cwi::load::read_workbook(&asem("asem.xlsx")).unwrap();
    let (_, aggregated) = book.iter().find(|(n, _)| n == "Data.Aggregated").unwrap();
    let code = aggregated
        .columns
        .iter()
        .position(|c| c == "uCode")
        .unwrap();
    let mut compared = 0;
    for row in &aggregated.rows {
        let unit = row[code].clone().unwrap();
        for (c, column) in aggregated.columns.iter().enumerate() {
            let (Some(theirs), true) = (&row[c], c != code) else {
                continue;
            };
            let theirs: f64 = theirs.parse().unwrap();
            let ours = scores[&(unit.clone(), column.clone())].0.unwrap();
            assert!(
                (ours - theirs).abs() < 1e-9,
                "{unit} {column}: {ours} against COINr's {theirs}"
            );
            compared += 1;
        }
    }
    assert_eq!(compared, 51 * 60);
    assert_coinr_ranks(&scores);
}

#[test]
fn an_option_the_workbook_contradicts_fails_the_check_at_its_stage() {
    let dir = scratch("coinr-workbook-contradicted").join("imported");
    let book = asem("asem.xlsx");
    // Winsorising one point leaves Bord failing the skewness rule, so cwi takes its log;
    // COINr winsorised it three times (Dets_Table) and kept AUS's 0.
    let o = import(
        &dir,
        &["--workbook", book.to_str().unwrap(), "--treat", "1"],
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success());
    assert!(
        err.contains("sheet Data.Treated")
            && err.contains("unit AUS (row 2), Bord: COINr 0, cwi -")
            && err.contains("likely parameter is Treat: winmax"),
        "{err}"
    );
    assert!(!dir.exists(), "nothing is written when the check fails");
    // BGD's ConSpeed is filled with Asia's mean in COINr (12.9153846153846 in the sheet), not
    // the mean over all units.
    let o = import(
        &dir,
        &["--workbook", book.to_str().unwrap(), "--impute", "mean"],
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("sheet Data.Imputed")
            && err.contains("unit BGD (row 5), ConSpeed: COINr 12.9153846153846, cwi ")
            && err.contains("likely parameter is Impute"),
        "{err}"
    );
    // With --no-check the spec is written as told.
    let o = import(
        &dir,
        &[
            "--workbook",
            book.to_str().unwrap(),
            "--treat",
            "1",
            "--no-check",
        ],
    );
    assert!(o.status.success());
    assert!(
        fs::read_to_string(dir.join("spec.toml"))
            .unwrap()
            .contains("points = 1,")
    );
}

#[test]
fn broken_and_other_workbooks_are_refused_at_their_sheet() {
    let dir = scratch("coinr-workbook-broken").join("imported");
    for (file, sheet, says) in [
        (
            "gap.xlsx",
            "Analysis.Treated.Dets_Table",
            "no Data.Treated sheet: a data set is missing in the middle",
        ),
        (
            "stopped.xlsx",
            "Data.Normalised",
            "the build stops at Normalised",
        ),
        ("purse.xlsx", "Data.Raw", "a workbook of a purse"),
        (
            "iData.xlsx",
            "Data",
            "not a workbook of COINr's export_to_excel",
        ),
    ] {
        let o = import(&dir, &["--workbook", asem(file).to_str().unwrap()]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!o.status.success(), "{file}");
        assert!(
            err.contains(&format!("{file}, sheet {sheet}"))
                || (sheet == "Data" && err.contains(file)),
            "{file}: {err}"
        );
        assert!(err.contains(says), "{file}: {err}");
        assert!(!dir.exists());
    }
}

#[test]
fn asem_tables_as_r_writes_them_reproduce_coinr_with_the_steps_given() {
    let dir = scratch("coinr-asem-tables").join("imported");
    let o = import(
        &dir,
        &[
            "--idata",
            asem("iData.csv").to_str().unwrap(),
            "--imeta",
            asem("iMeta.csv").to_str().unwrap(),
            "--impute",
            "group-mean",
            "--group",
            "EurAsia_group",
            "--screen",
            "0.9",
            "--screen-after-imputation",
            "--treat",
            "5",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_coinr_ranks(&compute(&dir));
    // openxlsx's iData and iMeta, no option: the optional steps are commented out.
    let dir = scratch("coinr-asem-xlsx").join("imported");
    let o = import(
        &dir,
        &[
            "--idata",
            asem("iData.xlsx").to_str().unwrap(),
            "--imeta",
            asem("iMeta.xlsx").to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let spec = fs::read_to_string(dir.join("spec.toml")).unwrap();
    for step in ["# screening = ", "# imputation = ", "# treatment = "] {
        assert!(spec.contains(step), "{step}");
    }
    // Without imputation, a unit with gaps is scored on the indicators it has (a_amean):
    // 51 index scores.
    let scores = compute(&dir);
    assert_eq!(
        scores
            .iter()
            .filter(|((_, n), (s, _))| n == "Index" && s.is_some())
            .count(),
        51
    );
}
