//! `scores.csv`: the long score table, empty cells for missing values; standard (comma,
//! decimal point) or for Excel in a decimal-comma locale (semicolon, decimal comma, BOM).

use std::io::Write;

use super::{CsvStyle, by_year, for_each_row_in, years_at_once};
use crate::pipeline::Results;

pub const HEADER: [&str; 14] = [
    "year",
    "region_code",
    "region_name",
    "node_id",
    "node_name",
    "level",
    "kind",
    "score",
    "rank",
    "flag",
    "score_change",
    "rank_change",
    "score_change_base",
    "rank_change_base",
];

pub fn write(
    results: &Results,
    lang: &str,
    style: CsvStyle,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let (delimiter, decimal_comma) = match style {
        CsvStyle::Standard => (b',', false),
        CsvStyle::Excel => {
            out.write_all(b"\xEF\xBB\xBF")?;
            (b';', true)
        }
    };
    let builder = || {
        let mut b = csv::WriterBuilder::new();
        b.delimiter(delimiter);
        b
    };
    let years = 0..results.panel.years.len();
    let at_once = years_at_once(results, &years);
    if at_once == 1 {
        // Straight into the file: a small table, or years too large to hold as text.
        let mut w = builder().from_writer(out);
        w.write_record(HEADER)?;
        write_years(results, lang, years, decimal_comma, &mut w)?;
        return w.flush();
    }
    let finish = |w: csv::Writer<Vec<u8>>| {
        w.into_inner()
            .map_err(|e| std::io::Error::other(e.into_error()))
    };
    let mut header = builder().from_writer(Vec::new());
    header.write_record(HEADER)?;
    out.write_all(&finish(header)?)?;
    // Each year formatted into its own buffer; buffers written out are reused by the next
    // years (a panel's year can be tens of MB).
    let spare = std::sync::Mutex::new(Vec::<Vec<u8>>::new());
    let year_text = |y: usize| -> std::io::Result<Vec<u8>> {
        let buffer = spare
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .pop()
            .unwrap_or_default();
        let mut w = builder().from_writer(buffer);
        write_years(results, lang, y..y + 1, decimal_comma, &mut w)?;
        finish(w)
    };
    by_year(years, at_once, year_text, |mut text| {
        out.write_all(&text)?;
        text.clear();
        spare.lock().unwrap_or_else(|e| e.into_inner()).push(text);
        Ok(())
    })
}

/// The rows of the years at positions `years`, into `w`.
fn write_years<W: Write>(
    results: &Results,
    lang: &str,
    years: std::ops::Range<usize>,
    decimal_comma: bool,
    w: &mut csv::Writer<W>,
) -> std::io::Result<()> {
    // The numbers of a row are formatted into one reused buffer: no allocation per cell.
    let mut text = String::with_capacity(128);
    let mut ends = [0usize; 7];
    for_each_row_in(results, lang, years, &mut |r| {
        use std::fmt::Write as _;
        text.clear();
        let numbers = [r.score, r.score_change, r.score_change_base];
        // In halves: ranks and their changes are halves under average ties (2.5).
        let whole = [
            Some(2 * i64::from(r.year)),
            Some(2 * r.level as i64),
            r.rank.map(|r| i64::from(r.halves())),
            r.rank_change.map(crate::rank::Move::halves),
            r.rank_change_base.map(crate::rank::Move::halves),
        ];
        let halves = |text: &mut String, h: i64| {
            let sign = if h < 0 { "-" } else { "" };
            let _ = write!(text, "{sign}{}", h.unsigned_abs() / 2);
            if h % 2 != 0 {
                text.push_str(if decimal_comma { ",5" } else { ".5" });
            }
        };
        // ends: year, level, rank, rank_change, rank_change_base, then the three floats.
        let mut k = 0;
        for v in whole {
            if let Some(v) = v {
                halves(&mut text, v);
            }
            ends[k] = text.len();
            k += 1;
            if k == 3 {
                break;
            }
        }
        let mut float_ends = [0usize; 3];
        for (j, v) in numbers.iter().enumerate() {
            if let Some(v) = v {
                let from = text.len();
                // As `output::number` writes it: the shortest decimal that reads back.
                let _ = write!(text, "{v}");
                if decimal_comma {
                    // Safe on ASCII digits: the point becomes a comma in place.
                    let replaced = text[from..].replace('.', ",");
                    text.truncate(from);
                    text.push_str(&replaced);
                }
            }
            float_ends[j] = text.len();
        }
        for v in &whole[3..] {
            if let Some(v) = v {
                halves(&mut text, *v);
            }
            ends[k] = text.len();
            k += 1;
        }
        let cut = |from: usize, to: usize| &text[from..to];
        let (year, level, rank) = (
            cut(0, ends[0]),
            cut(ends[0], ends[1]),
            cut(ends[1], ends[2]),
        );
        let (score, score_change, score_change_base) = (
            cut(ends[2], float_ends[0]),
            cut(float_ends[0], float_ends[1]),
            cut(float_ends[1], float_ends[2]),
        );
        let (rank_change, rank_change_base) = (cut(float_ends[2], ends[3]), cut(ends[3], ends[4]));
        w.write_record([
            year,
            r.region_code,
            r.region_name,
            r.node_id,
            r.node_name,
            level,
            crate::named::Named::name(&r.kind),
            score,
            rank,
            r.flag.name(),
            score_change,
            rank_change,
            score_change_base,
            rank_change_base,
        ])
        .map_err(std::io::Error::other)
    })
}

/// `aggregates.csv`: for every group that normalises its aggregated scores, each present
/// region-year's aggregate (before that normalisation) beside its score, by year, node and
/// region in the score table's order.
pub fn write_aggregates(results: &Results, out: &mut dyn Write) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(["year", "region_code", "node_id", "aggregate", "score"])?;
    let panel = &results.panel;
    let text = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
    for (y, year) in panel.years.iter().enumerate() {
        for (n, node) in results.spec.framework.nodes.iter().enumerate() {
            if !results.scores.has_aggregate(n) {
                continue;
            }
            for u in panel.present_units(y) {
                w.write_record([
                    year.to_string(),
                    panel.units.get(u).code.clone(),
                    node.id.clone(),
                    text(results.scores.aggregate(n, y, u)),
                    text(results.scores.get(n, y, u)),
                ])?;
            }
        }
    }
    w.flush()
}
