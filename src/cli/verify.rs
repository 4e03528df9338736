//! `cwi verify`: a result directory checked against its manifest.

use std::path::PathBuf;
use std::process::ExitCode;

use super::error::Error;
use cwi::output::TextOrJson;
use cwi::output::verify::{Found, verify};

/// Check a result directory against its manifest.json.
///
/// Hashes again every output the manifest lists (SHA-256) and says which differ or are
/// missing; hashes the spec and data files it records, at the paths they were given with
/// (looked for from the current directory: run it where compute ran), and says which differ;
/// names the files in DIR that the manifest does not list (an analysis written into the same
/// directory, a file copied in by hand). Exits 1 when an output or an input found differs or
/// an output is missing, 0 otherwise.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A directory written by `cwi compute` or `cwi report`.
    #[arg(value_name = "DIR")]
    dir: PathBuf,
    /// Output: a line per file that is not as recorded (text), or every check (json).
    #[arg(long, value_parser = super::named::<TextOrJson>(), default_value = "text")]
    format: TextOrJson,
}

pub fn run(args: Args) -> Result<ExitCode, Error> {
    super::require([&args.dir])?;
    let v = verify(&args.dir).map_err(|e| Error::Arguments(e.to_string()))?;
    let text = match args.format {
        TextOrJson::Json => {
            serde_json::to_string_pretty(&v).expect("a verification serialises") + "\n"
        }
        TextOrJson::Text => {
            let mut out = String::new();
            for (what, checks) in [("output", &v.outputs), ("input", &v.inputs)] {
                for c in checks.iter() {
                    let line = match &c.found {
                        Found::Same => continue,
                        Found::Differs { sha256 } => format!(
                            "differs: {what} {} (its SHA-256 is now {sha256}, not the one the manifest records)",
                            c.path
                        ),
                        Found::Missing => format!("missing: {what} {}", c.path),
                        Found::NotFound => {
                            format!("not checked: {what} {} is not found here", c.path)
                        }
                        Found::NoDigest => format!(
                            "not checked: {what} {} (the manifest, of an earlier cwi, records no digest)",
                            c.path
                        ),
                    };
                    out.push_str(&line);
                    out.push('\n');
                }
            }
            for path in &v.unlisted {
                out.push_str(&format!("not in the manifest: {path}\n"));
            }
            let same = |checks: &[cwi::output::verify::FileCheck]| {
                checks.iter().filter(|c| c.found == Found::Same).count()
            };
            out.push_str(&format!(
                "{}: {} of {} outputs and {} of {} inputs as the manifest records\n",
                if v.holds() {
                    "verified"
                } else {
                    "NOT verified"
                },
                same(&v.outputs),
                v.outputs.len(),
                same(&v.inputs),
                v.inputs.len()
            ));
            out
        }
    };
    super::stdout(&text)?;
    Ok(if v.holds() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
