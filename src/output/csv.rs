//! `scores.csv`: the long score table, comma-separated UTF-8, empty cells for missing values.

use super::{OutputError, ScoreRow, number};

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

pub fn render(rows: &[ScoreRow]) -> Result<Vec<u8>, OutputError> {
    let failed = |e: csv::Error| OutputError::Render {
        what: "scores.csv".into(),
        message: e.to_string(),
    };
    let mut out = csv::Writer::from_writer(Vec::new());
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
