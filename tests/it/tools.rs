//! Files as the tools analysts and researchers use write them: pandas (float years, its index
//! column), Stata (no zero before the decimal mark), Russian Excel next to a ministry CSV,
//! re-exported missing-value markers, pyarrow's Parquet types and Excel date cells. Each is the
//! tiny fixture's data written another way, so every run must give the tiny fixture's scores,
//! derived by hand in `pipeline.rs`: index R1 sqrt(100 * 50) = sqrt(5000), R2 sqrt(12.5 * 50)
//! = 25, R3 sqrt(37.5 * 50) = sqrt(1875); or be refused at the right file, row and column.
//!
//! The Parquet files are written by pyarrow, the pandas frame by pandas and the workbooks by
//! openpyxl; `.ci/run` installs them and sets CWI_REQUIRE_PYARROW, CWI_REQUIRE_PANDAS and
//! CWI_REQUIRE_OPENPYXL so that these tests run there. Stata's and R's quirks (`.155`,
//! `write.csv`) are written out by the tests as those tools' documented output, since neither
//! tool is installable here.

use std::fs;
use std::path::{Path, PathBuf};

use crate::common::{cwi, python_with, scratch};

const SPEC: &str = "tests/fixtures/tiny.toml";

/// The index's score per region from a `scores.csv`.
fn index_scores(out: &Path) -> Vec<(String, f64)> {
    let csv = fs::read_to_string(out.join("scores.csv")).unwrap();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let at = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (code, node, score) = (at("region_code"), at("node_id"), at("score"));
    lines
        .map(|l| l.split(',').collect::<Vec<_>>())
        .filter(|f| f[node] == "tiny")
        .map(|f| (f[code].to_string(), f[score].parse().unwrap()))
        .collect()
}

/// Computes the tiny spec (or `spec`) on `data` and checks the hand-derived index scores;
/// returns the output directory and what cwi printed.
fn computes_the_tiny_scores(name: &str, spec: &str, data: &[&Path]) -> (PathBuf, String) {
    let out = scratch(name);
    let mut args = vec!["compute", "--spec", spec, "--out", out.to_str().unwrap()];
    args.push("--data");
    args.extend(data.iter().map(|p| p.to_str().unwrap()));
    let o = cwi(&args);
    let stdout = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(
        o.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let scores = index_scores(&out);
    let expected = [("R1", 5000f64.sqrt()), ("R2", 25.0), ("R3", 1875f64.sqrt())];
    assert_eq!(scores.len(), 3, "{scores:?}");
    for (region, want) in expected {
        let got = scores.iter().find(|(c, _)| c == region).unwrap().1;
        assert!((got - want).abs() < 1e-9, "{region}: {got} against {want}");
    }
    (out, stdout + &String::from_utf8_lossy(&o.stderr))
}

/// `cwi validate --format json` on the tiny spec and `data`, which must fail: the problems.
fn validate(data: &[&Path]) -> Vec<serde_json::Value> {
    let mut args = vec!["validate", SPEC, "--format", "json", "--data"];
    args.extend(data.iter().map(|p| p.to_str().unwrap()));
    let o = cwi(&args);
    let out = String::from_utf8_lossy(&o.stdout).to_string();
    assert_eq!(o.status.code(), Some(1), "{out}");
    out.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

/// Whether a problem of `code` has a message containing `text` (and the line, if given).
fn has(problems: &[serde_json::Value], code: &str, line: Option<u64>, text: &str) -> bool {
    problems.iter().any(|p| {
        p["code"] == code
            && line.is_none_or(|l| p["line"].as_u64() == Some(l))
            && p["message"].as_str().unwrap_or("").contains(text)
    })
}

/// pandas writes a year column with a missing value as floats (`2024.0`), and large or small
/// floats in scientific notation; Stata drops the zero before the decimal mark. Min-max
/// scores do not change under x -> a x + b with a > 0, so the tiny values divided by 1,000
/// (vaccination .09, .08, .07), and reading as x / 10 - 1 (5, 3, 4 -> -.5, -.7, -.6) give
/// the hand-derived scores.
#[test]
fn pandas_years_and_stata_numbers() {
    let dir = scratch("tools-pandas-stata");
    let data = dir.join("export.csv");
    fs::write(
        &data,
        "region,year,indicator,value\n\
         R1,2024.0,vaccination,.09\n\
         R2,2.024e+03,vaccination,.08\n\
         R3,2024.0,vaccination,.07\n\
         R1,2024.0,mortality,.010\n\
         R2,2024.0,mortality,.030\n\
         R3,2024.0,mortality,.020\n\
         R1,2024.0,enrolment,60\n\
         R2,2024.0,enrolment,100\n\
         R1,2024.0,reading,-.5\n\
         R2,2024.0,reading,-.7\n\
         R3,2024.0,reading,-.6\n",
    )
    .unwrap();
    computes_the_tiny_scores("tools-pandas-stata-out", SPEC, &[&data]);

    // A real fraction is not a year, and the message says so.
    let bad = dir.join("half.csv");
    fs::write(
        &bad,
        "region,year,indicator,value\nR1,2024.5,vaccination,90\nR2,2024,vaccination,.\n",
    )
    .unwrap();
    let out = validate(&[&bad]);
    assert!(
        has(
            &out,
            "E105",
            Some(2),
            "year \"2024.5\" is not a whole number"
        ),
        "{out:#?}"
    );
    assert!(
        has(&out, "E103", Some(3), "\".\" is not a number"),
        "{out:#?}"
    );
}

/// A re-export that wrote the marker -999 as -999.0 or -9.99e2: still the marker, so R3's
/// enrolment is missing as in the tiny fixture (not the number -999, which would become the
/// indicator's minimum and change every region's score).
#[test]
fn numeric_markers_match_by_value() {
    let dir = scratch("tools-markers");
    let spec = dir.join("tiny.toml");
    let text = fs::read_to_string(SPEC).unwrap();
    let (head, tail) = text.split_at(text.find("[defaults]").unwrap());
    fs::write(
        &spec,
        format!("{head}[data]\nmissing_values = [\"-999\", \"n/a\"]\n\n{tail}"),
    )
    .unwrap();
    let fixture = fs::read_to_string("tests/fixtures/tiny.csv").unwrap();
    for (k, marker) in ["-999.0", "-9.99e2", " N/A "].into_iter().enumerate() {
        let data = dir.join(format!("tiny-{k}.csv"));
        fs::write(
            &data,
            fixture.replace(
                "R3,2024,enrolment,\n",
                &format!("R3,2024,enrolment,{marker}\n"),
            ),
        )
        .unwrap();
        assert!(fs::read_to_string(&data).unwrap().contains(marker));
        computes_the_tiny_scores(
            &format!("tools-markers-{k}"),
            spec.to_str().unwrap(),
            &[&data],
        );
    }
}

/// A Russian Excel export (semicolons, decimal commas) and a ministry CSV (commas, every
/// value with three decimals, which alone could be thousands) in one run: each file's mark is
/// its own, and a comma-separated file cannot hold an unquoted decimal comma.
#[test]
fn each_file_reads_with_its_own_decimal_mark() {
    let dir = scratch("tools-marks");
    let russian = dir.join("regions.csv");
    fs::write(
        &russian,
        "region;year;indicator;value\n\
         R1;2024;vaccination;90,0\n\
         R2;2024;vaccination;80,0\n\
         R3;2024;vaccination;70,0\n\
         R1;2024;mortality;10,0\n\
         R2;2024;mortality;30,0\n\
         R3;2024;mortality;20,0\n",
    )
    .unwrap();
    let ministry = dir.join("ministry.csv");
    fs::write(
        &ministry,
        "region,year,indicator,value\n\
         R1,2024,enrolment,60.000\n\
         R2,2024,enrolment,100.000\n\
         R1,2024,reading,5.000\n\
         R2,2024,reading,3.000\n\
         R3,2024,reading,4.000\n",
    )
    .unwrap();
    computes_the_tiny_scores("tools-marks-out", SPEC, &[&russian, &ministry]);

    // In a semicolon-separated file the same cells are really ambiguous, and refused.
    let semicolons = dir.join("semicolons.csv");
    fs::write(
        &semicolons,
        fs::read_to_string(&ministry).unwrap().replace(',', ";"),
    )
    .unwrap();
    let out = validate(&[&semicolons]);
    assert!(has(&out, "E108", Some(2), "60.000"), "{out:#?}");
}

/// A frame written by pandas as an analyst would: `to_csv` with its default index (an
/// unnamed first column of row numbers, ignored with a warning that names it), and, since
/// enrolment has a missing value, that column and the year column (made float, as pandas does
/// once a year is missing somewhere) written as `60.0` and `2024.0`. An unnamed column of
/// anything else is still read (and reported as an unknown indicator), never dropped silently.
#[test]
fn a_frame_written_by_pandas_reads_as_it_is() {
    let dir = scratch("tools-index");
    let script = r#"
import sys, numpy as np, pandas as pd
df = pd.DataFrame({
    "region": ["R1", "R2", "R3"],
    "year": [2024.0, 2024.0, 2024.0],
    "vaccination": [90, 80, 70],
    "mortality": [10, 30, 20],
    "enrolment": [60, 100, np.nan],
    "reading": [5, 3, 4],
})
df.to_csv(sys.argv[1] + "/wide.csv")
"#;
    if python_with("pandas", "CWI_REQUIRE_PANDAS", script, &[&dir]).is_none() {
        return;
    }
    let data = dir.join("wide.csv");
    let written = fs::read_to_string(&data).unwrap();
    assert!(
        written.starts_with(",region,year,") && written.contains("0,R1,2024.0,90,10,60.0,5"),
        "{written}"
    );
    let (_, out) = computes_the_tiny_scores("tools-index-out", SPEC, &[&data]);
    assert!(out.contains("W119"), "{out}");
    assert!(!out.contains("W110"), "{out}");

    let other = dir.join("other.csv");
    fs::write(
        &other,
        fs::read_to_string(&data)
            .unwrap()
            .replace("\n2,R3", "\n7,R3"),
    )
    .unwrap();
    let o = cwi(&["validate", SPEC, "--data", other.to_str().unwrap()]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("W110") && !out.contains("W119"), "{out}");
}

/// The types pandas and pyarrow write: int8 and int16 (nullable or not), float16, decimal,
/// date and timestamp columns. A year column of dates gives their years; a value column of
/// dates is refused at its cells, one of booleans at the column.
#[test]
fn parquet_of_every_common_type() {
    let dir = scratch("tools-parquet");
    let script = r#"
import sys, datetime, decimal
import numpy as np, pyarrow as pa, pyarrow.parquet as pq
out = sys.argv[1]
regions = pa.array(["R1", "R2", "R3"])
def table(year):
    return pa.table({
        "region": regions,
        "year": year,
        "vaccination": pa.array([90, 80, 70], pa.int8()),
        "mortality": pa.array([decimal.Decimal("10.0"), decimal.Decimal("30.0"), decimal.Decimal("20.0")], pa.decimal128(5, 1)),
        "enrolment": pa.array([60, 100, None], pa.int16()),
        "reading": pa.array(np.array([5, 3, 4], dtype=np.float16)),
    })
pq.write_table(table(pa.array([2024] * 3, pa.int16())), out + "/int16-year.parquet")
pq.write_table(table(pa.array([datetime.date(2024, 1, 1)] * 3, pa.date32())), out + "/date-year.parquet")
pq.write_table(table(pa.array([datetime.datetime(2024, 12, 31, 23, 0)] * 3, pa.timestamp("us"))), out + "/timestamp-year.parquet")
t = table(pa.array([2024] * 3, pa.int64()))
t = t.set_column(2, "vaccination", pa.array([datetime.date(2024, 1, 1)] * 3, pa.date32()))
pq.write_table(t, out + "/date-value.parquet")
t = t.set_column(2, "vaccination", pa.array([True, False, True]))
pq.write_table(t, out + "/bool-value.parquet")
"#;
    if python_with("pyarrow", "CWI_REQUIRE_PYARROW", script, &[&dir]).is_none() {
        return;
    }
    for file in ["int16-year", "date-year", "timestamp-year"] {
        let data = dir.join(format!("{file}.parquet"));
        computes_the_tiny_scores(&format!("tools-parquet-{file}"), SPEC, &[&data]);
    }
    let out = validate(&[&dir.join("date-value.parquet")]);
    let dates: Vec<_> = out.iter().filter(|p| p["code"] == "E103").collect();
    assert_eq!(dates.len(), 3, "{out:#?}");
    for p in dates {
        assert_eq!(p["field"], "vaccination");
        assert!(
            p["message"]
                .as_str()
                .unwrap()
                .contains("holds dates (2024-01-01)")
        );
    }
    // Booleans are refused once, at the column, not at every cell.
    let out = validate(&[&dir.join("bool-value.parquet")]);
    let errors: Vec<_> = out.iter().filter(|p| p["severity"] == "error").collect();
    assert_eq!(errors.len(), 1, "{out:#?}");
    assert_eq!(errors[0]["code"], "E101");
    assert_eq!(errors[0]["field"], "vaccination");
    assert!(errors[0]["message"].as_str().unwrap().contains("booleans"));
}

/// scores.parquet read back by pyarrow: ranks are signed, so last year's rank minus this
/// year's is negative for a region that fell, not 4294967295; rows without a flag have a
/// null flag, so counting non-null flags counts the flags the CSV shows.
#[test]
fn score_parquet_types_as_readers_use_them() {
    let out = scratch("tools-parquet-out");
    let o = cwi(&[
        "compute",
        "--spec",
        "tests/fixtures/tiny.toml",
        "--data",
        "tests/fixtures/tiny.csv",
        "--out",
        out.to_str().unwrap(),
        "--formats",
        "csv,parquet",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let script = r#"
import sys, pyarrow.parquet as pq, pyarrow.compute as pc
t = pq.read_table(sys.argv[1] + "/scores.parquet")
index = t.filter(pc.equal(t["node_id"].cast("string"), "tiny"))
ranks = dict(zip(index["region_code"].cast("string").to_pylist(), index["rank"].to_pylist()))
print(t.schema.field("rank").type, t.schema.field("level").type)
print(ranks["R1"] - ranks["R2"])
print(t["flag"].null_count, len(t))
"#;
    let Some(py) = python_with("pyarrow", "CWI_REQUIRE_PYARROW", script, &[&out]) else {
        return;
    };
    let printed = String::from_utf8_lossy(&py.stdout).to_string();
    let lines: Vec<&str> = printed.lines().collect();
    assert_eq!(lines[0], "int64 int64", "{printed}");
    // The hand calculation ranks R1 first and R2 third: 1 - 3 = -2.
    assert_eq!(lines[1], "-2", "{printed}");
    // The tiny fixture has no imputed or treated value: every flag is null. The table has
    // 3 regions x 7 nodes = 21 rows (R3's missing enrolment is a row with an empty score).
    assert_eq!(lines[2], "21 21", "{printed}");
    let csv = fs::read_to_string(out.join("scores.csv")).unwrap();
    assert_eq!(csv.lines().count() - 1, 21);
}

/// An Excel cell formatted as a date holds a serial number of days (2024-01-01 is 45292).
/// Excel makes a typed year a date shown as "2024" in many locales: a year cell whose format
/// shows the year alone is read as that year. A year cell showing a whole date, and a value
/// cell holding a date, are refused at their cell, never read as 45292.
#[test]
fn excel_date_cells_are_read_as_shown_or_refused() {
    let dir = scratch("tools-excel-dates");
    let script = r#"
import sys, datetime, openpyxl
def book(name, edit):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "data"
    ws.append(["region", "year", "vaccination", "mortality", "enrolment", "reading"])
    rows = [("R1", 90, 10, 60, 5), ("R2", 80, 30, 100, 3), ("R3", 70, 20, None, 4)]
    for r, (region, v, m, e, read) in enumerate(rows):
        ws.append([region, datetime.datetime(2024, 1, 1), v, m, e, read])
        ws.cell(row=r + 2, column=2).number_format = "yyyy"
    ws.cell(row=3, column=2).value = 2024
    ws.cell(row=3, column=2).number_format = "0"
    edit(ws)
    wb.save(sys.argv[1] + "/" + name)
book("years.xlsx", lambda ws: None)
def wrong(ws):
    ws.cell(row=2, column=2).number_format = "dd.mm.yyyy"
    ws.cell(row=3, column=3).value = datetime.datetime(2024, 3, 5)
    ws.cell(row=3, column=3).number_format = "dd.mm.yyyy"
book("dates.xlsx", wrong)
"#;
    if python_with("openpyxl", "CWI_REQUIRE_OPENPYXL", script, &[&dir]).is_none() {
        return;
    }
    computes_the_tiny_scores("tools-excel-years", SPEC, &[&dir.join("years.xlsx")]);
    let out = validate(&[&dir.join("dates.xlsx")]);
    assert!(!format!("{out:?}").contains("45292"), "{out:#?}");
    // Sheet row 2: a year cell showing the whole date; row 3: a value cell holding a date.
    assert!(
        has(&out, "E105", Some(2), "formatted as a date (2024-01-01)"),
        "{out:#?}"
    );
    assert!(
        has(&out, "E103", Some(3), "formatted as a date (2024-03-05)"),
        "{out:#?}"
    );
    assert!(
        out.iter()
            .any(|p| p["code"] == "E103" && p["field"] == "vaccination")
    );
}

/// "90%" typed into Excel is held as 0.9 with a percent format. For an indicator declared as
/// a percentage (vaccination's unit is "%") the cell is read as shown, 90: the manifest's
/// bounds for vaccination are 70 and 90, not 0.7 and 0.9. For one declared as neither a
/// percentage nor a proportion (mortality, "per 1,000") it is refused at its cell.
#[test]
fn excel_percent_cells_are_read_as_shown_or_refused() {
    let dir = scratch("tools-excel-percent");
    let script = r#"
import sys, openpyxl
def book(name, percent_column):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "data"
    ws.append(["region", "year", "vaccination", "mortality", "enrolment", "reading"])
    rows = [("R1", 90, 10, 60, 5), ("R2", 80, 30, 100, 3), ("R3", 70, 20, None, 4)]
    for r, row in enumerate(rows):
        values = list(row)
        values[percent_column - 1] = values[percent_column - 1] / 100
        ws.append([values[0], 2024] + values[1:])
        ws.cell(row=r + 2, column=percent_column + 1).number_format = "0%"
    wb.save(sys.argv[1] + "/" + name)
book("vaccination.xlsx", 2)
book("mortality.xlsx", 3)
"#;
    if python_with("openpyxl", "CWI_REQUIRE_OPENPYXL", script, &[&dir]).is_none() {
        return;
    }
    let (out, _) = computes_the_tiny_scores(
        "tools-excel-percent-out",
        SPEC,
        &[&dir.join("vaccination.xlsx")],
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let vaccination = manifest["framework"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"] == "vaccination")
        .unwrap();
    assert_eq!(vaccination["bounds"][0]["min"], 70.0);
    assert_eq!(vaccination["bounds"][0]["max"], 90.0);
    let out = validate(&[&dir.join("mortality.xlsx")]);
    for line in [2, 3, 4] {
        assert!(has(&out, "E103", Some(line), "the cell shows"), "{out:#?}");
    }
    assert!(
        has(&out, "E103", Some(3), "shows 30% (it holds 0.3)"),
        "{out:#?}"
    );
}

/// A file's decimal mark declared for that file alone, on the command line or in the spec:
/// a Russian export whose every value has three decimals after a comma ("90,000", which alone
/// could be thousands) beside a plain CSV. Without the declaration it is refused, with the
/// hint that names the file; a declaration about no data file is a warning (W120).
#[test]
fn a_file_s_reading_is_declared_for_that_file_alone() {
    let dir = scratch("tools-declared");
    let russian = dir.join("regions-ru.csv");
    fs::write(
        &russian,
        "region;year;indicator;value\n\
         R1;2024;vaccination;90,000\n\
         R2;2024;vaccination;80,000\n\
         R3;2024;vaccination;70,000\n\
         R1;2024;mortality;10,000\n\
         R2;2024;mortality;30,000\n\
         R3;2024;mortality;20,000\n",
    )
    .unwrap();
    let plain = dir.join("ministry.csv");
    fs::write(
        &plain,
        "region,year,indicator,value\nR1,2024,enrolment,60\nR2,2024,enrolment,100\n\
         R1,2024,reading,5\nR2,2024,reading,3\nR3,2024,reading,4\n",
    )
    .unwrap();
    let out = validate(&[&russian, &plain]);
    assert!(
        out.iter().any(|p| p["code"] == "E108"
            && p["hint"]
                .as_str()
                .unwrap()
                .contains("--decimal regions-ru.csv=.")),
        "{out:#?}"
    );

    // On the command line.
    let o = cwi(&[
        "compute",
        "--spec",
        SPEC,
        "--data",
        russian.to_str().unwrap(),
        plain.to_str().unwrap(),
        "--decimal",
        "regions-ru.csv=,",
        "--out",
        dir.join("out-cli").to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let manifest = fs::read_to_string(dir.join("out-cli/manifest.json")).unwrap();
    assert!(manifest.contains("\"file_readings\""), "{manifest}");
    let scores = index_scores(&dir.join("out-cli"));
    let r2 = scores.iter().find(|(c, _)| c == "R2").unwrap().1;
    assert!((r2 - 25.0).abs() < 1e-9, "{scores:?}");

    // In the spec, with a declaration about a file that is not given.
    let spec = dir.join("tiny.toml");
    let text = fs::read_to_string(SPEC).unwrap();
    let (head, tail) = text.split_at(text.find("[defaults]").unwrap());
    fs::write(
        &spec,
        format!(
            "{head}[[data.file]]\nname = \"regions-ru.csv\"\ndecimal = \",\"\nseparator = \";\"\n\n\
             [[data.file]]\nname = \"other.csv\"\nencoding = \"windows-1251\"\n\n{tail}"
        ),
    )
    .unwrap();
    let (_, printed) = computes_the_tiny_scores(
        "tools-declared-spec",
        spec.to_str().unwrap(),
        &[&russian, &plain],
    );
    assert!(
        printed.contains("W120") && printed.contains("other.csv"),
        "{printed}"
    );

    // A value that is not one: refused before anything is read.
    let o = cwi(&[
        "validate",
        SPEC,
        "--data",
        russian.to_str().unwrap(),
        "--decimal",
        "regions-ru.csv=;",
    ]);
    assert!(!o.status.success());
    assert!(
        String::from_utf8_lossy(&o.stderr)
            .contains("--decimal regions-ru.csv=;: the value must be"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}
