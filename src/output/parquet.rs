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

use crate::polars_internals::{Bitmap, Encoder, MutableBitmap, Pages};

use super::{ScoreRow, by_year, for_each_row_in, years_at_once};
use crate::pipeline::Results;
use crate::rank::Move;

/// A text column's dictionary: its distinct values (the categories, in first-seen order) and,
/// per unit or node position (or row of an analysis's table), the position of its value among
/// them.
pub(super) struct Dictionary {
    dtype: DataType,
    physical: DataType,
    codes: Vec<u32>,
}

impl Dictionary {
    pub(super) fn new<'s>(values: impl IntoIterator<Item = &'s str>) -> PolarsResult<Self> {
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
    pub(super) fn column(&self, name: &str, at: &[u32]) -> PolarsResult<Column> {
        self.of_codes(name, at.iter().map(|&k| self.codes[k as usize]).collect())
    }

    /// The column of the values the dictionary was made from, in their order.
    pub(super) fn values_column(&self, name: &str) -> PolarsResult<Column> {
        self.of_codes(name, self.codes.clone())
    }

    /// The column of rows whose positions are `at`, null where `at` has none.
    fn optional_column(&self, name: &str, at: Optional<u32>) -> PolarsResult<Column> {
        let (at, valid) = at.into_parts();
        let codes = at.iter().map(|&k| self.codes[k as usize]).collect();
        self.of_codes_valid(name, codes, valid)
    }

    fn of_codes(&self, name: &str, codes: Vec<u32>) -> PolarsResult<Column> {
        self.of_codes_valid(name, codes, None)
    }

    fn of_codes_valid(
        &self,
        name: &str,
        codes: Vec<u32>,
        valid: Option<Bitmap>,
    ) -> PolarsResult<Column> {
        let physical = UInt32Chunked::from_vec_validity(name.into(), codes, valid)
            .into_series()
            .cast(&self.physical)?;
        // SAFETY: every code is the position of a category of `dtype` (built above), and the
        // codes have the physical type of `dtype`.
        Ok(unsafe { physical.cast_unchecked(&self.dtype)? }.into_column())
    }
}

/// The kinds a row can have, in `RowKind`'s order (a row's code is its discriminant).
fn kinds() -> impl Iterator<Item = &'static str> {
    use crate::named::Named;
    super::RowKind::ALL.iter().map(|k| k.name())
}
/// The flags a row can have (`output::FLAGS` but the empty one): a row without one has a
/// null flag (not an empty string, which pandas and polars would count as a flag).
const FLAGS: &[&str] = match super::FLAGS.split_first() {
    Some((_, flags)) => flags,
    None => &[],
};
/// The dictionaries of the text columns.
struct Dictionaries {
    region_code: Dictionary,
    region_name: Dictionary,
    node_id: Dictionary,
    node_name: Dictionary,
    kind: Dictionary,
    flag: Dictionary,
}

/// A column of optional values as polars holds one: the values (a placeholder where there is
/// none) and a validity mask, handed over without a copy.
#[derive(Default)]
struct Optional<T> {
    values: Vec<T>,
    valid: MutableBitmap,
}

impl<T: Default + Copy> Optional<T> {
    fn with_capacity(rows: usize) -> Self {
        Optional {
            values: Vec::with_capacity(rows),
            valid: MutableBitmap::with_capacity(rows),
        }
    }

    fn push(&mut self, v: Option<T>) {
        self.values.push(v.unwrap_or_default());
        self.valid.push(v.is_some());
    }

    /// The mask, or none when every value is there (as polars' own builders leave it).
    fn into_parts(self) -> (Vec<T>, Option<Bitmap>) {
        let valid: Bitmap = self.valid.into();
        let valid = (valid.unset_bits() > 0).then_some(valid);
        (self.values, valid)
    }
}

fn floats(name: &str, column: Optional<f64>) -> Column {
    let (values, valid) = column.into_parts();
    Float64Chunked::from_vec_validity(name.into(), values, valid).into_column()
}

/// One year's rows, column by column: positions for the text columns.
#[derive(Default)]
struct Batch {
    year: Vec<i32>,
    unit: Vec<u32>,
    node: Vec<u32>,
    /// Levels and ranks are signed 64-bit, as in every other table: a difference of two
    /// ranks must not wrap around in pandas or polars. Ranks and their changes are held in
    /// halves (`Rank::halves`) until the frame is made.
    level: Vec<i64>,
    kind: Vec<u32>,
    score: Optional<f64>,
    rank: Optional<i64>,
    flag: Optional<u32>,
    score_change: Optional<f64>,
    rank_change: Optional<i64>,
    score_change_base: Optional<f64>,
    rank_change_base: Optional<i64>,
}

impl Batch {
    fn with_capacity(rows: usize) -> Self {
        Batch {
            year: Vec::with_capacity(rows),
            unit: Vec::with_capacity(rows),
            node: Vec::with_capacity(rows),
            level: Vec::with_capacity(rows),
            kind: Vec::with_capacity(rows),
            score: Optional::with_capacity(rows),
            rank: Optional::with_capacity(rows),
            flag: Optional::with_capacity(rows),
            score_change: Optional::with_capacity(rows),
            rank_change: Optional::with_capacity(rows),
            score_change_base: Optional::with_capacity(rows),
            rank_change_base: Optional::with_capacity(rows),
        }
    }

    fn push(&mut self, r: &ScoreRow) {
        self.year.push(r.year);
        self.unit.push(r.unit as u32);
        self.node.push(r.node as u32);
        self.level.push(r.level as i64);
        // `RowKind::ALL` lists the kinds in declaration order (tested in output::tests).
        self.kind.push(r.kind as u32);
        self.score.push(r.score);
        self.rank.push(r.rank.map(|r| i64::from(r.halves())));
        self.flag.push(r.flag.code());
        self.score_change.push(r.score_change);
        self.rank_change.push(r.rank_change.map(Move::halves));
        self.score_change_base.push(r.score_change_base);
        self.rank_change_base
            .push(r.rank_change_base.map(Move::halves));
    }

    /// The rows as a frame (without the year column for a file of one year in a
    /// year-partitioned table, whose path holds it). Ranks are Int64, or Float64 with
    /// `halves` (average ties, whose ranks can be 2.5): the spec decides the type, not the
    /// data.
    fn into_frame(
        self,
        d: &Dictionaries,
        with_year: bool,
        halves: bool,
    ) -> PolarsResult<DataFrame> {
        let b = self;
        let mut columns = Vec::with_capacity(14);
        if with_year {
            columns.push(Int32Chunked::from_vec("year".into(), b.year).into_column());
        }
        let ranks = |name: &str, column: Optional<i64>| {
            let (values, valid) = column.into_parts();
            if halves {
                let values = values.into_iter().map(|h| h as f64 / 2.0).collect();
                Float64Chunked::from_vec_validity(name.into(), values, valid).into_column()
            } else {
                let values = values.into_iter().map(|h| h / 2).collect();
                Int64Chunked::from_vec_validity(name.into(), values, valid).into_column()
            }
        };
        columns.extend([
            d.region_code.column("region_code", &b.unit)?,
            d.region_name.column("region_name", &b.unit)?,
            d.node_id.column("node_id", &b.node)?,
            d.node_name.column("node_name", &b.node)?,
            Int64Chunked::from_vec("level".into(), b.level).into_column(),
            d.kind.column("kind", &b.kind)?,
            floats("score", b.score),
            ranks("rank", b.rank),
            d.flag.optional_column("flag", b.flag)?,
            floats("score_change", b.score_change),
            ranks("rank_change", b.rank_change),
            floats("score_change_base", b.score_change_base),
            ranks("rank_change_base", b.rank_change_base),
        ]);
        DataFrame::new_infer_height(columns)
    }
}

pub fn write(results: &Results, lang: &str, out: &mut dyn Write) -> std::io::Result<()> {
    write_years(results, lang, 0..results.panel.years.len(), true, out)
}

/// The rows of the years at positions `years`, with or without the year column.
///
/// Each year is one row group. On a large table the years are built and encoded several at
/// a time, one per thread, and written in order, so the file is the same whatever the
/// number of threads.
pub fn write_years(
    results: &Results,
    lang: &str,
    years: std::ops::Range<usize>,
    with_year: bool,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let (units, nodes) = (&results.panel.units, &results.spec.framework.nodes);
    let fail = std::io::Error::other;
    let dictionaries = (|| -> PolarsResult<Dictionaries> {
        Ok(Dictionaries {
            region_code: Dictionary::new(units.iter().map(|u| u.code.as_str()))?,
            region_name: Dictionary::new(
                units.iter().map(|u| u.name.get(lang).unwrap_or(&u.code)),
            )?,
            node_id: Dictionary::new(nodes.iter().map(|n| n.id.as_str()))?,
            node_name: Dictionary::new(nodes.iter().map(|n| n.name.get(lang).unwrap_or(&n.id)))?,
            kind: Dictionary::new(kinds())?,
            flag: Dictionary::new(FLAGS.iter().copied())?,
        })
    })()
    .map_err(fail)?;
    // A year's rows at most: every region and node.
    let rows = units.len() * nodes.len();
    let halves = results.recipe.ranking.ties.is_average();
    let frame_of = |y: usize| -> std::io::Result<DataFrame> {
        let mut batch = Batch::with_capacity(rows);
        for_each_row_in(results, lang, y..y + 1, &mut |r| {
            batch.push(r);
            Ok(())
        })?;
        batch
            .into_frame(&dictionaries, with_year, halves)
            .map_err(fail)
    };
    // The schema, from a frame without rows: a panel without rows still writes a file with
    // the columns.
    let schema = Batch::default()
        .into_frame(&dictionaries, with_year, halves)
        .map_err(fail)?
        .schema()
        .clone();
    let mut writer = ParquetWriter::new(out).batched(&schema).map_err(fail)?;
    let encoder = Encoder::new(&mut writer, &schema);
    let encoded = |y: usize| -> std::io::Result<(usize, Pages)> {
        let frame = frame_of(y)?;
        Ok((frame.height(), encoder.encode(&frame).map_err(fail)?))
    };
    let at_once = years_at_once(results, &years);
    by_year(years, at_once, encoded, |(height, pages)| {
        // A year without rows (no unit present) has no row group.
        if height > 0 {
            writer
                .write_row_group(height as u64, &pages)
                .map_err(fail)?;
        }
        Ok(())
    })?;
    writer.finish().map_err(fail)?;
    Ok(())
}
