//! The errors of the computing stages: a method that cannot apply, and what stops a pipeline run.

use std::fmt;

use crate::diagnostic::Code;

/// A method that cannot apply to the data (no spread to scale, a log of zero, a geometric mean
/// meeting zero): a coded problem like a spec or data diagnostic, with the node, region and
/// year it met where there is one. The message says the place in words too.
#[derive(Debug, Clone, PartialEq)]
pub struct ComputeError {
    /// One of the `E2xx` codes.
    pub code: Code,
    /// The indicator or group id.
    pub node: Option<String>,
    /// The region's code.
    pub region: Option<String>,
    pub year: Option<i32>,
    pub message: String,
    pub hint: String,
}

impl ComputeError {
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        ComputeError {
            code,
            node: None,
            region: None,
            year: None,
            message: message.into(),
            hint: String::new(),
        }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = hint.into();
        self
    }

    pub fn node(mut self, id: impl Into<String>) -> Self {
        self.node = Some(id.into());
        self
    }

    pub fn region(mut self, code: impl Into<String>) -> Self {
        self.region = Some(code.into());
        self
    }

    pub fn year(mut self, year: i32) -> Self {
        self.year = Some(year);
        self
    }
}

/// `error[E204]: indicator "x", region R1, year 2024: ...`, then the hint.
impl fmt::Display for ComputeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error[{}]: {}", self.code, self.message)?;
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
