//! A run compared with the previous edition: the output directory of the run that was
//! published (its manifest.json and scores.csv). Every published region-year-node whose score
//! or rank this run changes is a revision, listed with the reasons the two runs differ (the
//! spec, the data files, new years pooled into the bounds, the boundaries), so that last
//! year's published numbers never change without a word.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::pipeline::Results;
use crate::rank::Rank;
use crate::spec::Pooling;

#[derive(Debug, thiserror::Error)]
pub enum EditionError {
    #[error(
        "{}: not a cwi output directory ({what}); give the directory `cwi compute` or `cwi report` wrote for the previous edition",
        path.display()
    )]
    NotAnEdition { path: PathBuf, what: String },
    #[error("{}, line {line}: {message}", path.display())]
    Table {
        path: PathBuf,
        line: usize,
        message: String,
    },
}

/// One published row of the previous edition.
#[derive(Debug, Clone, PartialEq)]
struct Published {
    year: i32,
    region: String,
    node: String,
    score: Option<f64>,
    rank: Option<Rank>,
}

/// The previous edition as read from its directory.
pub struct Previous {
    pub path: PathBuf,
    manifest: serde_json::Value,
    /// The SHA-256 of its manifest.json, recorded in this run's manifest.
    pub manifest_sha256: String,
    rows: Vec<Published>,
}

/// Reads the previous edition's manifest.json and scores.csv (standard or Excel style).
pub fn read(dir: &Path) -> Result<Previous, EditionError> {
    let not = |what: &str| EditionError::NotAnEdition {
        path: dir.to_path_buf(),
        what: what.to_string(),
    };
    let bytes = std::fs::read(dir.join("manifest.json")).map_err(|_| not("no manifest.json"))?;
    let manifest: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|_| not("manifest.json is not JSON"))?;
    if manifest.get("index").is_none() || manifest.get("outputs").is_none() {
        return Err(not("manifest.json has no index and outputs"));
    }
    let path = dir.join("scores.csv");
    let text = std::fs::read_to_string(&path)
        .map_err(|_| not("no scores.csv: write the previous edition with --formats csv"))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    // Excel style: semicolons and decimal commas.
    let excel = text.lines().next().is_some_and(|h| h.contains(';'));
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(if excel { b';' } else { b',' })
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| EditionError::Table {
            path: path.clone(),
            line: 1,
            message: e.to_string(),
        })?
        .iter()
        .map(str::to_string)
        .collect();
    let col = |name: &str| header.iter().position(|h| h == name);
    let (Some(y), Some(r), Some(n), Some(s), Some(k)) = (
        col("year"),
        col("region_code"),
        col("node_id"),
        col("score"),
        col("rank"),
    ) else {
        return Err(not(
            "scores.csv lacks year, region_code, node_id, score or rank",
        ));
    };
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = i + 2;
        let bad = |message: String| EditionError::Table {
            path: path.clone(),
            line,
            message,
        };
        let record = record.map_err(|e| bad(e.to_string()))?;
        let number = |c: usize| -> Result<Option<f64>, EditionError> {
            let cell = record.get(c).unwrap_or("").trim();
            if cell.is_empty() {
                return Ok(None);
            }
            let cell = if excel {
                cell.replace(',', ".")
            } else {
                cell.to_string()
            };
            cell.parse::<f64>()
                .map(Some)
                .map_err(|_| bad(format!("\"{cell}\" is not a number")))
        };
        let year = crate::load::parse_year(record.get(y).unwrap_or(""))
            .ok_or_else(|| bad("the year is not a whole number".into()))?;
        rows.push(Published {
            year,
            region: record.get(r).unwrap_or("").to_string(),
            node: record.get(n).unwrap_or("").to_string(),
            score: number(s)?,
            rank: match number(k)? {
                None => None,
                // A rank is a whole number or, under average ties, a half.
                Some(v) if v >= 1.0 && (2.0 * v).fract() == 0.0 && v <= f64::from(u32::MAX / 2) => {
                    Some(Rank::from_halves((2.0 * v) as u32))
                }
                Some(v) => {
                    return Err(bad(format!(
                        "rank {v} is not a rank (a whole number from 1, or a half under average ties)"
                    )));
                }
            },
        });
    }
    Ok(Previous {
        path: dir.to_path_buf(),
        manifest_sha256: crate::digest::sha256_hex(&bytes),
        manifest,
        rows,
    })
}

/// Why two runs differ, as far as their manifests tell.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Reason {
    /// Another index id or version.
    AnotherSpec {
        then: String,
        now: String,
    },
    /// The same id and version, other text.
    SpecChanged,
    DataFileChanged {
        path: String,
    },
    DataFileNew {
        path: String,
    },
    DataFileGone {
        path: String,
    },
    /// The values read for the row's year differ (the manifests' `year_data`).
    YearData {
        year: i32,
    },
    /// Bounds pooled over all years, new years among them.
    PooledOver {
        years: Vec<i32>,
    },
    Boundaries {
        then: String,
        now: String,
    },
    /// None of the above: the same spec, data and settings.
    Unexplained,
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Reason::AnotherSpec { then, now } => write!(f, "another spec: {then} then, {now} now"),
            Reason::SpecChanged => {
                write!(f, "the spec changed (same id and version, another SHA-256)")
            }
            Reason::DataFileChanged { path } => write!(f, "data file {path} changed"),
            Reason::DataFileNew { path } => write!(f, "data file {path} is new"),
            Reason::DataFileGone { path } => write!(f, "data file {path} is no longer given"),
            Reason::YearData { year } => write!(f, "the data of {year} changed"),
            Reason::PooledOver { years } => write!(
                f,
                "bounds pooled over the new year(s) {} (pooling = \"all-years\"): every year is normalised on them",
                years
                    .iter()
                    .map(i32::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Reason::Boundaries { then, now } => write!(f, "boundaries: {then} then, {now} now"),
            Reason::Unexplained => write!(
                f,
                "none the manifests tell (the same spec, data and settings)"
            ),
        }
    }
}

/// A published value this run changes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Revision {
    pub year: i32,
    pub region_code: String,
    pub node_id: String,
    pub score_published: Option<f64>,
    pub score_now: Option<f64>,
    pub rank_published: Option<Rank>,
    pub rank_now: Option<Rank>,
    /// Why this value changed: the reasons of the run that apply to its year.
    pub reasons: Vec<Reason>,
}

/// What changed since the previous edition.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Revisions {
    pub rows: Vec<Revision>,
    /// Why the runs differ, as far as their manifests tell.
    pub reasons: Vec<Reason>,
    /// What of the previous edition could not be compared (regions, years or nodes this run
    /// does not have).
    pub not_compared: Vec<String>,
}

/// Why this run's values can differ from the edition's, as a whole: another or a changed
/// spec, data files changed, added or gone, years pooled over, other boundaries.
fn run_reasons(m: &serde_json::Value, results: &Results) -> Vec<Reason> {
    let (spec, panel) = (&results.spec, &results.panel);
    let text = |v: &serde_json::Value| v.as_str().unwrap_or("").to_string();
    let mut reasons = Vec::new();
    let (id, version) = (text(&m["index"]["id"]), text(&m["index"]["version"]));
    if id != spec.index.id || version != spec.index.version {
        reasons.push(Reason::AnotherSpec {
            then: format!("{id} {version}"),
            now: format!("{} {}", spec.index.id, spec.index.version),
        });
    } else if text(&m["spec"]["sha256"]) != spec.sha256 {
        reasons.push(Reason::SpecChanged);
    }
    let files = |list: &serde_json::Value| -> HashMap<String, String> {
        list.as_array()
            .map(|a| {
                a.iter()
                    .map(|f| (text(&f["path"]), text(&f["sha256"])))
                    .collect()
            })
            .unwrap_or_default()
    };
    let before = files(&m["data"]);
    let now: HashMap<String, String> = panel
        .report
        .files
        .iter()
        .map(|f| (f.path.clone(), f.sha256.clone()))
        .collect();
    let hashes_before: BTreeSet<&String> = before.values().collect();
    for (path, sha) in &now {
        match before.get(path) {
            Some(old) if old == sha => {}
            Some(_) => reasons.push(Reason::DataFileChanged { path: path.clone() }),
            // The same bytes under another name are the same data.
            None if hashes_before.contains(sha) => {}
            None => reasons.push(Reason::DataFileNew { path: path.clone() }),
        }
    }
    let hashes_now: BTreeSet<&String> = now.values().collect();
    for (path, sha) in &before {
        if !now.contains_key(path) && !hashes_now.contains(sha) {
            reasons.push(Reason::DataFileGone { path: path.clone() });
        }
    }
    let years_before: BTreeSet<i32> = m["years"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|y| y.as_i64())
                .map(|y| y as i32)
                .collect()
        })
        .unwrap_or_default();
    let new_years: Vec<i32> = panel
        .years
        .iter()
        .copied()
        .filter(|y| !years_before.contains(y))
        .collect();
    if !new_years.is_empty() && spec.pooling == Pooling::AllYears && spec.frozen.is_none() {
        reasons.push(Reason::PooledOver { years: new_years });
    }
    let boundaries = serde_json::to_value(results.boundaries).unwrap_or_default();
    if m["boundaries"] != boundaries {
        reasons.push(Reason::Boundaries {
            then: m["boundaries"].to_string(),
            now: boundaries.to_string(),
        });
    }
    reasons
}

/// Every published value of `previous` that `results` changes, with the reasons.
pub fn compare(previous: &Previous, results: &Results) -> Revisions {
    let (spec, panel) = (&results.spec, &results.panel);
    let m = &previous.manifest;
    let text = |v: &serde_json::Value| v.as_str().unwrap_or("").to_string();
    let mut reasons = run_reasons(m, results);
    // Which years' data changed, where both manifests say (`year_data`).
    let digests_before: HashMap<i64, String> = m["year_data"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|d| Some((d["year"].as_i64()?, text(&d["sha256"]))))
                .collect()
        })
        .unwrap_or_default();
    let data_reasons: Vec<&Reason> = reasons
        .iter()
        .filter(|r| {
            matches!(
                r,
                Reason::DataFileChanged { .. }
                    | Reason::DataFileNew { .. }
                    | Reason::DataFileGone { .. }
            )
        })
        .collect();
    let row_reasons = |year: i32, y: usize| -> Vec<Reason> {
        let mut out: Vec<Reason> = Vec::new();
        match digests_before.get(&i64::from(year)) {
            Some(before) if *before != panel.year_digest(y) => out.push(Reason::YearData { year }),
            Some(_) => {}
            // An edition without year_data: which year the files changed is not known.
            None => out.extend(data_reasons.iter().map(|r| (*r).clone())),
        }
        out.extend(
            reasons
                .iter()
                .filter(|r| {
                    matches!(
                        r,
                        Reason::AnotherSpec { .. }
                            | Reason::SpecChanged
                            | Reason::PooledOver { .. }
                            | Reason::Boundaries { .. }
                    )
                })
                .cloned(),
        );
        if out.is_empty() {
            out.push(Reason::Unexplained);
        }
        out
    };
    let mut per_year: HashMap<usize, Vec<Reason>> = HashMap::new();
    let mut rows = Vec::new();
    let mut missing: BTreeSet<String> = BTreeSet::new();
    for p in &previous.rows {
        let (Some(y), Some(u), Some(n)) = (
            panel.year_position(p.year),
            panel.units.find(&p.region),
            spec.framework.position(&p.node),
        ) else {
            missing.insert(
                match (panel.year_position(p.year), panel.units.find(&p.region)) {
                    (None, _) => format!("year {}", p.year),
                    (_, None) => format!("region {}", p.region),
                    _ => format!("node {}", p.node),
                },
            );
            continue;
        };
        let score = results.scores.get(n, y, u);
        let rank = results.rank(n, y, u);
        if score != p.score || rank != p.rank {
            rows.push(Revision {
                year: p.year,
                region_code: p.region.clone(),
                node_id: p.node.clone(),
                score_published: p.score,
                score_now: score,
                rank_published: p.rank,
                rank_now: rank,
                reasons: per_year
                    .entry(y)
                    .or_insert_with(|| row_reasons(p.year, y))
                    .clone(),
            });
        }
    }
    if !rows.is_empty() && reasons.is_empty() {
        reasons.push(Reason::Unexplained);
    }
    Revisions {
        rows,
        reasons,
        not_compared: missing
            .into_iter()
            .map(|what| format!("{what} of the previous edition is not in this run"))
            .collect(),
    }
}

impl Revisions {
    /// `revisions.csv`: a row per published value changed.
    pub fn csv(&self) -> Vec<u8> {
        // The shortest decimal that reads back as the same value, as scores.csv writes it.
        let f = |v: Option<f64>| v.map_or(String::new(), |v| format!("{v}"));
        let i = |v: Option<Rank>| v.map_or(String::new(), |v| v.to_string());
        let mut out = String::from(
            "year,region_code,node_id,score_published,score_now,score_revision,rank_published,rank_now,reason\n",
        );
        for r in &self.rows {
            let reason: Vec<String> = r.reasons.iter().map(Reason::to_string).collect();
            out.push_str(&format!(
                "{},{},{},{},{},{},{},{},{}\n",
                r.year,
                r.region_code,
                r.node_id,
                f(r.score_published),
                f(r.score_now),
                f(r.score_now.zip(r.score_published).map(|(a, b)| a - b)),
                i(r.rank_published),
                i(r.rank_now),
                quote(&reason.join("; "))
            ));
        }
        out.into_bytes()
    }

    /// One line for the terminal and the report.
    pub fn summary(&self) -> String {
        if self.rows.is_empty() {
            return "no published value revised".into();
        }
        let years: BTreeSet<i32> = self.rows.iter().map(|r| r.year).collect();
        let ranks = self
            .rows
            .iter()
            .filter(|r| r.rank_now != r.rank_published)
            .count();
        let largest = self
            .rows
            .iter()
            .filter_map(|r| Some((r.score_now? - r.score_published?).abs()))
            .fold(0.0, f64::max);
        format!(
            "{} published value(s) revised in {} ({ranks} rank(s) changed, largest score revision {largest:.2}): {}",
            self.rows.len(),
            years
                .iter()
                .map(i32::to_string)
                .collect::<Vec<_>>()
                .join(", "),
            self.reasons
                .iter()
                .map(Reason::to_string)
                .collect::<Vec<_>>()
                .join("; ")
        )
    }
}

/// A CSV field, quoted when it must be.
fn quote(field: &str) -> String {
    if field.contains([',', '"', '\n']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}
