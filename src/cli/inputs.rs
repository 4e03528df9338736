//! The inputs every computing command takes: a spec and data files.

use std::path::PathBuf;

use super::error::Error;
use cwi::pipeline::{Results, run_on};
use cwi::spec::{self, Spec};

#[derive(Debug, clap::Args)]
pub struct Inputs {
    /// The indicator spec (TOML).
    #[arg(long, value_name = "FILE")]
    pub spec: PathBuf,
    /// Data files, merged into one panel: CSV (.csv, .tsv), Parquet (.parquet) or Excel (.xlsx),
    /// in long format (region, year, indicator, value) or wide (region, year, one column per
    /// indicator).
    #[arg(long, value_name = "FILE", num_args = 1.., required = true)]
    pub data: Vec<PathBuf>,
    /// When the spec declares boundary changes: report the series on today's regions
    /// (current) or on the regions before the changes (historical).
    #[arg(long, value_parser = super::named::<cwi::boundaries::Boundaries>(), default_value = "current")]
    pub boundaries: cwi::boundaries::Boundaries,
}

impl Inputs {
    /// The validated spec; its warnings go to stderr.
    pub fn spec(&self) -> Result<Spec, Error> {
        let spec = spec::load(&self.spec)?;
        cwi::timing::mark("spec");
        for warning in &spec.warnings {
            eprintln!("{warning}");
        }
        Ok(spec)
    }

    /// Loads the data for `spec` and computes; data warnings go to stderr.
    pub fn compute(&self, spec: Spec) -> Result<Results, Error> {
        let results = run_on(spec, &self.data, self.boundaries)?;
        for warning in &results.panel.report.diagnostics {
            eprintln!("{warning}");
        }
        Ok(results)
    }

    /// The spec, then the results.
    pub fn results(&self) -> Result<Results, Error> {
        let spec = self.spec()?;
        self.compute(spec)
    }
}
