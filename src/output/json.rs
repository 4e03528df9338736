//! `scores.json`: the score table as an array of row objects, under the index's metadata.

use serde::Serialize;

use super::{OutputError, ScoreRow};
use crate::pipeline::Results;

#[derive(Serialize)]
struct Document<'a> {
    index: &'a str,
    version: &'a str,
    scale: (f64, f64),
    years: &'a [i32],
    scores: &'a [ScoreRow],
}

pub fn render(results: &Results, rows: &[ScoreRow]) -> Result<Vec<u8>, OutputError> {
    let meta = &results.spec.index;
    let doc = Document {
        index: &meta.id,
        version: &meta.version,
        scale: meta.scale,
        years: &results.panel.years,
        scores: rows,
    };
    let mut bytes = serde_json::to_vec_pretty(&doc).map_err(|e| OutputError::Render {
        what: "scores.json".into(),
        message: e.to_string(),
    })?;
    bytes.push(b'\n');
    Ok(bytes)
}
