//! Importing an index kept in another tool's tables. COINr (the JRC's R package) keeps an
//! index as two tables: `iData`, a row per unit (`uCode`, `uName`, group columns, `Time`,
//! denominator and indicator columns, `NA` for missing), and `iMeta`, a row per column and
//! aggregate (`iCode`, `iName`, `Level`, `Direction`, `Weight`, `Unit`, `Target`,
//! `Denominator`, `Parent`, `Type`). `coinr` writes a spec and a data file from them such that
//! `cwi compute` reproduces COINr's build: denomination, normalisation and aggregation as
//! iMeta implies them, and only the optional steps (screening, imputation, treatment) it is
//! told of; the others are written as commented lines to switch on, never as invented
//! defaults. Tables as R writes them are read as they are: `NA` for a missing cell, quoted
//! strings, and `write.csv`'s unnamed first column of row names.
//!
//! `coinr_workbook` reads the workbook of COINr's `export_to_excel(coin)` instead: the steps
//! and their parameters from its sheets (`workbook`), and every data set checked against the
//! spec computed by cwi's engine (`check`).

pub mod check;
pub mod workbook;

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::Path;

use crate::diagnostic::{Code, Diagnostic, list};
use crate::load::{Sheet, read_sheet};

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{}", list("the import", problems, 50))]
    Invalid { problems: Vec<Diagnostic> },
}

/// The steps of a COINr build, as the user says they ran or as the workbook shows them.
#[derive(Debug, Clone, PartialEq)]
pub struct Steps {
    /// COINr `Denominate`: each indicator divided by its iMeta Denominator (iData/iMeta alone
    /// imply it; a workbook without a `Data.Denominated` sheet did not run it).
    pub denominate: bool,
    /// COINr `Screen` by missing values.
    pub screen: Option<Screen>,
    /// COINr `Impute`.
    pub impute: Option<Imputation>,
    /// COINr `Treat`: winsorise up to this many points, else COINr's log.
    pub treat: Option<u32>,
    /// COINr `Normalise` with `n_minmax`: the range, [0, 100] by default.
    pub range: (f64, f64),
}

impl Default for Steps {
    /// What iData and iMeta alone imply: denomination, min-max onto [0, 100], arithmetic
    /// means; none of the optional steps.
    fn default() -> Self {
        Steps {
            denominate: true,
            screen: None,
            impute: None,
            treat: None,
            range: (0.0, 100.0),
        }
    }
}

/// COINr `Screen(unit_screen = "byNA")`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Screen {
    /// `dat_thresh`: a unit with less than this share of the indicators' values is left out
    /// (in (0, 1]).
    pub share: f64,
    /// Whether it screened the imputed data (`Screen(dset = "Imputed")`).
    pub after_imputation: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Imputation {
    /// `i_mean`: the indicator's mean over the units.
    Mean,
    /// `i_median`: the indicator's median over the units.
    Median,
    /// `i_mean_grp`: the mean over the units of the same group, in the named iData Group
    /// column (`None`: the one Group column iMeta has).
    GroupMean(Option<String>),
    /// `i_median_grp`: the median over the units of the same group.
    GroupMedian(Option<String>),
}

impl Imputation {
    /// The group column it names, for the imputations by group.
    fn group(&self) -> Option<&Option<String>> {
        match self {
            Imputation::GroupMean(g) | Imputation::GroupMedian(g) => Some(g),
            _ => None,
        }
    }

    /// COINr's name of the function.
    pub fn coinr(&self) -> &'static str {
        match self {
            Imputation::Mean => "i_mean",
            Imputation::Median => "i_median",
            Imputation::GroupMean(_) => "i_mean_grp",
            Imputation::GroupMedian(_) => "i_median_grp",
        }
    }
}

/// Reads the workbook of COINr's `export_to_excel(coin)` into a spec and a data file, with
/// the steps its `Data.*` sheets show and their parameters as its sheets determine them (or
/// as `given`); with `check`, computes the spec and compares every data set of the workbook.
pub fn coinr_workbook(
    path: &Path,
    given: &workbook::Given,
    check: bool,
) -> Result<(Imported, Option<check::Checked>), ImportError> {
    let read = workbook::read(path, given)?;
    let checked = if check {
        Some(check::check(
            &path.display().to_string(),
            &read.imported.spec,
            &read.imported.data,
            &read.stages,
        )?)
    } else {
        None
    };
    Ok((read.imported, checked))
}

/// The spec and the data file written from COINr's tables.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    pub spec: String,
    pub data: String,
    /// How each step's parameters were found (a workbook's sheets), for the user to read.
    pub notes: Vec<String>,
}

/// One iMeta row.
struct Meta {
    code: String,
    name: String,
    level: i64,
    direction: i64,
    weight: f64,
    unit: String,
    denominator: Option<String>,
    parent: Option<String>,
    kind: String,
    line: Option<usize>,
}

/// Reads COINr's iData and iMeta (CSV or Excel) into a spec and a wide data file. `year` is
/// the year of every row when iData has no `Time` column.
pub fn coinr(
    idata: &Path,
    imeta: &Path,
    year: Option<i32>,
    steps: &Steps,
) -> Result<Imported, ImportError> {
    let one = |d: Diagnostic| ImportError::Invalid { problems: vec![d] };
    let meta_sheet = read_sheet(imeta).map_err(one)?;
    let data_sheet = read_sheet(idata).map_err(one)?;
    build(
        (&imeta.display().to_string(), &meta_sheet),
        (&idata.display().to_string(), &data_sheet),
        year,
        steps,
        Vec::new(),
    )
}

/// The spec and data of an iMeta and an iData (each with the name diagnostics give it).
fn build(
    (imeta, meta_sheet): (&str, &Sheet),
    (idata, data_sheet): (&str, &Sheet),
    year: Option<i32>,
    steps: &Steps,
    notes: Vec<String>,
) -> Result<Imported, ImportError> {
    let mut problems = Vec::new();
    let metas = read_meta(imeta, meta_sheet, &mut problems);
    if !problems.is_empty() {
        return Err(ImportError::Invalid { problems });
    }
    let index = check_tree(imeta, &metas, &mut problems);
    let group = group_column(imeta, &metas, steps, &mut problems);
    let data = read_data(
        idata,
        data_sheet,
        &metas,
        year,
        group.as_deref(),
        &mut problems,
    );
    match (index, data, problems.is_empty()) {
        (Some(index), Some(data), true) => Ok(Imported {
            spec: write_spec(&metas, index, &data, steps, &notes),
            data: data.csv,
            notes,
        }),
        _ => Err(ImportError::Invalid { problems }),
    }
}

/// The Group column group-mean imputation uses: the one named, which iMeta must describe as a
/// Group, or the only Group column iMeta has; none unless imputation is by group.
fn group_column(
    imeta: &str,
    metas: &[Meta],
    steps: &Steps,
    problems: &mut Vec<Diagnostic>,
) -> Option<String> {
    let named = steps.impute.as_ref().and_then(Imputation::group)?;
    let groups: Vec<&str> = metas
        .iter()
        .filter(|m| m.kind == "Group")
        .map(|m| m.code.as_str())
        .collect();
    let refuse = |message: String| {
        Diagnostic::new(Code::BadParameter, imeta, message).hint(format!(
            "name one of iMeta's Group columns with --group ({})",
            if groups.is_empty() {
                "it has none".to_string()
            } else {
                groups.join(", ")
            }
        ))
    };
    match (named, groups.as_slice()) {
        (Some(g), _) if groups.contains(&g.as_str()) => Some(g.clone()),
        (Some(g), _) => {
            problems.push(refuse(format!("\"{g}\" is not a Group column of iMeta")));
            None
        }
        (None, [one]) => Some(one.to_string()),
        (None, _) => {
            problems.push(refuse(
                "imputation by group mean needs the group column, and iMeta does not have exactly one".into(),
            ));
            None
        }
    }
}

/// A cell as R writes it: `NA` (openxlsx: `#N/A`) is a missing value.
pub(crate) fn present(cell: &Option<String>) -> Option<String> {
    cell.clone().filter(|v| !matches!(v.trim(), "NA" | "#N/A"))
}

fn column(sheet: &Sheet, name: &str) -> Option<usize> {
    sheet.columns.iter().position(|c| c.trim() == name)
}

fn read_meta(file: &str, sheet: &Sheet, problems: &mut Vec<Diagnostic>) -> Vec<Meta> {
    let at = |line: Option<usize>, message: String, hint: &str| {
        let d = Diagnostic::new(Code::BadParameter, file, message).hint(hint);
        match line {
            Some(l) => d.at(l, 1),
            None => d,
        }
    };
    let required = ["iCode", "Level", "Type"];
    let mut cols = HashMap::new();
    for name in required {
        match column(sheet, name) {
            Some(c) => {
                cols.insert(name, c);
            }
            None => problems.push(at(
                Some(1),
                format!("iMeta has no \"{name}\" column"),
                "iMeta needs iCode, Level, Type, and for indicators and aggregates Parent, Direction and Weight",
            )),
        }
    }
    if !problems.is_empty() {
        return Vec::new();
    }
    let optional = |name: &str| column(sheet, name);
    let (name_c, dir_c, weight_c, unit_c, den_c, parent_c) = (
        optional("iName"),
        optional("Direction"),
        optional("Weight"),
        optional("Unit"),
        optional("Denominator"),
        optional("Parent"),
    );
    let mut out = Vec::new();
    for (r, row) in sheet.rows.iter().enumerate() {
        let line = sheet.lines[r];
        let cell = |c: Option<usize>| c.and_then(|c| row.get(c).and_then(present));
        let Some(code) = cell(Some(cols["iCode"])) else {
            problems.push(at(
                line,
                "a row without iCode".into(),
                "give every row its iCode",
            ));
            continue;
        };
        let number = |c: Option<usize>, default: Option<f64>| -> Option<f64> {
            match cell(c) {
                None => default,
                Some(t) => t.parse::<f64>().ok().filter(|v| v.is_finite()),
            }
        };
        let kind = cell(Some(cols["Type"])).unwrap_or_default();
        let in_tree = matches!(kind.as_str(), "Indicator" | "Aggregate");
        // Only indicators and aggregates sit in the tree and have a level.
        let level = number(Some(cols["Level"]), (!in_tree).then_some(0.0));
        let Some(level) = level.filter(|l| l.fract() == 0.0) else {
            problems.push(at(
                line,
                format!("\"{code}\": Level is not a whole number"),
                "Level is 1 for indicators and counts up to the index",
            ));
            continue;
        };
        let direction = number(dir_c, Some(1.0));
        let weight = number(weight_c, Some(1.0));
        let (Some(direction), Some(weight)) = (direction, weight) else {
            problems.push(at(
                line,
                format!("\"{code}\": Direction or Weight is not a number"),
                "Direction is 1 or -1; Weight a number >= 0",
            ));
            continue;
        };
        if in_tree && (!matches!(direction as i64, 1 | -1) || weight < 0.0) {
            problems.push(at(
                line,
                format!("\"{code}\": Direction must be 1 or -1 and Weight >= 0"),
                "Direction is 1 (higher is better) or -1 (lower is better)",
            ));
            continue;
        }
        if !matches!(
            kind.as_str(),
            "Indicator" | "Aggregate" | "Group" | "Denominator" | "Other"
        ) {
            problems.push(at(
                line,
                format!("\"{code}\": unknown Type \"{kind}\""),
                "Type is Indicator, Aggregate, Group, Denominator or Other",
            ));
            continue;
        }
        out.push(Meta {
            name: cell(name_c).unwrap_or_else(|| code.clone()),
            code,
            level: level as i64,
            direction: direction as i64,
            weight,
            unit: cell(unit_c).unwrap_or_default(),
            denominator: cell(den_c),
            parent: cell(parent_c),
            kind,
            line,
        });
    }
    out
}

/// The index (the one aggregate of the highest level); every indicator's and aggregate's
/// parent an aggregate of a higher level, so that parents cannot form a cycle.
fn check_tree(file: &str, metas: &[Meta], problems: &mut Vec<Diagnostic>) -> Option<usize> {
    let at = |m: &Meta, message: String, hint: &str| {
        let d = Diagnostic::new(Code::MissingNode, file, message).hint(hint);
        match m.line {
            Some(l) => d.at(l, 1),
            None => d,
        }
    };
    let aggregates: Vec<usize> = (0..metas.len())
        .filter(|&k| metas[k].kind == "Aggregate")
        .collect();
    let top = aggregates.iter().map(|&k| metas[k].level).max()?;
    let tops: Vec<usize> = aggregates
        .iter()
        .copied()
        .filter(|&k| metas[k].level == top)
        .collect();
    if tops.len() != 1 {
        problems.push(Diagnostic::new(
            Code::MissingNode,
            file,
            format!(
                "iMeta has {} aggregates at the highest level {top}; the index is one",
                tops.len()
            ),
        ));
        return None;
    }
    let index = tops[0];
    for m in metas
        .iter()
        .filter(|m| matches!(m.kind.as_str(), "Indicator" | "Aggregate"))
    {
        if std::ptr::eq(m, &metas[index]) {
            continue;
        }
        let parent = m
            .parent
            .as_ref()
            .and_then(|p| metas.iter().find(|q| q.kind == "Aggregate" && &q.code == p));
        match parent {
            None => problems.push(at(
                m,
                format!(
                    "\"{}\" has Parent \"{}\", which is no aggregate of iMeta",
                    m.code,
                    m.parent.as_deref().unwrap_or("")
                ),
                "the Parent of an indicator or aggregate is the iCode of an Aggregate row",
            )),
            Some(p) if p.level <= m.level => problems.push(at(
                m,
                format!(
                    "\"{}\" (Level {}) has Parent \"{}\" (Level {}): parents must be of a higher level, or they form a cycle",
                    m.code, m.level, p.code, p.level
                ),
                "Level is 1 for indicators and counts up to the index",
            )),
            Some(_) => {}
        }
    }
    // An aggregate nothing names as its Parent would be a group without children.
    for m in metas.iter().filter(|m| m.kind == "Aggregate") {
        if !metas.iter().any(|c| {
            matches!(c.kind.as_str(), "Indicator" | "Aggregate")
                && c.parent.as_ref() == Some(&m.code)
        }) {
            problems.push(at(
                m,
                format!(
                    "the aggregate \"{}\" has no children: no row of iMeta has Parent \"{}\"",
                    m.code, m.code
                ),
                "give it children (their Parent column names it), or remove the row",
            ));
        }
    }
    Some(index)
}

/// The data file, and what the spec needs to know of it.
struct Data {
    csv: String,
    /// The group column each unit's group comes from (group-mean imputation only).
    group: Option<String>,
    units: Vec<(String, String, Option<String>)>,
}

fn read_data(
    file: &str,
    sheet: &Sheet,
    metas: &[Meta],
    year: Option<i32>,
    group: Option<&str>,
    problems: &mut Vec<Diagnostic>,
) -> Option<Data> {
    let name = file.to_string();
    let Some(code_c) = column(sheet, "uCode") else {
        problems.push(
            Diagnostic::new(Code::MissingColumn, name, "iData has no \"uCode\" column")
                .at(1, 1)
                .hint("iData has a row per unit: uCode, uName, Time, then the columns iMeta describes"),
        );
        return None;
    };
    let (name_c, time_c) = (column(sheet, "uName"), column(sheet, "Time"));
    if time_c.is_none() && year.is_none() {
        problems.push(
            Diagnostic::new(Code::MissingColumn, name, "iData has no \"Time\" column")
                .at(1, 1)
                .hint("give the year of the data with --year"),
        );
        return None;
    }
    // Every other column is described in iMeta.
    let described: BTreeMap<&str, &Meta> = metas.iter().map(|m| (m.code.as_str(), m)).collect();
    let mut written = Vec::new();
    // R's write.csv writes the row names as an unnamed first column ("1", "2", ...).
    let row_names = sheet.columns.first().is_some_and(|c| c.trim().is_empty())
        && sheet
            .rows
            .iter()
            .enumerate()
            .all(|(r, row)| row[0].as_deref() == Some((r + 1).to_string().as_str()));
    for (c, col) in sheet.columns.iter().enumerate() {
        if c == code_c || Some(c) == name_c || Some(c) == time_c || (c == 0 && row_names) {
            continue;
        }
        match described.get(col.trim()) {
            None => problems.push(
                Diagnostic::new(
                    Code::UnknownKey,
                    name.clone(),
                    format!("iData column \"{col}\" is not described in iMeta"),
                )
                .at(1, c + 1)
                .hint("add a row for it to iMeta (Type Indicator, Denominator, Group or Other), or remove the column"),
            ),
            Some(m) if matches!(m.kind.as_str(), "Indicator" | "Denominator") => {
                written.push(c)
            }
            Some(_) => {}
        }
    }
    let group_c = group.and_then(|g| column(sheet, g));
    let mut csv = String::from("uCode,Time");
    for &c in &written {
        let _ = write!(csv, ",{}", sheet.columns[c].trim());
    }
    csv.push('\n');
    let mut units = Vec::new();
    let mut seen: HashMap<(String, String), usize> = HashMap::new();
    for (r, row) in sheet.rows.iter().enumerate() {
        let Some(code) = row[code_c].clone() else {
            problems.push(
                Diagnostic::new(Code::EmptyKey, name.clone(), "a row without uCode")
                    .at(sheet.lines[r].unwrap_or(r + 2), code_c + 1),
            );
            continue;
        };
        let t = match time_c {
            Some(c) => row[c].clone().unwrap_or_default(),
            None => year.map(|y| y.to_string()).unwrap_or_default(),
        };
        // COINr keys a row by uCode and Time: a second row of the same is refused here, at
        // its line, rather than passed on to fail (or be read twice) later.
        let line = sheet.lines[r].unwrap_or(r + 2);
        if let Some(first) = seen.insert((code.clone(), t.clone()), line) {
            problems.push(
                Diagnostic::new(
                    Code::DuplicateRow,
                    name.clone(),
                    format!("uCode \"{code}\" is given twice for Time {t} (first on line {first})"),
                )
                .at(line, code_c + 1)
                .hint("keep one row per unit and time point"),
            );
            continue;
        }
        let _ = write!(csv, "{},{t}", quote(&code));
        for &c in &written {
            let v = present(&row[c]).unwrap_or_default();
            let v = v.as_str();
            let _ = write!(csv, ",{}", quote(v));
        }
        csv.push('\n');
        if !units
            .iter()
            .any(|(u, _, _): &(String, String, Option<String>)| *u == code)
        {
            let uname = name_c
                .and_then(|c| row[c].clone())
                .unwrap_or_else(|| code.clone());
            units.push((code, uname, group_c.and_then(|c| present(&row[c]))));
        }
    }
    Some(Data {
        csv,
        group: group.map(str::to_string),
        units,
    })
}

/// A CSV field, quoted when it must be.
fn quote(field: &str) -> String {
    if field.contains([',', '"', '\n']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}

/// A TOML string.
fn s(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

fn write_spec(
    metas: &[Meta],
    index: usize,
    data: &Data,
    steps: &Steps,
    notes: &[String],
) -> String {
    let top = &metas[index];
    let mut t = String::new();
    t.push_str("# Imported from COINr by `cwi import coinr`. Each setting is named beside the COINr\n# step it stands for; the optional steps not in the build are commented out: switch\n# them on to match your build.\n");
    for note in notes {
        let _ = writeln!(t, "# {note}");
    }
    t.push('\n');
    let _ = writeln!(
        t,
        "[index]\nid = {}\nversion = \"imported from COINr\"\nlanguages = [\"en\"]\nscale = [0, 100]\nname = {{ en = {} }}\n",
        s(&top.code),
        s(&top.name)
    );
    for (code, name, group) in &data.units {
        let _ = write!(
            t,
            "[[unit]]\ncode = {}\nname = {{ en = {} }}\n",
            s(code),
            s(name)
        );
        if let Some(g) = group {
            let _ = writeln!(t, "group = {}", s(g));
        }
        t.push('\n');
    }
    let _ = writeln!(
        t,
        "[data]\nregion_column = \"uCode\"\nyear_column = \"Time\"\n"
    );
    defaults_text(&mut t, data, steps);
    tree_text(&mut t, metas, top, steps);
    t
}

/// The `[defaults]` table: the steps of the build, each named beside the COINr step it
/// stands for; the optional steps not in the build commented out.
fn defaults_text(t: &mut String, data: &Data, steps: &Steps) {
    let _ = writeln!(
        t,
        "[defaults]\n# COINr builds each time point on its own.\npooling = \"each-year\""
    );
    match steps.screen {
        Some(Screen { share, after_imputation }) => {
            let (of, when) = if after_imputation {
                (" (after imputation)", ", when = \"after-imputation\"")
            } else {
                ("", "")
            };
            let _ = writeln!(t, "# COINr Screen, unit_screen = \"byNA\", dat_thresh = {share}: units with less than this share\n# of the indicators' values{of} are left out.\nscreening = {{ min_share = {share}{when} }}");
        }
        None => t.push_str("# COINr Screen (optional; not in this build). To leave out units with less than a share\n# of the indicators' values (COINr's dat_thresh, 2/3 by default):\n# screening = { min_share = 0.66 }\n"),
    }
    match (&steps.impute, &data.group) {
        (Some(i @ (Imputation::GroupMean(_) | Imputation::GroupMedian(_))), Some(g)) => {
            let method = if matches!(i, Imputation::GroupMean(_)) { "group-mean" } else { "group-median" };
            let _ = writeln!(t, "# COINr Impute, {}: the {} of the unit's group (iData column {}).\nimputation = {{ method = \"{method}\" }}", i.coinr(), &method[6..], s(g));
        }
        (Some(Imputation::Median), _) => t.push_str("# COINr Impute, i_median: the indicator's median.\nimputation = { method = \"median\" }\n"),
        (Some(_), _) => t.push_str("# COINr Impute, i_mean: the indicator's mean.\nimputation = { method = \"mean\" }\n"),
        (None, _) => t.push_str("# COINr Impute (optional; not in this build). To fill missing values with the indicator's\n# mean (i_mean), or with the group's mean (i_mean_grp: re-import with --impute group-mean):\n# imputation = { method = \"mean\" }\n"),
    }
    match steps.treat {
        Some(points) => {
            let _ = writeln!(t, "# COINr Treat: winsorise up to {points} points, else COINr's log, ln(x - min + 0.01 (max - min)).\ntreatment = {{ method = \"jrc\", points = {points}, log_form = \"coinr\" }}");
        }
        None => t.push_str("# COINr Treat (optional; not in this build). To winsorise up to 5 points, else take COINr's log:\n# treatment = { method = \"jrc\", points = 5, log_form = \"coinr\" }\n"),
    }
    let (low, high) = steps.range;
    let _ = writeln!(
        t,
        "# COINr Normalise, n_minmax with l_u = c({low}, {high}): min-max onto [{low}, {high}].\nnormalisation = {{ method = \"min-max\", range = [{low}, {high}] }}\n# COINr Aggregate, a_amean: weighted arithmetic means of the children available.\naggregation = {{ method = \"arithmetic\" }}\nmissing = {{ min_share = 1e-9 }}\n"
    );
}

/// The levels, the aggregates from the top down (every parent declared before its children)
/// and the indicators, with a denominator where COINr's Denominate ran.
fn tree_text(t: &mut String, metas: &[Meta], top: &Meta, steps: &Steps) {
    // COINr's levels, by depth from the index (depth 0 is COINr's highest level).
    for level in (1..=top.level).rev() {
        let _ = writeln!(
            t,
            "[[level]]\nname = {{ en = {} }}\n",
            s(&format!("Level {level}"))
        );
    }
    // Aggregates from the top down, so that every parent is declared before its children.
    let mut aggregates: Vec<&Meta> = metas
        .iter()
        .filter(|m| m.kind == "Aggregate" && !std::ptr::eq(*m, top))
        .collect();
    aggregates.sort_by_key(|m| -m.level);
    for m in aggregates {
        let _ = writeln!(
            t,
            "[[group]]\nid = {}\nparent = {}\nweight = {}\nname = {{ en = {} }}\n",
            s(&m.code),
            s(m.parent.as_deref().unwrap_or("")),
            m.weight,
            s(&m.name)
        );
    }
    for m in metas.iter().filter(|m| m.kind == "Indicator") {
        let _ = write!(
            t,
            "[[indicator]]\nid = {}\nparent = {}\nweight = {}\nname = {{ en = {} }}\nunit = {}\ndirection = {}\nsource = \"COINr iData\"\n",
            s(&m.code),
            s(m.parent.as_deref().unwrap_or("")),
            m.weight,
            s(&m.name),
            s(&m.unit),
            if m.direction == -1 {
                "\"lower\""
            } else {
                "\"higher\""
            }
        );
        if let Some(d) = m.denominator.as_ref().filter(|_| steps.denominate) {
            let _ = writeln!(
                t,
                "# COINr Denominate: the indicator's column divided by its denominator.\nformula = {}",
                s(&format!("{} / {}", m.code, d))
            );
        } else if let Some(d) = &m.denominator {
            let _ = writeln!(
                t,
                "# COINr Denominate did not run in this build: the Denominator {} is not applied.",
                s(d)
            );
        }
        t.push('\n');
    }
}
