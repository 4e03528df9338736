//! The report on paper: the Kazakhstan sample's report printed to A4 PDF by headless Chromium
//! (`--print-to-pdf`, as a user's browser prints it) fits in 15 pages in each language, with
//! the manifest as a short appendix rather than its JSON, and its tables say which node and
//! year they show.

use std::fs;
use std::process::Command;

use crate::common::{chromium, cwi, kz_sample_report, scratch};

/// The pages of a PDF: its page objects (`/Type /Page`, not the `/Pages` tree nodes).
fn pages(pdf: &[u8]) -> usize {
    let mut n = 0;
    let needle = b"/Type /Page";
    let mut at = 0;
    while let Some(k) = pdf[at..].windows(needle.len()).position(|w| w == needle) {
        let end = at + k + needle.len();
        if pdf.get(end) != Some(&b's') {
            n += 1;
        }
        at = end;
    }
    n
}

#[test]
fn the_report_prints_in_at_most_15_a4_pages() {
    let Some(chromium) = chromium() else { return };
    for lang in ["ru", "kk", "en"] {
        let out = kz_sample_report(&format!("print-{lang}"), lang, &[]);
        let html = fs::read_to_string(out.join("report.html")).unwrap();
        // The appendix lists the inputs with their hashes, not the manifest's JSON.
        assert!(!html.contains("\"effective_weight\""));
        let manifest: serde_json::Value =
            serde_json::from_slice(&fs::read(out.join("manifest.json")).unwrap()).unwrap();
        for file in manifest["data"].as_array().unwrap() {
            assert!(
                html.contains(file["sha256"].as_str().unwrap()),
                "{lang}: {file}"
            );
        }
        let pdf = out.join("report.pdf");
        let o = Command::new(chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-pdf-header-footer",
            ])
            .arg(format!("--user-data-dir={}", out.join("profile").display()))
            .arg(format!("--print-to-pdf={}", pdf.display()))
            .arg(format!("file://{}", out.join("report.html").display()))
            .output()
            .unwrap();
        let bytes = fs::read(&pdf)
            .unwrap_or_else(|_| panic!("{lang}: no PDF: {}", String::from_utf8_lossy(&o.stderr)));
        let n = pages(&bytes);
        assert!((5..=15).contains(&n), "{lang}: {n} A4 pages");
        // A4 is 595 x 842 points.
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            text.contains("/MediaBox [0 0 595") || text.contains("/MediaBox [0 0 594"),
            "{lang}: not A4"
        );
    }
}

/// `report --node` shows that node's ranking table, captioned with its name and year.
#[test]
fn the_ranking_table_is_of_the_node_it_says() {
    let out = scratch("print-node");
    let o = cwi(&[
        "report",
        "--spec",
        "indicators/kz-cwi.toml",
        "--lang",
        "en",
        "--node",
        "family",
        "--year",
        "2024",
        "--formats",
        "csv",
        "--out",
        out.to_str().unwrap(),
        "--quiet",
        "--data",
        "data-samples/kz/statistics.csv",
        "data-samples/kz/surveys.csv",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    let name = fs::read_to_string(out.join("scores.csv"))
        .unwrap()
        .lines()
        .find(|l| l.split(',').nth(3) == Some("family"))
        .unwrap()
        .split(',')
        .nth(4)
        .unwrap()
        .to_string();
    assert!(
        html.contains(&format!("<caption>{name}, 2024</caption>")),
        "{name}"
    );
    // Its first row is the region ranked first on the family direction in 2024.
    let first = fs::read_to_string(out.join("scores.csv"))
        .unwrap()
        .lines()
        .map(|l| l.split(',').map(str::to_string).collect::<Vec<_>>())
        .find(|f| f[0] == "2024" && f[3] == "family" && f[8] == "1")
        .unwrap()[2]
        .clone();
    let table = &html[html
        .find(&format!("<caption>{name}, 2024</caption>"))
        .unwrap()..];
    let row = &table[table.find("<tbody>").unwrap()..];
    assert!(row[..400].contains(&first), "{first}: {}", &row[..400]);
}
