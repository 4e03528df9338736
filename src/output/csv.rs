//! `scores.csv`: the long score table, comma-separated UTF-8, empty cells for missing values.

use super::{CsvStyle, OutputError, ScoreRow, number};

pub const HEADER: [&str; 9] = [
    "year",
    "region_code",
    "region_name",
    "node_id",
    "node_name",
    "level",
    "kind",
    "score",
    "rank",
];

pub fn render(rows: &[ScoreRow], style: CsvStyle) -> Result<Vec<u8>, OutputError> {
    let failed = |e: csv::Error| OutputError::Render {
        what: "scores.csv".into(),
        message: e.to_string(),
    };
    let (delimiter, bom, decimal_comma) = match style {
        CsvStyle::Standard => (b',', &b""[..], false),
        CsvStyle::Excel => (b';', &b"\xEF\xBB\xBF"[..], true),
    };
    let number = |v: f64| {
        let text = number(v);
        if decimal_comma {
            text.replace('.', ",")
        } else {
            text
        }
    };
    let mut out = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .from_writer(bom.to_vec());
    out.write_record(HEADER).map_err(failed)?;
    for r in rows {
        out.write_record([
            r.year.to_string(),
            r.region_code.clone(),
            r.region_name.clone(),
            r.node_id.clone(),
            r.node_name.clone(),
            r.level.to_string(),
            r.kind.to_string(),
            r.score.map(number).unwrap_or_default(),
            r.rank.map(|k| k.to_string()).unwrap_or_default(),
        ])
        .map_err(failed)?;
    }
    out.into_inner().map_err(|e| OutputError::Render {
        what: "scores.csv".into(),
        message: e.to_string(),
    })
}
