//! The inputs every computing command takes: a spec and data files.

use std::path::{Path, PathBuf};

use super::error::Error;
use cwi::pipeline::Results;
use cwi::spec::{self, DecimalMark, FileReading, Spec, TextEncoding};

#[derive(Debug, clap::Args)]
pub struct Inputs {
    /// The indicator spec (TOML).
    #[arg(long, value_name = "FILE")]
    pub spec: PathBuf,
    /// Data files, merged into one panel: CSV (.csv, .tsv), Parquet (.parquet) or Excel (.xlsx),
    /// in long format (region, year, indicator, value) or wide (region, year, one column per
    /// indicator).
    #[arg(long, value_name = "FILE", num_args = 1.., required = true)]
    pub data: Vec<PathBuf>,
    /// When the spec declares boundary changes: report the series on today's regions
    /// (current) or on the regions before the changes (historical).
    #[arg(long, value_parser = super::named::<cwi::boundaries::Boundaries>(), default_value = "current")]
    pub boundaries: cwi::boundaries::Boundaries,
    #[command(flatten)]
    pub readings: Readings,
    /// Treat warnings of the spec or the data (an indicator left out for a mistyped header,
    /// W110/W111, among them) as problems: stop with exit status 1 before writing anything.
    #[arg(long)]
    pub deny_warnings: bool,
}

/// How particular data files are read, over the spec's `[data]` and `[[data.file]]`: FILE is
/// the file's name or the end of its path, as given to --data.
#[derive(Debug, Clone, clap::Args)]
pub struct Readings {
    /// A data file's decimal mark: FILE=. or FILE=, (FILE=auto to have it detected);
    /// repeatable, one per file.
    #[arg(long = "decimal", value_name = "FILE=MARK")]
    decimal: Vec<String>,
    /// A text file's separator: FILE=, or FILE=";" or FILE=tab; repeatable.
    #[arg(long = "separator", value_name = "FILE=SEP")]
    separator: Vec<String>,
    /// A text file's encoding: FILE=utf-8 or FILE=windows-1251 (or auto); repeatable.
    #[arg(long = "encoding", value_name = "FILE=ENCODING")]
    encoding: Vec<String>,
}

impl Readings {
    /// The declarations, one per option given, in the order of the options' kinds.
    pub fn declarations(&self) -> Result<Vec<FileReading>, Error> {
        let mut out = Vec::new();
        let split = |flag: &str, given: &str| -> Result<(String, String), Error> {
            given
                .rsplit_once('=')
                .filter(|(file, _)| !file.is_empty())
                .map(|(file, value)| (file.to_string(), value.to_string()))
                .ok_or_else(|| {
                    Error::Arguments(format!(
                        "--{flag} {given}: give the file and the value as FILE=VALUE, e.g. --{flag} regions.csv=..."
                    ))
                })
        };
        let unknown = |flag: &str, given: &str, allowed: &str| {
            Error::Arguments(format!("--{flag} {given}: the value must be {allowed}"))
        };
        let empty = |name: String| FileReading {
            name,
            decimal: None,
            separator: None,
            encoding: None,
            sheet: None,
        };
        for given in &self.decimal {
            let (file, value) = split("decimal", given)?;
            let mark = DecimalMark::from_spelling(&value)
                .ok_or_else(|| unknown("decimal", given, "., , or auto"))?;
            out.push(FileReading {
                decimal: Some(mark),
                ..empty(file)
            });
        }
        for given in &self.separator {
            let (file, value) = split("separator", given)?;
            let sep = spec::separator_from_spelling(&value)
                .ok_or_else(|| unknown("separator", given, ", ; or tab"))?;
            out.push(FileReading {
                separator: Some(sep),
                ..empty(file)
            });
        }
        for given in &self.encoding {
            let (file, value) = split("encoding", given)?;
            let encoding = TextEncoding::from_spelling(&value)
                .ok_or_else(|| unknown("encoding", given, "utf-8, windows-1251 or auto"))?;
            out.push(FileReading {
                encoding: Some(encoding),
                ..empty(file)
            });
        }
        Ok(out)
    }
}

impl Inputs {
    /// The validated spec; its warnings go to stderr. A spec or data file that does not
    /// exist stops the command first (exit status 2).
    pub fn spec(&self) -> Result<Spec, Error> {
        for path in std::iter::once(&self.spec).chain(&self.data) {
            if !path.exists() {
                return Err(Error::Missing(path.clone()));
            }
        }
        let mut spec = spec::load(&self.spec)?;
        for reading in self.readings.declarations()? {
            spec.data.declare(reading);
        }
        cwi::timing::mark("spec");
        for warning in &spec.warnings {
            eprintln!("{warning}");
        }
        self.deny(spec.warnings.len(), "the spec")?;
        Ok(spec)
    }

    /// With --deny-warnings, `count` warnings of `what` (printed above) stop the command.
    fn deny(&self, count: usize, what: &str) -> Result<(), Error> {
        deny(self.deny_warnings, count, what)
    }

    /// Loads the data for `spec` and computes; data warnings go to stderr.
    pub fn compute(&self, spec: Spec) -> Result<Results, Error> {
        self.compute_year(spec, None)
    }

    /// Loads the data for `spec`, refuses a `year` the data do not have before anything is
    /// computed or warned about, then computes; data warnings go to stderr.
    pub fn compute_year(&self, spec: Spec, year: Option<i32>) -> Result<Results, Error> {
        let panel = cwi::load::load(&spec, &self.data)?;
        if year.is_some() {
            cwi::report::year_position(&panel, year)?;
        }
        let results = cwi::pipeline::compute_on(spec, panel, self.boundaries)?;
        for warning in &results.panel.report.diagnostics {
            eprintln!("{warning}");
        }
        self.deny(results.panel.report.diagnostics.len(), "the data")?;
        Ok(results)
    }

    /// These options as a shard records them (paths absolute), and the SHA-256 of the spec
    /// and of every data file the results read.
    pub fn record(&self, results: &Results) -> (Vec<(String, String)>, Vec<(String, String)>) {
        (self.options(), self.files(results))
    }

    /// These options as a shard records them, each as (option, value), paths absolute.
    pub fn options(&self) -> Vec<(String, String)> {
        use super::shard_file::absolute;
        use cwi::named::Named;
        let mut options = vec![("--spec".to_string(), absolute(&self.spec))];
        options.extend(
            self.data
                .iter()
                .map(|d| ("--data".to_string(), absolute(d))),
        );
        options.push(("--boundaries".into(), self.boundaries.name().to_string()));
        for (name, values) in [
            ("--decimal", &self.readings.decimal),
            ("--separator", &self.readings.separator),
            ("--encoding", &self.readings.encoding),
        ] {
            options.extend(values.iter().map(|v| (name.to_string(), v.clone())));
        }
        options
    }

    /// The SHA-256 of the spec and of every data file the results read, by absolute path.
    pub fn files(&self, results: &Results) -> Vec<(String, String)> {
        use super::shard_file::absolute;
        let mut files = vec![(absolute(&self.spec), results.spec.sha256.clone())];
        files.extend(
            results
                .panel
                .report
                .files
                .iter()
                .map(|f| (absolute(Path::new(&f.path)), f.sha256.clone())),
        );
        files
    }

    /// The spec, then the results.
    pub fn results(&self) -> Result<Results, Error> {
        let spec = self.spec()?;
        self.compute(spec)
    }
}

/// With `--deny-warnings` (`deny_warnings`), `count` warnings of `what`, printed before, stop
/// the command before anything is written.
pub fn deny(deny_warnings: bool, count: usize, what: &str) -> Result<(), Error> {
    if deny_warnings && count > 0 {
        return Err(Error::Arguments(format!(
            "{count} warning(s) in {what} and --deny-warnings: nothing was written"
        )));
    }
    Ok(())
}
