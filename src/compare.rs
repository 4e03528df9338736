//! Reproduction check: computed scores against a table of expected ones (published figures, or
//! a previous run kept in a repository), row by row within a tolerance.

use std::collections::HashMap;
use std::path::Path;

use serde::Serialize;

use crate::spec::DecimalMark;
use crate::units::match_key;

#[derive(Debug, thiserror::Error)]
pub enum CompareError {
    #[error("{file}: {message}")]
    Table { file: String, message: String },
}

/// Which columns of the expected table hold what.
#[derive(Debug, Clone, Default)]
pub struct Columns {
    /// Region column; default: the first of region_code, region, code.
    pub region: Option<String>,
    /// Score column; default: score, else value.
    pub score: Option<String>,
    /// Node for every row when the table has no node_id/node column (e.g. a published index).
    pub node: Option<String>,
}

/// One expected row that the computed scores do not reproduce.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mismatch {
    pub year: i32,
    pub region: String,
    pub node: String,
    pub expected: f64,
    /// `None`: the computed table has no score for this row.
    pub computed: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    pub compared: usize,
    pub tolerance: f64,
    pub decimals: Option<u32>,
    pub mismatches: Vec<Mismatch>,
}

/// A small CSV table: header and rows, comment lines (`#`) skipped, `,` `;` or tab separated.
struct Rows {
    file: String,
    header: Vec<String>,
    rows: Vec<(usize, Vec<String>)>,
}

impl Rows {
    fn read(path: &Path) -> Result<Rows, CompareError> {
        let file = path.display().to_string();
        let fail = |message: String| CompareError::Table {
            file: file.clone(),
            message,
        };
        let bytes = std::fs::read(path).map_err(|e| fail(format!("cannot read: {e}")))?;
        let text = crate::load::decode_text(&bytes).map_err(|(_, m, _)| fail(m))?;
        let header_line = text
            .lines()
            .find(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .ok_or_else(|| fail("the table is empty".into()))?;
        let sep = [b';', b'\t', b',']
            .into_iter()
            .max_by_key(|&s| header_line.bytes().filter(|&b| b == s).count())
            .unwrap_or(b',');
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(sep)
            .comment(Some(b'#'))
            .flexible(false)
            .from_reader(text.as_bytes());
        let header = reader
            .headers()
            .map_err(|e| fail(e.to_string()))?
            .iter()
            .map(|h| h.trim().to_string())
            .collect();
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| fail(e.to_string()))?;
            let line = record.position().map_or(0, |p| p.line() as usize);
            rows.push((line, record.iter().map(|c| c.trim().to_string()).collect()));
        }
        Ok(Rows { file, header, rows })
    }

    fn column(&self, wanted: &[&str]) -> Result<usize, CompareError> {
        wanted
            .iter()
            .find_map(|w| self.header.iter().position(|h| h.eq_ignore_ascii_case(w)))
            .ok_or_else(|| CompareError::Table {
                file: self.file.clone(),
                message: format!(
                    "no column named {} (the header has: {})",
                    wanted.join(" or "),
                    self.header.join(", ")
                ),
            })
    }

    fn number(&self, line: usize, text: &str, what: &str) -> Result<Option<f64>, CompareError> {
        crate::load::parse_number(text, DecimalMark::Auto, false, &[]).map_err(|(_, message, _)| {
            CompareError::Table {
                file: self.file.clone(),
                message: format!("line {line}, {what}: {message}"),
            }
        })
    }
}

/// Compares every row of `expected` with `computed` (a `scores.csv` of cwi). With `decimals`,
/// computed scores are rounded first, as published figures are.
pub fn compare(
    computed: &Path,
    expected: &Path,
    columns: &Columns,
    tolerance: f64,
    decimals: Option<u32>,
) -> Result<Comparison, CompareError> {
    let ours = Rows::read(computed)?;
    let (y, r, n, s) = (
        ours.column(&["year"])?,
        ours.column(&["region_code"])?,
        ours.column(&["node_id"])?,
        ours.column(&["score"])?,
    );
    let mut scores: HashMap<(i32, String, String), Option<f64>> = HashMap::new();
    for (line, row) in &ours.rows {
        let year = crate::load::parse_year(&row[y]).ok_or_else(|| CompareError::Table {
            file: ours.file.clone(),
            message: format!("line {line}: year \"{}\" is not a whole number", row[y]),
        })?;
        let score = ours.number(*line, &row[s], "score")?;
        scores.insert((year, match_key(&row[r]), row[n].clone()), score);
    }

    let theirs = Rows::read(expected)?;
    let ty = theirs.column(&["year"])?;
    let tr = match &columns.region {
        Some(c) => theirs.column(&[c])?,
        None => theirs.column(&["region_code", "region", "code"])?,
    };
    let ts = match &columns.score {
        Some(c) => theirs.column(&[c])?,
        None => theirs.column(&["score", "value"])?,
    };
    let tn = match &columns.node {
        Some(_) => None,
        None => Some(theirs.column(&["node_id", "node"])?),
    };
    let scale = decimals.map(|d| 10f64.powi(d as i32));
    let mut out = Comparison {
        compared: 0,
        tolerance,
        decimals,
        mismatches: Vec::new(),
    };
    for (line, row) in &theirs.rows {
        let year = crate::load::parse_year(&row[ty]).ok_or_else(|| CompareError::Table {
            file: theirs.file.clone(),
            message: format!("line {line}: year \"{}\" is not a whole number", row[ty]),
        })?;
        let Some(expected) = theirs.number(*line, &row[ts], "score")? else {
            continue;
        };
        let node = match tn {
            Some(c) => row[c].clone(),
            None => columns.node.clone().unwrap_or_default(),
        };
        let computed = scores
            .get(&(year, match_key(&row[tr]), node.clone()))
            .copied()
            .flatten()
            .map(|v| scale.map_or(v, |k| (v * k).round() / k));
        out.compared += 1;
        // A relative slack of 1e-9 absorbs binary rounding (0.1 + 0.2 against 0.3).
        let ok = computed
            .is_some_and(|c| (c - expected).abs() <= tolerance + 1e-9 * expected.abs().max(1.0));
        if !ok {
            out.mismatches.push(Mismatch {
                year,
                region: row[tr].clone(),
                node,
                expected,
                computed,
            });
        }
    }
    Ok(out)
}

/// Human report: one line per mismatch and a summary.
pub fn render(c: &Comparison) -> String {
    let mut out = String::new();
    for m in &c.mismatches {
        match m.computed {
            Some(v) => out.push_str(&format!(
                "{} {} {}: expected {}, computed {} (difference {:+})\n",
                m.year,
                m.region,
                m.node,
                m.expected,
                v,
                v - m.expected
            )),
            None => out.push_str(&format!(
                "{} {} {}: expected {}, not computed\n",
                m.year, m.region, m.node, m.expected
            )),
        }
    }
    let rounding = c.decimals.map_or(String::new(), |d| {
        format!(", computed rounded to {d} decimals")
    });
    out.push_str(&format!(
        "{} of {} row(s) differ beyond tolerance {}{rounding}\n",
        c.mismatches.len(),
        c.compared,
        c.tolerance
    ));
    out
}
