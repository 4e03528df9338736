//! `cwi check`: the submission checks of a year's collection, per region.

use std::path::PathBuf;
use std::process::ExitCode;

use cwi::diagnostic::Code;
use cwi::output::Staged;
use cwi::output::TextOrJson;
use cwi::submission::{check, region_csv, render_text};

/// Check a year's submissions per region: what is missing, which values to confirm.
///
/// Lists, per region, what is still missing in a year and which values changed more than
/// the spec allows against the previous year. Reads the data as `cwi compute` does
/// (returned collection templates among them; a year with too few regions to normalise, E113,
/// and low coverage, W112, are expected while data come in and do not stop the check) and
/// checks every region the spec knows (every region that exists that year, after boundary
/// changes), whether it sent anything or not. A value whose change against the previous year
/// is more than max_change of the previous value (per indicator, or [validation] max_change)
/// is listed to confirm. With --out DIR: one CSV per region with something to report
/// (DIR/<code>.csv, headings in --lang), to send to each office, and DIR/check.json.
/// Exit status: 0 complete, 1 values missing or data errors (or, with --deny-warnings,
/// changes to confirm), 2 the check could not run (a file given that does not exist).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The indicator spec (TOML).
    #[arg(long, value_name = "FILE")]
    spec: PathBuf,
    /// Data files received so far (and earlier years', for the changes).
    #[arg(long, value_name = "FILE", num_args = 1.., required = true)]
    data: Vec<PathBuf>,
    /// The year to check (default: the latest in the data).
    #[arg(long)]
    year: Option<i32>,
    /// Language of names and headings (one of the spec's index.languages; default: the first).
    #[arg(long, value_name = "LANG")]
    lang: Option<String>,
    /// Output format on standard output.
    #[arg(long, value_parser = super::named::<TextOrJson>(), default_value = "text")]
    format: TextOrJson,
    /// Also write one CSV per region with something to report, and check.json, into DIR.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Exit 1 when values are to be confirmed, too.
    #[arg(long)]
    deny_warnings: bool,
    /// No summary on standard error (problems and warnings still).
    #[arg(long)]
    quiet: bool,
}

pub fn run(args: Args) -> Result<ExitCode, super::error::Error> {
    match inner(args) {
        Err(e @ super::error::Error::Stdout(_)) => Err(e),
        Err(e) => {
            eprintln!("error: {e}");
            Ok(ExitCode::from(e.exit_code()))
        }
        ok => ok,
    }
}

fn inner(args: Args) -> Result<ExitCode, super::error::Error> {
    super::require(std::iter::once(&args.spec).chain(&args.data))?;
    let spec = cwi::spec::load(&args.spec)?;
    for warning in &spec.warnings {
        eprintln!("{warning}");
    }
    let lang = spec.language(args.lang.as_deref())?;
    let (panel, diagnostics) = cwi::load::check(&spec, &args.data);
    // While the data come in, a year with few regions and low coverage are expected: they are
    // what this check lists, region by region, and no reason to stop it.
    let diagnostics: Vec<_> = diagnostics
        .into_iter()
        .filter(|d| !matches!(d.code, Code::TooFewUnits | Code::LowCoverage))
        .collect();
    if !diagnostics.is_empty() {
        eprint!(
            "{}",
            cwi::validate::render(&diagnostics, cwi::validate::Format::Text)
        );
    }
    let panel = match panel {
        Some(p) if !diagnostics.iter().any(|d| d.is_error()) => p,
        _ => {
            eprintln!("error: the data have errors (above): fix them, then check again");
            return Ok(ExitCode::from(1));
        }
    };
    let Some(year) = args.year.or_else(|| panel.years.last().copied()) else {
        eprintln!("error: the data have no year");
        return Ok(ExitCode::from(1));
    };
    let result = check(&spec, &panel, year, &lang);
    let text = match args.format {
        TextOrJson::Text => render_text(&result, &lang),
        TextOrJson::Json => {
            serde_json::to_string_pretty(&result).expect("a check serialises") + "\n"
        }
    };
    if let Some(dir) = &args.out {
        let mut staged = Staged::new(dir)?;
        super::report_cleaned(staged.cleaned());
        for r in &result.regions {
            if r.missing.is_empty() && r.jumps.is_empty() {
                continue;
            }
            let body = region_csv(r, &lang);
            staged.write(
                &format!("{}.csv", cwi::template::file_stem(&r.code)),
                |out| out.write_all(body.as_bytes()),
            )?;
        }
        let json = serde_json::to_string_pretty(&result).expect("a check serialises") + "\n";
        staged.write("check.json", |out| out.write_all(json.as_bytes()))?;
        let written = staged.commit()?;
        if !args.quiet {
            eprintln!("wrote {written} file(s) to {}", dir.display());
        }
    }
    super::stdout(&text)?;
    Ok(
        if result.missing() > 0 || (args.deny_warnings && result.jumps() > 0) {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        },
    )
}
