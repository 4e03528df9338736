//! The panel: one raw value (or an explicit gap) per unit, year and indicator, with the record of
//! what loading found. Every later stage reads from it; nothing writes to it after loading.

use std::sync::Arc;

use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::units::Units;

/// Raw indicator values for units x years x indicators. Missing values are `None`, never zero.
#[derive(Debug, Clone)]
pub struct Panel {
    /// Shared, so that a copy of the panel with other values (a Monte Carlo replication's
    /// draws) copies only the values.
    pub units: Arc<Units>,
    /// Years present in the data, ascending.
    pub years: Vec<i32>,
    /// Indicator ids in the framework's pre-order; the panel's third axis.
    pub indicators: Vec<String>,
    values: Vec<Option<f64>>,
    /// Standard errors of survey values, where the data give them; empty while none is given
    /// (a panel without survey errors does not hold a second cell per value).
    se: Vec<Option<f64>>,
    present: Vec<bool>,
    pub report: Arc<LoadReport>,
}

impl Panel {
    /// An empty panel: every cell missing and no unit present in any year.
    pub fn new(units: Units, years: Vec<i32>, indicators: Vec<String>) -> Self {
        let cells = units.len() * years.len();
        Panel {
            values: vec![None; cells * indicators.len()],
            se: Vec::new(),
            present: vec![false; cells],
            units: Arc::new(units),
            years,
            indicators,
            report: Arc::default(),
        }
    }

    fn at(&self, year: usize, unit: usize) -> usize {
        year * self.units.len() + unit
    }

    pub fn get(&self, year: usize, unit: usize, indicator: usize) -> Option<f64> {
        self.values[self.at(year, unit) * self.indicators.len() + indicator]
    }

    pub fn set(&mut self, year: usize, unit: usize, indicator: usize, value: Option<f64>) {
        let cell = self.at(year, unit);
        self.present[cell] = true;
        let n = self.indicators.len();
        self.values[cell * n + indicator] = value;
    }

    /// The sampling standard error of a value, if the data give one.
    pub fn se(&self, year: usize, unit: usize, indicator: usize) -> Option<f64> {
        let cell = self.at(year, unit) * self.indicators.len() + indicator;
        self.se.get(cell).copied().flatten()
    }

    pub fn set_se(&mut self, year: usize, unit: usize, indicator: usize, se: Option<f64>) {
        if se.is_none() && self.se.is_empty() {
            return;
        }
        if self.se.is_empty() {
            self.se = vec![None; self.values.len()];
        }
        let cell = self.at(year, unit) * self.indicators.len() + indicator;
        self.se[cell] = se;
    }

    /// Marks a unit as present in a year (it has a row in the data, possibly with gaps only).
    pub fn mark_present(&mut self, year: usize, unit: usize) {
        let cell = self.at(year, unit);
        self.present[cell] = true;
    }

    /// Takes a unit out of a year: it gets no scores then.
    pub fn mark_absent(&mut self, year: usize, unit: usize) {
        let cell = self.at(year, unit);
        self.present[cell] = false;
    }

    /// Whether the unit appears in the data for that year; absent units get no scores.
    pub fn is_present(&self, year: usize, unit: usize) -> bool {
        self.present[self.at(year, unit)]
    }

    /// Units present in a year, in registry order.
    pub fn present_units(&self, year: usize) -> Vec<usize> {
        (0..self.units.len())
            .filter(|&u| self.is_present(year, u))
            .collect()
    }

    /// The units present in a year that are among the regions the index pools: those whose
    /// values draw bounds, means and ranks (not a unit scored outside them).
    pub fn pooled_units(&self, year: usize) -> Vec<usize> {
        (0..self.units.len())
            .filter(|&u| self.is_present(year, u) && self.units.get(u).pooled)
            .collect()
    }

    /// Whether a unit is among the regions the index pools and ranks.
    pub fn is_pooled(&self, unit: usize) -> bool {
        self.units.get(unit).pooled
    }

    /// The SHA-256 of a year's values as read: the indicator ids, then each region present
    /// (its code) with its values in the panel's order (a gap hashed apart from any number).
    /// Two runs read the same data for a year when these agree (the manifest's `year_data`;
    /// an edition's revisions say which years' data changed).
    pub fn year_digest(&self, year: usize) -> String {
        use sha2::{Digest, Sha256};
        let mut hash = Sha256::new();
        for id in &self.indicators {
            hash.update(id.as_bytes());
            hash.update([0]);
        }
        // A row's bytes gathered first: one update per region, not per value.
        let mut row = Vec::with_capacity(9 * self.indicators.len());
        for u in (0..self.units.len()).filter(|&u| self.is_present(year, u)) {
            hash.update(self.units.get(u).code.as_bytes());
            hash.update([0]);
            row.clear();
            for i in 0..self.indicators.len() {
                match self.get(year, u, i) {
                    Some(v) => {
                        row.push(1);
                        row.extend_from_slice(&v.to_bits().to_le_bytes());
                    }
                    None => row.push(0),
                }
            }
            hash.update(&row);
        }
        crate::digest::hex(&hash.finalize())
    }

    pub fn year_position(&self, year: i32) -> Option<usize> {
        self.years.iter().position(|&y| y == year)
    }

    /// Missing cells per indicator and year among the units present that year.
    pub fn missing_counts(&self) -> Vec<MissingCount> {
        // One pass over the cells in their order: missing[year][indicator].
        let n = self.indicators.len();
        let mut missing = vec![0usize; self.years.len() * n];
        let mut present = vec![0usize; self.years.len()];
        for (y, counts) in missing
            .chunks_mut(n.max(1))
            .enumerate()
            .take(self.years.len())
        {
            for u in (0..self.units.len()).filter(|&u| self.is_present(y, u)) {
                present[y] += 1;
                let cell = self.at(y, u) * n;
                for (count, value) in counts.iter_mut().zip(&self.values[cell..cell + n]) {
                    *count += usize::from(value.is_none());
                }
            }
        }
        let mut out = Vec::with_capacity(n * self.years.len());
        for (i, id) in self.indicators.iter().enumerate() {
            for (y, &year) in self.years.iter().enumerate() {
                out.push(MissingCount {
                    indicator: id.clone(),
                    year,
                    missing: missing[y * n + i],
                    units: present[y],
                });
            }
        }
        out
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MissingCount {
    pub indicator: String,
    pub year: i32,
    pub missing: usize,
    /// Units present that year.
    pub units: usize,
}

/// What loading read, and the warnings it gave (unknown regions and indicators skipped,
/// indicators without data, low coverage).
#[derive(Debug, Clone, Default, Serialize)]
pub struct LoadReport {
    pub files: Vec<DataFile>,
    pub diagnostics: Vec<Diagnostic>,
}

impl LoadReport {
    /// One line per warning, for stderr and the manifest.
    pub fn warnings(&self) -> Vec<String> {
        self.diagnostics
            .iter()
            .filter(|d| !d.is_error())
            .map(|d| d.to_string().replace("\n  hint: ", "; "))
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DataFile {
    pub path: String,
    pub sha256: String,
    pub layout: Layout,
    pub rows: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Layout {
    /// One row per region, year and indicator.
    Long,
    /// One row per region and year, one column per indicator.
    Wide,
}
