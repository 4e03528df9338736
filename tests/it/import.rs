//! `cwi import coinr`: COINr's iData and iMeta as a spec and data that reproduce a COINr build,
//! with the optional steps it is told of and no others, against scores computed independently
//! by tests/fixtures/coinr/expected.py (plain Python; its outputs are expected.csv, with
//! screening, group-mean imputation and treatment, and expected-plain.csv, without).

/// The optional steps of COINr's example build: Screen at 0.9, Impute by group mean (the one
/// Group column, Size), Treat up to 5 points.
const STEPS: [&str; 6] = ["--screen", "0.9", "--impute", "group-mean", "--treat", "5"];

use std::collections::HashMap;
use std::fs;

use crate::common::{cwi, root, scratch};

fn import(dir: &std::path::Path, idata: &str, imeta: &str) -> std::process::Output {
    import_with(dir, idata, imeta, &[])
}

fn import_with(
    dir: &std::path::Path,
    idata: &str,
    imeta: &str,
    steps: &[&str],
) -> std::process::Output {
    let mut args = vec![
        "import",
        "coinr",
        "--idata",
        idata,
        "--imeta",
        imeta,
        "--out",
        dir.to_str().unwrap(),
    ];
    args.extend_from_slice(steps);
    cwi(&args)
}

/// Computes an imported spec; the scores by (region, node) as scores.csv writes them.
fn compute_imported(dir: &std::path::Path) -> HashMap<(String, String), String> {
    let out = dir.join("out");
    let o = cwi(&[
        "compute",
        "--spec",
        dir.join("imported/spec.toml").to_str().unwrap(),
        "--data",
        dir.join("imported/data.csv").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    fs::read_to_string(out.join("scores.csv"))
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            ((f[1].to_string(), f[3].to_string()), f[7].to_string())
        })
        .collect()
}

/// Checks every unit's A1, A2 and Index against an expected table; returns how many.
fn matches_expected(scores: &HashMap<(String, String), String>, expected: &str) -> usize {
    let expected = fs::read_to_string(root().join(expected)).unwrap();
    let mut compared = 0;
    for line in expected.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        for (k, node) in ["A1", "A2", "Index"].iter().enumerate() {
            let want: f64 = f[k + 1].parse().unwrap();
            let got: f64 = scores[&(f[0].to_string(), node.to_string())]
                .parse()
                .unwrap();
            assert!(
                (got - want).abs() < 1e-9,
                "{} {node}: {got} against {want}",
                f[0]
            );
            compared += 1;
        }
    }
    compared
}

#[test]
fn a_coinr_index_computes_as_coinr_builds_it() {
    let dir = scratch("import-coinr");
    let o = import_with(
        &dir.join("imported"),
        "tests/fixtures/coinr/iData.csv",
        "tests/fixtures/coinr/iMeta.csv",
        &STEPS,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let spec = fs::read_to_string(dir.join("imported/spec.toml")).unwrap();
    // COINr's levels are named by their number, from the index down.
    assert!(
        spec.contains("[[level]]\nname = { en = \"Level 3\" }"),
        "{spec}"
    );
    // Every COINr step is named beside the setting that stands for it, and is on.
    for step in [
        "Screen",
        "Impute",
        "Treat",
        "Normalise",
        "Aggregate",
        "Denominate",
    ] {
        assert!(spec.contains(&format!("COINr {step}")), "{step}");
    }
    for key in ["screening", "imputation", "treatment"] {
        assert!(
            spec.contains(&format!("\n{key} =")),
            "{key} is off:\n{spec}"
        );
    }
    let scores = compute_imported(&dir);
    let compared = matches_expected(&scores, "tests/fixtures/coinr/expected.csv");
    assert_eq!(compared, 15);
    // U5 has 8 of the 10 indicators: screened out at 90%, and listed.
    assert_eq!(scores[&("U5".to_string(), "Index".to_string())], "");
    let manifest = fs::read_to_string(dir.join("out/manifest.json")).unwrap();
    assert!(manifest.contains("\"screened\""), "{manifest}");
}

/// Without options the import writes no optional step: screening, imputation and treatment
/// are commented lines to switch on, and the build is COINr's without them (expected-plain:
/// min-max over the values there are, means over the children there are; U5 is kept).
#[test]
fn no_optional_step_is_invented() {
    let dir = scratch("import-plain");
    let o = import(
        &dir.join("imported"),
        "tests/fixtures/coinr/iData.csv",
        "tests/fixtures/coinr/iMeta.csv",
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let spec = fs::read_to_string(dir.join("imported/spec.toml")).unwrap();
    for key in ["screening", "imputation", "treatment"] {
        assert!(
            !spec.contains(&format!("\n{key} =")),
            "{key} is on:\n{spec}"
        );
        assert!(
            spec.contains(&format!("\n# {key} =")),
            "{key} is not offered:\n{spec}"
        );
    }
    assert!(
        !spec.contains("group = "),
        "no unit groups without group imputation"
    );
    let scores = compute_imported(&dir);
    assert_eq!(
        matches_expected(&scores, "tests/fixtures/coinr/expected-plain.csv"),
        18
    );
    // Group-mean imputation needs a Group column iMeta has.
    let o = import_with(
        &dir.join("wrong-group"),
        "tests/fixtures/coinr/iData.csv",
        "tests/fixtures/coinr/iMeta.csv",
        &["--impute", "group-mean", "--group", "Notes"],
    );
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("\"Notes\" is not a Group column of iMeta") && err.contains("Size"),
        "{err}"
    );
}

/// The tables as R's write.csv writes them (every string quoted, NA for every missing cell,
/// among them Level, Direction and Weight of the Group, Denominator and Other rows, and the
/// row names as an unnamed first column) import to the same spec and data as the plain CSVs.
#[test]
fn tables_written_by_r_import_as_they_are() {
    let dir = scratch("import-r");
    let as_r = |name: &str| {
        let text = fs::read_to_string(root().join("tests/fixtures/coinr").join(name)).unwrap();
        let mut out = String::new();
        for (k, line) in text.lines().enumerate() {
            let cells: Vec<String> = line
                .split(',')
                .map(|c| match c {
                    "" | "NA" => "NA".to_string(),
                    c if c.parse::<f64>().is_ok() => c.to_string(),
                    c => format!("\"{c}\""),
                })
                .collect();
            let row_name = if k == 0 {
                "\"\"".to_string()
            } else {
                format!("\"{k}\"")
            };
            out.push_str(&format!("{row_name},{}\n", cells.join(",")));
        }
        let path = dir.join(name);
        fs::write(&path, out).unwrap();
        path
    };
    let (idata, imeta) = (as_r("iData.csv"), as_r("iMeta.csv"));
    assert!(
        fs::read_to_string(&imeta)
            .unwrap()
            .contains("\"Pop\",\"Population\",NA,NA,NA")
    );
    let from_r = import_with(
        &dir.join("r"),
        idata.to_str().unwrap(),
        imeta.to_str().unwrap(),
        &STEPS,
    );
    assert!(
        from_r.status.success(),
        "{}",
        String::from_utf8_lossy(&from_r.stderr)
    );
    let from_csv = import_with(
        &dir.join("csv"),
        "tests/fixtures/coinr/iData.csv",
        "tests/fixtures/coinr/iMeta.csv",
        &STEPS,
    );
    assert!(from_csv.status.success());
    for file in ["spec.toml", "data.csv"] {
        assert_eq!(
            fs::read_to_string(dir.join("r").join(file)).unwrap(),
            fs::read_to_string(dir.join("csv").join(file)).unwrap(),
            "{file}"
        );
    }
}

#[test]
fn broken_coinr_tables_are_refused_where_they_break() {
    let dir = scratch("import-broken");
    let meta = fs::read_to_string(root().join("tests/fixtures/coinr/iMeta.csv")).unwrap();
    let data = "tests/fixtures/coinr/iData.csv";
    let case = |name: &str, meta_text: String, idata: Option<String>| {
        let m = dir.join(format!("{name}-iMeta.csv"));
        fs::write(&m, meta_text).unwrap();
        let d = match idata {
            Some(text) => {
                let d = dir.join(format!("{name}-iData.csv"));
                fs::write(&d, text).unwrap();
                d
            }
            None => root().join(data),
        };
        let o = import(&dir.join(name), d.to_str().unwrap(), m.to_str().unwrap());
        assert_eq!(o.status.code(), Some(1), "{name}");
        assert!(!dir.join(name).exists(), "{name}: nothing written");
        String::from_utf8_lossy(&o.stderr).into_owned()
    };
    // A parent that names nothing, at its line.
    let err = case(
        "no-parent",
        meta.replace(
            "i5,Indicator 5,1,1,1,score,,,A1",
            "i5,Indicator 5,1,1,1,score,,,A9",
        ),
        None,
    );
    assert!(
        err.contains("iMeta.csv:6:1") && err.contains("\"i5\" has Parent \"A9\""),
        "{err}"
    );
    // Parents of a lower level form a cycle.
    let err = case(
        "cycle",
        meta.replace("A1,Pillar A1,2,1,1,,,,Index", "A1,Pillar A1,2,1,1,,,,A2")
            .replace("A2,Pillar A2,2,1,2,,,,Index", "A2,Pillar A2,2,1,2,,,,A1"),
        None,
    );
    assert!(err.contains("parents must be of a higher level"), "{err}");
    // An orphan aggregate: nothing names it as Parent (line 14, after A2).
    let err = case(
        "orphan",
        meta.replace(
            "A2,Pillar A2,2,1,2,,,,Index,Aggregate\n",
            "A2,Pillar A2,2,1,2,,,,Index,Aggregate\nA3,Pillar A3,2,1,1,,,,Index,Aggregate\n",
        ),
        None,
    );
    assert!(
        err.contains("iMeta.csv:14:1") && err.contains("the aggregate \"A3\" has no children"),
        "{err}"
    );
    // An iData column iMeta does not describe.
    let idata: String = fs::read_to_string(root().join(data))
        .unwrap()
        .lines()
        .enumerate()
        .map(|(k, l)| format!("{l},{}\n", if k == 0 { "extra" } else { "1" }))
        .collect();
    let err = case("undescribed", meta.clone(), Some(idata));
    assert!(
        err.contains("iData column \"extra\" is not described in iMeta"),
        "{err}"
    );
    // A unit given twice for one time point, at the second row's line (U2 is line 3).
    let text = fs::read_to_string(root().join(data)).unwrap();
    let u2 = text.lines().nth(2).unwrap().to_string();
    let err = case("duplicate", meta.clone(), Some(format!("{text}{u2}\n")));
    assert!(
        err.contains("iData.csv:8:1")
            && err.contains("uCode \"U2\" is given twice for Time 2024 (first on line 3)"),
        "{err}"
    );
}

/// The same tables as Excel workbooks import to the same spec and data.
#[test]
fn excel_tables_import_like_csv() {
    let dir = scratch("import-excel");
    let workbook = |csv_path: &str, out: &std::path::Path| {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        let text = fs::read_to_string(root().join(csv_path)).unwrap();
        for (r, line) in text.lines().enumerate() {
            for (c, cell) in line.split(',').enumerate() {
                let (r, c) = (r as u32, c as u16);
                match cell.parse::<f64>() {
                    Ok(v) => sheet.write_number(r, c, v).map(|_| ()).unwrap(),
                    Err(_) if cell.is_empty() => {}
                    Err(_) => sheet.write_string(r, c, cell).map(|_| ()).unwrap(),
                }
            }
        }
        book.save(out).unwrap();
    };
    workbook("tests/fixtures/coinr/iData.csv", &dir.join("iData.xlsx"));
    workbook("tests/fixtures/coinr/iMeta.csv", &dir.join("iMeta.xlsx"));
    let from_excel = import(
        &dir.join("excel"),
        dir.join("iData.xlsx").to_str().unwrap(),
        dir.join("iMeta.xlsx").to_str().unwrap(),
    );
    assert!(
        from_excel.status.success(),
        "{}",
        String::from_utf8_lossy(&from_excel.stderr)
    );
    let from_csv = import(
        &dir.join("csv"),
        "tests/fixtures/coinr/iData.csv",
        "tests/fixtures/coinr/iMeta.csv",
    );
    assert!(from_csv.status.success());
    for file in ["spec.toml", "data.csv"] {
        assert_eq!(
            fs::read_to_string(dir.join("excel").join(file)).unwrap(),
            fs::read_to_string(dir.join("csv").join(file)).unwrap(),
            "{file}"
        );
    }
}
