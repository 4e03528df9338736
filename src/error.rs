//! The error of the computing stages, and the crate's top-level error that wraps every layer's.

use std::fmt;

/// A method that cannot apply to the data (no spread to scale, a log of zero, a geometric mean
/// meeting zero). Names the indicator or node, the region and the year.
#[derive(Debug, Clone, PartialEq)]
pub struct ComputeError {
    pub message: String,
    pub hint: String,
}

impl fmt::Display for ComputeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.message)?;
        if !self.hint.is_empty() {
            write!(f, "\n  hint: {}", self.hint)?;
        }
        Ok(())
    }
}

impl std::error::Error for ComputeError {}

/// Everything that can stop a run, by layer.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Spec(#[from] crate::spec::SpecError),
    #[error(transparent)]
    Data(#[from] crate::load::DataError),
    #[error("cannot compute: {0}")]
    Compute(#[from] ComputeError),
    #[error(transparent)]
    Output(#[from] crate::output::OutputError),
    #[error(transparent)]
    Report(#[from] crate::report::ReportError),
    #[error(transparent)]
    Explain(#[from] crate::cli::ExplainError),
    #[error(transparent)]
    Uncertainty(#[from] crate::uncertainty::UncertaintyError),
}
