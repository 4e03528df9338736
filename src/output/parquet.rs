//! `scores.parquet`: the score table with typed columns (integer year, level and ranks, float
//! scores, text codes and names, which Parquet stores dictionary-encoded), readable as it is by
//! polars, DuckDB, Spark and pandas.

use std::io::Write;

use polars::prelude::*;

use super::for_each_row;
use crate::pipeline::Results;

pub fn write(results: &Results, lang: &str, out: &mut dyn Write) -> std::io::Result<()> {
    let mut year: Vec<i32> = Vec::new();
    let mut region_code: Vec<String> = Vec::new();
    let mut region_name: Vec<String> = Vec::new();
    let mut node_id: Vec<String> = Vec::new();
    let mut node_name: Vec<String> = Vec::new();
    let mut level: Vec<u32> = Vec::new();
    let mut kind: Vec<&'static str> = Vec::new();
    let mut score: Vec<Option<f64>> = Vec::new();
    let mut rank: Vec<Option<u32>> = Vec::new();
    let mut flag: Vec<&'static str> = Vec::new();
    let mut score_change: Vec<Option<f64>> = Vec::new();
    let mut rank_change: Vec<Option<i64>> = Vec::new();
    let mut score_change_base: Vec<Option<f64>> = Vec::new();
    let mut rank_change_base: Vec<Option<i64>> = Vec::new();
    for_each_row(results, lang, &mut |r| {
        year.push(r.year);
        region_code.push(r.region_code.to_string());
        region_name.push(r.region_name.to_string());
        node_id.push(r.node_id.to_string());
        node_name.push(r.node_name.to_string());
        level.push(r.level as u32);
        kind.push(r.kind);
        score.push(r.score);
        rank.push(r.rank);
        flag.push(r.flag);
        score_change.push(r.score_change);
        rank_change.push(r.rank_change);
        score_change_base.push(r.score_change_base);
        rank_change_base.push(r.rank_change_base);
        Ok(())
    })?;
    let columns = vec![
        Column::new("year".into(), year),
        Column::new("region_code".into(), region_code),
        Column::new("region_name".into(), region_name),
        Column::new("node_id".into(), node_id),
        Column::new("node_name".into(), node_name),
        Column::new("level".into(), level),
        Column::new("kind".into(), kind),
        Column::new("score".into(), score),
        Column::new("rank".into(), rank),
        Column::new("flag".into(), flag),
        Column::new("score_change".into(), score_change),
        Column::new("rank_change".into(), rank_change),
        Column::new("score_change_base".into(), score_change_base),
        Column::new("rank_change_base".into(), rank_change_base),
    ];
    let mut frame = DataFrame::new_infer_height(columns).map_err(std::io::Error::other)?;
    ParquetWriter::new(out)
        .finish(&mut frame)
        .map_err(std::io::Error::other)?;
    Ok(())
}
