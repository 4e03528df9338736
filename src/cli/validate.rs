//! `cwi validate`: every problem of specs and data, before anything is computed.

use std::path::PathBuf;
use std::process::ExitCode;

use cwi::validate::{Format, render, spec_files, validate};

/// Check indicator specs, and data files against them, and report every problem.
///
/// Each problem has a severity (error or warning), a stable code (E0xx: spec, E1xx: data;
/// W: warnings), the place (file:line:column in a spec; row, line and column name in data), a
/// message and a hint. Exit status: 0 no errors (warnings allowed unless --deny-warnings),
/// 1 problems found, 2 validation could not run (e.g. a path that does not exist).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Spec files, or directories whose *.toml files are all checked.
    #[arg(value_name = "SPEC_OR_DIR", required = true)]
    specs: Vec<PathBuf>,
    /// Data files (CSV, TSV, Parquet, Excel), checked against the spec; with several specs,
    /// each file against the specs whose indicators it holds (named in each problem, and on
    /// standard error), a file holding none of them being an error (E123).
    #[arg(long, value_name = "FILE", num_args = 1..)]
    data: Vec<PathBuf>,
    /// Output format: text (default), json (JSON Lines) or github (workflow annotations).
    #[arg(long, value_parser = super::named::<Format>(), default_value = "text")]
    format: Format,
    /// Treat warnings as problems: exit 1 when there are any.
    #[arg(long)]
    deny_warnings: bool,
    #[command(flatten)]
    readings: super::inputs::Readings,
}

pub fn run(args: Args) -> Result<ExitCode, super::error::Error> {
    let specs = match spec_files(&args.specs) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    for data in &args.data {
        if !data.is_file() {
            eprintln!("error: {}: no such file", data.display());
            return Ok(ExitCode::from(2));
        }
    }
    let readings = args.readings.declarations()?;
    let validation = validate(&specs, &args.data, &readings);
    let diagnostics = validation.diagnostics;
    super::stdout(&render(&diagnostics, args.format))?;
    for note in &validation.notes {
        eprintln!("note: {note}");
    }
    let errors = diagnostics.iter().any(|d| d.is_error());
    Ok(
        if errors || (args.deny_warnings && !diagnostics.is_empty()) {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        },
    )
}
