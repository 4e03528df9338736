//! `cwi diff --previous-edition`: a run set against the edition that was published, as text,
//! Markdown, GitHub annotations, CSV (revisions.csv) or JSON.

use super::DiffFormat;
use super::render::annotation_text as escape;
use crate::edition::{Reason, Revision, Revisions};

/// The revisions in `format`. Text and Markdown list the largest score revisions first (at
/// most `shown`); GitHub annotations give a notice with the summary and a warning per
/// revised rank.
pub fn render(rev: &Revisions, format: DiffFormat, shown: usize) -> String {
    let reasons = |r: &Revision| {
        r.reasons
            .iter()
            .map(Reason::to_string)
            .collect::<Vec<_>>()
            .join("; ")
    };
    let num = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.2}"));
    let rank = |v: Option<crate::rank::Rank>| v.map_or("-".to_string(), |v| v.to_string());
    let mut rows: Vec<&Revision> = rev.rows.iter().collect();
    let size = |x: &Revision| {
        x.score_now
            .zip(x.score_published)
            .map_or(f64::INFINITY, |(a, b)| (a - b).abs())
    };
    rows.sort_by(|a, b| {
        size(b).total_cmp(&size(a)).then_with(|| {
            (a.year, &a.region_code, &a.node_id).cmp(&(b.year, &b.region_code, &b.node_id))
        })
    });
    let mut out = String::new();
    match format {
        DiffFormat::Json => {
            out = serde_json::to_string_pretty(rev).expect("revisions serialise") + "\n";
        }
        DiffFormat::Csv => out = String::from_utf8(rev.csv()).expect("UTF-8"),
        DiffFormat::Github => {
            out.push_str(&format!(
                "::notice title=cwi revisions::{}\n",
                escape(&rev.summary())
            ));
            for r in rows.iter().filter(|r| r.rank_now != r.rank_published) {
                out.push_str(&format!(
                    "::warning title=published rank revised::{} {} {}: rank {} -> {} ({})\n",
                    r.year,
                    r.region_code,
                    r.node_id,
                    rank(r.rank_published),
                    rank(r.rank_now),
                    escape(&reasons(r))
                ));
            }
        }
        DiffFormat::Text | DiffFormat::Markdown => {
            let md = format == DiffFormat::Markdown;
            out.push_str(&rev.summary());
            out.push('\n');
            for note in &rev.not_compared {
                out.push_str(&format!("note: {note}\n"));
            }
            if rows.is_empty() {
                return out;
            }
            out.push('\n');
            let header = [
                "year",
                "region",
                "node",
                "published",
                "now",
                "rank published",
                "rank now",
                "reason",
            ];
            if md {
                out.push_str(&format!(
                    "| {} |\n|{}\n",
                    header.join(" | "),
                    "---|".repeat(header.len())
                ));
            } else {
                out.push_str(&format!(
                    "{:<6} {:<12} {:<16} {:>10} {:>10} {:>6} {:>6}  {}\n",
                    header[0], header[1], header[2], header[3], header[4], "rank", "now", header[7]
                ));
            }
            for r in rows.iter().take(shown) {
                let cells = [
                    r.year.to_string(),
                    r.region_code.clone(),
                    r.node_id.clone(),
                    num(r.score_published),
                    num(r.score_now),
                    rank(r.rank_published),
                    rank(r.rank_now),
                    reasons(r),
                ];
                if md {
                    out.push_str(&format!("| {} |\n", cells.join(" | ")));
                } else {
                    out.push_str(&format!(
                        "{:<6} {:<12} {:<16} {:>10} {:>10} {:>6} {:>6}  {}\n",
                        cells[0],
                        cells[1],
                        cells[2],
                        cells[3],
                        cells[4],
                        cells[5],
                        cells[6],
                        cells[7]
                    ));
                }
            }
            if rows.len() > shown {
                out.push_str(&format!(
                    "... and {} more (revisions.csv lists them all)\n",
                    rows.len() - shown
                ));
            }
        }
    }
    out
}
