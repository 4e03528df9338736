//! `cwi import`: an index kept in another tool's tables, as a spec and a data file.

use std::path::PathBuf;

use super::error::Error;
use cwi::import::{Imputation, Steps, coinr};
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

/// COINr's iData and iMeta (CSV or Excel, as R's write.csv or openxlsx writes them: NA,
/// quoted strings, row names) as spec.toml and data.csv, such that `cwi compute --spec
/// DIR/spec.toml --data DIR/data.csv` reproduces the COINr build: denomination by iMeta's
/// Denominator column, min-max onto [0, 100] (Normalise's default) and weighted arithmetic
/// means by iMeta's weights. The optional steps are in the spec only when given here
/// (--screen, --impute, --treat); otherwise they are written as commented lines to switch
/// on. The spec says in comments which COINr step each setting stands for.
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
    /// COINr Screen ran with this dat_thresh (0.66 is COINr's default): units with less than
    /// this share of the indicators' values are left out.
    #[arg(long, value_name = "SHARE")]
    screen: Option<f64>,
    /// COINr Impute ran: by the indicator's mean (mean, i_mean) or the group's (group-mean,
    /// i_mean_grp).
    #[arg(long, value_name = "METHOD", value_parser = ["mean", "group-mean"])]
    impute: Option<String>,
    /// The iData Group column of --impute group-mean (needed when iMeta has several).
    #[arg(long, value_name = "COLUMN", requires = "impute")]
    group: Option<String>,
    /// COINr Treat ran: winsorise up to this many points (COINr's default winmax is 5), else
    /// COINr's log.
    #[arg(long, value_name = "POINTS")]
    treat: Option<u32>,
}

pub fn run(args: Args) -> Result<(), Error> {
    let Tool::Coinr(a) = args.tool;
    if let Some(share) = a.screen
        && !(share > 0.0 && share <= 1.0)
    {
        return Err(Error::Arguments(format!(
            "--screen {share}: a share of the indicators' values, above 0 and at most 1"
        )));
    }
    if a.group.is_some() && a.impute.as_deref() != Some("group-mean") {
        return Err(Error::Arguments(
            "--group names the group column of --impute group-mean".into(),
        ));
    }
    if a.treat == Some(0) {
        return Err(Error::Arguments(
            "--treat 0: give how many points may be winsorised (COINr's winmax, 5 by default)"
                .into(),
        ));
    }
    let steps = Steps {
        screen: a.screen,
        impute: match a.impute.as_deref() {
            Some("group-mean") => Some(Imputation::GroupMean(a.group.clone())),
            Some(_) => Some(Imputation::Mean),
            None => None,
        },
        treat: a.treat,
    };
    let imported = coinr(&a.idata, &a.imeta, a.year, &steps)?;
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
