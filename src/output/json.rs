//! `scores.json`: the score table as an array of row objects under the index's metadata,
//! streamed row by row.

use std::io::Write;

use super::for_each_row;
use crate::pipeline::Results;

pub fn write(results: &Results, lang: &str, out: &mut dyn Write) -> std::io::Result<()> {
    let meta = &results.spec.index;
    let head = serde_json::json!({
        "index": meta.id,
        "version": meta.version,
        "scale": meta.scale,
        "years": results.panel.years,
    });
    // The metadata object without its closing brace, then the rows.
    let head = serde_json::to_string(&head).map_err(std::io::Error::other)?;
    out.write_all(head[..head.len() - 1].as_bytes())?;
    out.write_all(b",\"scores\":[")?;
    let mut first = true;
    // Each row is serialised into one buffer and written in one call.
    let mut row = Vec::with_capacity(1024);
    for_each_row(results, lang, &mut |r| {
        row.clear();
        row.extend_from_slice(if first { b"\n" } else { b",\n" });
        first = false;
        serde_json::to_writer(&mut row, r).map_err(std::io::Error::other)?;
        out.write_all(&row)
    })?;
    out.write_all(b"\n]}\n")
}
