//! Tests of `load::text`: reading CSV text into tables.

use super::*;

#[test]
fn windows_1251_cyrillic_is_recognised() {
    let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode("регион;год\nАкмолинская область;2024\n");
    assert_eq!(
        decode(&bytes, TextEncoding::Auto).unwrap(),
        "регион;год\nАкмолинская область;2024\n"
    );
    // Latin-1 accented text is not Cyrillic: refused rather than misread.
    let latin1 = b"r\xe9gion,ann\xe9e\n";
    assert_eq!(
        decode(latin1, TextEncoding::Auto).unwrap_err().0,
        Code::Encoding
    );
}

#[test]
fn separators_are_told_from_the_header() {
    assert_eq!(separator("region;year;value", &[], false).unwrap(), b';');
    assert_eq!(separator("region,year,value", &[], false).unwrap(), b',');
    assert_eq!(separator("region\tyear", &[], false).unwrap(), b'\t');
    // "a,b;c,d" splits in 3 on commas and 2 on semicolons: commas win.
    assert_eq!(separator("a,b;c,d", &[], false).unwrap(), b',');
}

pub(in crate::load) fn layout() -> DataLayout {
    DataLayout {
        region_column: "region".into(),
        year_column: "year".into(),
        indicator_column: "indicator".into(),
        value_column: "value".into(),
        name_column: None,
        ignore_columns: vec![],
        ignore_regions: vec![],
        missing_values: vec![],
        decimal: DecimalMark::Auto,
        encoding: TextEncoding::Auto,
        separator: None,
        sheet: None,
        files: vec![],
    }
}

/// A CSV text read with the tests' layout.
fn read_laid_out(text: &str) -> Table {
    read_csv(text, false, Some(&layout())).unwrap()
}

fn typed(table: &Table) -> Vec<bool> {
    table
        .data
        .iter()
        .map(|c| matches!(c, crate::load::table::Column::Number(_)))
        .collect()
}

#[test]
fn clean_value_columns_are_typed_by_polars_and_keys_stay_text() {
    // Region codes with leading zeros and years stay text; the indicator columns of a wide
    // file are typed, and the point shown by 0.5 is kept as the file's vote.
    let t = read_laid_out("region,year,a,b\n011,2024,0.5,12\n012,2024,1.25,-3e2\n");
    assert_eq!(typed(&t), [false, false, true, true]);
    assert_eq!(t.votes, (1, 0));
    assert_eq!(t.data[0].text(0).as_deref(), Some("011"));
    assert_eq!(t.data[3].typed(1), Some(-300.0));
    // Without a layout (cwi import reads sheets as text) nothing is typed.
    let t = read_csv("region,year,a\n1,2024,0.5\n", false, None).unwrap();
    assert_eq!(typed(&t), [false, false, false]);
}

#[test]
fn cells_polars_would_read_differently_stay_on_the_cell_path() {
    // Every decimal cell could be thousands (12.345) in a semicolon-separated file: left to
    // the cell path, which refuses them as ambiguous. A comma-separated file cannot hold an
    // unquoted decimal comma, so there they are decimals, typed by polars.
    let t = read_laid_out("region;year;a\nA;2024;12.345\nB;2024;1.500\n");
    assert_eq!(typed(&t), [false, false, false]);
    let t = read_laid_out("region,year,a\nA,2024,12.345\nB,2024,1.500\n");
    assert_eq!(typed(&t), [false, false, true]);
    assert_eq!(t.data[2].typed(0), Some(12.345));
    // Unless a quoted cell shows a decimal comma: then the points are left to the cell path.
    let t = read_laid_out("region,year,a,b\nA,2024,12.345,\"1,5\"\nB,2024,1.500,2\n");
    assert_eq!(typed(&t), [false, false, false, false]);
    // A decimal-comma file, a missing-value marker, a number with a space or NaN: the
    // column stays text; a clean column beside them is still typed.
    let t = read_laid_out("region;year;a;b;c;d\nA;2024;1,5;..;7;nan\nB;2024;2,5;3.25;8;1\n");
    assert_eq!(t.votes, (0, 0));
    assert_eq!(typed(&t), [false, false, false, false, true, false]);
    // A file whose cells vote for the comma: a castable column with points is not
    // typed (the cell path reads 1.234 there as thousands).
    let t = read_laid_out("region;year;a;b\nA;2024;1,5;1.234\nB;2024;2,5;x\nC;2024;3,5;1\n");
    assert_eq!(typed(&t), [false, false, false, false]);
    // A marker that is a number keeps every column text.
    let mut with_marker = layout();
    with_marker.missing_values = vec!["-999".into()];
    let t = read_csv(
        "region,year,a\nA,2024,-999\nB,2024,0.5\n",
        false,
        Some(&with_marker),
    )
    .unwrap();
    assert_eq!(typed(&t), [false, false, false]);
}

#[test]
fn a_column_with_one_declared_marker_is_typed_and_reads_it_as_missing() {
    let mut with_markers = layout();
    with_markers.missing_values = vec![" .. ".into(), "n/a".into()];
    // Column a uses `..` and empty cells, b uses `n/a`, c both markers, d a word: a and b
    // are typed, c and d go cell by cell (as before).
    for quote in ["", "\""] {
        let text = format!(
            "region,year,a,b,c,d\n{q}A{q},2024,..,n/a,..,1\nB,2024,,2,n/a,x\nC,2024,0.5,3,4,5\n",
            q = quote
        );
        let t = read_csv(&text, false, Some(&with_markers)).unwrap();
        assert_eq!(
            typed(&t),
            [false, false, true, true, false, false],
            "{text}"
        );
        let a: Vec<Option<f64>> = (0..3).map(|r| t.data[2].typed(r)).collect();
        assert_eq!(a, [None, None, Some(0.5)]);
        let b: Vec<Option<f64>> = (0..3).map(|r| t.data[3].typed(r)).collect();
        assert_eq!(b, [None, Some(2.0), Some(3.0)]);
        assert_eq!(t.data[4].written(1), Some("n/a"));
    }
    // Without the declaration the marker is text and the column is not typed.
    let t = read_laid_out("region,year,a\nA,2024,..\nB,2024,1\n");
    assert_eq!(typed(&t), [false, false, false]);
}

#[test]
fn a_small_file_reads_without_polars_as_polars_reads_it() {
    let mut with_markers = layout();
    with_markers.missing_values = vec!["..".into()];
    let files = [
        // Long, typed values with a marker and an empty cell, a space in a key.
        "region,year,indicator,value\nA ,2024,x,1.5\nB,2024,x,..\nC,2024,x,\n",
        // Wide, CRLF, a text value column, an empty key cell, no final newline.
        "region;year;a;b\r\nA;2024;1,5;7\r\n;2023; ;-2e3\r\nC;2022;x;1e2",
        // Whole numbers only, comment lines before the header.
        "# note\n\nregion,year,a\nA,2024,3\nB,2024,-4\n",
        // A number beyond f64 and one of two markers: both kept for the cell path.
        "region,year,a,b\nA,2024,1e999,..\nB,2024,2,n/a\n",
    ];
    for text in files {
        same_either_way(text, &with_markers);
    }
    // The first file does take the small way (so the comparison above is not polars with
    // itself), and a file with quotes does not.
    let names: Vec<String> = ["region", "year", "indicator", "value"]
        .map(String::from)
        .to_vec();
    let markers: [Option<&[u8]>; 4] = [None, None, None, Some(b"..")];
    let typed_value = [false, false, false, true];
    let small = |body: &str| {
        crate::load::small::small_table(body, b',', &names, &typed_value, &markers, true)
    };
    assert!(small(files[0]).is_some());
    assert!(small("region,year,indicator,value\n\"A\",2024,x,1\n").is_none());
    // The first file by hand: the value column typed, the marker and the empty cell
    // missing, the key as written.
    let t = read_csv(files[0], false, Some(&with_markers)).unwrap();
    assert_eq!(typed(&t), [false, false, false, true]);
    assert_eq!(t.data[0].text(0).as_deref(), Some("A "));
    let v: Vec<Option<f64>> = (0..3).map(|r| t.data[3].typed(r)).collect();
    assert_eq!(v, [Some(1.5), None, None]);
}

/// Both ways of reading give the same table, or both refuse the file with the same words.
fn same_either_way(text: &str, layout: &DataLayout) {
    let small = read_csv_with(text, false, Some(layout), true);
    let big = read_csv_with(text, false, Some(layout), false);
    let (small, big) = match (small, big) {
        (Ok(s), Ok(b)) => (s, b),
        (Err(s), Err(b)) => return assert_eq!(s, b, "{text:?}"),
        (s, b) => panic!("{text:?}: {:?} against {:?}", s.err(), b.err()),
    };
    assert_eq!(small.columns, big.columns, "{text:?}");
    assert_eq!(small.height, big.height, "{text:?}");
    assert_eq!(small.line_offset, big.line_offset, "{text:?}");
    assert_eq!(small.votes, big.votes, "{text:?}");
    assert_eq!(typed(&small), typed(&big), "{text:?}");
    for (a, b) in small.data.iter().zip(&big.data) {
        for row in 0..small.height {
            assert_eq!(a.text(row), b.text(row), "{text:?} row {row}");
            assert_eq!(a.written(row), b.written(row), "{text:?} row {row}");
            assert_eq!(a.typed(row), b.typed(row), "{text:?} row {row}");
        }
    }
}

#[test]
fn random_small_files_read_the_same_with_and_without_polars() {
    let mut with_markers = layout();
    with_markers.missing_values = vec!["..".into(), "n/a".into()];
    // Cells drawn from the pieces messy exports are made of, on a seeded generator.
    let pieces = [
        "", "1", "23", "-4", "+5", "0.5", "12.345", "1,5", "1e3", "2E-2", "1e999", "..", "n/a",
        " ", "x", "A", "A ", "é", "\r",
    ];
    let mut state = 0x5eed_u64;
    let mut next = |n: usize| {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) % n as u64) as usize
    };
    for _ in 0..1000 {
        let sep = [",", ";"][next(2)];
        let width = 3 + next(3);
        let mut text = ["region", "year", "a", "b", "c"][..width.min(5)].join(sep);
        for extra in 5..width {
            text.push_str(&format!("{sep}v{extra}"));
        }
        text.push('\n');
        for _ in 0..next(6) {
            let cells: Vec<&str> = (0..width).map(|_| pieces[next(pieces.len())]).collect();
            text.push_str(&cells.join(sep));
            text.push('\n');
        }
        same_either_way(&text, &with_markers);
        same_either_way(&text, &layout());
    }
}

#[test]
fn short_and_long_rows_are_refused_at_their_line_with_or_without_quotes() {
    let line = |text: &str| match read_csv(text, false, Some(&layout())) {
        Err(e) => e.1,
        Ok(_) => panic!("read"),
    };
    // Comment line 1, header line 2, data lines 3 and 4.
    assert_eq!(
        line("# note\nregion,year,a\nA,2024,1\nB,2024\n"),
        "line 4: 2 field(s) where the header has 3 (an unclosed quote or a stray separator?)"
    );
    assert_eq!(
        line("region,year,a\n\"A\",2024,1\nB,2024,1,9\n"),
        "line 3: 4 field(s) where the header has 3 (an unclosed quote or a stray separator?)"
    );
    // Across the parallel chunks of a large file (4 MiB each), the first bad line wins.
    let mut big = String::from("region,year,a\n");
    for k in 0..400_000 {
        big.push_str(&format!("R{k},2024,{k}.5\n"));
    }
    big.push_str("S,2024\n");
    for k in 0..400_000 {
        big.push_str(&format!("T{k},2024\n"));
    }
    assert!(big.len() > 3 << 22);
    assert_eq!(
        line(&big),
        "line 400002: 2 field(s) where the header has 3 (an unclosed quote or a stray separator?)"
    );
}

#[test]
fn plain_numbers_vote_and_read_as_the_cell_path_reads_them() {
    let cells = [
        "12.345",
        "0.345",
        "1234.5",
        "1.5e3",
        "-12.345",
        "+12.345",
        "100.000",
        "12.34",
        "012.345",
        "7",
        "-0",
        "1e-4",
        "3E+03",
        "99999.999",
        "1.2345",
    ];
    for cell in cells {
        assert!(plain(cell.as_bytes()), "{cell}");
        // Only cells with a point are asked for their vote.
        assert_eq!(
            cell.contains('.') && plain_votes_point(cell.as_bytes()),
            number::vote(cell) == number::Vote::Point,
            "{cell}"
        );
        // With the point as the file's mark, the cell path and Rust's (correctly rounded)
        // parse agree; polars' parser rounds correctly too.
        assert_eq!(
            number::parse(cell, DecimalMark::Point, false, &[]).unwrap(),
            Some(cell.parse::<f64>().unwrap()),
            "{cell}"
        );
    }
    for cell in [
        " 1",
        "1 ",
        "1,5",
        ".5",
        "5.",
        "1e",
        "1e12345",
        "--1",
        "\u{2212}1",
        "nan",
        "inf",
        "1.2.3",
        "..",
        "0x10",
    ] {
        assert!(!plain(cell.as_bytes()), "{cell}");
    }
}
