//! `cwi compute`: scores and ranks for every region, year and node of the framework.

use std::path::PathBuf;

use super::error::Error;
use cwi::output::{Staged, commit_run, language};

/// Compute scores and ranks for every region, year and node of the framework.
///
/// Checks the spec and data as `cwi validate` does and refuses on any error; then loads the
/// data files (CSV, Parquet or Excel, long or wide), imputes, treats outliers, normalises, weights
/// and aggregates them as
/// the spec says, and writes into DIR the score table (scores.csv and scores.json by default,
/// or scores.parquet alone for a panel of more than 1,000,000 score rows; see --formats) and
/// manifest.json, which lists every output with its SHA-256 (`cwi verify DIR` checks them).
/// Files are replaced only when every output was rendered and written, the manifest last; on
/// an error the directory is left as it was. The files of the previous run in DIR that this
/// run does not write again (another --formats, say) are removed, so DIR holds one run.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    inputs: super::inputs::Inputs,
    /// Output directory; created if needed.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Language of region and node names in the outputs (one of the spec's index.languages;
    /// default: the first).
    #[arg(long, value_name = "LANG")]
    lang: Option<String>,
    /// No summary on stderr (warnings and errors still go there).
    #[arg(long)]
    quiet: bool,
    #[command(flatten)]
    scores: super::ScoreTable,
}

pub fn run(args: Args) -> Result<(), Error> {
    args.scores.check(false)?;
    let previous = args.scores.previous()?;
    // The directory is locked for the whole run, from before the data are read to the commit.
    let mut staged = Staged::new(&args.out)?;
    super::report_cleaned(staged.cleaned());
    let results = args.inputs.results()?;
    let lang = language(&results, args.lang.as_deref())?;
    args.scores.stage(&mut staged, &results, &lang)?;
    let edition = args
        .scores
        .revisions(previous.as_ref(), &mut staged, &results)?;
    let written = commit_run(staged, &results, &lang, edition.as_ref().map(|e| &e.1))?;
    cwi::timing::mark("commit");
    if !args.quiet {
        eprintln!(
            "wrote {} file(s) to {}: {} regions, years {:?}, {} nodes",
            written,
            args.out.display(),
            results.panel.units.len(),
            results.panel.years,
            results.spec.framework.nodes.len()
        );
    }
    Ok(())
}
