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
    // The names, escaped once each instead of once per row.
    let escaped = |text: &str| serde_json::to_string(text).map_err(std::io::Error::other);
    let mut units: Vec<Option<(String, String)>> = vec![None; results.panel.units.len()];
    let mut nodes: Vec<Option<(String, String)>> = vec![None; results.spec.framework.nodes.len()];
    let mut first = true;
    // Each row is written into one buffer and written in one call, its fields in the order
    // of `ScoreRow`, numbers as serde_json writes them.
    let mut row = Vec::with_capacity(1024);
    for_each_row(results, lang, &mut |r| {
        if units[r.unit].is_none() {
            units[r.unit] = Some((escaped(r.region_code)?, escaped(r.region_name)?));
        }
        if nodes[r.node].is_none() {
            nodes[r.node] = Some((escaped(r.node_id)?, escaped(r.node_name)?));
        }
        let (Some((code, region)), Some((id, node))) = (&units[r.unit], &nodes[r.node]) else {
            unreachable!("filled above")
        };
        row.clear();
        row.extend_from_slice(if first { b"\n" } else { b",\n" });
        first = false;
        let number = |row: &mut Vec<u8>, v: &dyn erased::Number| v.write(row);
        write!(
            row,
            "{{\"year\":{},\"region_code\":{code},\"region_name\":{region},\"node_id\":{id},\"node_name\":{node},\"level\":{},\"kind\":\"{}\",\"score\":",
            r.year, r.level, r.kind
        )?;
        number(&mut row, &r.score)?;
        row.extend_from_slice(b",\"rank\":");
        number(&mut row, &r.rank)?;
        // No flag is null, as in scores.parquet (an empty string would count as a flag).
        if r.flag.is_none() {
            row.extend_from_slice(b",\"flag\":null,\"score_change\":");
        } else {
            write!(row, ",\"flag\":\"{}\",\"score_change\":", r.flag)?;
        }
        number(&mut row, &r.score_change)?;
        row.extend_from_slice(b",\"rank_change\":");
        number(&mut row, &r.rank_change)?;
        row.extend_from_slice(b",\"score_change_base\":");
        number(&mut row, &r.score_change_base)?;
        row.extend_from_slice(b",\"rank_change_base\":");
        number(&mut row, &r.rank_change_base)?;
        row.push(b'}');
        out.write_all(&row)
    })?;
    out.write_all(b"\n]}\n")
}

/// A number or nothing, written as serde_json writes it.
mod erased {
    pub trait Number {
        fn write(&self, out: &mut Vec<u8>) -> std::io::Result<()>;
    }

    impl<T: serde::Serialize> Number for Option<T> {
        fn write(&self, out: &mut Vec<u8>) -> std::io::Result<()> {
            serde_json::to_writer(out, self).map_err(std::io::Error::other)
        }
    }
}
