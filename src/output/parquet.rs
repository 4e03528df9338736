//! `scores.parquet`: the score table with typed columns (integer year, level and ranks, float
//! scores, text codes and names, which Parquet stores dictionary-encoded), readable as it is by
//! polars, DuckDB, Spark and pandas. Written one year at a time (a row group or more per
//! year), so a panel of millions of rows is never held whole in memory.

use std::io::Write;

use polars::prelude::*;

use super::{ScoreRow, for_each_row};
use crate::pipeline::Results;

/// One year's rows, column by column, borrowing the text from the results.
#[derive(Default)]
struct Batch<'a> {
    year: Vec<i32>,
    region_code: Vec<&'a str>,
    region_name: Vec<&'a str>,
    node_id: Vec<&'a str>,
    node_name: Vec<&'a str>,
    level: Vec<u32>,
    kind: Vec<&'static str>,
    score: Vec<Option<f64>>,
    rank: Vec<Option<u32>>,
    flag: Vec<&'static str>,
    score_change: Vec<Option<f64>>,
    rank_change: Vec<Option<i64>>,
    score_change_base: Vec<Option<f64>>,
    rank_change_base: Vec<Option<i64>>,
}

impl<'a> Batch<'a> {
    fn push(&mut self, r: &ScoreRow<'a>) {
        self.year.push(r.year);
        self.region_code.push(r.region_code);
        self.region_name.push(r.region_name);
        self.node_id.push(r.node_id);
        self.node_name.push(r.node_name);
        self.level.push(r.level as u32);
        self.kind.push(r.kind);
        self.score.push(r.score);
        self.rank.push(r.rank);
        self.flag.push(r.flag);
        self.score_change.push(r.score_change);
        self.rank_change.push(r.rank_change);
        self.score_change_base.push(r.score_change_base);
        self.rank_change_base.push(r.rank_change_base);
    }

    /// The rows as a frame; the batch is left empty.
    fn take(&mut self) -> PolarsResult<DataFrame> {
        let rows = self.year.len();
        let b = std::mem::replace(self, Batch::with_capacity(rows));
        DataFrame::new_infer_height(vec![
            Column::new("year".into(), b.year),
            Column::new("region_code".into(), b.region_code),
            Column::new("region_name".into(), b.region_name),
            Column::new("node_id".into(), b.node_id),
            Column::new("node_name".into(), b.node_name),
            Column::new("level".into(), b.level),
            Column::new("kind".into(), b.kind),
            Column::new("score".into(), b.score),
            Column::new("rank".into(), b.rank),
            Column::new("flag".into(), b.flag),
            Column::new("score_change".into(), b.score_change),
            Column::new("rank_change".into(), b.rank_change),
            Column::new("score_change_base".into(), b.score_change_base),
            Column::new("rank_change_base".into(), b.rank_change_base),
        ])
    }
}

impl Batch<'_> {
    fn with_capacity(rows: usize) -> Self {
        Batch {
            year: Vec::with_capacity(rows),
            region_code: Vec::with_capacity(rows),
            region_name: Vec::with_capacity(rows),
            node_id: Vec::with_capacity(rows),
            node_name: Vec::with_capacity(rows),
            level: Vec::with_capacity(rows),
            kind: Vec::with_capacity(rows),
            score: Vec::with_capacity(rows),
            rank: Vec::with_capacity(rows),
            flag: Vec::with_capacity(rows),
            score_change: Vec::with_capacity(rows),
            rank_change: Vec::with_capacity(rows),
            score_change_base: Vec::with_capacity(rows),
            rank_change_base: Vec::with_capacity(rows),
        }
    }
}

pub fn write(results: &Results, lang: &str, out: &mut dyn Write) -> std::io::Result<()> {
    // A year's rows at most: every region and node.
    let rows = results.panel.units.len() * results.spec.framework.nodes.len();
    let mut batch = Batch::with_capacity(rows);
    let mut writer: Option<polars::io::parquet::write::BatchedWriter<&mut dyn Write>> = None;
    let mut out = Some(out);
    let mut flush = |batch: &mut Batch, writer: &mut Option<_>| -> PolarsResult<()> {
        let frame = batch.take()?;
        if writer.is_none() {
            let target = out.take().expect("the writer is made once");
            *writer = Some(ParquetWriter::new(target).batched(&frame.schema())?);
        }
        writer.as_mut().expect("made above").write_batch(&frame)
    };
    let mut current = None;
    for_each_row(results, lang, &mut |r| {
        if current.is_some_and(|y| y != r.year) {
            flush(&mut batch, &mut writer).map_err(std::io::Error::other)?;
        }
        current = Some(r.year);
        batch.push(r);
        Ok(())
    })?;
    // The last year; a panel without rows still writes a file with the columns.
    if !batch.year.is_empty() || writer.is_none() {
        flush(&mut batch, &mut writer).map_err(std::io::Error::other)?;
    }
    writer
        .expect("made by the first flush")
        .finish()
        .map_err(std::io::Error::other)?;
    Ok(())
}
