//! The error that spans every layer, for the commands to report.

/// Everything that can stop a command, by layer.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Spec(#[from] cwi::spec::SpecError),
    #[error(transparent)]
    Data(#[from] cwi::load::DataError),
    #[error("cannot compute: {0}")]
    Compute(#[from] cwi::error::ComputeError),
    #[error(transparent)]
    Output(#[from] cwi::output::OutputError),
    #[error(transparent)]
    Report(#[from] cwi::report::ReportError),
    #[error(transparent)]
    Explain(#[from] cwi::explain::ExplainError),
    #[error(transparent)]
    Uncertainty(#[from] cwi::uncertainty::UncertaintyError),
    #[error(transparent)]
    Import(#[from] cwi::import::ImportError),
    #[error(transparent)]
    Template(#[from] cwi::template::TemplateError),
    #[error(transparent)]
    Language(#[from] cwi::spec::UnknownLanguage),
    /// A command-line argument that cannot be read.
    #[error("{0}")]
    Arguments(String),
    /// Writing to standard output failed (a closed pipe ends the command quietly instead).
    #[error("cannot write to standard output: {0}")]
    Stdout(std::io::Error),
}

impl From<cwi::error::RunError> for Error {
    fn from(e: cwi::error::RunError) -> Self {
        match e {
            cwi::error::RunError::Data(e) => Error::Data(e),
            cwi::error::RunError::Compute(e) => Error::Compute(e),
        }
    }
}
