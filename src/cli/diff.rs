//! `cwi diff`: what a change of definition or data does to the index.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::error::Error;
use cwi::diff::{DiffFormat, View, diff, render, slope_chart};
use cwi::output::Staged;
use cwi::pipeline::Results;
use cwi::spec::Spec;

/// Compare two versions of the index: two specs on the same data, one spec on two data sets,
/// or a run against the edition that was published (--previous-edition).
///
/// Computes both as `cwi compute` does and lists, per year, region and node, the old and new
/// score and rank and their changes; a summary per node (how many regions changed rank, the
/// largest move, Spearman's correlation of old and new ranks), the nodes added or removed
/// and the regions and years only one version has (those years are not compared). The base
/// spec is a file, or REV:PATH read from git (e.g. --base-spec
/// origin/main:indicators/kz-cwi.toml; its units table and other relative files are read
/// from the working tree). The ranking table shows --node in --year. With --out DIR:
/// diff.csv, diff.json, diff.md and charts/diff-slope.svg and .png. Exit status: 0, or 1
/// with --fail-on-rank-move N when a region's rank on any node, in any year, moves by more
/// than N places or a spec or data refused; 2 when the comparison could not run (a file that
/// does not exist, a git revision git cannot show).
///
/// With --previous-edition DIR (the output directory of the published run), the spec on
/// --data is computed and every published region-year-node whose score or rank it changes
/// is listed with why (revisions.csv with --out); exit 1 with --fail-on-revision when any
/// published value is revised.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The changed (new) spec.
    #[arg(long, value_name = "FILE")]
    spec: PathBuf,
    /// The spec to compare with (default: --spec): a file, or REV:PATH from git.
    #[arg(long, value_name = "FILE|REV:PATH")]
    base_spec: Option<String>,
    /// Data files (of the new version).
    #[arg(long, value_name = "FILE", num_args = 1.., required = true)]
    data: Vec<PathBuf>,
    /// Data files of the base version (default: --data).
    #[arg(long, value_name = "FILE", num_args = 1..)]
    base_data: Vec<PathBuf>,
    /// Year of the ranking table (default: the latest year both have).
    #[arg(long)]
    year: Option<i32>,
    /// Node of the ranking table (default: the index).
    #[arg(long, value_name = "ID")]
    node: Option<String>,
    /// Language of names and headings (one of the new spec's languages; default: the first).
    #[arg(long, value_name = "LANG")]
    lang: Option<String>,
    /// Output format on standard output.
    #[arg(long, value_parser = super::named::<DiffFormat>(), default_value = "text")]
    format: DiffFormat,
    /// Also write diff.csv, diff.json, diff.md and the slope chart into DIR.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// No summary on standard error (problems and warnings still).
    #[arg(long)]
    quiet: bool,
    /// Exit 1 when a spec or the data of either version has a warning (a mistyped column,
    /// W110, whose rows are left out), before anything is written.
    #[arg(long)]
    deny_warnings: bool,
    /// Exit 1 when a rank moves by more than N places (any node, any year); larger moves are
    /// marked in the table and are warnings in --format github.
    #[arg(long, value_name = "N", conflicts_with = "previous_edition")]
    fail_on_rank_move: Option<u32>,
    /// Compare with the published edition in DIR (its manifest.json and scores.csv) instead
    /// of a base spec or data.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["base_spec", "base_data"])]
    previous_edition: Option<PathBuf>,
    /// With --previous-edition: exit 1 when any published score or rank is revised.
    #[arg(long, requires = "previous_edition")]
    fail_on_revision: bool,
}

/// The base spec: a file, or `REV:PATH` shown by git from the repository that holds `spec`
/// (the new spec), wherever cwi runs: PATH from the repository's top, or, for `./` and `../`
/// paths, from here (relative files the spec names resolved the same way).
fn base_spec(arg: &str, spec: &Path) -> Result<Spec, Error> {
    let path = Path::new(arg);
    if path.is_file() {
        return Ok(cwi::spec::load(path)?);
    }
    let Some((rev, file)) = arg
        .split_once(':')
        .filter(|(r, f)| !r.is_empty() && !f.is_empty())
    else {
        return Err(Error::Arguments(format!(
            "--base-spec {arg}: no such file (give a spec file, or REV:PATH to read it from git)"
        )));
    };
    let here = file.starts_with("./") || file.starts_with("../");
    let repository = spec
        .parent()
        .filter(|d| !here && !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .arg("-C")
            .arg(repository)
            .args(args)
            .output()
            .map_err(|e| Error::CannotRead(format!("--base-spec {arg}: cannot run git: {e}")))
    };
    let shown = git(&["show", &format!("{rev}:{file}")])?;
    if !shown.status.success() {
        return Err(Error::CannotRead(format!(
            "--base-spec {arg}: git cannot read it: {}",
            String::from_utf8_lossy(&shown.stderr).trim()
        )));
    }
    let text = String::from_utf8(shown.stdout)
        .map_err(|_| Error::Arguments(format!("--base-spec {arg}: the file is not UTF-8 text")))?;
    let resolved = if here {
        PathBuf::from(file)
    } else {
        let top = git(&["rev-parse", "--show-toplevel"])?;
        PathBuf::from(String::from_utf8_lossy(&top.stdout).trim()).join(file)
    };
    Ok(cwi::spec::parse_str(&text, &resolved)?)
}

fn files_label(files: &[PathBuf]) -> String {
    files
        .iter()
        .map(|f| f.display().to_string())
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn run(args: Args) -> Result<ExitCode, Error> {
    match inner(args) {
        Err(e @ Error::Stdout(_)) => Err(e),
        Err(e) => {
            eprintln!("error: {e}");
            Ok(ExitCode::from(e.exit_code()))
        }
        ok => ok,
    }
}

/// The data warnings of each version's run, on standard error as `compute` prints them, so
/// that rows a version leaves out are said; with --deny-warnings, any warning of the specs or
/// the data stops the command before anything is written.
fn data_warnings(args: &Args, spec_warnings: usize, runs: &[&Results]) -> Result<(), Error> {
    let mut count = spec_warnings;
    for results in runs {
        for warning in &results.panel.report.diagnostics {
            eprintln!("{warning}");
        }
        count += results.panel.report.diagnostics.len();
    }
    super::inputs::deny(args.deny_warnings, count, "the specs or the data")
}

/// The run set against the published edition.
fn against_edition(args: &Args, dir: &Path) -> Result<ExitCode, Error> {
    let previous = cwi::edition::read(dir).map_err(|e| Error::Arguments(e.to_string()))?;
    let spec = cwi::spec::load(&args.spec)?;
    for warning in &spec.warnings {
        eprintln!("{warning}");
    }
    let spec_warnings = spec.warnings.len();
    let results = cwi::pipeline::run(spec, &args.data)?;
    data_warnings(args, spec_warnings, &[&results])?;
    let rev = cwi::edition::compare(&previous, &results);
    if let Some(out) = &args.out {
        let mut staged = Staged::new(out)?;
        super::report_cleaned(staged.cleaned());
        for (name, format) in [
            ("revisions.csv", DiffFormat::Csv),
            ("revisions.json", DiffFormat::Json),
            ("revisions.md", DiffFormat::Markdown),
        ] {
            let body = cwi::diff::revisions::render(&rev, format, usize::MAX);
            staged.write(name, |o| o.write_all(body.as_bytes()))?;
        }
        let written = staged.commit()?;
        if !args.quiet {
            eprintln!("wrote {written} file(s) to {}", out.display());
        }
    }
    super::stdout(&cwi::diff::revisions::render(&rev, args.format, 30))?;
    if args.fail_on_revision && !rev.rows.is_empty() {
        eprintln!("error: {}", rev.summary());
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

fn inner(args: Args) -> Result<ExitCode, Error> {
    super::require(
        std::iter::once(&args.spec)
            .chain(&args.data)
            .chain(&args.base_data)
            .chain(&args.previous_edition),
    )?;
    if let Some(dir) = &args.previous_edition {
        return against_edition(&args, dir);
    }
    if args.base_spec.is_none() && args.base_data.is_empty() {
        return Err(Error::Usage(
            "nothing to compare: give --base-spec (another spec on the same data), --base-data (the same spec on other data) or --previous-edition (the published edition)".into(),
        ));
    }
    let new_spec = cwi::spec::load(&args.spec)?;
    let old_spec = match &args.base_spec {
        Some(b) => base_spec(b, &args.spec)?,
        None => new_spec.clone(),
    };
    for warning in old_spec.warnings.iter().chain(&new_spec.warnings) {
        eprintln!("{warning}");
    }
    let lang = new_spec.language(args.lang.as_deref())?;
    let base_data = if args.base_data.is_empty() {
        &args.data
    } else {
        &args.base_data
    };
    let (old_label, new_label) = match &args.base_spec {
        Some(b) => (b.clone(), args.spec.display().to_string()),
        None => (files_label(base_data), files_label(&args.data)),
    };
    let spec_warnings = old_spec.warnings.len() + new_spec.warnings.len();
    let old = cwi::pipeline::run(old_spec, base_data)?;
    let new = cwi::pipeline::run(new_spec, &args.data)?;
    data_warnings(&args, spec_warnings, &[&old, &new])?;
    let d = diff(&old, &new, &old_label, &new_label, &lang);
    let Some(&latest) = d.years.last() else {
        return Err(Error::Arguments(
            "the two versions share no year: nothing to compare".into(),
        ));
    };
    let year = args.year.unwrap_or(latest);
    if !d.years.contains(&year) {
        return Err(Error::Arguments(format!(
            "--year {year}: the years both versions have are {:?}",
            d.years
        )));
    }
    let node = args
        .node
        .clone()
        .unwrap_or_else(|| new.spec.framework.root().id.clone());
    if !d.summaries.iter().any(|s| s.node_id == node) {
        return Err(Error::Arguments(format!(
            "--node {node}: not a node of both versions (added: {:?}, removed: {:?})",
            d.nodes_added, d.nodes_removed
        )));
    }
    let view = View {
        node: &node,
        year,
        lang: &lang,
        threshold: args.fail_on_rank_move,
    };
    if let Some(dir) = &args.out {
        let chart = slope_chart(&d, &view)
            .render()
            .map_err(|e| Error::Arguments(e.to_string()))?;
        let mut staged = Staged::new(dir)?;
        super::report_cleaned(staged.cleaned());
        for (name, format) in [
            ("diff.csv", DiffFormat::Csv),
            ("diff.json", DiffFormat::Json),
            ("diff.md", DiffFormat::Markdown),
        ] {
            let body = render(&d, &view, format);
            staged.write(name, |out| out.write_all(body.as_bytes()))?;
        }
        staged.write("charts/diff-slope.svg", |out| {
            out.write_all(chart.svg.as_bytes())
        })?;
        staged.write("charts/diff-slope.png", |out| out.write_all(&chart.png))?;
        let written = staged.commit()?;
        if !args.quiet {
            eprintln!("wrote {written} file(s) to {}", dir.display());
        }
    }
    super::stdout(&render(&d, &view, args.format))?;
    if let Some(limit) = args.fail_on_rank_move {
        let worst = d
            .rows
            .iter()
            .filter_map(|r| r.rank_change.map(|c| (c.abs(), r)))
            .max_by_key(|(c, _)| *c);
        if let Some((moved, r)) = worst
            && moved > cwi::rank::Move::whole(i64::from(limit))
        {
            eprintln!(
                "error: {} {} moved {moved} places on {} in {} (rank {} -> {}), more than --fail-on-rank-move {limit}",
                r.region_code,
                r.region_name,
                r.node_id,
                r.year,
                r.old_rank.map_or("-".into(), |r| r.to_string()),
                r.new_rank.map_or("-".into(), |r| r.to_string())
            );
            return Ok(ExitCode::from(1));
        }
    }
    Ok(ExitCode::SUCCESS)
}
