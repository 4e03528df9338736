//! One language: a Kazakh or Russian report shows no Latin-script word but the ids, codes,
//! file names and hashes the spec and the run give as such: headings, legends, method names,
//! units and sources, and the workbook's sheet names are in the report's language.

use std::fs;

use crate::common::kz_sample_report;

/// The visible text of an HTML page (styles and tags removed, entities decoded).
fn visible(html: &str) -> String {
    let mut s = html.to_string();
    while let (Some(a), Some(b)) = (s.find("<style>"), s.find("</style>")) {
        s.replace_range(a..b + "</style>".len(), " ");
    }
    let mut out = String::new();
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
}

/// The words of Latin letters in a text.
fn latin_words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    for c in text.chars().chain([' ']) {
        if c.is_ascii_alphabetic()
            || (!word.is_empty() && (c == '_' || c == '-' || c.is_ascii_digit()))
        {
            word.push(c);
        } else if !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
    }
    out
}

#[test]
fn kazakh_and_russian_reports_are_in_their_language() {
    for lang in ["kk", "ru"] {
        let out = kz_sample_report(
            &format!("language-{lang}"),
            lang,
            &["--formats", "html,xlsx"],
        );
        // What the spec and the run give as ids and codes: node ids, region codes, the
        // index's id and version, the files and their hashes, the program's name.
        let manifest: serde_json::Value =
            serde_json::from_slice(&fs::read(out.join("manifest.json")).unwrap()).unwrap();
        let mut given: Vec<String> = vec!["cwi".into(), "SHA-256".into(), "manifest.json".into()];
        let s = |v: &serde_json::Value| v.as_str().unwrap_or("").to_string();
        given.push(s(&manifest["index"]["id"]));
        given.push(s(&manifest["index"]["version"]));
        given.push(s(&manifest["spec"]["path"]));
        given.push(s(&manifest["spec"]["sha256"]));
        for f in manifest["data"].as_array().unwrap() {
            given.push(s(&f["path"]));
            given.push(s(&f["sha256"]));
        }
        for n in manifest["framework"].as_array().unwrap() {
            given.push(s(&n["id"]));
        }
        for u in manifest["units"].as_array().unwrap() {
            given.push(s(u));
        }
        let html = fs::read_to_string(out.join("report.html")).unwrap();
        let text = visible(&html);
        let foreign: Vec<String> = latin_words(&text)
            .into_iter()
            .filter(|w| !given.iter().any(|g| g.contains(w.as_str())))
            .collect();
        assert!(
            foreign.is_empty(),
            "{lang}: Latin words in the report: {foreign:?}"
        );
        // Every cell of the workbook likewise; besides, the column ids of its second row.
        let book = cwi::load::read_workbook(&out.join("report.xlsx")).unwrap();
        let mut cells = String::new();
        for (_, sheet) in &book {
            for text in sheet
                .columns
                .iter()
                .chain(sheet.rows.iter().flatten().flatten())
            {
                cells.push_str(text);
                cells.push(' ');
            }
        }
        given.extend(["year", "region_code", "region_name"].map(String::from));
        let foreign: Vec<String> = latin_words(&cells)
            .into_iter()
            .filter(|w| !given.iter().any(|g| g.contains(w.as_str())))
            .collect();
        assert!(
            foreign.is_empty(),
            "{lang}: Latin words in the workbook: {foreign:?}"
        );
        // The workbook's sheet names: in the language, whole (31 characters at most by
        // design, none cut), and distinct.
        let names: Vec<&str> = book.iter().map(|(n, _)| n.as_str()).collect();
        assert!(names.len() >= 8, "{names:?}");
        for name in &names {
            assert!(name.chars().count() < 31, "{lang}: {name} may be cut");
            assert!(
                !name.chars().any(|c| c.is_ascii_alphabetic()),
                "{lang}: {name}"
            );
        }
        let mut unique = names.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), names.len(), "{names:?}");
    }
}

/// Language tags are case-insensitive: `--lang RU` is the spec's `ru` (the same output, byte
/// for byte), and a language the spec has no labels in is refused with those it has.
#[test]
fn the_language_is_read_in_any_case() {
    let run = |lang: &str| {
        crate::common::cwi(&[
            "explain",
            "--spec",
            "indicators/kz-cwi.toml",
            "--region",
            "KZ-10",
            "--year",
            "2024",
            "--lang",
            lang,
            "--data",
            "data-samples/kz/statistics.csv",
            "data-samples/kz/surveys.csv",
        ])
    };
    let (lower, upper) = (run("ru"), run("RU"));
    assert!(
        upper.status.success(),
        "{}",
        String::from_utf8_lossy(&upper.stderr)
    );
    assert_eq!(lower.stdout, upper.stdout);
    // The region's Russian name, where English would say "Abai Region".
    assert!(String::from_utf8_lossy(&upper.stdout).starts_with("область Абай (KZ-10), 2024"));
    let other = run("FR");
    assert!(!other.status.success());
    let err = String::from_utf8_lossy(&other.stderr);
    assert!(
        err.contains("language \"FR\" has no labels in the spec"),
        "{err}"
    );
}
