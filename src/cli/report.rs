//! `cwi report`: charts, a self-contained HTML report and an Excel workbook for a year.

use std::path::PathBuf;

use super::error::Error;
use super::named_in;
use super::progress::Progress;
use cwi::named::Named;
use cwi::output::{Format, Staged, commit_run, language};
use cwi::report::{Context, render_charts, render_html, render_xlsx};

/// Write the yearly report: charts, one self-contained HTML file, and an Excel workbook.
///
/// Computes as `cwi compute` does (refusing on any error), then writes into DIR: report.html
/// (summary, ranking, directions, trends and rank changes, a card per region, data quality,
/// with --sensitivity how much the ranks depend on the methods, statistical coherence (the
/// audit), methodology and an appendix of the run's inputs and settings; charts inline as
/// SVG; opens without network; a print stylesheet lays it out on A4),
/// charts/*.svg and charts/*.png, report.xlsx with --formats xlsx (--formats html,xlsx for
/// both), and the outputs of compute.
/// Labels come from the spec in the chosen language.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    inputs: super::inputs::Inputs,
    /// Output directory; created if needed.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// The report's year (default: the latest in the data).
    #[arg(long, value_name = "YEAR")]
    year: Option<i32>,
    /// Node whose ranking, map, trends and rank changes are drawn (default: the index).
    #[arg(long, value_name = "ID")]
    node: Option<String>,
    /// Language of the report: one of the spec's index.languages (default: the first).
    #[arg(long, value_name = "LANG")]
    lang: Option<String>,
    /// Deprecated spelling of --formats html,xlsx (space-separated), kept for one version.
    #[arg(long, value_parser = named_in(REPORT_FILES), num_args = 1.., hide = true)]
    format: Vec<Format>,
    /// Also estimate how much the ranks depend on the methods: variance-based sensitivity
    /// indices from N base samples (the spec's [uncertainty] choices and seed), shown in the
    /// report and written to sensitivity/indices.csv.
    #[arg(long, value_name = "N")]
    sensitivity: Option<usize>,
    #[command(flatten)]
    scores: super::ScoreTable,
    /// No progress bar.
    #[arg(long)]
    quiet: bool,
}

/// The report's own files: report.html with its charts, and report.xlsx.
const REPORT_FILES: &[Format] = &[Format::Html, Format::Xlsx];

pub fn run(args: Args) -> Result<(), Error> {
    args.scores.check(true)?;
    // The report's files: --formats html,xlsx, or the old --format html xlsx (warned), or
    // html alone.
    let mut wanted: Vec<Format> = args.scores.report_files();
    if !args.format.is_empty() {
        let names: Vec<&str> = args.format.iter().map(Named::name).collect();
        eprintln!(
            "warning: --format {} is deprecated and goes in the next version: write --formats {} (--format will mean what goes to standard output, as in validate and diff)",
            names.join(" "),
            names.join(",")
        );
        wanted.extend(args.format.iter().copied());
    }
    if wanted.is_empty() {
        wanted.push(Format::Html);
    }
    let previous = args.scores.previous()?;
    let progress = Progress::new(args.quiet, 4);
    progress.step("reading the spec");
    let spec = args.inputs.spec()?;
    // A language the spec has no labels in is refused before any data are read.
    spec.language(args.lang.as_deref())?;
    // The directory is locked for the whole run, from before the data are read to the commit.
    let mut staged = Staged::new(&args.out)?;
    super::report_cleaned(staged.cleaned());
    progress.step("loading and computing");
    let results = args.inputs.compute_year(spec, args.year)?;
    let lang = language(&results, args.lang.as_deref())?;
    let ctx = Context::new(&results, &lang, args.year, args.node.as_deref())?;
    let manifest = args.scores.stage(&mut staged, &results, &lang)?;
    let edition = args
        .scores
        .revisions(previous.as_ref(), &mut staged, &results)?;
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let sensitivity = match args.sensitivity {
        None => None,
        Some(n) => {
            progress.step("sensitivity of the ranks");
            let mut settings = results.spec.uncertainty.clone();
            settings.samples = n;
            cwi::uncertainty::check_settings(&settings)?;
            let s = cwi::uncertainty::sensitivity(&results, &settings, &|| {})?;
            files.extend(cwi::output::analysis::sensitivity_files(
                &s,
                &[cwi::output::Format::Csv],
            )?);
            Some(s)
        }
    };
    if wanted.contains(&Format::Html) {
        progress.step("drawing the charts");
        let charts = render_charts(&ctx)?;
        let warnings = results.panel.report.warnings();
        let audit = cwi::audit::audit(&results);
        files.push((
            "report.html".into(),
            render_html(
                &ctx,
                &charts,
                &audit,
                &manifest,
                &warnings,
                edition.as_ref().map(|e| &e.0),
                sensitivity.as_ref(),
            )
            .into_bytes(),
        ));
        for (name, chart) in charts {
            files.push((format!("charts/{name}.svg"), chart.svg.into_bytes()));
            files.push((format!("charts/{name}.png"), chart.png));
        }
    }
    if wanted.contains(&Format::Xlsx) {
        progress.step("writing the workbook");
        files.push(("report.xlsx".into(), render_xlsx(&ctx, &manifest)?));
    }
    for (name, bytes) in &files {
        staged.write(name, |out| out.write_all(bytes))?;
    }
    let written = commit_run(staged, &results, &lang, edition.as_ref().map(|e| &e.1))?;
    progress.finish();
    if !args.quiet {
        eprintln!(
            "wrote {} file(s) to {} ({}, {})",
            written,
            args.out.display(),
            lang,
            ctx.year_value()
        );
    }
    Ok(())
}
