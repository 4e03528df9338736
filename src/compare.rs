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

/// Which columns of the expected table hold what, and the units its regions are named by.
#[derive(Debug, Clone, Default)]
pub struct Columns {
    /// The spec's units: an expected region may then be spelt by any code, name (in any
    /// language) or alias the spec gives, as `compute` reads data.
    pub units: Option<crate::units::Units>,
    /// Year column; default: year.
    pub year: Option<String>,
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
    /// Computed scores of the nodes and years the expected table has, for regions it lacks:
    /// (year, region code, node). Reported, not a mismatch (a published table may leave
    /// regions out).
    pub not_expected: Vec<(i32, String, String)>,
}

/// A small CSV table: header and rows, comment lines (`#`) skipped, `,` `;` or tab separated.
struct Rows {
    file: String,
    header: Vec<String>,
    rows: Vec<(usize, Vec<String>)>,
    separator: u8,
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
        Ok(Rows {
            file,
            header,
            rows,
            separator: sep,
        })
    }

    /// The decimal mark of column `c`, as the loader decides a file's.
    fn mark(&self, c: usize) -> DecimalMark {
        crate::load::column_mark(self.rows.iter().map(|(_, r)| r[c].as_str()), self.separator)
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

    fn number(
        &self,
        mark: DecimalMark,
        line: usize,
        text: &str,
        what: &str,
    ) -> Result<Option<f64>, CompareError> {
        crate::load::parse_number(text, mark, false, &[]).map_err(|(_, message, _)| {
            CompareError::Table {
                file: self.file.clone(),
                message: format!("line {line}, {what}: {message}"),
            }
        })
    }
}

/// Compares every row of `expected` with `computed` (a `scores.csv` of cwi). With `decimals`,
/// computed scores are rounded first, as published figures are, and as the `round` step
/// rounds: the value as stored to the nearest, halfway to even (R's and Python's `round`).
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
    // Regions by code, by the name scores.csv gives, and by every spelling the spec's units
    // know: each to its code.
    let name_column = ours.header.iter().position(|h| h == "region_name");
    let mut code_of: HashMap<String, String> = HashMap::new();
    let our_mark = ours.mark(s);
    let mut scores: HashMap<(i32, String, String), Option<f64>> = HashMap::new();
    for (line, row) in &ours.rows {
        let year = crate::load::parse_year(&row[y]).ok_or_else(|| CompareError::Table {
            file: ours.file.clone(),
            message: format!("line {line}: year \"{}\" is not a whole number", row[y]),
        })?;
        let score = ours.number(our_mark, *line, &row[s], "score")?;
        code_of.insert(match_key(&row[r]), row[r].clone());
        if let Some(c) = name_column {
            code_of
                .entry(match_key(&row[c]))
                .or_insert_with(|| row[r].clone());
        }
        scores.insert((year, row[r].clone(), row[n].clone()), score);
    }
    let region_code = |spelling: &str| -> String {
        columns
            .units
            .as_ref()
            .and_then(|u| u.find(spelling).map(|k| u.get(k).code.clone()))
            .or_else(|| code_of.get(&match_key(spelling)).cloned())
            .unwrap_or_else(|| spelling.to_string())
    };

    let theirs = Rows::read(expected)?;
    let ty = match &columns.year {
        Some(c) => theirs.column(&[c])?,
        None => theirs.column(&["year"])?,
    };
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
    let mut out = Comparison {
        compared: 0,
        tolerance,
        decimals,
        mismatches: Vec::new(),
        not_expected: Vec::new(),
    };
    let their_mark = theirs.mark(ts);
    let mut expected_keys: std::collections::HashSet<(i32, String, String)> =
        std::collections::HashSet::new();
    for (line, row) in &theirs.rows {
        let year = crate::load::parse_year(&row[ty]).ok_or_else(|| CompareError::Table {
            file: theirs.file.clone(),
            message: format!("line {line}: year \"{}\" is not a whole number", row[ty]),
        })?;
        let node = match tn {
            Some(c) => row[c].clone(),
            None => columns.node.clone().unwrap_or_default(),
        };
        let code = region_code(&row[tr]);
        expected_keys.insert((year, code.clone(), node.clone()));
        let Some(expected) = theirs.number(their_mark, *line, &row[ts], "score")? else {
            continue;
        };
        let computed = scores
            .get(&(year, code, node.clone()))
            .copied()
            .flatten()
            .map(|v| decimals.map_or(v, |d| crate::spec::round(v, d)));
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
    // Computed scores of the nodes and years compared that the expected table does not have.
    let compared: std::collections::HashSet<(i32, &str)> = expected_keys
        .iter()
        .map(|(y, _, n)| (*y, n.as_str()))
        .collect();
    let mut not_expected: Vec<(i32, String, String)> = scores
        .iter()
        .filter(|(k, v)| {
            v.is_some() && compared.contains(&(k.0, k.2.as_str())) && !expected_keys.contains(*k)
        })
        .map(|(k, _)| k.clone())
        .collect();
    not_expected.sort();
    out.not_expected = not_expected;
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
    if !c.not_expected.is_empty() {
        let shown: Vec<String> = c
            .not_expected
            .iter()
            .take(10)
            .map(|(y, r, n)| format!("{y} {r} {n}"))
            .collect();
        let more = c.not_expected.len().saturating_sub(shown.len());
        out.push_str(&format!(
            "note: {} computed score(s) of the nodes and years compared are not in the expected table: {}{}\n",
            c.not_expected.len(),
            shown.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        ));
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
