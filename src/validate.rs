//! Validation: every problem of specs and, when given, of data files checked against them, in
//! one pass, rendered for people (`human`), tools (`json`) or GitHub pull requests (`github`).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::{load, spec};

/// Why validation could not run at all (exit status 2).
#[derive(Debug, thiserror::Error)]
pub enum ValidateError {
    #[error("{}: no such file or directory", .0.display())]
    Missing(PathBuf),
    #[error("{}: the directory has no *.toml spec", .0.display())]
    NoSpecs(PathBuf),
    #[error("{}: cannot list the directory: {source}", path.display())]
    List {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The spec files named by `paths`: files as given, directories as their `*.toml` (sorted).
pub fn spec_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, ValidateError> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut specs: Vec<PathBuf> = std::fs::read_dir(path)
                .map_err(|source| ValidateError::List {
                    path: path.clone(),
                    source,
                })?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "toml"))
                .collect();
            if specs.is_empty() {
                return Err(ValidateError::NoSpecs(path.clone()));
            }
            specs.sort();
            out.extend(specs);
        } else if path.exists() {
            out.push(path.clone());
        } else {
            return Err(ValidateError::Missing(path.clone()));
        }
    }
    Ok(out)
}

/// What `validate` found: every problem, and notes on what was paired and allowed.
#[derive(Debug, Default)]
pub struct Validation {
    pub diagnostics: Vec<Diagnostic>,
    /// Which specs each data file was checked against, and the warnings specs allow.
    pub notes: Vec<String>,
}

/// Checks each spec, and the data against the valid specs they belong to.
///
/// With one valid spec every data file is checked against it. With several, a file is checked
/// against the specs whose indicators it holds (`load::holds_data_of`), all its files
/// together, and each data problem names the spec; a file holding none of them is an error
/// (E123), since it was checked against nothing.
///
/// `readings`: how particular data files are read, declared on the command line; they come
/// after each spec's own `[[data.file]]` declarations.
pub fn validate(specs: &[PathBuf], data: &[PathBuf], readings: &[spec::FileReading]) -> Validation {
    let mut out = Validation::default();
    let mut loaded = Vec::new();
    for path in specs {
        match spec::load(path) {
            Ok(mut spec) => {
                for r in readings {
                    spec.data.declare(r.clone());
                }
                out.diagnostics.extend(spec.warnings.iter().cloned());
                for (node, code) in &spec.allowed {
                    out.notes.push(format!(
                        "{}: {code} allowed at \"{node}\" (the node's allow)",
                        path.display()
                    ));
                }
                loaded.push(spec);
            }
            Err(e) => out.diagnostics.extend(e.diagnostics()),
        }
    }
    if data.is_empty() || loaded.is_empty() {
        return out;
    }
    let several = loaded.len() > 1;
    let mut files_of: Vec<Vec<&PathBuf>> = vec![Vec::new(); loaded.len()];
    for file in data {
        let owners: Vec<usize> = (0..loaded.len())
            .filter(|&k| !several || load::holds_data_of(&loaded[k], file))
            .collect();
        if owners.is_empty() {
            out.diagnostics.push(
                Diagnostic::new(
                    Code::NoSpecForData,
                    file.display().to_string(),
                    "holds the indicators of none of the specs given, so it was checked against none",
                )
                .hint("check its indicator names (or columns) against its spec's ids, or validate it with its spec alone: cwi validate SPEC --data FILE"),
            );
        } else if several {
            let names: Vec<String> = owners
                .iter()
                .map(|&k| loaded[k].path.display().to_string())
                .collect();
            out.notes.push(format!(
                "{}: checked against {} (the specs whose indicators it holds)",
                file.display(),
                names.join(", ")
            ));
        }
        for k in owners {
            files_of[k].push(file);
        }
    }
    for (spec, files) in loaded.iter().zip(&files_of) {
        if files.is_empty() {
            continue;
        }
        let name = spec.path.display().to_string();
        out.diagnostics
            .extend(load::check(spec, files).1.into_iter().map(|mut d| {
                if several {
                    d.spec = Some(name.clone());
                }
                d
            }));
    }
    out
}

/// How diagnostics are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// For people: each problem with the offending line quoted and underlined.
    Text,
    /// JSON Lines: one object per problem (severity, code, file, line, column, row, field,
    /// message, hint), for tools.
    Json,
    /// GitHub Actions workflow commands (`::error file=...,line=...::`), shown inline on pull
    /// requests.
    Github,
}

impl crate::named::Named for Format {
    const ALL: &'static [Self] = &[Format::Text, Format::Json, Format::Github];

    fn name(&self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Github => "github",
        }
    }

    /// `human`, the name of `text` before every command's plain output was called text.
    fn deprecated(word: &str) -> Option<(Self, &'static str)> {
        (word == "human").then_some((Format::Text, "text"))
    }

    fn about(&self) -> &'static str {
        match self {
            Format::Text => {
                "For people: each problem with the offending line quoted and underlined"
            }
            Format::Json => {
                "JSON Lines: one object per problem (severity, code, file, line, column, row, field, message, hint), for tools"
            }
            Format::Github => {
                "GitHub Actions workflow commands (`::error file=...,line=...::`), shown inline on pull requests"
            }
        }
    }
}

pub fn render(diagnostics: &[Diagnostic], format: Format) -> String {
    match format {
        Format::Text => human(diagnostics),
        Format::Json => diagnostics
            .iter()
            .map(|d| serde_json::to_string(d).expect("a diagnostic serialises") + "\n")
            .collect(),
        Format::Github => diagnostics.iter().map(github).collect(),
    }
}

fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// Human output, in the manner of compiler messages.
fn human(diagnostics: &[Diagnostic]) -> String {
    let mut sources: HashMap<String, Option<String>> = HashMap::new();
    let mut out = String::new();
    for d in diagnostics {
        let _ = writeln!(
            out,
            "{}[{}]: {}",
            severity_word(d.severity),
            d.code,
            d.message
        );
        let _ = writeln!(out, "  --> {}", d.place());
        if let Some(spec) = &d.spec {
            let _ = writeln!(out, "  = checked against {spec}");
        }
        let source = sources
            .entry(d.file.clone())
            .or_insert_with(|| quotable(&d.file));
        if let (Some(text), Some(line)) = (source.as_deref(), d.line)
            && let Some(quoted) = text.lines().nth(line - 1)
        {
            let quoted = quoted.trim_end_matches('\r');
            let number = line.to_string();
            let pad = " ".repeat(number.len());
            let (start, len) = underline(quoted, d.column);
            let _ = writeln!(out, "{pad} |");
            let _ = writeln!(out, "{number} | {quoted}");
            let _ = writeln!(
                out,
                "{pad} | {}{}",
                " ".repeat(start),
                "^".repeat(len.max(1))
            );
        }
        if !d.hint.is_empty() {
            let _ = writeln!(out, "  = hint: {}", d.hint);
        }
        out.push('\n');
    }
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    let _ = writeln!(out, "{errors} error(s), {warnings} warning(s)");
    out
}

/// The text of a file whose lines can be quoted (text formats only, up to 16 MB).
fn quotable(file: &str) -> Option<String> {
    let path = Path::new(file);
    let ext = path.extension()?.to_str()?.to_lowercase();
    if !matches!(ext.as_str(), "toml" | "csv" | "tsv" | "txt") {
        return None;
    }
    if std::fs::metadata(path).ok()?.len() > 16 << 20 {
        return None;
    }
    Some(String::from_utf8_lossy(&std::fs::read(path).ok()?).into_owned())
}

/// Where to underline in a quoted line: from the column (in characters) to the end of the
/// token there (a quoted string, or up to a space, comma or bracket); the whole line without one.
fn underline(line: &str, column: Option<usize>) -> (usize, usize) {
    let chars: Vec<char> = line.chars().collect();
    let Some(col) = column
        .map(|c| c.saturating_sub(1))
        .filter(|&c| c < chars.len())
    else {
        let lead = chars.iter().take_while(|c| c.is_whitespace()).count();
        return (lead, chars.len().saturating_sub(lead));
    };
    let len = if chars[col] == '"' {
        chars[col + 1..]
            .iter()
            .position(|&c| c == '"')
            .map_or(chars.len() - col, |p| p + 2)
    } else {
        chars[col..]
            .iter()
            .position(|c| c.is_whitespace() || matches!(c, ',' | '}' | ']' | '='))
            .unwrap_or(chars.len() - col)
    };
    (col, len)
}

/// One GitHub Actions workflow command (escaping as the runner expects).
fn github(d: &Diagnostic) -> String {
    let property = |s: &str| {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
            .replace(':', "%3A")
            .replace(',', "%2C")
    };
    let data = |s: &str| {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    };
    let mut props = vec![format!("file={}", property(&d.file))];
    if let Some(line) = d.line {
        props.push(format!("line={line}"));
    }
    if let Some(col) = d.column {
        props.push(format!("col={col}"));
    }
    props.push(format!("title={}", property(d.code.as_str())));
    let mut message = d.message.clone();
    if let Some(row) = d.row {
        message = format!("row {row}: {message}");
    }
    if let Some(spec) = &d.spec {
        message = format!("{message} (checked against {spec})");
    }
    if !d.hint.is_empty() {
        message = format!("{message}\nhint: {}", d.hint);
    }
    format!(
        "::{} {}::{}\n",
        severity_word(d.severity),
        props.join(","),
        data(&message)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Code;

    #[test]
    fn underline_covers_the_token_at_the_column() {
        let line = "normalisation = { method = \"minmax\" }";
        // column 28 is the opening quote of "minmax"
        assert_eq!(underline(line, Some(28)), (27, 8));
        assert_eq!(underline("weight = -3", Some(10)), (9, 2));
        assert_eq!(underline("  R1,2024,x", None), (2, 9));
    }

    #[test]
    fn github_commands_escape_properties_and_data() {
        let d = Diagnostic::new(Code::BadWeight, "a,b.toml", "50% off\nline").at(3, 7);
        assert_eq!(
            github(&d),
            "::error file=a%2Cb.toml,line=3,col=7,title=E008::50%25 off%0Aline\n"
        );
    }
}
