//! `scores.csv`: the long score table, empty cells for missing values; standard (comma,
//! decimal point) or for Excel in a decimal-comma locale (semicolon, decimal comma, BOM).

use std::io::Write;

use super::{CsvStyle, for_each_row, number};
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
    let number = |v: f64| {
        let text = number(v);
        if decimal_comma {
            text.replace('.', ",")
        } else {
            text
        }
    };
    let mut w = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .from_writer(out);
    w.write_record(HEADER)?;
    let mut year = String::new();
    for_each_row(results, lang, &mut |r| {
        year.clear();
        year.push_str(&r.year.to_string());
        let score = r.score.map(number).unwrap_or_default();
        let rank = r.rank.map(|k| k.to_string()).unwrap_or_default();
        w.write_record([
            year.as_str(),
            r.region_code,
            r.region_name,
            r.node_id,
            r.node_name,
            &r.level.to_string(),
            r.kind,
            &score,
            &rank,
            r.flag,
            &r.score_change.map(number).unwrap_or_default(),
            &r.rank_change.map(|k| k.to_string()).unwrap_or_default(),
            &r.score_change_base.map(number).unwrap_or_default(),
            &r.rank_change_base
                .map(|k| k.to_string())
                .unwrap_or_default(),
        ])
        .map_err(std::io::Error::other)
    })?;
    w.flush()
}
