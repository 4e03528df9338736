//! One run names every problem: a spec's unknown keys do not hide its other problems, a data
//! file's refused cells do not hide its rows' other problems (and no warning is derived from
//! the data refused), and a file wrong in every cell gives a bounded list.

use crate::validate::{line_of, tiny_spec, validate};

/// An unknown key no longer hides the spec's other problems: a misspelt key, a misspelt
/// parent, a negative weight and an unknown direction, all reported by one run.
#[test]
fn a_spec_reports_every_problem_in_one_run() {
    let changed = tiny_spec()
        .replacen(
            "normalisation = { method = \"min-max\" }",
            "normalization = { method = \"min-max\" }",
            1,
        )
        .replacen("parent = \"education\"", "parent = \"educaton\"", 1)
        .replacen("weight = 3", "weight = -3", 1)
        .replacen("direction = \"lower\"", "direction = \"lowr\"", 1);
    let run = validate("all-at-once", &changed, None, "data.csv", &[]);
    assert_eq!(run.status, 1);
    for (code, text) in [
        ("E002", "normalization"),
        ("E004", "parent = \"educaton\""),
        ("E008", "weight = -3"),
        ("E011", "\"lowr\""),
    ] {
        let p = run.find(code);
        assert_eq!(
            p["line"].as_u64(),
            Some(line_of(&changed, text, 0) as u64),
            "{code}: {p:#}"
        );
    }
}

/// A data file with a bad year and a text value also reports, in the same run, its unknown
/// region, its duplicated row and its value outside the valid range (the rows read well are
/// checked), and no "no data" or coverage warning about the rows it refused.
#[test]
fn a_data_file_reports_every_problem_in_one_run() {
    let spec = tiny_spec().replacen("unit = \"%\"", "unit = \"%\"\nvalid = [0, 100]", 1);
    let data = "region,year,indicator,value\n\
                R1,20x4,vaccination,90\n\
                R2,2024,vaccination,eighty\n\
                R3,2024,vaccination,170\n\
                Atlantis,2024,vaccination,50\n\
                R1,2024,mortality,10\n\
                R1,2024,mortality,11\n\
                R2,2024,mortality,30\n\
                R3,2024,mortality,20\n\
                R1,2024,enrolment,60\n\
                R2,2024,enrolment,100\n\
                R1,2024,reading,5\n\
                R2,2024,reading,3\n\
                R3,2024,reading,4\n";
    let run = validate(
        "data-all-at-once",
        &spec,
        Some(data.as_bytes()),
        "data.csv",
        &[],
    );
    assert_eq!(run.status, 1);
    // Lines: the header is line 1, so the n-th data row is on line n + 1.
    for (code, line) in [
        ("E105", 2),
        ("E103", 3),
        ("E109", 5),
        ("E104", 7),
        ("E107", 4),
    ] {
        let p = run.find(code);
        assert_eq!(p["line"].as_u64(), Some(line), "{code}: {p:#}");
    }
    for derived in ["W111", "W112", "E113"] {
        assert!(
            !run.problems.iter().any(|p| p["code"] == derived),
            "{derived}: {:#?}",
            run.problems
        );
    }
}

/// A file wrong in every cell keeps at most 100 diagnostics of a kind (the first, in row
/// order) and says how many more there are, in the text and the JSON output alike.
#[test]
fn diagnostics_are_bounded_per_kind_and_file() {
    let mut data = String::from("region,year,indicator,value\n");
    for k in 0..5000 {
        data.push_str(&format!("R{},{},reading,x{k}\n", k % 3 + 1, 2000 + k / 3));
    }
    let run = validate(
        "bounded",
        &tiny_spec(),
        Some(data.as_bytes()),
        "data.csv",
        &[],
    );
    assert_eq!(run.status, 1);
    let bad: Vec<_> = run
        .problems
        .iter()
        .filter(|p| p["code"] == "E103")
        .collect();
    // 100 cells listed (rows 1 to 100, lines 2 to 101) and one line for the other 4,900.
    assert_eq!(bad.len(), 101, "{:#?}", &bad[..3]);
    assert_eq!(bad[0]["line"].as_u64(), Some(2));
    assert_eq!(bad[99]["line"].as_u64(), Some(101));
    assert_eq!(bad[100]["line"].as_u64(), Some(102));
    assert!(
        bad[100]["message"]
            .as_str()
            .unwrap()
            .starts_with("4900 more E103 problem(s) in this file"),
        "{:#}",
        bad[100]
    );
}

/// A value of the wrong type is reported and taken out, and the rest of the spec read and
/// checked: two type errors and a misspelt parent, all in one run.
#[test]
fn values_of_the_wrong_type_do_not_hide_the_rest() {
    let changed = tiny_spec()
        .replacen(
            "normalisation = { method = \"min-max\" }",
            "normalisation = { method = \"min-max\", range = \"wide\" }",
            1,
        )
        .replacen("weight = 3", "weight = \"three\"", 1)
        .replacen("parent = \"education\"", "parent = \"educaton\"", 1);
    let run = validate("types-at-once", &changed, None, "data.csv", &[]);
    assert_eq!(run.status, 1);
    let syntax: Vec<u64> = run
        .problems
        .iter()
        .filter(|p| p["code"] == "E001")
        .map(|p| p["line"].as_u64().unwrap())
        .collect();
    assert_eq!(
        syntax,
        [
            line_of(&changed, "range = \"wide\"", 0) as u64,
            line_of(&changed, "weight = \"three\"", 0) as u64
        ],
        "{:#?}",
        run.problems
    );
    let p = run.find("E004");
    assert_eq!(
        p["line"].as_u64(),
        Some(line_of(&changed, "parent = \"educaton\"", 0) as u64)
    );
}
