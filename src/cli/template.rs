//! `cwi template`: Excel workbooks for collecting a year's data, generated from the spec.

use std::path::PathBuf;

use super::error::Error;
use cwi::output::Staged;
use cwi::template::{By, Request, templates};

/// Generate Excel workbooks for collecting a year's data from regions or agencies.
///
/// One workbook per region (or, with --by agency, per indicator source): an instructions
/// sheet, then a row per indicator to report with its id, name, unit, source, definition,
/// valid range and last year's value (with --data), a cell for the value (Excel data
/// validation from the indicator's valid range) and, for survey indicators (survey = true),
/// cells for the standard error and the sample size. Everything but those cells is
/// protected. A returned workbook is read by `cwi compute` and `cwi validate` as it is, like
/// any data file; one whose structure was edited, or made from another spec version, is
/// refused at its sheet and cell (E118), and text typed into a value cell at its cell (E103).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The indicator spec (TOML).
    #[arg(long, value_name = "FILE")]
    spec: PathBuf,
    /// Output directory; created if needed. Workbooks are named by region code (KZ-10.xlsx)
    /// or by agency.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// The year the data are collected for.
    #[arg(long)]
    year: i32,
    /// Language of the templates' texts and names (one of the spec's index.languages;
    /// default: the first).
    #[arg(long, value_name = "LANG")]
    lang: Option<String>,
    /// No summary on stderr (warnings and errors still go there).
    #[arg(long)]
    quiet: bool,
    /// Data of earlier years (any data files cwi reads): each row shows its value of the year
    /// before --year. Needed when the spec takes its units from the data.
    #[arg(long, value_name = "FILE", num_args = 1..)]
    data: Vec<PathBuf>,
    /// Regions to make templates for, by code or name, separated by commas (default: all).
    #[arg(long, value_name = "REGION", value_delimiter = ',')]
    regions: Vec<String>,
    /// One workbook per region or per agency.
    #[arg(long, value_parser = super::named::<By>(), default_value = "region")]
    by: By,
}

pub fn run(args: Args) -> Result<(), Error> {
    super::require(std::iter::once(&args.spec).chain(&args.data))?;
    let spec = cwi::spec::load(&args.spec)?;
    for warning in &spec.warnings {
        eprintln!("{warning}");
    }
    let previous = if args.data.is_empty() {
        None
    } else {
        let panel = cwi::load::load(&spec, &args.data)?;
        for warning in &panel.report.diagnostics {
            eprintln!("{warning}");
        }
        Some(panel)
    };
    let lang = spec.language(args.lang.as_deref())?;
    let made = templates(&Request {
        spec: &spec,
        year: args.year,
        lang: &lang,
        by: args.by,
        previous: previous.as_ref(),
        regions: args.regions.clone(),
    })?;
    let mut staged = Staged::new(&args.out)?;
    super::report_cleaned(staged.cleaned());
    let rows: usize = made.iter().map(|t| t.rows).sum();
    for t in &made {
        staged.write(&t.file_name, |out| out.write_all(&t.bytes))?;
    }
    let written = staged.commit()?;
    if !args.quiet {
        eprintln!(
            "wrote {written} template(s) for {} to {}: {rows} rows to fill",
            args.year,
            args.out.display()
        );
    }
    Ok(())
}
