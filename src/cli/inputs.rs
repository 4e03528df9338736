//! The inputs every computing command takes: a spec and data files.

use std::path::PathBuf;

use crate::error::Error;
use crate::pipeline::{Results, run};
use crate::spec::{self, Spec};

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
}

impl Inputs {
    /// The validated spec; its warnings go to stderr.
    pub fn spec(&self) -> Result<Spec, Error> {
        let spec = spec::load(&self.spec)?;
        for warning in &spec.warnings {
            eprintln!("{warning}");
        }
        Ok(spec)
    }

    /// Loads the data for `spec` and computes; data warnings go to stderr.
    pub fn compute(&self, spec: Spec) -> Result<Results, Error> {
        let results = run(spec, &self.data)?;
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
