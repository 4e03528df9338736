//! The command line: one file per subcommand, each an `Args` struct (its doc comments are the
//! `--help`) and a `run` that only wires library calls together.

mod audit;
mod compare;
mod compute;
mod explain;
mod inputs;
mod progress;
mod report;
mod schema;
mod sensitivity;
mod uncertainty;
mod validate;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub use explain::ExplainError;

/// cwi computes composite child well-being indices (normalised, weighted and aggregated
/// 0-100 scores and ranks per region and year) from a declarative indicator spec in TOML.
#[derive(Debug, Parser)]
#[command(name = "cwi", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Compute(compute::Args),
    Validate(validate::Args),
    Schema(schema::Args),
    Compare(compare::Args),
    Report(report::Args),
    Explain(explain::Args),
    Audit(audit::Args),
    Uncertainty(uncertainty::Args),
    Sensitivity(sensitivity::Args),
}

/// Runs the command line; errors go to stderr with exit status 1.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Compute(args) => compute::run(args),
        Command::Report(args) => report::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Audit(args) => audit::run(args),
        Command::Uncertainty(args) => uncertainty::run(args),
        Command::Sensitivity(args) => sensitivity::run(args),
        Command::Validate(args) => return validate::run(args),
        Command::Compare(args) => return compare::run(args),
        Command::Schema(args) => {
            schema::run(args);
            Ok(())
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}
