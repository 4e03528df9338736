//! `cwi import`: an index kept in another tool's tables, as a spec and a data file.

use std::path::PathBuf;

use super::error::Error;
use cwi::import::coinr;
use cwi::output::write_atomically;

/// Import an index from another tool's tables.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    tool: Tool,
}

#[derive(Debug, clap::Subcommand)]
enum Tool {
    Coinr(Coinr),
}

/// COINr's iData and iMeta (CSV or Excel) as spec.toml and data.csv, such that `cwi compute
/// --spec DIR/spec.toml --data DIR/data.csv` reproduces COINr's build with COINr's defaults:
/// denomination by iMeta's Denominator column, screening at 90% availability, imputation by
/// the group mean, the JRC treatment with COINr's log, min-max onto [0, 100], arithmetic means.
/// The spec says in comments which COINr step each setting stands for.
#[derive(Debug, clap::Args)]
struct Coinr {
    /// COINr's iData: a row per unit (uCode, uName, Time, group, denominator and indicator
    /// columns; NA for missing).
    #[arg(long, value_name = "FILE")]
    idata: PathBuf,
    /// COINr's iMeta: a row per column and aggregate (iCode, iName, Level, Direction, Weight,
    /// Unit, Target, Denominator, Parent, Type).
    #[arg(long, value_name = "FILE")]
    imeta: PathBuf,
    /// Output directory for spec.toml and data.csv; created if needed.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// The year of the data, when iData has no Time column.
    #[arg(long, value_name = "YEAR")]
    year: Option<i32>,
}

pub fn run(args: Args) -> Result<(), Error> {
    let Tool::Coinr(a) = args.tool;
    let imported = coinr(&a.idata, &a.imeta, a.year)?;
    let files = vec![
        ("spec.toml".to_string(), imported.spec.into_bytes()),
        ("data.csv".to_string(), imported.data.into_bytes()),
    ];
    super::report_cleaned(&write_atomically(&a.out, &files)?);
    eprintln!(
        "wrote spec.toml and data.csv to {}; compute with: cwi compute --spec {} --data {} --out OUT",
        a.out.display(),
        a.out.join("spec.toml").display(),
        a.out.join("data.csv").display()
    );
    Ok(())
}
