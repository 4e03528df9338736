//! Localised exports (encodings, separators, decimal commas, Excel) read to the same values
//! as a clean CSV.

use std::fs;
use std::path::Path;

use crate::common::{cwi, root, scratch};

/// The tiny fixture with decimals and a thousands value, written the clean way.
const CLEAN: &str = "region,year,indicator,value
R1,2024,vaccination,90.5
R2,2024,vaccination,80.25
R3,2024,vaccination,70
R1,2024,mortality,10.5
R2,2024,mortality,30
R3,2024,mortality,20.75
R1,2024,enrolment,1234.5
R2,2024,enrolment,2000
R3,2024,enrolment,
R1,2024,reading,5.5
R2,2024,reading,3
R3,2024,reading,4.25
";

fn compute(data: &Path, out: &Path) -> Vec<u8> {
    let o = cwi(&[
        "compute",
        "--spec",
        "tests/fixtures/tiny.toml",
        "--data",
        data.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(
        o.status.success(),
        "{}: {}",
        data.display(),
        String::from_utf8_lossy(&o.stderr)
    );
    fs::read(out.join("scores.csv")).unwrap()
}

#[test]
fn localised_exports_read_to_the_same_values_as_a_clean_csv() {
    let dir = scratch("validate-locales");
    let clean = dir.join("clean.csv");
    fs::write(&clean, CLEAN).unwrap();
    let expected = compute(&clean, &dir.join("out-clean"));

    // Russian-locale Excel CSV: UTF-8 with BOM, semicolons, decimal commas, a thousands group
    // with a no-break space, Russian region names matched through the spec's names.
    let russian = CLEAN
        .replace(',', ";")
        .replace('.', ",")
        .replace("1234,5", "1\u{a0}234,5")
        .replace("R1;", "Север;")
        .replace("R2;", "Юг;");
    let bom = dir.join("bom-semicolon.csv");
    fs::write(
        &bom,
        [b"\xEF\xBB\xBF".as_slice(), russian.as_bytes()].concat(),
    )
    .unwrap();
    assert_eq!(compute(&bom, &dir.join("out-bom")), expected);

    // The same in Windows-1251.
    let (cp1251, _, unmappable) = encoding_rs::WINDOWS_1251.encode(&russian);
    assert!(!unmappable);
    let win = dir.join("windows-1251.csv");
    fs::write(&win, &cp1251).unwrap();
    assert_eq!(compute(&win, &dir.join("out-1251")), expected);

    // Tab-separated, points, space-grouped thousands.
    let tsv = dir.join("data.tsv");
    fs::write(&tsv, CLEAN.replace(',', "\t").replace("1234.5", "1 234.5")).unwrap();
    assert_eq!(compute(&tsv, &dir.join("out-tsv")), expected);

    // An Excel workbook made here: a title row, then the header; numbers as number cells, one
    // typed as text with a decimal comma, the gap as an empty cell.
    let xlsx = dir.join("data.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet
        .write_string(0, 0, "# Tiny fixture, exported from a spreadsheet")
        .unwrap();
    for (c, h) in ["region", "year", "indicator", "value"].iter().enumerate() {
        sheet.write_string(1, c as u16, *h).unwrap();
    }
    for (r, line) in CLEAN.lines().skip(1).enumerate() {
        let f: Vec<&str> = line.split(',').collect();
        let row = r as u32 + 2;
        sheet.write_string(row, 0, f[0]).unwrap();
        sheet
            .write_number(row, 1, f[1].parse::<f64>().unwrap())
            .unwrap();
        sheet.write_string(row, 2, f[2]).unwrap();
        match f[3] {
            "" => {}
            "10.5" => {
                sheet.write_string(row, 3, "10,5").unwrap();
            }
            v => {
                sheet
                    .write_number(row, 3, v.parse::<f64>().unwrap())
                    .unwrap();
            }
        }
    }
    book.save(&xlsx).unwrap();
    assert_eq!(compute(&xlsx, &dir.join("out-xlsx")), expected);

    // A bad cell in the workbook is located by its sheet row.
    let o = cwi(&[
        "validate",
        "tests/fixtures/tiny.toml",
        "--format",
        "json",
        "--data",
        xlsx.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
}

/// Numbers as R's write.csv and pandas write them: scientific notation, a leading `+`, the
/// Unicode minus. The same values as the clean CSV give the same scores, byte for byte.
#[test]
fn scientific_notation_reads_to_the_same_values() {
    let dir = scratch("exports-scientific");
    let clean = dir.join("clean.csv");
    fs::write(&clean, CLEAN).unwrap();
    let written = CLEAN
        .replace("90.5", "9.05e+01")
        .replace("80.25", "8.025E1")
        .replace(",70\n", ",+70\n")
        .replace("10.5", "1.05e1")
        .replace("1234.5", "1.2345e+03")
        .replace("2000", "2E+03")
        .replace("5.5", "5.5e0")
        .replace("4.25", "425e-2");
    assert_ne!(written, CLEAN);
    let scientific = dir.join("scientific.csv");
    fs::write(&scientific, written).unwrap();
    assert_eq!(
        compute(&clean, &dir.join("a")),
        compute(&scientific, &dir.join("b"))
    );
}

/// A row with fewer fields than the header (a truncated line) is refused at its line, like a
/// row with more; before, it was read as a missing value.
#[test]
fn a_row_with_fewer_fields_than_the_header_is_refused_at_its_line() {
    let dir = scratch("exports-short-row");
    let data = dir.join("short.csv");
    // Line 7 (header on line 1) lost its value and separator.
    fs::write(
        &data,
        CLEAN.replace("R3,2024,mortality,20.75", "R3,2024,mortality"),
    )
    .unwrap();
    let o = cwi(&[
        "validate",
        "tests/fixtures/tiny.toml",
        "--data",
        data.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("E101"), "{out}");
    assert!(
        out.contains("line 7: 3 field(s) where the header has 4"),
        "{out}"
    );
}

/// The score table as Parquet: typed columns (integer year, level and rank, float score) with
/// the same rows and values as scores.csv; only the formats asked for are written, and the
/// manifest lists them.
#[test]
fn scores_as_parquet_have_typed_columns_and_the_csv_values() {
    use polars::prelude::*;
    let dir = scratch("exports-parquet");
    let o = cwi(&[
        "compute",
        "--spec",
        "tests/fixtures/tiny.toml",
        "--data",
        "tests/fixtures/tiny.csv",
        "--out",
        dir.to_str().unwrap(),
        "--formats",
        "parquet,csv",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(!dir.join("scores.json").exists());
    let manifest = fs::read_to_string(dir.join("manifest.json")).unwrap();
    assert!(manifest.contains("\"scores.parquet\"") && !manifest.contains("\"scores.json\""));
    let file = std::fs::File::open(dir.join("scores.parquet")).unwrap();
    let frame = ParquetReader::new(file).finish().unwrap();
    let dtype = |c: &str| frame.column(c).unwrap().dtype().clone();
    assert_eq!(dtype("year"), DataType::Int32);
    // Signed, as in every other table: rank differences do not wrap around.
    assert_eq!(dtype("level"), DataType::Int64);
    assert_eq!(dtype("rank"), DataType::Int64);
    assert_eq!(dtype("score"), DataType::Float64);
    // Codes, names, kinds and flags: dictionary-encoded text (polars' Enum).
    for c in [
        "region_code",
        "region_name",
        "node_id",
        "node_name",
        "kind",
        "flag",
    ] {
        assert!(
            matches!(dtype(c), DataType::Enum(..)),
            "{c}: {:?}",
            dtype(c)
        );
    }
    let csv = fs::read_to_string(dir.join("scores.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().skip(1).collect();
    assert_eq!(frame.height(), lines.len());
    let score = frame.column("score").unwrap().f64().unwrap().clone();
    let rank = frame.column("rank").unwrap().i64().unwrap().clone();
    let text = |c: &str| text_column(&frame, c);
    let texts: Vec<(usize, StringChunked)> = [
        (1, "region_code"),
        (2, "region_name"),
        (3, "node_id"),
        (4, "node_name"),
        (6, "kind"),
        (9, "flag"),
    ]
    .into_iter()
    .map(|(k, c)| (k, text(c)))
    .collect();
    for (k, line) in lines.iter().enumerate() {
        let f: Vec<&str> = line.split(',').collect();
        for (column, values) in &texts {
            // A row without a flag has an empty cell in the CSV and a null in Parquet.
            let want = Some(f[*column]).filter(|v| *column != 9 || !v.is_empty());
            assert_eq!(values.get(k), want, "row {k}, column {column}");
        }
        assert_eq!(score.get(k), f[7].parse::<f64>().ok(), "row {k}");
        assert_eq!(rank.get(k), f[8].parse::<i64>().ok(), "row {k}");
    }
}

/// The scores as written in `scores.csv`, computed by the library with or without a numeric
/// missing-value marker in `[data]` (which keeps every cell on the cell-by-cell path).
fn scores_through(spec: &str, data: &[&str], cell_by_cell: bool) -> Vec<u8> {
    let mut spec = cwi::spec::load(std::path::Path::new(spec)).unwrap();
    if cell_by_cell {
        spec.data.missing_values.push("-999".into());
    }
    let results = cwi::pipeline::run(spec, data).unwrap();
    let lang = results.spec.index.languages[0].clone();
    let mut out = Vec::new();
    cwi::output::Format::Csv
        .write(&results, &lang, Default::default(), &mut out)
        .unwrap();
    out
}

/// Clean value columns are parsed by polars, in parallel; every shipped sample (long and
/// wide, with markers and sample sizes) gives the same scores, byte for byte, as when every
/// cell is parsed one by one.
#[test]
fn columns_typed_by_polars_give_the_scores_of_the_cell_path() {
    for (spec, data) in [
        (
            "indicators/kz-cwi.toml",
            vec![
                "data-samples/kz/statistics.csv",
                "data-samples/kz/surveys.csv",
            ],
        ),
        (
            "indicators/hdi.toml",
            vec!["data-samples/hdi/hdi-components-2021-2022.csv"],
        ),
        (
            "indicators/kids-count.toml",
            vec!["data-samples/kids-count/states-2023-2024.csv"],
        ),
        ("tests/fixtures/tiny.toml", vec!["tests/fixtures/tiny.csv"]),
    ] {
        assert_eq!(
            scores_through(spec, &data, false),
            scores_through(spec, &data, true),
            "{spec}"
        );
    }
}

/// Parquet input is read as typed columns: the clean fixture as Parquet gives the CSV's
/// scores; a value column of text is parsed cell by cell and refused at its row and column;
/// a column of another type (a list) is refused with the file and column.
#[test]
fn parquet_input_is_read_by_type_and_wrong_columns_are_located() {
    use polars::prelude::*;
    let dir = scratch("exports-parquet-input");
    let clean = dir.join("clean.csv");
    fs::write(&clean, CLEAN).unwrap();
    let expected = compute(&clean, &dir.join("out-csv"));
    let rows: Vec<Vec<&str>> = CLEAN
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    let region: Vec<&str> = rows.iter().map(|r| r[0]).collect();
    let year: Vec<i32> = rows.iter().map(|r| r[1].parse().unwrap()).collect();
    let indicator: Vec<&str> = rows.iter().map(|r| r[2]).collect();
    let value: Vec<Option<f64>> = rows.iter().map(|r| r[3].parse().ok()).collect();
    let write_with = |name: &str, year: polars::prelude::Column, value: polars::prelude::Column| {
        let mut frame = DataFrame::new_infer_height(vec![
            Column::new("region".into(), region.clone()),
            year,
            Column::new("indicator".into(), indicator.clone()),
            value,
        ])
        .unwrap();
        let path = dir.join(name);
        ParquetWriter::new(fs::File::create(&path).unwrap())
            .finish(&mut frame)
            .unwrap();
        path
    };
    let write = |name: &str, value: polars::prelude::Column| {
        write_with(name, Column::new("year".into(), year.clone()), value)
    };
    let typed = write("typed.parquet", Column::new("value".into(), value.clone()));
    assert_eq!(compute(&typed, &dir.join("out-parquet")), expected);
    // Years typed as floats: whole ones read as those years, others refused at their row with
    // the year as a person would write it.
    let float_years = |name: &str, years: Vec<f64>| {
        write_with(
            name,
            Column::new("year".into(), years),
            Column::new("value".into(), value.clone()),
        )
    };
    let whole: Vec<f64> = year.iter().map(|&y| f64::from(y)).collect();
    let floats = float_years("float-years.parquet", whole.clone());
    assert_eq!(compute(&floats, &dir.join("out-float-years")), expected);

    let validate = |path: &Path| {
        let o = cwi(&[
            "validate",
            "tests/fixtures/tiny.toml",
            "--format",
            "json",
            "--data",
            path.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(1));
        // One JSON object per line; the first error.
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
            .find(|d| d["severity"] == "error")
            .unwrap()
    };
    for (at, odd, written) in [
        (2, 2024.5, "2024.5"),
        (4, 3e9, "3000000000"),
        (1, -1e20, "-100000000000000000000"),
    ] {
        let mut years = whole.clone();
        years[at] = odd;
        let problem = validate(&float_years("odd-year.parquet", years));
        let report = &problem;
        assert_eq!(problem["code"], "E105", "{report}");
        assert_eq!(problem["row"], at + 1, "{report}");
        assert_eq!(problem["field"], "year", "{report}");
        assert_eq!(
            problem["message"],
            format!("year \"{written}\" is not a whole number"),
            "{report}"
        );
    }
    let mut text: Vec<Option<String>> = value.iter().map(|v| v.map(|v| v.to_string())).collect();
    text[4] = Some("high".into());
    let problem = validate(&write("text.parquet", Column::new("value".into(), text)));
    let report = &problem;
    assert_eq!(problem["code"], "E103", "{report}");
    assert_eq!(problem["row"], 5, "{report}");
    assert_eq!(problem["field"], "value", "{report}");

    let lists: Vec<Series> = value
        .iter()
        .map(|v| Series::new("".into(), [v.unwrap_or(0.0)]))
        .collect();
    let list = write("list.parquet", Column::new("value".into(), lists));
    let problem = validate(&list);
    let report = &problem;
    assert_eq!(problem["code"], "E101", "{report}");
    assert_eq!(problem["field"], "value", "{report}");
    assert!(
        problem["file"].as_str().unwrap().ends_with("list.parquet"),
        "{report}"
    );
    assert!(
        problem["message"].as_str().unwrap().contains("list[f64]"),
        "{report}"
    );
}

/// A Parquet input whose text columns are dictionary-encoded (categorical, as pandas and
/// polars write category columns) reads as text: the same scores as the CSV it was made from.
#[test]
fn categorical_parquet_columns_read_as_text() {
    use polars::prelude::*;
    let dir = scratch("exports-categorical-input");
    let mut frame = CsvReadOptions::default()
        .with_has_header(true)
        .try_into_reader_with_file_path(Some(root().join("tests/fixtures/tiny.csv")))
        .unwrap()
        .finish()
        .unwrap();
    let categorical = DataType::from_categories(Categories::global());
    for c in ["region", "indicator"] {
        let cast = frame.column(c).unwrap().cast(&categorical).unwrap();
        assert!(matches!(cast.dtype(), DataType::Categorical(..)));
        frame.replace(c, cast).unwrap();
    }
    let parquet = dir.join("tiny.parquet");
    ParquetWriter::new(std::fs::File::create(&parquet).unwrap())
        .finish(&mut frame)
        .unwrap();
    let scores = |data: &str, out: &str| {
        let out = dir.join(out);
        let o = cwi(&[
            "compute",
            "--spec",
            "tests/fixtures/tiny.toml",
            "--data",
            data,
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        fs::read(out.join("scores.csv")).unwrap()
    };
    assert!(scores(parquet.to_str().unwrap(), "p") == scores("tests/fixtures/tiny.csv", "c"));
}

/// `--parquet-by-year`: one Parquet file per year under scores/year=YYYY/ (Hive
/// partitioning: no year column in the files), the rows of scores.csv for that year; a year
/// of an earlier run that the new one lacks is removed with the commit, and only then.
#[test]
fn the_parquet_table_by_year() {
    use polars::prelude::*;
    let dir = scratch("exports-parquet-by-year");
    let run = |data: &[&str], extra: &[&str]| {
        let mut args = vec![
            "compute",
            "--spec",
            "indicators/kz-cwi.toml",
            "--out",
            dir.to_str().unwrap(),
            "--formats",
            "csv,parquet",
            "--parquet-by-year",
            "--data",
        ];
        args.extend(data);
        args.extend(extra);
        cwi(&args)
    };
    let all = [
        "data-samples/kz/statistics.csv",
        "data-samples/kz/surveys.csv",
        "data-samples/kz/before-2022.csv",
    ];
    let o = run(&all, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(!dir.join("scores.parquet").exists());
    let csv = fs::read_to_string(dir.join("scores.csv")).unwrap();
    let manifest = fs::read_to_string(dir.join("manifest.json")).unwrap();
    for year in 2021..=2024 {
        let name = format!("scores/year={year}/part-0.parquet");
        assert!(manifest.contains(&format!("\"{name}\"")), "{name}");
        let file = std::fs::File::open(dir.join(&name)).unwrap();
        let frame = ParquetReader::new(file).finish().unwrap();
        assert!(frame.column("year").is_err(), "the year is in the path");
        let lines: Vec<&str> = csv
            .lines()
            .filter(|l| l.starts_with(&format!("{year},")))
            .collect();
        assert_eq!(frame.height(), lines.len(), "{year}");
        let text = |c: &str| text_column(&frame, c);
        let (region, node) = (text("region_code"), text("node_id"));
        let score = frame.column("score").unwrap().f64().unwrap().clone();
        for (k, line) in lines.iter().enumerate() {
            let f: Vec<&str> = line.split(',').collect();
            assert_eq!(region.get(k), Some(f[1]));
            assert_eq!(node.get(k), Some(f[3]));
            assert_eq!(score.get(k), f[7].parse::<f64>().ok(), "{year} row {k}");
        }
    }
    // A run that fails leaves every year's file as it was.
    let before = fs::read(dir.join("scores/year=2021/part-0.parquet")).unwrap();
    let bad = dir.join("bad.csv");
    fs::write(
        &bad,
        "region,year,indicator,value\nKZ-10,2024,infant_mortality,abc\n",
    )
    .unwrap();
    let o = run(&[all[0], all[1], bad.to_str().unwrap()], &[]);
    assert!(!o.status.success());
    assert_eq!(
        fs::read(dir.join("scores/year=2021/part-0.parquet")).unwrap(),
        before
    );
    // Without the 2021 data, the 2021 file goes with the commit.
    let o = run(&all[..2], &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(!dir.join("scores/year=2021").exists());
    assert!(dir.join("scores/year=2022/part-0.parquet").is_file());
    // The Parquet table left out of --formats: refused before any work.
    let other = dir.join("other");
    let o = cwi(&[
        "compute",
        "--spec",
        "indicators/kz-cwi.toml",
        "--data",
        all[0],
        "--out",
        other.to_str().unwrap(),
        "--formats",
        "csv",
        "--parquet-by-year",
    ]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("add parquet to --formats"));
    assert!(!other.exists());
}

/// A text column of a Parquet table read back (dictionary-encoded or not) as strings.
fn text_column(frame: &polars::prelude::DataFrame, name: &str) -> polars::prelude::StringChunked {
    use polars::prelude::*;
    frame
        .column(name)
        .unwrap()
        .cast(&DataType::String)
        .unwrap()
        .str()
        .unwrap()
        .clone()
}
