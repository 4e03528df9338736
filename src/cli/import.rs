//! `cwi import`: an index kept in another tool's tables, as a spec and a data file.

use std::path::PathBuf;

use super::error::Error;
use cwi::import::workbook::Given;
use cwi::import::{Imputation, Screen, Steps, coinr, coinr_workbook};
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

/// COINr's index as a spec and a data file: from the workbook of export_to_excel(coin)
/// (--workbook), or from iData and iMeta (--idata, --imeta; CSV or Excel, as R's write.csv or
/// openxlsx writes them: NA, quoted strings, row names).
///
/// From a workbook, the steps in the spec are those whose Data.* sheets exist, each with the
/// parameters its sheets determine (the imputation that fills exactly the imputed cells, the
/// screening threshold the kept units allow, the points winsorised, the normalised range);
/// then the spec is computed and every data set of the workbook compared with cwi's stage to
/// 1e-9 (relative above 1), and the index's ranks; the first difference names the stage,
/// unit, column, both values and the likely COINr parameter, and nothing is written.
///
/// From iData and iMeta, the spec has denomination by iMeta's Denominator column, min-max
/// onto [0, 100] (Normalise's default) and weighted arithmetic means by iMeta's weights; the
/// optional steps only when given here (--screen, --impute, --treat), otherwise written as
/// commented lines to switch on. The spec says in comments which COINr step each setting
/// stands for.
#[derive(Debug, clap::Args)]
struct Coinr {
    /// The workbook of COINr's export_to_excel(coin).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["idata", "imeta"], required_unless_present_all = ["idata", "imeta"])]
    workbook: Option<PathBuf>,
    /// COINr's iData: a row per unit (uCode, uName, Time, group, denominator and indicator
    /// columns; NA for missing).
    #[arg(long, value_name = "FILE", requires = "imeta")]
    idata: Option<PathBuf>,
    /// COINr's iMeta: a row per column and aggregate (iCode, iName, Level, Direction, Weight,
    /// Unit, Target, Denominator, Parent, Type).
    #[arg(long, value_name = "FILE", requires = "idata")]
    imeta: Option<PathBuf>,
    /// Output directory for spec.toml and data.csv; created if needed.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// No summary on standard error: what the import found about the build (its notes) and
    /// problems still.
    #[arg(long)]
    quiet: bool,
    /// The year of the data, when iData has no Time column.
    #[arg(long, value_name = "YEAR")]
    year: Option<i32>,
    /// COINr Screen ran with this dat_thresh (2/3 is COINr's default): units with less than
    /// this share of the indicators' values are left out.
    #[arg(long, value_name = "SHARE")]
    screen: Option<f64>,
    /// Screen ran on the imputed data (Screen(dset = "Imputed")), not before Impute; a
    /// workbook shows this by the order of its sheets.
    #[arg(long, requires = "screen", conflicts_with = "workbook")]
    screen_after_imputation: bool,
    /// COINr Impute ran: by the indicator's mean or median (mean: i_mean, median: i_median)
    /// or its group's (group-mean: i_mean_grp, group-median: i_median_grp).
    #[arg(long, value_name = "METHOD", value_parser = ["mean", "median", "group-mean", "group-median"])]
    impute: Option<String>,
    /// The iData Group column of --impute group-mean or group-median (needed when iMeta has
    /// several).
    #[arg(long, value_name = "COLUMN", requires = "impute")]
    group: Option<String>,
    /// COINr Treat ran: winsorise up to this many points (COINr's default winmax is 5), else
    /// COINr's log.
    #[arg(long, value_name = "POINTS")]
    treat: Option<u32>,
    /// Write the spec and data from a workbook without computing them and comparing every
    /// data set with the workbook's.
    #[arg(long, requires = "workbook")]
    no_check: bool,
}

pub fn run(args: Args) -> Result<(), Error> {
    let Tool::Coinr(a) = args.tool;
    super::require(a.workbook.iter().chain(&a.idata).chain(&a.imeta))?;
    if let Some(share) = a.screen
        && !(share > 0.0 && share <= 1.0)
    {
        return Err(Error::Arguments(format!(
            "--screen {share}: a share of the indicators' values, above 0 and at most 1"
        )));
    }
    if a.group.is_some() && !a.impute.as_deref().is_some_and(|i| i.starts_with("group-")) {
        return Err(Error::Arguments(
            "--group names the group column of --impute group-mean or group-median".into(),
        ));
    }
    if a.treat == Some(0) {
        return Err(Error::Arguments(
            "--treat 0: give how many points may be winsorised (COINr's winmax, 5 by default)"
                .into(),
        ));
    }
    let impute = match a.impute.as_deref() {
        Some("group-mean") => Some(Imputation::GroupMean(a.group.clone())),
        Some("group-median") => Some(Imputation::GroupMedian(a.group.clone())),
        Some("median") => Some(Imputation::Median),
        Some(_) => Some(Imputation::Mean),
        None => None,
    };
    let (imported, checked) = match (&a.workbook, &a.idata, &a.imeta) {
        (Some(book), _, _) => {
            let given = Given {
                screen: a.screen,
                impute,
                treat: a.treat,
                year: a.year,
            };
            coinr_workbook(book, &given, !a.no_check)?
        }
        (None, Some(idata), Some(imeta)) => {
            let steps = Steps {
                screen: a.screen.map(|share| Screen {
                    share,
                    after_imputation: a.screen_after_imputation,
                }),
                impute,
                treat: a.treat,
                ..Steps::default()
            };
            (coinr(idata, imeta, a.year, &steps)?, None)
        }
        _ => unreachable!("clap requires --workbook, or --idata with --imeta"),
    };
    for note in &imported.notes {
        eprintln!("{note}");
    }
    if let Some(c) = checked.as_ref().filter(|_| !a.quiet) {
        let values: usize = c.stages.iter().map(|(_, n)| n).sum();
        let sets: Vec<String> = c.stages.iter().map(|(s, n)| format!("{s} {n}")).collect();
        eprintln!(
            "checked: {values} values of the workbook's data sets ({}) and {} ranks of the index agree with cwi's to 1e-9",
            sets.join(", "),
            c.ranks
        );
    }
    let files = vec![
        ("spec.toml".to_string(), imported.spec.into_bytes()),
        ("data.csv".to_string(), imported.data.into_bytes()),
    ];
    super::report_cleaned(&write_atomically(&a.out, &files)?);
    if a.quiet {
        return Ok(());
    }
    eprintln!(
        "wrote spec.toml and data.csv to {}; compute with: cwi compute --spec {} --data {} --out OUT",
        a.out.display(),
        a.out.join("spec.toml").display(),
        a.out.join("data.csv").display()
    );
    Ok(())
}
