//! `scores.parquet`: the score table with typed columns (integer year, level and ranks, float
//! scores; codes, names, kinds and flags as dictionary-encoded text, polars' Enum type),
//! readable as it is by polars, DuckDB, Spark and pandas. Written one year at a time (a row
//! group or more per year), so a panel of millions of rows is never held whole in memory.
//!
//! The text columns are written as the codes the results already have (a unit's or a node's
//! position, mapped to its distinct spelling), so no string is hashed per row: on a panel of
//! 12.7 million rows that hashing was most of the file's cost.

use std::io::Write;

use polars::prelude::*;

use super::{ScoreRow, for_each_row_in};
use crate::pipeline::Results;

/// A text column's dictionary: its distinct values (the categories, in first-seen order) and,
/// per unit or node position, the position of its value among them.
struct Dictionary {
    dtype: DataType,
    physical: DataType,
    codes: Vec<u32>,
}

impl Dictionary {
    fn new<'s>(values: impl IntoIterator<Item = &'s str>) -> PolarsResult<Self> {
        let mut categories: Vec<&str> = Vec::new();
        let mut index: std::collections::HashMap<&str, u32> = std::collections::HashMap::new();
        let mut codes = Vec::new();
        for v in values {
            let next = categories.len() as u32;
            let code = *index.entry(v).or_insert_with(|| {
                categories.push(v);
                next
            });
            codes.push(code);
        }
        let frozen = FrozenCategories::new(categories.iter().copied())?;
        let physical = frozen.physical().dtype();
        Ok(Dictionary {
            dtype: DataType::from_frozen_categories(frozen),
            physical,
            codes,
        })
    }

    /// The column of rows whose positions are `at`.
    fn column(&self, name: &str, at: &[u32]) -> PolarsResult<Column> {
        let codes: Vec<u32> = at.iter().map(|&k| self.codes[k as usize]).collect();
        let physical = Series::new(name.into(), codes).cast(&self.physical)?;
        // SAFETY: every code is the position of a category of `dtype` (built above), and the
        // codes have the physical type of `dtype`.
        Ok(unsafe { physical.cast_unchecked(&self.dtype)? }.into_column())
    }
}

const KINDS: [&str; 3] = ["index", "group", "indicator"];
const FLAGS: [&str; 4] = ["", "imputed", "treated", "imputed+treated"];

/// The dictionaries of the text columns.
struct Dictionaries {
    region_code: Dictionary,
    region_name: Dictionary,
    node_id: Dictionary,
    node_name: Dictionary,
    kind: Dictionary,
    flag: Dictionary,
}

/// One year's rows, column by column: positions for the text columns.
#[derive(Default)]
struct Batch {
    year: Vec<i32>,
    unit: Vec<u32>,
    node: Vec<u32>,
    level: Vec<u32>,
    kind: Vec<u32>,
    score: Vec<Option<f64>>,
    rank: Vec<Option<u32>>,
    flag: Vec<u32>,
    score_change: Vec<Option<f64>>,
    rank_change: Vec<Option<i64>>,
    score_change_base: Vec<Option<f64>>,
    rank_change_base: Vec<Option<i64>>,
}

/// A kind's or a flag's position in its list.
fn position(list: &[&str], value: &str) -> u32 {
    list.iter()
        .position(|&v| v == value)
        .expect("for_each_row writes only the listed kinds and flags") as u32
}

impl Batch {
    fn with_capacity(rows: usize) -> Self {
        Batch {
            year: Vec::with_capacity(rows),
            unit: Vec::with_capacity(rows),
            node: Vec::with_capacity(rows),
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

    fn push(&mut self, r: &ScoreRow) {
        self.year.push(r.year);
        self.unit.push(r.unit as u32);
        self.node.push(r.node as u32);
        self.level.push(r.level as u32);
        self.kind.push(position(&KINDS, r.kind));
        self.score.push(r.score);
        self.rank.push(r.rank);
        self.flag.push(position(&FLAGS, r.flag));
        self.score_change.push(r.score_change);
        self.rank_change.push(r.rank_change);
        self.score_change_base.push(r.score_change_base);
        self.rank_change_base.push(r.rank_change_base);
    }

    /// The rows as a frame (without the year column for a file of one year in a
    /// year-partitioned table, whose path holds it); the batch is left empty.
    fn take(&mut self, d: &Dictionaries, with_year: bool) -> PolarsResult<DataFrame> {
        let rows = self.year.len();
        let b = std::mem::replace(self, Batch::with_capacity(rows));
        let mut columns = Vec::with_capacity(14);
        if with_year {
            columns.push(Column::new("year".into(), b.year));
        }
        columns.extend([
            d.region_code.column("region_code", &b.unit)?,
            d.region_name.column("region_name", &b.unit)?,
            d.node_id.column("node_id", &b.node)?,
            d.node_name.column("node_name", &b.node)?,
            Column::new("level".into(), b.level),
            d.kind.column("kind", &b.kind)?,
            Column::new("score".into(), b.score),
            Column::new("rank".into(), b.rank),
            d.flag.column("flag", &b.flag)?,
            Column::new("score_change".into(), b.score_change),
            Column::new("rank_change".into(), b.rank_change),
            Column::new("score_change_base".into(), b.score_change_base),
            Column::new("rank_change_base".into(), b.rank_change_base),
        ]);
        DataFrame::new_infer_height(columns)
    }
}

pub fn write(results: &Results, lang: &str, out: &mut dyn Write) -> std::io::Result<()> {
    write_years(results, lang, 0..results.panel.years.len(), true, out)
}

/// The rows of the years at positions `years`, with or without the year column.
pub fn write_years(
    results: &Results,
    lang: &str,
    years: std::ops::Range<usize>,
    with_year: bool,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let (units, nodes) = (&results.panel.units, &results.spec.framework.nodes);
    let dictionaries = (|| -> PolarsResult<Dictionaries> {
        Ok(Dictionaries {
            region_code: Dictionary::new(units.iter().map(|u| u.code.as_str()))?,
            region_name: Dictionary::new(
                units.iter().map(|u| u.name.get(lang).unwrap_or(&u.code)),
            )?,
            node_id: Dictionary::new(nodes.iter().map(|n| n.id.as_str()))?,
            node_name: Dictionary::new(nodes.iter().map(|n| n.name.get(lang).unwrap_or(&n.id)))?,
            kind: Dictionary::new(KINDS)?,
            flag: Dictionary::new(FLAGS)?,
        })
    })()
    .map_err(std::io::Error::other)?;
    // A year's rows at most: every region and node.
    let rows = units.len() * nodes.len();
    let mut batch = Batch::with_capacity(rows);
    let mut writer: Option<polars::io::parquet::write::BatchedWriter<&mut dyn Write>> = None;
    let mut out = Some(out);
    let mut flush = |batch: &mut Batch, writer: &mut Option<_>| -> PolarsResult<()> {
        let frame = batch.take(&dictionaries, with_year)?;
        if writer.is_none() {
            let target = out.take().expect("the writer is made once");
            *writer = Some(ParquetWriter::new(target).batched(&frame.schema())?);
        }
        writer.as_mut().expect("made above").write_batch(&frame)
    };
    let mut current = None;
    for_each_row_in(results, lang, years, &mut |r| {
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
