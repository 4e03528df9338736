//! The errors of the computing stages: a method that cannot apply, and what stops a pipeline run.

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

/// What can stop the pipeline once the spec is valid: the data, or a method meeting them.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Data(#[from] crate::load::DataError),
    #[error("cannot compute: {0}")]
    Compute(#[from] ComputeError),
}
