//! Golden outputs: every shipped spec run on its shipped data by every command that writes
//! files, each output compared with what was recorded. Outputs of up to 64 KB are kept
//! themselves under `tests/golden/files/` (a failure shows the lines that differ); larger ones
//! by their SHA-256 in `tests/golden/SHA256SUMS`, which lists every output. A refactor keeps
//! them byte-identical; an intended change re-records them (`CWI_BLESS=1 cargo test golden`)
//! in the commit that explains it.
//!
//! What is compared: `scores.csv`, `scores.json`, `manifest.json` without the `cwi_version`
//! line, `report.html` (its tables and inline charts), every cell of `report.xlsx` and of the
//! collection templates as text (the report's file carries a creation time), the audit's
//! tables, and the uncertainty and sensitivity tables for the spec's fixed seed.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::common::{cwi, root, scratch};

const KZ: [&str; 3] = [
    "data-samples/kz/statistics.csv",
    "data-samples/kz/surveys.csv",
    "data-samples/kz/before-2022.csv",
];

/// One command run; `files` are the outputs compared, relative to its output directory.
struct Case {
    name: &'static str,
    args: Vec<&'static str>,
    data: Vec<&'static str>,
    files: Vec<&'static str>,
}

fn cases() -> Vec<Case> {
    let compute = vec!["scores.csv", "scores.json", "manifest.json"];
    let kz = KZ.to_vec();
    let mut out = Vec::new();
    for (name, spec, data) in [
        ("kz-cwi", "indicators/kz-cwi.toml", kz.clone()),
        ("kz-base-year", "indicators/kz-base-year.toml", kz.clone()),
        ("kz-ampi", "indicators/kz-ampi.toml", kz.clone()),
        (
            "hdi",
            "indicators/hdi.toml",
            vec!["data-samples/hdi/hdi-components-2021-2022.csv"],
        ),
        (
            "kids-count",
            "indicators/kids-count.toml",
            vec!["data-samples/kids-count/states-2023-2024.csv"],
        ),
        (
            "tiny",
            "tests/fixtures/tiny.toml",
            vec!["tests/fixtures/tiny.csv"],
        ),
    ] {
        out.push(Case {
            name,
            args: vec!["compute", "--spec", spec],
            data,
            files: compute.clone(),
        });
    }
    out.push(Case {
        name: "kz-cwi-historical",
        args: vec![
            "compute",
            "--spec",
            "indicators/kz-cwi.toml",
            "--boundaries",
            "historical",
            "--lang",
            "ru",
            "--csv",
            "excel",
        ],
        data: kz.clone(),
        files: compute.clone(),
    });
    for (name, spec, data) in [
        ("kz-cwi-report", "indicators/kz-cwi.toml", kz.clone()),
        (
            "hdi-report",
            "indicators/hdi.toml",
            vec!["data-samples/hdi/hdi-components-2021-2022.csv"],
        ),
    ] {
        out.push(Case {
            name,
            args: vec![
                "report",
                "--spec",
                spec,
                "--lang",
                "en",
                "--formats",
                "html,xlsx",
                "--quiet",
            ],
            data,
            files: vec!["report.html", "report.xlsx", "scores.csv"],
        });
    }
    out.push(Case {
        name: "kz-cwi-template",
        args: vec![
            "template",
            "--spec",
            "indicators/kz-cwi.toml",
            "--year",
            "2025",
            "--regions",
            "KZ-10,KZ-71",
            "--lang",
            "ru",
        ],
        data: kz.clone(),
        files: vec!["KZ-10.xlsx", "KZ-71.xlsx"],
    });
    out.push(Case {
        name: "kz-cwi-template-agency",
        args: vec![
            "template",
            "--spec",
            "indicators/kz-cwi.toml",
            "--year",
            "2025",
            "--by",
            "agency",
        ],
        data: kz.clone(),
        files: vec!["Ministry-of-Health.xlsx", "Ministry-of-Enlightenment.xlsx"],
    });
    out.push(Case {
        name: "kz-cwi-audit",
        args: vec!["audit", "--spec", "indicators/kz-cwi.toml", "--lang", "en"],
        data: kz.clone(),
        files: vec![
            "audit/audit.json",
            "audit/correlations.csv",
            "audit/groups.csv",
            "audit/statistics.csv",
        ],
    });
    out.push(Case {
        name: "kz-cwi-uncertainty",
        args: vec![
            "uncertainty",
            "--spec",
            "indicators/kz-cwi.toml",
            "--replications",
            "300",
            "--quiet",
        ],
        data: kz.clone(),
        files: vec![
            "uncertainty/ranks.csv",
            "uncertainty/uncertainty.json",
            "charts/rank-intervals-2024.svg",
        ],
    });
    out.push(Case {
        name: "kz-cwi-uncertainty-methods",
        args: vec![
            "uncertainty",
            "--spec",
            "indicators/kz-cwi.toml",
            "--replications",
            "200",
            "--normalisations",
            "min-max",
            "z-score",
            "--aggregations",
            "arithmetic",
            "--imputations",
            "none",
            "median",
            "--seed",
            "7",
            "--quiet",
        ],
        data: kz.clone(),
        files: vec!["uncertainty/ranks.csv", "uncertainty/uncertainty.json"],
    });
    out.push(Case {
        name: "kz-cwi-sensitivity",
        args: vec![
            "sensitivity",
            "--spec",
            "indicators/kz-cwi.toml",
            "--samples",
            "64",
            "--quiet",
        ],
        data: kz,
        files: vec!["sensitivity/indices.csv", "sensitivity/sensitivity.json"],
    });
    out
}

/// The bytes compared for one output file.
fn comparable(path: &Path) -> Vec<u8> {
    let name = path.file_name().unwrap().to_str().unwrap();
    if name == "manifest.json" {
        let text = fs::read_to_string(path).unwrap();
        return text
            .lines()
            .filter(|l| !l.trim_start().starts_with("\"cwi_version\""))
            .collect::<Vec<_>>()
            .join("\n")
            .into_bytes();
    }
    if name.ends_with(".xlsx") {
        return xlsx_cells(path).into_bytes();
    }
    fs::read(path).unwrap()
}

/// Every cell of every sheet, one `sheet!row,col<TAB>value` line each.
fn xlsx_cells(path: &Path) -> String {
    use calamine::{Reader, open_workbook_auto};
    let mut book = open_workbook_auto(path).unwrap();
    let mut out = String::new();
    for sheet in book.sheet_names() {
        let range = book.worksheet_range(&sheet).unwrap();
        for (r, row) in range.rows().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                if !matches!(cell, calamine::Data::Empty) {
                    out.push_str(&format!("{sheet}!{r},{c}\t{cell:?}\n"));
                }
            }
        }
    }
    out
}

/// Outputs up to this size are kept themselves, larger ones by their hash.
const KEPT: usize = 64 * 1024;

/// Where an output kept itself is: its name, `.txt` added to a workbook's cells.
fn kept_path(key: &str) -> std::path::PathBuf {
    let name = if key.ends_with(".xlsx") {
        format!("{key}.txt")
    } else {
        key.to_string()
    };
    root().join("tests/golden/files").join(name)
}

/// The first three lines where `got` differs from `expected`, for the failure message.
fn first_difference(expected: &[u8], got: &[u8]) -> String {
    let (e, g) = (
        String::from_utf8_lossy(expected),
        String::from_utf8_lossy(got),
    );
    let (el, gl): (Vec<&str>, Vec<&str>) = (e.lines().collect(), g.lines().collect());
    let Some(at) = (0..el.len().max(gl.len())).find(|&k| el.get(k) != gl.get(k)) else {
        return "the same lines, other line endings".into();
    };
    let mut out = String::new();
    let differing = (at..el.len().max(gl.len()))
        .filter(|&k| el.get(k) != gl.get(k))
        .take(3);
    for k in differing {
        out.push_str(&format!(
            "    line {}:\n      expected {}\n      got      {}\n",
            k + 1,
            el.get(k).unwrap_or(&"(no line)"),
            gl.get(k).unwrap_or(&"(no line)")
        ));
    }
    out
}

fn hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn every_shipped_spec_gives_its_recorded_outputs() {
    let mut got = BTreeMap::new();
    for case in cases() {
        let out = scratch(&format!("golden-{}", case.name));
        let mut args = case.args.clone();
        let out_str = out.to_str().unwrap().to_string();
        args.extend(["--out", &out_str, "--data"]);
        args.extend(case.data.iter());
        let o = cwi(&args);
        assert!(
            o.status.success(),
            "{}: {}",
            case.name,
            String::from_utf8_lossy(&o.stderr)
        );
        for file in &case.files {
            let bytes = comparable(&out.join(file));
            got.insert(
                format!("{}/{file}", case.name),
                (hex(&bytes), out.join(file), bytes),
            );
        }
    }
    let sums = root().join("tests/golden/SHA256SUMS");
    if std::env::var_os("CWI_BLESS").is_some() {
        let text: String = got
            .iter()
            .map(|(k, (h, _, _))| format!("{h}  {k}\n"))
            .collect();
        fs::create_dir_all(sums.parent().unwrap()).unwrap();
        fs::write(&sums, text).unwrap();
        let _ = fs::remove_dir_all(root().join("tests/golden/files"));
        for (k, (_, _, bytes)) in &got {
            if bytes.len() <= KEPT {
                let path = kept_path(k);
                fs::create_dir_all(path.parent().unwrap()).unwrap();
                fs::write(path, bytes).unwrap();
            }
        }
        return;
    }
    let recorded: BTreeMap<String, String> = fs::read_to_string(&sums)
        .unwrap()
        .lines()
        .map(|l| {
            let (h, k) = l.split_once("  ").unwrap();
            (k.to_string(), h.to_string())
        })
        .collect();
    let mut differ = Vec::new();
    for (k, (h, path, bytes)) in &got {
        match recorded.get(k) {
            Some(r) if r == h => {}
            _ => {
                let shown = fs::read(kept_path(k))
                    .map(|expected| first_difference(&expected, bytes))
                    .unwrap_or_default();
                differ.push(format!("{k} (now at {})\n{shown}", path.display()));
            }
        }
    }
    for k in recorded.keys() {
        if !got.contains_key(k) {
            differ.push(format!("{k} is no longer written"));
        }
    }
    assert!(differ.is_empty(), "outputs changed:\n{}", differ.join("\n"));
}
