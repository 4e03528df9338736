//! Collection templates (`cwi template`): generated from the shipped Kazakhstan spec, filled
//! by a spreadsheet library (openpyxl, as an analyst's script would), and read back by
//! `compute` and `validate` as they are. The filled templates must give the same scores,
//! byte for byte, as the same numbers in a CSV; edited templates are refused at their cell.
//!
//! The tests that fill workbooks need Python's openpyxl; `.ci/run` installs it and sets
//! CWI_REQUIRE_OPENPYXL=1, so that there they run and cannot be skipped.

use std::fs;
use std::path::{Path, PathBuf};

use crate::common::{cwi, root, scratch};

const KZ: [&str; 2] = [
    "data-samples/kz/statistics.csv",
    "data-samples/kz/surveys.csv",
];

/// Runs a Python script with openpyxl, or says why not: `None` when openpyxl is missing
/// (a failure where CWI_REQUIRE_OPENPYXL is set).
fn python(script: &str, args: &[&Path]) -> Option<std::process::Output> {
    crate::common::python_with("openpyxl", "CWI_REQUIRE_OPENPYXL", script, args)
}

fn make_templates(dir: &Path, extra: &[&str]) -> Vec<PathBuf> {
    let out = dir.to_str().unwrap();
    let mut args = vec![
        "template",
        "--spec",
        "indicators/kz-cwi.toml",
        "--out",
        out,
        "--year",
        "2025",
        "--data",
    ];
    args.extend(KZ);
    args.extend(extra);
    let o = cwi(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "xlsx"))
        .collect();
    files.sort();
    files
}

/// Fills every value cell of the templates given as arguments (after the CSV path) with a
/// number derived from last year's value (shown in the template), clamped to the valid range,
/// and a sample size for survey rows; writes the same numbers to the CSV.
const FILL: &str = r#"
import csv, sys, openpyxl
out = sys.argv[1]
rows = []
for path in sys.argv[2:]:
    wb = openpyxl.load_workbook(path)
    ws = wb[wb.sheetnames[1]]
    header = [c.value for c in ws[3]]
    col = {name: i + 1 for i, name in enumerate(header)}
    for r in range(4, ws.max_row + 1):
        region = ws.cell(r, col["region"]).value
        indicator = ws.cell(r, col["indicator"]).value
        previous = ws.cell(r, col["previous_value"]).value
        value = round((previous if previous is not None else 50.0) * 0.97 + 1.0, 3)
        valid = ws.cell(r, col["valid"]).value
        if valid:
            lo, hi = (float(x) for x in valid.split(" - "))
            value = min(max(value, lo), hi)
        ws.cell(r, col["value"]).value = value
        n = ""
        if ws.cell(r, col["n"]).protection.locked is False:
            n = 900 + r
            ws.cell(r, col["n"]).value = n
        rows.append((region, 2025, indicator, repr(value), n))
    wb.save(path)
with open(out, "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["region", "year", "indicator", "value", "n"])
    w.writerows(rows)
"#;

/// The Kazakhstan sample's scores.csv with `data` added to the sample's files.
fn compute_kz(data: Vec<String>, out: &Path) -> Vec<u8> {
    let mut a = vec![
        "compute".to_string(),
        "--spec".into(),
        "indicators/kz-cwi.toml".into(),
        "--out".into(),
        out.display().to_string(),
        "--data".into(),
    ];
    a.extend(KZ.iter().map(|s| s.to_string()));
    a.extend(data);
    let refs: Vec<&str> = a.iter().map(String::as_str).collect();
    let o = cwi(&refs);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    fs::read(out.join("scores.csv")).unwrap()
}

/// scores.csv of the Kazakhstan sample with the templates added, and with the CSV of the same
/// numbers added instead.
fn from_templates_and_csv(dir: &Path, templates: &[PathBuf], csv: &Path) -> (Vec<u8>, Vec<u8>) {
    (
        compute_kz(
            templates.iter().map(|t| t.display().to_string()).collect(),
            &dir.join("out-templates"),
        ),
        compute_kz(vec![csv.display().to_string()], &dir.join("out-csv")),
    )
}

#[test]
fn filled_templates_give_the_scores_of_the_same_numbers_in_a_csv() {
    let dir = scratch("template-fill");
    let templates = make_templates(&dir.join("templates"), &[]);
    assert_eq!(templates.len(), 20, "one workbook per region");
    let csv = dir.join("filled.csv");
    let mut args: Vec<&Path> = vec![&csv];
    args.extend(templates.iter().map(PathBuf::as_path));
    if python(FILL, &args).is_none() {
        return;
    }
    let (from_templates, from_csv) = from_templates_and_csv(&dir, &templates, &csv);
    assert!(
        from_templates == from_csv,
        "the filled templates and the CSV of the same numbers give different scores"
    );
    let text = String::from_utf8(from_templates).unwrap();
    // Every region is scored in 2025: 20 index rows.
    let index_2025 = text
        .lines()
        .filter(|l| l.starts_with("2025,") && l.contains(",kz-cwi,"))
        .count();
    assert_eq!(index_2025, 20, "{text:.2000}");
    let _ = fs::remove_dir_all(&dir);
}

/// What the spec declares, for the inspection script: valid ranges and survey flags.
fn declared() -> String {
    let spec = cwi::spec::load(&root().join("indicators/kz-cwi.toml")).unwrap();
    let mut out = serde_json::Map::new();
    for &n in &spec.framework.indicators {
        let node = &spec.framework.nodes[n];
        if let cwi::spec::NodeKind::Indicator(i) = &node.kind {
            out.insert(
                node.id.clone(),
                serde_json::json!({ "valid": i.valid.map(|(lo, hi)| [lo, hi]), "survey": i.survey }),
            );
        }
    }
    serde_json::Value::Object(out).to_string()
}

/// Checks the workbook as Excel will enforce it: sheets protected, only the input cells
/// unlocked, a decimal validation with the indicator's valid range on each value cell, the
/// standard error and sample size open only for survey indicators, the metadata very hidden.
const INSPECT: &str = r#"
import json, sys, openpyxl
declared = json.loads(open(sys.argv[1]).read())
wb = openpyxl.load_workbook(sys.argv[2])
names = wb.sheetnames
assert len(names) == 3, names
assert wb[names[2]].title == "_cwi" and wb[names[2]].sheet_state == "veryHidden", wb[names[2]].sheet_state
assert wb[names[0]].protection.sheet and wb[names[1]].protection.sheet and wb[names[2]].protection.sheet
ws = wb[names[1]]
header = [c.value for c in ws[3]]
col = {name: i + 1 for i, name in enumerate(header)}
rules = {}
for dv in ws.data_validations.dataValidation:
    for rng in str(dv.sqref).split():
        rules[rng] = dv
seen = set()
for r in range(4, ws.max_row + 1):
    ind = ws.cell(r, col["indicator"]).value
    seen.add(ind)
    d = declared[ind]
    for name in header:
        locked = ws.cell(r, col[name]).protection.locked
        should_open = name == "value" or (name in ("se", "n") and d["survey"])
        assert locked is (not should_open), (r, name, locked)
    letter = openpyxl.utils.get_column_letter(col["value"])
    dv = rules[f"{letter}{r}"]
    assert dv.type == "decimal", dv.type
    if d["valid"]:
        lo, hi = d["valid"]
        assert float(dv.formula1) == lo and float(dv.formula2) == hi, (ind, dv.formula1, dv.formula2)
    for name, kind in (("se", "decimal"), ("n", "whole")):
        letter = openpyxl.utils.get_column_letter(col[name])
        if d["survey"]:
            assert rules[f"{letter}{r}"].type == kind
        else:
            assert f"{letter}{r}" not in rules
assert seen == set(declared), set(declared) ^ seen
print(len(seen))
"#;

#[test]
fn templates_are_protected_validated_and_reproducible() {
    let dir = scratch("template-inspect");
    let first = make_templates(&dir.join("a"), &["--regions", "KZ-10,Astana city"]);
    let names: Vec<String> = first
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["KZ-10.xlsx", "KZ-71.xlsx"]);
    // Same request, same bytes.
    let second = make_templates(&dir.join("b"), &["--regions", "KZ-10,Astana city"]);
    for (a, b) in first.iter().zip(&second) {
        assert!(
            fs::read(a).unwrap() == fs::read(b).unwrap(),
            "{a:?} differs on a rerun"
        );
    }
    // The template reads as a long table with a row per indicator of the spec.
    let sheet = cwi::load::read_sheet(&first[0]).unwrap();
    assert_eq!(
        &sheet.columns[..4],
        ["region", "region_name", "year", "indicator"]
    );
    assert_eq!(sheet.rows.len(), 36);
    assert!(sheet.rows.iter().all(|r| r[0].as_deref() == Some("KZ-10")));
    let spec_file = dir.join("declared.json");
    fs::write(&spec_file, declared()).unwrap();
    if let Some(out) = python(INSPECT, &[&spec_file, &first[0]]) {
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "36");
    }
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn agency_templates_hold_their_indicators_for_every_region() {
    let dir = scratch("template-agency");
    let files = make_templates(&dir, &["--by", "agency", "--lang", "en"]);
    let spec = cwi::spec::load(&root().join("indicators/kz-cwi.toml")).unwrap();
    let mut sources: Vec<String> = Vec::new();
    for &n in &spec.framework.indicators {
        if let cwi::spec::NodeKind::Indicator(i) = &spec.framework.nodes[n].kind
            && !sources.contains(&i.source)
        {
            sources.push(i.source.clone());
        }
    }
    assert_eq!(files.len(), sources.len());
    let health = dir.join("Ministry-of-Health.xlsx");
    let sheet = cwi::load::read_sheet(&health).unwrap();
    // The spec has two indicators whose source is exactly "Ministry of Health".
    let ids: Vec<&str> = spec
        .framework
        .indicators
        .iter()
        .filter_map(|&n| match &spec.framework.nodes[n].kind {
            cwi::spec::NodeKind::Indicator(i) if i.source == "Ministry of Health" => {
                Some(spec.framework.nodes[n].id.as_str())
            }
            _ => None,
        })
        .collect();
    assert_eq!(ids.len(), 2);
    assert_eq!(sheet.rows.len(), 20 * 2);
    for (k, row) in sheet.rows.iter().enumerate() {
        assert_eq!(row[3].as_deref(), Some(ids[k % 2]));
    }
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn a_template_of_another_spec_version_is_refused() {
    let dir = scratch("template-version");
    let text = fs::read_to_string(root().join("indicators/kz-cwi.toml")).unwrap();
    let older = text.replace(
        "version = \"2024-illustrative\"",
        "version = \"2023-illustrative\"",
    );
    assert_ne!(older, text);
    fs::write(dir.join("older.toml"), older).unwrap();
    fs::copy(
        root().join("indicators/kz-regions.csv"),
        dir.join("kz-regions.csv"),
    )
    .unwrap();
    let o = cwi(&[
        "template",
        "--spec",
        dir.join("older.toml").to_str().unwrap(),
        "--out",
        dir.join("t").to_str().unwrap(),
        "--year",
        "2025",
        "--regions",
        "KZ-10",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = cwi(&[
        "validate",
        "indicators/kz-cwi.toml",
        "--data",
        dir.join("t/KZ-10.xlsx").to_str().unwrap(),
    ]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(out.contains("error[E118]"), "{out}");
    assert!(
        out.contains("version \"2023-illustrative\"") && out.contains("KZ-10.xlsx"),
        "{out}"
    );
    let _ = fs::remove_dir_all(&dir);
}

/// Each edit an office might make, applied with openpyxl to a copy of one template.
const EDIT: &str = r#"
import sys, openpyxl
kind, path = sys.argv[1], sys.argv[2]
wb = openpyxl.load_workbook(path)
ws = wb[wb.sheetnames[1]]
if kind == "row-deleted":
    ws.delete_rows(6)
elif kind == "id-changed":
    ws["D5"] = "trust_in_family_v2"
elif kind == "column-inserted":
    ws.insert_cols(5)
elif kind == "sheet-renamed":
    ws.title = "Sheet1"
elif kind == "text-value":
    ws["K5"] = "12,5"
elif kind == "formula":
    ws["K6"] = "=40+2"
elif kind == "row-added":
    ws.cell(ws.max_row + 1, 1).value = "KZ-10"
wb.save(path)
"#;

#[test]
fn edited_templates_are_refused_at_their_sheet_and_cell() {
    let dir = scratch("template-edits");
    let files = make_templates(&dir.join("t"), &["--regions", "KZ-10", "--lang", "ru"]);
    for (kind, code, place) in [
        ("row-deleted", "E118", "sheet \"Данные\", cell D6"),
        ("id-changed", "E118", "sheet \"Данные\", cell D5"),
        ("column-inserted", "E118", "sheet \"Данные\", cell E3"),
        (
            "sheet-renamed",
            "E118",
            "the data sheet \"Данные\" of this cwi template is missing",
        ),
        (
            "text-value",
            "E103",
            "sheet \"Данные\", cell K5: \"12,5\" is text",
        ),
        ("row-added", "E118", "sheet \"Данные\", cell A40"),
        // openpyxl saves a formula without its value, as a script would.
        (
            "formula",
            "E103",
            "sheet \"Данные\", cell K6: the formula =40+2 has no computed value",
        ),
    ] {
        let copy = dir.join(format!("{kind}.xlsx"));
        fs::copy(&files[0], &copy).unwrap();
        let Some(_) = python(EDIT, &[Path::new(kind), &copy]) else {
            return;
        };
        let o = cwi(&[
            "validate",
            "indicators/kz-cwi.toml",
            "--data",
            copy.to_str().unwrap(),
        ]);
        let out = String::from_utf8_lossy(&o.stdout);
        assert_eq!(o.status.code(), Some(1), "{kind}: {out}");
        assert!(out.contains(&format!("error[{code}]")), "{kind}: {out}");
        assert!(out.contains(place), "{kind}: {out}");
        assert!(out.contains(&format!("{kind}.xlsx")), "{kind}: {out}");
        // compute refuses the same way and writes nothing.
        let o = cwi(&[
            "compute",
            "--spec",
            "indicators/kz-cwi.toml",
            "--data",
            KZ[0],
            KZ[1],
            copy.to_str().unwrap(),
            "--out",
            dir.join("out").to_str().unwrap(),
        ]);
        assert!(!o.status.success(), "{kind}");
        assert!(!dir.join("out/scores.csv").exists(), "{kind}");
    }
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn templates_follow_the_boundary_changes() {
    let dir = scratch("template-boundaries");
    // Before 8 June 2022 Abai (KZ-10), Jetisu (KZ-33) and Ulytau (KZ-62) did not exist: a
    // collection for 2021 asks the 17 regions of the time.
    let o = cwi(&[
        "template",
        "--spec",
        "indicators/kz-cwi.toml",
        "--year",
        "2021",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut made: Vec<String> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".xlsx"))
        .collect();
    made.sort();
    assert_eq!(made.len(), 17, "{made:?}");
    for absent in ["KZ-10.xlsx", "KZ-33.xlsx", "KZ-62.xlsx"] {
        assert!(!made.iter().any(|m| m == absent), "{absent}");
    }
    let o = cwi(&[
        "template",
        "--spec",
        "indicators/kz-cwi.toml",
        "--year",
        "2021",
        "--regions",
        "Abai Region",
        "--out",
        dir.join("abai").to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("region KZ-10 does not exist in 2021"), "{err}");
    assert!(!dir.join("abai").exists());
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn the_check_runs_on_a_collection_under_way() {
    let dir = scratch("template-check");
    let files = make_templates(&dir, &["--regions", "KZ-10,KZ-11"]);
    let check = || {
        let mut args = vec![
            "check",
            "--spec",
            "indicators/kz-cwi.toml",
            "--format",
            "json",
            "--data",
        ];
        args.extend(KZ);
        let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        args.extend(names);
        let o = cwi(&args);
        // Values are missing: exit 1; two regions of 20 is expected while data come in and
        // does not stop the check (no E113).
        assert_eq!(
            o.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(!String::from_utf8_lossy(&o.stderr).contains("E113"));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(v["year"], 2025);
        assert_eq!(v["previous_year"], 2024);
        let regions = v["regions"].as_array().unwrap().clone();
        assert_eq!(regions.len(), 20);
        regions
            .iter()
            .map(|r| {
                (
                    r["code"].as_str().unwrap().to_string(),
                    r["reported"].as_u64().unwrap(),
                )
            })
            .collect::<Vec<_>>()
    };
    // Returned empty: nothing reported yet.
    assert!(check().iter().all(|(_, n)| *n == 0));
    // Abai's office fills its workbook.
    let csv = dir.join("filled.csv");
    if python(FILL, &[&csv, &files[0]]).is_none() {
        return;
    }
    let reported = check();
    assert_eq!(reported[0], ("KZ-10".to_string(), 36));
    assert!(reported[1..].iter().all(|(_, n)| *n == 0));
    let _ = fs::remove_dir_all(&dir);
}

/// A derived indicator is collected as the raw columns of its formula: the template asks for
/// offences and child population, and the index computes the rate from them. A: 10 / 50,000 *
/// 10,000 = 2, B: 15 / 50,000 * 10,000 = 3; lower is better, so A scores 100 and B 0.
#[test]
fn derived_indicators_are_collected_as_their_raw_columns() {
    let dir = scratch("template-derived");
    fs::copy(
        root().join("tests/fixtures/derived.toml"),
        dir.join("d.toml"),
    )
    .unwrap();
    fs::write(
        dir.join("2024.csv"),
        "region,year,indicator,value\nA,2024,offences,30\nA,2024,child_population,120000\nB,2024,offences,12\nB,2024,child_population,40000\n",
    )
    .unwrap();
    let (spec, data) = (dir.join("d.toml"), dir.join("2024.csv"));
    let out = dir.join("t");
    let o = cwi(&[
        "template",
        "--spec",
        spec.to_str().unwrap(),
        "--year",
        "2025",
        "--data",
        data.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let (a, b) = (out.join("A.xlsx"), out.join("B.xlsx"));
    let sheet = cwi::load::read_sheet(&a).unwrap();
    let asked: Vec<&str> = sheet
        .rows
        .iter()
        .map(|r| r[3].as_deref().unwrap())
        .collect();
    assert_eq!(asked, ["offences", "child_population"]);
    let fill = r#"
import sys, openpyxl
for path, offences in ((sys.argv[1], 10), (sys.argv[2], 15)):
    wb = openpyxl.load_workbook(path)
    ws = wb[wb.sheetnames[1]]
    for r in range(4, ws.max_row + 1):
        ws.cell(r, 11).value = offences if ws.cell(r, 4).value == "offences" else 50000
    wb.save(path)
"#;
    if python(fill, &[&a, &b]).is_none() {
        return;
    }
    let scores = dir.join("out");
    let o = cwi(&[
        "compute",
        "--spec",
        spec.to_str().unwrap(),
        "--data",
        data.to_str().unwrap(),
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--out",
        scores.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let csv = fs::read_to_string(scores.join("scores.csv")).unwrap();
    assert!(csv.contains("2025,A,A,offence_rate,\"Offences against children per 10,000 children\",1,indicator,100,1,"), "{csv}");
    assert!(csv.contains("2025,B,B,offence_rate,\"Offences against children per 10,000 children\",1,indicator,0,2,"), "{csv}");
    let _ = fs::remove_dir_all(&dir);
}

/// Turns the filled value of every row declared 0 - 100 into the percentage Excel keeps when
/// "48,939%" style input is typed: the value / 100 (the nearest double to the decimal) with a
/// percent format. Returns nothing; edits the workbooks given as arguments in place.
const AS_PERCENT: &str = r#"
import sys, decimal, openpyxl
changed = 0
for path in sys.argv[1:]:
    wb = openpyxl.load_workbook(path)
    ws = wb[wb.sheetnames[1]]
    header = [c.value for c in ws[3]]
    col = {name: i + 1 for i, name in enumerate(header)}
    for r in range(4, ws.max_row + 1):
        cell = ws.cell(r, col["value"])
        if ws.cell(r, col["valid"]).value == "0 - 100" and cell.value is not None:
            cell.value = float(decimal.Decimal(repr(cell.value)) / 100)
            cell.number_format = "0.000%"
            changed += 1
    wb.save(path)
print(changed)
"#;

/// A returned template whose percentages were typed as percentages (Excel keeps 0.48939 with
/// a percent format for "48.939%"): read as shown, for indicators declared as percentages
/// (valid 0 - 100), so the scores are those of the same numbers in a CSV, byte for byte.
#[test]
fn percent_cells_in_returned_templates_read_as_shown() {
    let dir = scratch("template-percent");
    let templates = make_templates(&dir.join("templates"), &[]);
    let csv = dir.join("filled.csv");
    let mut args: Vec<&Path> = vec![&csv];
    args.extend(templates.iter().map(PathBuf::as_path));
    if python(FILL, &args).is_none() {
        return;
    }
    let edited: Vec<&Path> = templates.iter().map(PathBuf::as_path).collect();
    let changed = python(AS_PERCENT, &edited).unwrap();
    let changed: usize = String::from_utf8_lossy(&changed.stdout)
        .trim()
        .parse()
        .unwrap();
    assert!(changed > 100, "{changed} cells as percentages");
    let (from_templates, from_csv) = from_templates_and_csv(&dir, &templates, &csv);
    assert!(
        from_templates == from_csv,
        "percent cells of the templates are not read as the percentages shown"
    );
    let _ = fs::remove_dir_all(&dir);
}
