//! Bounds frozen at a published edition (`[defaults] bounds_edition`): the bounds each
//! indicator was normalised with, per year, as the edition's manifest.json records them, so
//! that adding a year to an index whose bounds pool over years revises nothing already
//! published.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// A bound the manifest records and normalisation can take as it is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FrozenBound {
    /// Min-max, best-value and fraction-of-maximum methods.
    MinMax { min: f64, max: f64 },
    /// Z-scores.
    ZScore { mean: f64, sd: f64 },
}

/// The edition's bounds, by indicator id: each year it published, in its order.
#[derive(Debug, Clone, PartialEq)]
pub struct FrozenBounds {
    /// The manifest read (the edition's directory joined with manifest.json).
    pub manifest: PathBuf,
    pub sha256: String,
    /// The edition's index id and version, to say which edition the bounds are from.
    pub edition: String,
    pub indicators: HashMap<String, Vec<(i32, FrozenBound)>>,
}

impl FrozenBounds {
    /// An indicator's bound for a year: the edition's for a year it published; for a later
    /// year, the one bound it used for every year (pooled bounds); else none (the year's own
    /// bounds are drawn as the spec's pooling says).
    pub fn bound(&self, indicator: &str, year: i32) -> Option<FrozenBound> {
        let years = self.indicators.get(indicator)?;
        if let Some((_, b)) = years.iter().find(|(y, _)| *y == year) {
            return Some(*b);
        }
        let first = years.first()?.1;
        years.iter().all(|(_, b)| *b == first).then_some(first)
    }
}

/// Reads the bounds of the edition at `given` (its output directory or its manifest.json;
/// relative to the spec's directory). `Err` says what is wrong, for the spec's diagnostic.
pub fn read(spec: &Path, given: &str) -> Result<FrozenBounds, String> {
    let mut path = spec.parent().unwrap_or(Path::new("")).join(given);
    if path.is_dir() {
        path = path.join("manifest.json");
    }
    let bytes = std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let m: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|_| format!("{} is not JSON", path.display()))?;
    let (Some(framework), Some(id)) = (m["framework"].as_array(), m["index"]["id"].as_str()) else {
        return Err(format!(
            "{} is not the manifest of a cwi output (no index and framework)",
            path.display()
        ));
    };
    let mut indicators = HashMap::new();
    for node in framework {
        let (Some(id), Some(bounds)) = (node["id"].as_str(), node["bounds"].as_array()) else {
            continue;
        };
        let years: Vec<(i32, FrozenBound)> = bounds
            .iter()
            .filter_map(|b| {
                let year = i32::try_from(b["year"].as_i64()?).ok()?;
                let f = |k: &str| b[k].as_f64();
                let bound = match (f("min"), f("max"), f("mean"), f("sd")) {
                    (Some(min), Some(max), _, _) => FrozenBound::MinMax { min, max },
                    (_, _, Some(mean), Some(sd)) => FrozenBound::ZScore { mean, sd },
                    _ => return None,
                };
                Some((year, bound))
            })
            .collect();
        if !years.is_empty() {
            indicators.insert(id.to_string(), years);
        }
    }
    Ok(FrozenBounds {
        sha256: crate::digest::sha256_hex(&bytes),
        edition: format!("{id} {}", m["index"]["version"].as_str().unwrap_or("")),
        manifest: path,
        indicators,
    })
}
