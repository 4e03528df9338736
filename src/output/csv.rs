//! `scores.csv`: the long score table, empty cells for missing values; standard (comma,
//! decimal point) or for Excel in a decimal-comma locale (semicolon, decimal comma, BOM).

use std::io::Write;

use super::{CsvStyle, for_each_row};
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
    let mut w = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .from_writer(out);
    w.write_record(HEADER)?;
    // The numbers of a row are formatted into one reused buffer: no allocation per cell.
    let mut text = String::with_capacity(128);
    let mut ends = [0usize; 7];
    for_each_row(results, lang, &mut |r| {
        use std::fmt::Write as _;
        text.clear();
        let numbers = [r.score, r.score_change, r.score_change_base];
        let whole = [
            Some(i64::from(r.year)),
            Some(r.level as i64),
            r.rank.map(i64::from),
            r.rank_change,
            r.rank_change_base,
        ];
        // ends: year, level, rank, rank_change, rank_change_base, then the three floats.
        let mut k = 0;
        for v in whole {
            if let Some(v) = v {
                let _ = write!(text, "{v}");
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
                let _ = write!(text, "{v}");
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
            r.kind,
            score,
            rank,
            r.flag,
            score_change,
            rank_change,
            score_change_base,
            rank_change_base,
        ])
        .map_err(std::io::Error::other)
    })?;
    w.flush()
}
