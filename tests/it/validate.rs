//! `cwi validate`: one fixture per problem code, asserting the code, its place and the exit
//! status; the shipped schema, `cwi compare`, and the documentation of every code.

use std::fs;
use std::path::PathBuf;

use crate::common::{cwi, root, scratch};

pub(crate) fn tiny_spec() -> String {
    fs::read_to_string(root().join("tests/fixtures/tiny.toml")).unwrap()
}

fn tiny_data() -> String {
    fs::read_to_string(root().join("tests/fixtures/tiny.csv")).unwrap()
}

/// The 1-based line of the `nth` (0-based) occurrence of `needle` in `text`.
pub(crate) fn line_of(text: &str, needle: &str, nth: usize) -> usize {
    let at = text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("{needle} #{nth} not found"))
        .0;
    text[..at].matches('\n').count() + 1
}

pub(crate) struct Run {
    pub(crate) status: i32,
    pub(crate) problems: Vec<serde_json::Value>,
    spec: PathBuf,
    data: PathBuf,
}

/// Validates `spec` (and `data`, if any) as JSON Lines.
pub(crate) fn validate(
    name: &str,
    spec: &str,
    data: Option<&[u8]>,
    data_name: &str,
    extra: &[&str],
) -> Run {
    let dir = scratch(&format!("validate-{name}"));
    let spec_path = dir.join("spec.toml");
    fs::write(&spec_path, spec).unwrap();
    let data_path = dir.join(data_name);
    let mut args = vec!["validate", spec_path.to_str().unwrap(), "--format", "json"];
    args.extend(extra);
    if let Some(bytes) = data {
        fs::write(&data_path, bytes).unwrap();
        args.extend(["--data", data_path.to_str().unwrap()]);
    }
    let o = cwi(&args);
    let problems = String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    Run {
        status: o.status.code().unwrap(),
        problems,
        spec: spec_path,
        data: data_path,
    }
}

impl Run {
    pub(crate) fn find(&self, code: &str) -> &serde_json::Value {
        self.problems
            .iter()
            .find(|p| p["code"] == code)
            .unwrap_or_else(|| panic!("no {code} in {:#?}", self.problems))
    }
}

/// Spec problems: (code, text replaced in tiny.toml, replacement, the text whose line is
/// expected, which occurrence of it in the changed spec).
const SPEC_CASES: &[(&str, &str, &str, &str, usize)] = &[
    ("E001", "[defaults]", "[defaults", "[defaults", 0),
    (
        "E002",
        "normalisation = { method = \"min-max\" }",
        "normalization = { method = \"min-max\" }",
        "normalization",
        0,
    ),
    (
        "E003",
        "id = \"reading\"",
        "id = \"enrolment\"",
        "id = \"enrolment\"",
        1,
    ),
    (
        "E004",
        "parent = \"education\"",
        "parent = \"educaton\"",
        "parent = \"educaton\"",
        0,
    ),
    (
        "E005",
        "parent = \"education\"\nname = { en = \"Reading\"",
        "parent = \"enrolment\"\nname = { en = \"Reading\"",
        "parent = \"enrolment\"",
        0,
    ),
    (
        "E007",
        "[[indicator]]",
        "[[group]]\nid = \"empty\"\nparent = \"tiny\"\nname = { en = \"Empty\", ru = \"Пусто\" }\n\n[[indicator]]",
        "id = \"empty\"",
        0,
    ),
    ("E008", "weight = 3", "weight = -3", "weight = -3", 0),
    (
        "E010",
        "source = \"test\"",
        "source = \"test\"\nnormalisation = { method = \"goalposts\", lo = 50, hi = 10 }",
        "lo = 50",
        0,
    ),
    (
        "E011",
        "aggregation = { method = \"geometric\" }",
        "aggregation = { method = \"median\" }",
        "\"median\"",
        0,
    ),
    (
        "E012",
        "normalisation = { method = \"min-max\" }",
        "normalisation = { method = \"min-max\", sd = 2 }",
        "sd = 2",
        0,
    ),
    (
        "E013",
        "name = { en = \"Health\", ru = \"Здоровье\" }",
        "name = { en = \"Health\" }",
        "name = { en = \"Health\" }",
        0,
    ),
    (
        "E014",
        "aliases = [\"Northern Region\"]",
        "aliases = [\"Northern Region\", \"South\"]",
        "code = \"R2\"",
        0,
    ),
    (
        "E015",
        "[defaults]",
        "[units]\nfrom_data = true\n\n[defaults]",
        "[units]",
        0,
    ),
    (
        "E016",
        "id = \"education\"",
        "id = \"educa tion\"",
        "id = \"educa tion\"",
        0,
    ),
];

#[test]
fn every_spec_problem_code_is_reported_at_its_line() {
    for (code, from, to, anchor, nth) in SPEC_CASES {
        let text = tiny_spec();
        assert!(text.contains(from), "{code}: {from:?} not in the fixture");
        let changed = text.replacen(from, to, 1);
        let run = validate(code, &changed, None, "data.csv", &[]);
        assert_eq!(run.status, 1, "{code}: {:#?}", run.problems);
        let p = run.find(code);
        assert_eq!(p["severity"], "error", "{code}");
        assert_eq!(p["file"], run.spec.to_str().unwrap(), "{code}");
        let line = if *code == "E014" {
            line_of(&changed, "[[unit]]", 1)
        } else {
            line_of(&changed, anchor, *nth)
        };
        assert_eq!(p["line"], line, "{code}: {p}");
        assert!(p["column"].as_u64().unwrap() >= 1, "{code}");
        assert!(!p["hint"].as_str().unwrap().is_empty(), "{code}: no hint");
    }
}

#[test]
fn a_cycle_of_parents_is_reported_at_each_node_on_it() {
    // health -> education -> health never reaches the index.
    let changed = tiny_spec()
        .replacen(
            "parent = \"tiny\"\nname = { en = \"Health\"",
            "parent = \"education\"\nname = { en = \"Health\"",
            1,
        )
        .replacen(
            "parent = \"tiny\"\nname = { en = \"Education\"",
            "parent = \"health\"\nname = { en = \"Education\"",
            1,
        );
    let run = validate("E006", &changed, None, "data.csv", &[]);
    assert_eq!(run.status, 1);
    let lines: Vec<u64> = run
        .problems
        .iter()
        .filter(|p| p["code"] == "E006")
        .map(|p| p["line"].as_u64().unwrap())
        .collect();
    let expected = [
        line_of(&changed, "id = \"health\"", 0) as u64,
        line_of(&changed, "id = \"education\"", 0) as u64,
    ];
    assert_eq!(
        lines.len(),
        6,
        "the two groups and their four indicators: {:#?}",
        run.problems
    );
    assert!(
        expected.iter().all(|l| lines.contains(l)),
        "{lines:?} {expected:?}"
    );
}

#[test]
fn all_zero_weights_are_reported_at_the_group() {
    let changed = tiny_spec()
        .replacen("weight = 1", "weight = 0", 1)
        .replacen("weight = 3", "weight = 0", 1);
    let run = validate("E009", &changed, None, "data.csv", &[]);
    assert_eq!(run.status, 1);
    assert_eq!(
        run.find("E009")["line"],
        line_of(&changed, "id = \"health\"", 0)
    );
}

#[test]
fn an_unknown_key_gets_a_suggestion_and_every_one_is_listed() {
    let changed = tiny_spec()
        .replacen(
            "normalisation = { method = \"min-max\" }",
            "normalization = { method = \"min-max\" }",
            1,
        )
        .replacen("direction = \"lower\"", "direcion = \"lower\"", 1);
    let run = validate("unknown-keys", &changed, None, "data.csv", &[]);
    let unknown: Vec<_> = run
        .problems
        .iter()
        .filter(|p| p["code"] == "E002")
        .collect();
    assert_eq!(unknown.len(), 2, "{:#?}", run.problems);
    assert!(
        unknown[0]["hint"]
            .as_str()
            .unwrap()
            .contains("did you mean \"normalisation\"")
    );
    assert!(
        unknown[1]["hint"]
            .as_str()
            .unwrap()
            .contains("did you mean \"direction\"")
    );
}

#[test]
fn a_geometric_mean_over_possible_zeros_is_a_warning() {
    // tiny.toml aggregates the index geometrically over groups normalised onto [0, 100].
    let run = validate("W020", &tiny_spec(), None, "data.csv", &[]);
    assert_eq!(run.status, 0, "warnings alone pass");
    let p = run.find("W020");
    assert_eq!(p["severity"], "warning");
    assert_eq!(p["line"], line_of(&tiny_spec(), "id = \"tiny\"", 0));
    assert!(p["hint"].as_str().unwrap().contains("range = [1, 100]"));
    let strict = validate(
        "W020-deny",
        &tiny_spec(),
        None,
        "data.csv",
        &["--deny-warnings"],
    );
    assert_eq!(strict.status, 1);
    // Normalising onto [1, 100] clears it.
    let fixed = tiny_spec().replace(
        "normalisation = { method = \"min-max\" }",
        "normalisation = { method = \"min-max\", range = [1, 100] }",
    );
    let run = validate("W020-fixed", &fixed, None, "data.csv", &["--deny-warnings"]);
    assert_eq!(run.status, 0, "{:#?}", run.problems);
}

/// Data problems: (code, data file name, contents, expected data row (1 = first after the
/// header), expected file line, expected column). A valid range on vaccination and a coverage
/// threshold are added to the spec for E107 and W112.
#[test]
fn every_data_problem_code_is_reported_at_its_row_and_column() {
    let spec = tiny_spec().replacen("unit = \"%\"", "unit = \"%\"\nvalid = [0, 100]", 1);
    let tiny = tiny_data();
    let cases: Vec<(&str, &str, Vec<u8>, Option<u64>, Option<u64>, Option<&str>)> = vec![
        (
            "E101",
            "data.csv",
            tiny.replace("R3,2024,reading,4", "R3,2024,reading,4,5")
                .into_bytes(),
            None,
            None,
            None,
        ),
        (
            "E102",
            "data.csv",
            tiny.replacen("region,", "area,", 1).into_bytes(),
            None,
            None,
            None,
        ),
        (
            "E103",
            "data.csv",
            tiny.replace("R2,2024,mortality,30", "R2,2024,mortality,thirty")
                .into_bytes(),
            Some(5),
            Some(6),
            Some("value"),
        ),
        (
            "E104",
            "data.csv",
            format!("{tiny}R1,2024,reading,6\n").into_bytes(),
            Some(13),
            Some(14),
            None,
        ),
        (
            "E105",
            "data.csv",
            tiny.replace("R2,2024,mortality,30", "R2,20x4,mortality,30")
                .into_bytes(),
            Some(5),
            Some(6),
            Some("year"),
        ),
        (
            "E106",
            "data.csv",
            tiny.replace("R2,2024,mortality,30", ",2024,mortality,30")
                .into_bytes(),
            Some(5),
            Some(6),
            Some("region"),
        ),
        (
            "E107",
            "data.csv",
            tiny.replace("R1,2024,vaccination,90", "R1,2024,vaccination,120")
                .into_bytes(),
            Some(1),
            Some(2),
            Some("value"),
        ),
        (
            "E108",
            "data.csv",
            tiny.replace("R1,2024,reading,5", "R1,2024,reading,\"1,234\"")
                .into_bytes(),
            Some(10),
            Some(11),
            Some("value"),
        ),
        (
            "E109",
            "data.csv",
            format!("{tiny}Nortth,2024,reading,7\n").into_bytes(),
            Some(13),
            Some(14),
            Some("region"),
        ),
        (
            "W110",
            "data.csv",
            format!("{tiny}R1,2024,happiness,3\n").into_bytes(),
            Some(13),
            Some(14),
            Some("value"),
        ),
        (
            "E113",
            "data.csv",
            "region,year,indicator,value\nR1,2024,reading,5\n"
                .as_bytes()
                .to_vec(),
            None,
            None,
            None,
        ),
        (
            "E115",
            "data.csv",
            "region,year,indicator,value\nAtlantis,2024,reading,5\n"
                .as_bytes()
                .to_vec(),
            None,
            None,
            None,
        ),
        (
            "E114",
            "data.csv",
            b"region,year,indicator,value\nR\xe9gion,2024,reading,5\n".to_vec(),
            None,
            None,
            None,
        ),
    ];
    for (code, name, bytes, row, line, field) in cases {
        let run = validate(code, &spec, Some(&bytes), name, &[]);
        let p = run.find(code);
        let error = code.starts_with('E');
        assert_eq!(
            run.status,
            if error { 1 } else { 0 },
            "{code}: {:#?}",
            run.problems
        );
        assert_eq!(p["file"], run.data.to_str().unwrap(), "{code}: {p}");
        assert_eq!(p["row"].as_u64(), row, "{code}: {p}");
        assert_eq!(p["line"].as_u64(), line, "{code}: {p}");
        assert_eq!(p["field"].as_str(), field, "{code}: {p}");
        assert!(!p["hint"].as_str().unwrap().is_empty(), "{code}: no hint");
    }
    // E109 suggests the nearest region.
    let run = validate(
        "E109-hint",
        &spec,
        Some(format!("{tiny}Nortth,2024,reading,7\n").as_bytes()),
        "data.csv",
        &[],
    );
    assert!(
        run.find("E109")["hint"]
            .as_str()
            .unwrap()
            .contains("North (R1)")
    );
}

#[test]
fn indicators_without_data_and_low_coverage_point_at_the_spec() {
    let spec = tiny_spec().replacen(
        "[[level]]",
        "[validation]\nmin_coverage = 0.9\n\n[[level]]",
        1,
    );
    let no_reading: String = tiny_data()
        .lines()
        .filter(|l| !l.contains("reading"))
        .map(|l| format!("{l}\n"))
        .collect();
    let run = validate("W111", &spec, Some(no_reading.as_bytes()), "data.csv", &[]);
    assert_eq!(run.status, 0, "{:#?}", run.problems);
    let p = run.find("W111");
    assert_eq!(p["file"], run.spec.to_str().unwrap());
    assert_eq!(p["line"], line_of(&spec, "id = \"reading\"", 0));
    // enrolment: 2 of 3 regions (0.67 < 0.9); R3: 3 of 4 indicators (0.75 < 0.9).
    let run = validate("W112", &spec, Some(tiny_data().as_bytes()), "data.csv", &[]);
    let low: Vec<&str> = run
        .problems
        .iter()
        .filter(|p| p["code"] == "W112")
        .map(|p| p["message"].as_str().unwrap())
        .collect();
    assert_eq!(low.len(), 2, "{low:?}");
    assert!(
        low[0].contains("\"enrolment\" has values in 2 of 3"),
        "{low:?}"
    );
    assert!(low[1].contains("region R3 has values in 3 of 4"), "{low:?}");
}

#[test]
fn exit_status_two_when_validation_cannot_run() {
    let o = cwi(&["validate", "no/such/spec.toml"]);
    assert_eq!(o.status.code(), Some(2));
    let o = cwi(&[
        "validate",
        "tests/fixtures/tiny.toml",
        "--data",
        "no/such.csv",
    ]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn human_output_quotes_and_underlines_the_line() {
    let dir = scratch("validate-human");
    let spec = dir.join("spec.toml");
    fs::write(&spec, tiny_spec().replacen("weight = 3", "weight = -3", 1)).unwrap();
    let o = cwi(&["validate", spec.to_str().unwrap()]);
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(
        out.contains("error[E008]: weight of \"mortality\""),
        "{out}"
    );
    assert!(out.contains("| weight = -3\n"), "{out}");
    assert!(out.contains("|          ^^\n"), "{out}");
    let o = cwi(&["validate", spec.to_str().unwrap(), "--format", "github"]);
    let out = String::from_utf8(o.stdout).unwrap();
    let line = line_of(&fs::read_to_string(&spec).unwrap(), "weight = -3", 0);
    assert!(
        out.contains(&format!(
            "::error file={},line={line},col=10,title=E008::",
            spec.display()
        )),
        "{out}"
    );
}

#[test]
fn every_shipped_spec_validates_with_its_sample() {
    let o = cwi(&[
        "validate",
        "indicators/kz-cwi.toml",
        "--deny-warnings",
        "--data",
        "data-samples/kz/statistics.csv",
        "data-samples/kz/surveys.csv",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let o = cwi(&[
        "validate",
        "indicators/hdi.toml",
        "--data",
        "data-samples/hdi/hdi-components-2021-2022.csv",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
}

#[test]
fn hostile_inputs_end_in_a_report() {
    let dir = scratch("validate-hostile");
    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "bomb-arrays.toml",
            format!("a = {}{}", "[".repeat(100_000), "]".repeat(100_000)).into_bytes(),
        ),
        (
            "bomb-tables.toml",
            format!("a = {}1{}", "{b=".repeat(50_000), "}".repeat(50_000)).into_bytes(),
        ),
        (
            "bomb-keys.toml",
            format!("[{}]\n", vec!["k"; 50_000].join(".")).into_bytes(),
        ),
        ("binary.toml", (0..=255u8).cycle().take(4096).collect()),
        ("empty.toml", Vec::new()),
        (
            "long-line.toml",
            format!("# {}\n", "x".repeat(8 << 20)).into_bytes(),
        ),
    ];
    for (name, bytes) in cases {
        let path = dir.join(name);
        fs::write(&path, bytes).unwrap();
        let o = cwi(&["validate", path.to_str().unwrap()]);
        assert_eq!(
            o.status.code(),
            Some(1),
            "{name}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(
            String::from_utf8_lossy(&o.stdout).contains("error["),
            "{name}"
        );
    }
    // Hostile data files with a good spec.
    let data: Vec<(&str, Vec<u8>)> = vec![
        ("binary.csv", (0..=255u8).cycle().take(4096).collect()),
        ("empty.csv", Vec::new()),
        ("long-line.csv", "x".repeat(4 << 20).into_bytes()),
        (
            "latin-1.csv",
            b"region,year,indicator,value\ncaf\xe9,2024,reading,1\n".to_vec(),
        ),
        (
            "no-unit.csv",
            b"region,year,indicator,value\nAtlantis,2024,reading,1\n".to_vec(),
        ),
        ("fake.xlsx", b"PK\x03\x04 not really a zip".to_vec()),
        ("fake.parquet", b"PAR1 not really parquet".to_vec()),
    ];
    for (name, bytes) in data {
        let path = dir.join(name);
        fs::write(&path, bytes).unwrap();
        let o = cwi(&[
            "validate",
            "tests/fixtures/tiny.toml",
            "--data",
            path.to_str().unwrap(),
        ]);
        assert_eq!(
            o.status.code(),
            Some(1),
            "{name}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(
            String::from_utf8_lossy(&o.stdout).contains("error[E1"),
            "{name}: {}",
            String::from_utf8_lossy(&o.stdout)
        );
    }
}

#[test]
fn the_shipped_schema_is_what_cwi_schema_prints() {
    let o = cwi(&["schema"]);
    assert!(o.status.success());
    let printed = String::from_utf8(o.stdout).unwrap();
    assert_eq!(
        printed,
        fs::read_to_string(root().join("docs/spec.schema.json")).unwrap(),
        "regenerate with: cwi schema > docs/spec.schema.json"
    );
    let schema: serde_json::Value = serde_json::from_str(&printed).unwrap();
    assert_eq!(schema["required"], serde_json::json!(["index", "defaults"]));
    let methods = &schema["properties"]["defaults"]["properties"]["normalisation"]["properties"]["method"]
        ["enum"];
    assert_eq!(methods.as_array().unwrap().len(), 14);
    assert_eq!(methods[0], "min-max");
}

#[test]
fn compare_reproduces_the_published_hdi_and_catches_a_change() {
    let dir = scratch("validate-compare");
    let out = dir.join("out");
    let o = cwi(&[
        "compute",
        "--spec",
        "indicators/hdi.toml",
        "--data",
        "data-samples/hdi/hdi-components-2021-2022.csv",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success());
    let scores = out.join("scores.csv");
    let published = "data-samples/hdi/hdi-published-2021-2022.csv";
    let args = |extra: &[&str]| {
        let mut a = vec![
            "compare",
            "--scores",
            scores.to_str().unwrap(),
            "--expected",
            published,
            "--node",
            "hdi",
            "--region-column",
            "iso3",
            "--score-column",
            "hdi",
        ];
        a.extend_from_slice(extra);
        a.iter().map(|s| s.to_string()).collect::<Vec<_>>()
    };
    let run = |a: Vec<String>| cwi(&a.iter().map(String::as_str).collect::<Vec<_>>());
    let o = run(args(&["--decimals", "3"]));
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    assert!(String::from_utf8_lossy(&o.stdout).contains("0 of 28 row(s) differ"));
    // Unrounded, Singapore 2021 (0.94244 against a published 0.942) is 0.00044 off.
    let o = run(args(&["--tolerance", "0.0004"]));
    assert_eq!(o.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&o.stdout)
            .contains("2021 SGP hdi: expected 0.942, computed 0.94243")
    );

    // A previous run kept as the expected table: a changed value is caught.
    let kept = dir.join("kept.csv");
    let text = fs::read_to_string(&scores).unwrap();
    let line = text
        .lines()
        .find(|l| l.starts_with("2022,KAZ,Kazakhstan,hdi,"))
        .unwrap();
    fs::write(&kept, text.replace(line, &line.replace(",0.80", ",0.81"))).unwrap();
    let o = cwi(&[
        "compare",
        "--scores",
        scores.to_str().unwrap(),
        "--expected",
        kept.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("2022 KAZ hdi: expected 0.81"), "{stdout}");
    assert!(stdout.contains("1 of 224 row(s) differ"), "{stdout}");
}

/// docs/validation.md's table is `cwi schema --codes`, printed from the one code table: every
/// code with its severity (E error, W warning) and meaning, the compute codes (2xx) included.
#[test]
fn every_code_is_documented() {
    let doc = fs::read_to_string(root().join("docs/validation.md")).unwrap();
    let o = cwi(&["schema", "--codes"]);
    assert!(o.status.success());
    let table = String::from_utf8(o.stdout).unwrap();
    let between = doc
        .split("<!-- generated by cwi schema --codes -->\n")
        .nth(1)
        .and_then(|rest| rest.split("<!-- end of generated table -->").next())
        .expect("the markers around the table");
    assert_eq!(
        between, table,
        "docs/validation.md's table differs from the code: paste `cwi schema --codes` between the markers"
    );
    for code in cwi::diagnostic::Code::ALL {
        let severity = if code.as_str().starts_with('W') {
            "warning"
        } else {
            "error"
        };
        assert!(
            table.contains(&format!("| `{code}` | {severity} |")),
            "{code} is not in the table as a {severity}"
        );
    }
    assert!(table.contains("| `E204` | error | a value an indicator's normalisation cannot score"));
}
