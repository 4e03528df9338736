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
    /// More than the machine can give the command (memory), refused before it starts.
    #[error("{0}")]
    Resources(String),
    /// A command line that names too little to run (as clap's usage errors, exit status 2).
    #[error("{0}")]
    Usage(String),
    /// Something named on the command line that cannot be read (a git revision).
    #[error("{0}")]
    CannotRead(String),
    /// A file or directory given on the command line that does not exist.
    #[error("{}: no such file or directory", .0.display())]
    Missing(std::path::PathBuf),
    /// Writing to standard output failed (a closed pipe ends the command quietly instead).
    #[error("cannot write to standard output: {0}")]
    Stdout(std::io::Error),
}

impl Error {
    /// The exit status this error ends a command with: 2 when the command could not run (a
    /// file given that does not exist or cannot be read, outputs that cannot be written, more
    /// memory than it may use), 1
    /// when what it was given is refused (a spec, data or option it cannot accept).
    pub fn exit_code(&self) -> u8 {
        match self {
            // A language the spec has no labels in is an option refused.
            Error::Output(cwi::output::OutputError::Language { .. }) => 1,
            Error::Missing(_)
            | Error::Usage(_)
            | Error::Resources(_)
            | Error::CannotRead(_)
            | Error::Output(_)
            | Error::Stdout(_)
            | Error::Spec(cwi::spec::SpecError::Read { .. }) => 2,
            _ => 1,
        }
    }
}

impl From<cwi::error::RunError> for Error {
    fn from(e: cwi::error::RunError) -> Self {
        match e {
            cwi::error::RunError::Data(e) => Error::Data(e),
            cwi::error::RunError::Compute(e) => Error::Compute(e),
        }
    }
}
