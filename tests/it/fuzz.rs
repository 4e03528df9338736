//! Fuzzing on stable Rust: seeded mutations of real inputs (the shipped specs and samples,
//! the fixtures) and random ones, fed to every parser and loader: the spec parser, the number
//! reader, the formula parser, and the CSV, Excel and Parquet loaders. Every case must end
//! without a panic, within a time bound, and with an answer: a result, or diagnostics that
//! each name their file and, where the format has them, the line, row or column.
//!
//! A few thousand cases run in every `cargo test`; a long campaign runs on demand:
//!
//!     CWI_FUZZ_CASES=100000 cargo test --release --test it fuzz -- --nocapture
//!
//! (`CWI_FUZZ_SEED` changes the seed.) A failing case is written to target/fuzz-failures/;
//! once fixed it joins the committed corpus, tests/corpus/<target>/, beside a `.expect` file
//! holding the diagnostic code it must produce (or `ok`); the corpus is replayed first.

use std::fs;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cwi::diagnostic::{Code, Diagnostic};
use cwi::spec::DecimalMark;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::common::{root, scratch};

/// The longest a case may take before the run is stopped as hung (debug builds are slow).
const HANG: Duration = Duration::from_secs(60);

fn cases(default: usize) -> usize {
    std::env::var("CWI_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn seed() -> u64 {
    std::env::var("CWI_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_260_401)
}

/// Bytes that parsers care about, inserted by the mutations.
const TOKENS: &[&str] = &[
    ",",
    ";",
    "\t",
    "\"",
    "\"\"",
    "\n",
    "\r\n",
    "\r",
    "#",
    "=",
    "[",
    "]",
    "[[",
    "]]",
    "{",
    "}",
    "'",
    "\\",
    "0",
    "-",
    "+",
    "e",
    "E",
    ".",
    "..",
    "1e999",
    "-1e-999",
    "NaN",
    "inf",
    "\u{2212}",
    "\u{feff}",
    "\u{a0}",
    "\0",
    "\u{fffd}",
    "н/д",
    "Ақмола",
    "1,234.5",
    "1 234,5",
    "2024",
    "region",
    "year",
    "indicator",
    "value",
    "method",
    "parent",
    "id",
    "weight",
    "formula",
    "min-max",
    "z-score",
    "geometric",
    "ln(",
    "sqrt(",
    "^",
    "/",
    "*",
    "(",
    ")",
    "if(",
    "max(",
    "99999999999999999999",
    "-0",
    "true",
    "\u{202e}",
    "🙂",
];

/// 1 to 8 random edits of `input`, drawn from `rng`.
fn mutate(rng: &mut ChaCha8Rng, input: &[u8], others: &[Vec<u8>]) -> Vec<u8> {
    let mut v = input.to_vec();
    for _ in 0..rng.random_range(1..=8) {
        let at = if v.is_empty() {
            0
        } else {
            rng.random_range(0..=v.len())
        };
        match rng.random_range(0..10) {
            0 if !v.is_empty() => {
                let i = rng.random_range(0..v.len());
                v[i] ^= 1 << rng.random_range(0..8);
            }
            1 | 2 => {
                let t = TOKENS[rng.random_range(0..TOKENS.len())].as_bytes();
                v.splice(at..at, t.iter().copied());
            }
            3 if !v.is_empty() => {
                let end = (at + rng.random_range(1..64)).min(v.len());
                v.drain(at.min(end)..end);
            }
            4 if !v.is_empty() => {
                // Duplicate a piece, sometimes many times (long lines, deep nesting).
                let end = (at + rng.random_range(1..128)).min(v.len());
                let piece = v[at.min(end)..end].to_vec();
                let times = if rng.random_bool(0.1) {
                    rng.random_range(2..2000)
                } else {
                    2
                };
                for _ in 1..times {
                    v.splice(end..end, piece.iter().copied());
                }
            }
            5 => {
                v.truncate(at);
            }
            6 if !others.is_empty() => {
                // Splice a piece of another input.
                let other = &others[rng.random_range(0..others.len())];
                if !other.is_empty() {
                    let from = rng.random_range(0..other.len());
                    let end = (from + rng.random_range(1..256)).min(other.len());
                    v.splice(at..at, other[from..end].iter().copied());
                }
            }
            7 => {
                let n = rng.random_range(1..16);
                let bytes: Vec<u8> = (0..n).map(|_| rng.random()).collect();
                v.splice(at..at, bytes);
            }
            8 if !v.is_empty() => {
                // Replace a digit run by an extreme number.
                if let Some(d) = v[at.min(v.len() - 1)..].iter().position(u8::is_ascii_digit) {
                    let i = at.min(v.len() - 1) + d;
                    let x = [
                        "1e308",
                        "-1e308",
                        "0.0000000000000000000001",
                        "18446744073709551616",
                        "2147483648",
                        "-2147483649",
                    ];
                    v.splice(i..i + 1, x[rng.random_range(0..x.len())].bytes());
                }
            }
            _ => {
                let line_start = v[..at.min(v.len())]
                    .iter()
                    .rposition(|&b| b == b'\n')
                    .map_or(0, |p| p + 1);
                let line_end = v[at.min(v.len())..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(v.len(), |p| at.min(v.len()) + p + 1);
                let line = v[line_start..line_end].to_vec();
                v.splice(line_end..line_end, line);
            }
        }
    }
    v
}

/// Whether a diagnostic says where: its file, and a line, row or column when the problem is
/// in one place of the file (problems of the whole file need only the file).
fn located(d: &Diagnostic) -> bool {
    let whole_file = matches!(
        d.code,
        Code::UnreadableFile
            | Code::Encoding
            | Code::MissingColumn
            | Code::NoMatchingRows
            | Code::TooFewUnits
    );
    // A template's structural refusal names its workbook, sheet and cell in the message.
    let in_message = d.code == Code::TemplateMismatch
        && (d.message.contains("cell ")
            || d.message.contains("sheet")
            || d.message.contains("version"));
    !d.file.is_empty()
        && !d.message.is_empty()
        && (whole_file || in_message || d.line.is_some() || d.row.is_some() || d.field.is_some())
}

/// What a target answered: the diagnostics' codes, or a property that failed.
type Outcome = Result<Vec<String>, String>;

fn check_diagnostics(diagnostics: &[Diagnostic]) -> Outcome {
    for d in diagnostics {
        if !located(d) {
            return Err(format!("diagnostic not located: {d:?}"));
        }
    }
    Ok(diagnostics.iter().map(|d| d.code.to_string()).collect())
}

/// Runs `cases` mutated inputs through `target`, after the corpus; panics on the first
/// failure, with the case written to target/fuzz-failures/.
fn campaign(
    name: &str,
    extension: &str,
    seeds: &[Vec<u8>],
    default_cases: usize,
    target: &(dyn Fn(&[u8]) -> Outcome + Sync),
) {
    // The corpus first: each file must still give its expected code.
    let corpus = root().join("tests/corpus").join(name);
    if let Ok(entries) = fs::read_dir(&corpus) {
        let mut files: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_none_or(|e| e != "expect"))
            .collect();
        files.sort();
        for file in files {
            let expect = fs::read_to_string(file.with_extension(format!(
                "{}.expect",
                file.extension().and_then(|e| e.to_str()).unwrap_or("")
            )))
            .unwrap_or_else(|_| panic!("{}: no .expect beside it", file.display()));
            let expect = expect.trim();
            let input = fs::read(&file).unwrap();
            match catch_unwind(AssertUnwindSafe(|| target(&input))) {
                Ok(Ok(codes)) => assert!(
                    (expect == "ok" && codes.iter().all(|c| !c.starts_with('E')))
                        || codes.iter().any(|c| c == expect),
                    "{}: expected {expect}, got {codes:?}",
                    file.display()
                ),
                Ok(Err(why)) => panic!("{}: {why}", file.display()),
                Err(_) => panic!("{}: panicked", file.display()),
            }
        }
    }
    let n = cases(default_cases);
    let mut rng = ChaCha8Rng::seed_from_u64(
        seed()
            ^ name
                .bytes()
                .fold(0u64, |h, b| h.wrapping_mul(31) ^ u64::from(b)),
    );
    // A watchdog stops the whole run if one case hangs.
    let started = Arc::new(AtomicU64::new(u64::MAX));
    let current = Arc::new(Mutex::new(Vec::new()));
    let clock = Instant::now();
    {
        let (started, current, name) = (started.clone(), current.clone(), name.to_string());
        let extension = extension.to_string();
        std::thread::spawn(move || {
            loop {
                std::thread::sleep(Duration::from_millis(500));
                let s = started.load(Ordering::SeqCst);
                if s != u64::MAX && clock.elapsed().as_millis() as u64 - s > HANG.as_millis() as u64
                {
                    let case = current.lock().map(|c| c.clone()).unwrap_or_default();
                    let path = save_failure(&name, &extension, &case);
                    eprintln!(
                        "fuzz {name}: a case ran over {HANG:?} (hung?); saved to {}",
                        path.display()
                    );
                    std::process::abort();
                }
            }
        });
    }
    let (mut errors, mut slowest) = (0usize, Duration::ZERO);
    let save_each = std::env::var_os("CWI_FUZZ_SAVE_EACH").is_some();
    for case in 0..n {
        let base = &seeds[rng.random_range(0..seeds.len())];
        let input = if rng.random_bool(0.05) {
            let len = rng.random_range(0..512);
            (0..len).map(|_| rng.random()).collect()
        } else {
            mutate(&mut rng, base, seeds)
        };
        if let Ok(mut c) = current.lock() {
            c.clone_from(&input);
        }
        // An abort (an impossible allocation in a dependency) cannot be caught: with
        // CWI_FUZZ_SAVE_EACH set, each case is on disk before it runs.
        if save_each {
            let dir = root().join("target/fuzz-failures").join(name);
            let _ = fs::create_dir_all(&dir);
            let _ = fs::write(dir.join(format!("current.{extension}")), &input);
        }
        let t = Instant::now();
        started.store(clock.elapsed().as_millis() as u64, Ordering::SeqCst);
        let outcome = catch_unwind(AssertUnwindSafe(|| target(&input)));
        started.store(u64::MAX, Ordering::SeqCst);
        slowest = slowest.max(t.elapsed());
        let failure = match outcome {
            Ok(Ok(codes)) => {
                errors += usize::from(codes.iter().any(|c| c.starts_with('E')));
                None
            }
            Ok(Err(why)) => Some(why),
            Err(panic) => Some(format!(
                "panicked: {}",
                panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default()
            )),
        };
        if let Some(why) = failure {
            let path = save_failure(name, extension, &input);
            panic!(
                "fuzz {name}, case {case} (seed {}): {why}; input saved to {}",
                seed(),
                path.display()
            );
        }
    }
    eprintln!(
        "fuzz {name}: {n} cases, {errors} refused with located diagnostics, slowest {slowest:?}, no failure"
    );
}

fn save_failure(name: &str, extension: &str, input: &[u8]) -> PathBuf {
    let dir = root().join("target/fuzz-failures").join(name);
    let _ = fs::create_dir_all(&dir);
    let path = dir.join(format!(
        "{:016x}.{extension}",
        input
            .iter()
            .fold(0xcbf29ce484222325u64, |h, &b| (h ^ u64::from(b))
                .wrapping_mul(0x100000001b3))
    ));
    let _ = fs::write(&path, input);
    path
}

fn read(paths: &[&str]) -> Vec<Vec<u8>> {
    paths
        .iter()
        .map(|p| fs::read(root().join(p)).unwrap())
        .collect()
}

#[test]
fn fuzz_spec_parser() {
    let seeds = read(&[
        "tests/fixtures/tiny.toml",
        "indicators/kz-cwi.toml",
        "indicators/hdi.toml",
        "indicators/kids-count.toml",
        "indicators/kz-ampi.toml",
    ]);
    // Parsed as if at the tiny fixture's place, so that files it names resolve.
    let path = root().join("tests/fixtures/fuzzed.toml");
    campaign("spec", "toml", &seeds, 1500, &|input| {
        let text = String::from_utf8_lossy(input);
        match cwi::spec::parse_str(&text, &path) {
            Ok(spec) => check_diagnostics(&spec.warnings),
            Err(e) => {
                let d = e.diagnostics();
                if d.is_empty() {
                    return Err("refused without a diagnostic".into());
                }
                check_diagnostics(&d)
            }
        }
    });
}

#[test]
fn fuzz_number_reader() {
    let seeds: Vec<Vec<u8>> = [
        "12.5",
        "12,5",
        "1 234,5",
        "1\u{a0}234.5",
        "-0.949",
        "+70",
        "\u{2212}3",
        "6.965354271137869e-07",
        "2E+03",
        "1.234.567",
        "..",
        "н/д",
        "",
        "  7  ",
        "1,234",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect();
    let missing = vec!["..".to_string(), "н/д".to_string()];
    campaign("number", "txt", &seeds, 4000, &|input| {
        let text = String::from_utf8_lossy(input);
        for mark in [DecimalMark::Auto, DecimalMark::Point, DecimalMark::Comma] {
            for declared in [false, true] {
                match cwi::load::parse_number(&text, mark, declared, &missing) {
                    Ok(Some(v)) if !v.is_finite() => return Err(format!("{text:?} read as {v}")),
                    Ok(_) => {}
                    Err((_, message, hint)) if message.is_empty() || hint.is_empty() => {
                        return Err(format!("{text:?}: refusal without a message or hint"));
                    }
                    Err(_) => {}
                }
            }
        }
        Ok(Vec::new())
    });
}

#[test]
fn fuzz_formula_parser() {
    let seeds: Vec<Vec<u8>> = [
        "Flights / Population",
        "ln(gdp) - ln(min(gdp, 100))",
        "if(x > 0, sqrt(x), abs(x)) ^ 2",
        "max(a, b, c) * 1e3 + 10 ^ -2",
        "exp(log10(x + 1)) / (y - -z)",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect();
    campaign("formula", "txt", &seeds, 4000, &|input| {
        let text = String::from_utf8_lossy(input);
        match cwi::formula::parse(&text) {
            Ok(expr) => {
                // A parsed formula evaluates to a value, nothing, or an error: never a panic.
                let _ = expr.eval(&|c: &str| Some(c.len() as f64 - 2.0));
                Ok(Vec::new())
            }
            Err(e) if e.at > text.len() || e.message.is_empty() => Err(format!(
                "{text:?}: error at {} of {}: {:?}",
                e.at,
                text.len(),
                e.message
            )),
            Err(_) => Ok(vec!["E-formula".into()]),
        }
    });
}

/// Loads `bytes` as a data file named `name` for the tiny fixture's spec.
fn load_as(dir: &Path, name: &str, bytes: &[u8]) -> Outcome {
    let spec = cwi::spec::load(&root().join("tests/fixtures/tiny.toml")).unwrap();
    let path = dir.join(name);
    fs::write(&path, bytes).unwrap();
    let (_, diagnostics) = cwi::load::check(&spec, &[&path]);
    check_diagnostics(&diagnostics)
}

#[test]
fn fuzz_csv_loader() {
    let dir = scratch("fuzz-csv");
    let tiny = fs::read(root().join("tests/fixtures/tiny.csv")).unwrap();
    let text = String::from_utf8(tiny.clone()).unwrap();
    let seeds = vec![
        tiny.clone(),
        text.replace(',', ";").replace('.', ",").into_bytes(),
        text.replace(',', "\t").into_bytes(),
        [b"\xEF\xBB\xBF# exported\n".as_slice(), &tiny].concat(),
        encoding_rs::WINDOWS_1251.encode(&text.replace("South", "Юг")).0.into_owned(),
        // Wide, with sample sizes.
        b"region,year,vaccination,mortality,enrolment,reading,reading_n\nR1,2024,90,10.5,1234.5,5.5,300\nR2,2024,80,30,2000,3,250\nR3,2024,70,20.75,,4.25,\n".to_vec(),
    ];
    campaign("csv", "csv", &seeds, 1500, &|input| {
        load_as(&dir, "fuzzed.csv", input)
    });
}

#[test]
fn fuzz_excel_loader() {
    let dir = scratch("fuzz-excel");
    let rows: Vec<Vec<String>> = fs::read_to_string(root().join("tests/fixtures/tiny.csv"))
        .unwrap()
        .lines()
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect();
    let book = |rows: &[Vec<String>]| {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                let _ = match cell.parse::<f64>() {
                    Ok(v) if v.is_finite() => sheet.write_number(r, c, v).map(|_| ()),
                    _ => sheet.write_string(r, c, cell).map(|_| ()),
                };
            }
        }
        book.save_to_buffer().unwrap()
    };
    let valid = book(&rows);
    // Half the cases: a workbook whose cells are fuzzed text; half: its bytes fuzzed.
    let mut rng = ChaCha8Rng::seed_from_u64(seed());
    let cell_seeds: Vec<Vec<u8>> = (0..20)
        .map(|_| {
            let text = rows
                .iter()
                .map(|r| r.join(","))
                .collect::<Vec<_>>()
                .join("\n");
            let fuzzed = mutate(&mut rng, text.as_bytes(), &[]);
            let rows: Vec<Vec<String>> = String::from_utf8_lossy(&fuzzed)
                .lines()
                .take(200)
                .map(|l| {
                    l.split(',')
                        .take(50)
                        .map(|c| c.chars().take(1000).collect())
                        .collect()
                })
                .collect();
            book(&rows)
        })
        .collect();
    let mut seeds = vec![valid];
    seeds.extend(cell_seeds);
    campaign("excel", "xlsx", &seeds, 300, &|input| {
        load_as(&dir, "fuzzed.xlsx", input)
    });
}

#[test]
fn fuzz_parquet_loader() {
    use polars::prelude::*;
    let dir = scratch("fuzz-parquet");
    let frame = |value: Column| {
        let mut frame = DataFrame::new_infer_height(vec![
            Column::new("region".into(), ["R1", "South", "R3", "R1"]),
            Column::new("year".into(), [2024i64, 2024, 2024, 2024]),
            Column::new(
                "indicator".into(),
                ["vaccination", "vaccination", "vaccination", "reading"],
            ),
            value,
        ])
        .unwrap();
        let mut out = std::io::Cursor::new(Vec::new());
        ParquetWriter::new(&mut out).finish(&mut frame).unwrap();
        out.into_inner()
    };
    let seeds = vec![
        frame(Column::new(
            "value".into(),
            [Some(90.0), Some(80.0), None, Some(5.5)],
        )),
        frame(Column::new("value".into(), ["90", "8,0", "x", ""])),
        frame(Column::new("value".into(), [true, false, true, false])),
        frame(Column::new("value".into(), [i64::MAX, 0, -1, 7])),
        frame(Column::new(
            "value".into(),
            [1.0, 2.0, 3.0, 4.0]
                .iter()
                .map(|v| Series::new("".into(), [*v]))
                .collect::<Vec<_>>(),
        )),
    ];
    campaign("parquet", "parquet", &seeds, 300, &|input| {
        load_as(&dir, "fuzzed.parquet", input)
    });
}

/// A workbook as text: a line `\x1e<sheet name>` before each sheet's rows, cells separated by
/// tabs; and back. The template reader is fuzzed on this form, so that mutations change cells,
/// rows and sheets (ids, headers, the metadata) rather than break the zip.
fn workbook_text(bytes: &[u8]) -> String {
    use calamine::Reader;
    let mut book =
        calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut out = String::new();
    for name in book.sheet_names() {
        out.push_str(&format!("\u{1e}{name}\n"));
        let range = book.worksheet_range(&name).unwrap();
        for row in range.rows() {
            let cells: Vec<String> = row.iter().map(|c| c.to_string()).collect();
            out.push_str(&cells.join("\t"));
            out.push('\n');
        }
    }
    out
}

fn workbook_of(text: &str) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let mut names: Vec<String> = Vec::new();
    for (k, sheet_text) in text.split('\u{1e}').skip(1).take(8).enumerate() {
        let (name, body) = sheet_text.split_once('\n').unwrap_or((sheet_text, ""));
        let mut name: String = name
            .chars()
            .filter(|c| !"[]:*?/\\'".contains(*c) && !c.is_control())
            .take(31)
            .collect();
        if name.trim().is_empty() || names.iter().any(|n| n.eq_ignore_ascii_case(&name)) {
            name = format!("S{k}");
        }
        names.push(name.clone());
        let sheet = book.add_worksheet();
        sheet.set_name(&name).unwrap();
        for (r, line) in body.lines().take(2000).enumerate() {
            for (c, cell) in line.split('\t').take(100).enumerate() {
                let (r, c) = (r as u32, c as u16);
                let cell: String = cell.chars().take(1000).collect();
                let _ = match cell.parse::<f64>() {
                    Ok(v) if v.is_finite() => sheet.write_number(r, c, v).map(|_| ()),
                    _ if cell.is_empty() => Ok(()),
                    _ => sheet.write_string(r, c, &cell).map(|_| ()),
                };
            }
        }
    }
    book.save_to_buffer().unwrap()
}

#[test]
fn fuzz_template_reader() {
    let dir = scratch("fuzz-template");
    let spec = cwi::spec::load(&root().join("tests/fixtures/tiny.toml")).unwrap();
    let made = cwi::template::templates(&cwi::template::Request {
        spec: &spec,
        year: 2024,
        lang: "en",
        by: cwi::template::By::Region,
        previous: None,
        regions: Vec::new(),
    })
    .unwrap();
    // Agency templates hold every region: filled, they compute.
    let by_agency = cwi::template::templates(&cwi::template::Request {
        spec: &spec,
        year: 2024,
        lang: "ru",
        by: cwi::template::By::Agency,
        previous: None,
        regions: Vec::new(),
    })
    .unwrap();
    let mut seeds: Vec<Vec<u8>> = made
        .iter()
        .chain(&by_agency)
        .map(|t| workbook_text(&t.bytes).into_bytes())
        .collect();
    // Filled: every value cell of the first template holds a number.
    let filled: String = workbook_text(&made[0].bytes)
        .lines()
        .map(|l| {
            let mut cells: Vec<&str> = l.split('\t').collect();
            if cells.len() > 10 && cells[0] == "R1" {
                cells[10] = "55.5";
            }
            cells.join("\t") + "\n"
        })
        .collect();
    // The filled template, rebuilt from its text, still reads as a template: its only
    // refusal is that one region is too few to normalise.
    assert_eq!(
        load_as(&dir, "filled.xlsx", &workbook_of(&filled)),
        Ok(vec!["E113".to_string()])
    );
    seeds.push(filled.into_bytes());
    campaign("template", "txt", &seeds, 300, &|input| {
        let bytes = workbook_of(&String::from_utf8_lossy(input));
        load_as(&dir, "fuzzed.xlsx", &bytes)
    });
}
