//! The workbook COINr's `export_to_excel(coin)` writes: `Meta.Ind` (iMeta), `Meta.Unit` (the
//! units, their groups, time and denominators), a `Data.<set>` sheet per data set the coin
//! built, and analysis sheets (`Analysis.Screened.DataSummary`, `Analysis.Treated.Dets_Table`,
//! `Analysis.Treated.Treated_Points`). The steps that ran are those whose `Data.*` sheets
//! exist; each step's parameters are read from the sheets where they determine them, or taken
//! from the user. The step arguments themselves are not in the workbook.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use super::{ImportError, Imported, Imputation, Screen, Steps, present};
use crate::diagnostic::{Code, Diagnostic};
use crate::load::{Sheet, read_workbook};
use crate::stats::{mean, median};

/// COINr's data sets in the order its build functions make them (`Impute` and `Screen` may
/// run in either order).
pub const STAGES: [&str; 7] = [
    "Raw",
    "Denominated",
    "Imputed",
    "Screened",
    "Treated",
    "Normalised",
    "Aggregated",
];

/// What the user says of the build, over what the sheets show.
#[derive(Debug, Clone, Default)]
pub struct Given {
    pub screen: Option<f64>,
    pub impute: Option<Imputation>,
    pub treat: Option<u32>,
    pub year: Option<i32>,
}

/// One `Data.<set>` sheet: a value (or a gap) per unit and column.
#[derive(Debug, Clone)]
pub struct Stage {
    pub name: String,
    pub units: Vec<String>,
    /// The sheet row of each unit.
    pub rows: Vec<usize>,
    pub columns: Vec<String>,
    /// [unit][column]
    pub values: Vec<Vec<Option<f64>>>,
    unit_at: HashMap<String, usize>,
}

impl Stage {
    pub fn unit(&self, code: &str) -> Option<usize> {
        self.unit_at.get(code).copied()
    }

    pub fn column(&self, code: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == code)
    }
}

/// A workbook's import: the spec and data, and the data sets to check them against.
pub struct FromWorkbook {
    pub imported: Imported,
    pub stages: Vec<Stage>,
}

/// Reads the workbook, finds the steps and their parameters, and writes the spec and data.
pub fn read(path: &Path, given: &Given) -> Result<FromWorkbook, ImportError> {
    let sheets: Vec<(String, Sheet)> =
        read_workbook(path).map_err(|d| ImportError::Invalid { problems: vec![d] })?;
    let book = Book {
        file: path.display().to_string(),
        sheets: &sheets,
    };
    let names: Vec<&str> = sheets.iter().map(|(n, _)| n.as_str()).collect();
    let (Some(meta), Some(units)) = (book.get("Meta.Ind"), book.get("Meta.Unit")) else {
        return Err(book.refuse(
            names.first().copied().unwrap_or("(none)"),
            format!(
                "not a workbook of COINr's export_to_excel: it has no Meta.Ind or Meta.Unit sheet (its sheets: {})",
                names.join(", ")
            ),
            "export the coin with COINr's export_to_excel(coin, \"file.xlsx\"), or import iData and iMeta with --idata and --imeta",
        ));
    };
    let order = stage_order(&names).map_err(|(sheet, m, h)| book.refuse(&sheet, m, &h))?;
    let raw = book.get("Data.Raw").expect("checked by stage_order");
    // A purse keeps one coin per time point: its data sets have a Time column and a row per
    // unit and time.
    if raw.columns.iter().any(|c| c == "Time") {
        return Err(book.refuse(
            "Data.Raw",
            "a workbook of a purse (a coin per time point): cwi imports one coin".into(),
            "export each coin on its own, export_to_excel(purse$coin[[k]], \"file.xlsx\"), and import each; or import the panel's iData and iMeta with --idata and --imeta",
        ));
    }
    let mut stages = Vec::new();
    for name in &order {
        let sheet_name = format!("Data.{name}");
        let sheet = book.get(&sheet_name).expect("listed by stage_order");
        stages.push(
            stage(&book.at(&sheet_name), name, sheet)
                .map_err(|d| ImportError::Invalid { problems: vec![d] })?,
        );
    }
    let idata = joined(&book.at("Meta.Unit"), units, raw)
        .map_err(|d| ImportError::Invalid { problems: vec![d] })?;
    let mut notes = vec![format!(
        "From {} (COINr's export_to_excel): the data sets {}.",
        path.file_name()
            .map_or(book.file.clone(), |f| f.to_string_lossy().into_owned()),
        order.join(", ")
    )];
    let groups = group_columns(meta, units);
    let steps = book.steps(&order, &stages, given, &groups, &mut notes)?;
    let imported = super::build(
        (&book.at("Meta.Ind"), meta),
        (&book.at("Meta.Unit and Data.Raw"), &idata),
        given.year,
        &steps,
        notes,
    )?;
    Ok(FromWorkbook { imported, stages })
}

/// A workbook's sheets, by name, and the file they came from.
struct Book<'a> {
    file: String,
    sheets: &'a [(String, Sheet)],
}

impl Book<'_> {
    fn at(&self, sheet: &str) -> String {
        format!("{}, sheet {sheet}", self.file)
    }

    fn get(&self, name: &str) -> Option<&Sheet> {
        self.sheets.iter().find(|(n, _)| n == name).map(|(_, s)| s)
    }

    /// The import refused at a sheet.
    fn refuse(&self, sheet: &str, message: String, hint: &str) -> ImportError {
        ImportError::Invalid {
            problems: vec![Diagnostic::new(Code::BadParameter, self.at(sheet), message).hint(hint)],
        }
    }

    /// The steps that ran and their parameters: as the options say, else found from the data
    /// sets before and after each step (each finding in `notes`). An option for a step that
    /// did not run is refused.
    fn steps(
        &self,
        order: &[String],
        stages: &[Stage],
        given: &Given,
        groups: &BTreeMap<String, HashMap<String, String>>,
        notes: &mut Vec<String>,
    ) -> Result<Steps, ImportError> {
        let by_name = |n: &str| stages.iter().find(|s| s.name == n);
        let before = |n: &str| {
            let k = order.iter().position(|o| o == n).expect("stage present");
            &stages[k - 1]
        };
        let mut steps = Steps {
            denominate: by_name("Denominated").is_some(),
            ..Steps::default()
        };
        let not_run = |option: &str, set: &str| {
            self.refuse(
                &format!("Data.{set}"),
                format!(
                    "{option} was given, but the workbook has no Data.{set} sheet: COINr's {} did not run in this build",
                    &set[..set.len() - 2]
                ),
                "leave the option out: the workbook says which steps ran",
            )
        };
        if by_name("Imputed").is_none() && given.impute.is_some() {
            return Err(not_run("--impute", "Imputed"));
        }
        if by_name("Screened").is_none() && given.screen.is_some() {
            return Err(not_run("--screen", "Screened"));
        }
        if by_name("Treated").is_none() && given.treat.is_some() {
            return Err(not_run("--treat", "Treated"));
        }
        if let Some(imputed) = by_name("Imputed") {
            steps.impute = Some(match &given.impute {
                Some(i) => i.clone(),
                None => {
                    let (found, note) = infer_imputation(before("Imputed"), imputed, groups)
                        .map_err(|m| {
                            self.refuse(
                                "Data.Imputed",
                                m,
                                "say how it imputed with --impute (and --group), and the check will compare",
                            )
                        })?;
                    notes.push(note);
                    found
                }
            });
        }
        if let Some(screened) = by_name("Screened") {
            let after_imputation = order
                .iter()
                .position(|o| o == "Imputed")
                .is_some_and(|i| order.iter().position(|o| o == "Screened").unwrap() > i);
            let share = match given.screen {
                Some(share) => share,
                None => {
                    let (share, note) = infer_screen(before("Screened"), screened)
                        .map_err(|m| self.refuse("Data.Screened", m, "screening by zeros (byNZ, byNAandZeros) has no equivalent in cwi: import iData and iMeta of the screened units"))?;
                    notes.push(note);
                    share
                }
            };
            steps.screen = Some(Screen {
                share,
                after_imputation,
            });
        }
        if by_name("Treated").is_some() {
            steps.treat = Some(match given.treat {
                Some(points) => points,
                None => {
                    let (points, note) = infer_treatment(
                        self.get("Analysis.Treated.Dets_Table"),
                        self.get("Analysis.Treated.Treated_Points"),
                    )
                    .map_err(|(sheet, m)| {
                        self.refuse(&sheet, m, "a treatment other than winsorising and log_CT has no equivalent in the import: write it in the spec by hand (docs/methods.md)")
                    })?;
                    notes.push(note);
                    points
                }
            });
        }
        let normalised = by_name("Normalised").expect("checked by stage_order");
        let data_columns: Vec<String> = stages[0].columns.clone();
        let (range, note) = infer_range(normalised, &data_columns).map_err(|m| {
            self.refuse(
                "Data.Normalised",
                m,
                "the import reads COINr's n_minmax; for another normalisation write it in the spec by hand (docs/methods.md)",
            )
        })?;
        steps.range = range;
        notes.push(note);
        Ok(steps)
    }
}

/// The data sets in the workbook's order, checked to be a whole build: Raw first, Normalised
/// then Aggregated last, none missing in the middle (an analysis sheet of a set whose data
/// sheet is gone), none COINr does not make.
fn stage_order(names: &[&str]) -> Result<Vec<String>, (String, String, String)> {
    let sets: Vec<&str> = names
        .iter()
        .filter_map(|n| n.strip_prefix("Data."))
        .collect();
    for set in &sets {
        if !STAGES.contains(set) {
            return Err((
                format!("Data.{set}"),
                format!("a data set COINr's build functions do not make: \"{set}\""),
                "the import reads coins built with Denominate, Impute, Screen, Treat, Normalise and Aggregate writing to their default data sets; remove the sheet or rebuild without write_to".into(),
            ));
        }
    }
    for name in names {
        if let Some(rest) = name.strip_prefix("Analysis.") {
            let set = rest.split('.').next().unwrap_or("");
            if STAGES.contains(&set) && !sets.contains(&set) {
                return Err((
                    name.to_string(),
                    format!("the workbook has {name} but no Data.{set} sheet: a data set is missing in the middle of the build"),
                    "export the coin again after a complete build (every step's data set in the coin)".into(),
                ));
            }
        }
    }
    if sets.first() != Some(&"Raw") {
        return Err((
            names.first().unwrap_or(&"").to_string(),
            "the workbook has no Data.Raw sheet, or it is not the first data set".into(),
            "export a coin made with new_coin(iData, iMeta)".into(),
        ));
    }
    let last = *sets.last().unwrap();
    if last != "Aggregated" {
        return Err((
            format!("Data.{last}"),
            format!("the build stops at {last}: the workbook has no Data.Aggregated sheet"),
            "finish the build in COINr (Normalise, then Aggregate) and export again".into(),
        ));
    }
    if !sets.contains(&"Normalised") || sets[sets.len() - 2] != "Normalised" {
        return Err((
            "Data.Aggregated".into(),
            "Aggregate did not run on the Normalised data set".into(),
            "the import reads builds that aggregate the normalised data (COINr's Aggregate(dset = \"Normalised\"))".into(),
        ));
    }
    // In COINr's order, but for Impute and Screen, which may run either way round.
    let rank = |s: &str| match s {
        "Screened" => STAGES.iter().position(|x| *x == "Imputed").unwrap(),
        s => STAGES.iter().position(|x| *x == s).unwrap(),
    };
    if sets.windows(2).any(|w| rank(w[0]) > rank(w[1])) {
        return Err((
            "Data.Raw".into(),
            format!("the data sets are not in the order COINr builds them: {}", sets.join(", ")),
            "export a coin built Raw, Denominated, Imputed/Screened, Treated, Normalised, Aggregated".into(),
        ));
    }
    Ok(sets.iter().map(|s| s.to_string()).collect())
}

/// A `Data.*` sheet's values; every cell a number or a gap.
fn stage(file: &str, name: &str, sheet: &Sheet) -> Result<Stage, Diagnostic> {
    let Some(code_c) = sheet.columns.iter().position(|c| c == "uCode") else {
        return Err(Diagnostic::new(Code::MissingColumn, file, "no uCode column").at(1, 1));
    };
    let columns: Vec<(usize, String)> = sheet
        .columns
        .iter()
        .enumerate()
        .filter(|(c, _)| *c != code_c)
        .map(|(c, n)| (c, n.clone()))
        .collect();
    let mut stage = Stage {
        name: name.to_string(),
        units: Vec::new(),
        rows: Vec::new(),
        columns: columns.iter().map(|(_, n)| n.clone()).collect(),
        values: Vec::new(),
        unit_at: HashMap::new(),
    };
    for (r, row) in sheet.rows.iter().enumerate() {
        let line = sheet.lines[r].unwrap_or(r + 2);
        let Some(code) = row[code_c].clone() else {
            return Err(
                Diagnostic::new(Code::EmptyKey, file, "a row without uCode").at(line, code_c + 1)
            );
        };
        let mut values = Vec::with_capacity(columns.len());
        for (c, n) in &columns {
            let v = match present(&row[*c]) {
                None => None,
                Some(t) => Some(t.parse::<f64>().ok().filter(|v| v.is_finite()).ok_or_else(
                    || {
                        Diagnostic::new(
                            Code::NotANumber,
                            file,
                            format!("\"{t}\" in column {n}, unit {code}, is not a number"),
                        )
                        .at(line, c + 1)
                        .hint("a data set holds numbers, or NA for a gap")
                    },
                )?),
            };
            values.push(v);
        }
        if stage
            .unit_at
            .insert(code.clone(), stage.units.len())
            .is_some()
        {
            return Err(Diagnostic::new(
                Code::DuplicateRow,
                file,
                format!("uCode \"{code}\" is given twice"),
            )
            .at(line, code_c + 1));
        }
        stage.units.push(code);
        stage.rows.push(line);
        stage.values.push(values);
    }
    Ok(stage)
}

/// iData as COINr keeps it in the coin: `Meta.Unit` (names, groups, time, denominators)
/// beside `Data.Raw` (the indicators), joined by uCode.
fn joined(file: &str, units: &Sheet, raw: &Sheet) -> Result<Sheet, Diagnostic> {
    let code_of = |s: &Sheet| s.columns.iter().position(|c| c == "uCode");
    let (Some(uc), Some(rc)) = (code_of(units), code_of(raw)) else {
        return Err(Diagnostic::new(
            Code::MissingColumn,
            file,
            "Meta.Unit or Data.Raw has no uCode column",
        )
        .at(1, 1));
    };
    let by_code: HashMap<&str, usize> = units
        .rows
        .iter()
        .enumerate()
        .filter_map(|(r, row)| row[uc].as_deref().map(|c| (c, r)))
        .collect();
    let mut columns = units.columns.clone();
    columns.extend(
        raw.columns
            .iter()
            .enumerate()
            .filter(|(c, _)| *c != rc)
            .map(|(_, n)| n.clone()),
    );
    // A unit of Meta.Unit without raw data would vanish from the import: refused.
    let in_raw: std::collections::HashSet<&str> = raw
        .rows
        .iter()
        .filter_map(|row| row[rc].as_deref())
        .collect();
    if let Some((r, code)) = units
        .rows
        .iter()
        .enumerate()
        .filter_map(|(r, row)| Some((r, row[uc].as_deref()?)))
        .find(|(_, code)| !in_raw.contains(code))
    {
        return Err(Diagnostic::new(
            Code::UnknownRegion,
            file,
            format!(
                "unit \"{code}\" of Meta.Unit (row {}) has no row in Data.Raw",
                units.lines[r].unwrap_or(r + 2)
            ),
        )
        .hint("a coin's Data.Raw has a row per unit of Meta.Unit: export the coin again"));
    }
    let mut rows = Vec::with_capacity(raw.rows.len());
    for (r, row) in raw.rows.iter().enumerate() {
        let code = row[rc].as_deref().unwrap_or("");
        let Some(&u) = by_code.get(code) else {
            return Err(Diagnostic::new(
                Code::UnknownRegion,
                file,
                format!(
                    "unit \"{code}\" of Data.Raw (row {}) has no row in Meta.Unit",
                    raw.lines[r].unwrap_or(r + 2)
                ),
            )
            .hint("a coin's Meta.Unit has a row per unit of Data.Raw: export the coin again"));
        };
        let mut joined = units.rows[u].clone();
        joined.extend(
            row.iter()
                .enumerate()
                .filter(|(c, _)| *c != rc)
                .map(|(_, v)| v.clone()),
        );
        rows.push(joined);
    }
    Ok(Sheet {
        columns,
        lines: raw.lines.clone(),
        rows,
    })
}

/// Each Group column of iMeta, with each unit's group.
fn group_columns(meta: &Sheet, units: &Sheet) -> BTreeMap<String, HashMap<String, String>> {
    let col = |s: &Sheet, n: &str| s.columns.iter().position(|c| c == n);
    let mut out = BTreeMap::new();
    let (Some(code), Some(kind), Some(ucode)) =
        (col(meta, "iCode"), col(meta, "Type"), col(units, "uCode"))
    else {
        return out;
    };
    for row in &meta.rows {
        if row[kind].as_deref() != Some("Group") {
            continue;
        }
        let Some(name) = row[code].clone() else {
            continue;
        };
        let Some(c) = col(units, &name) else { continue };
        let of: HashMap<String, String> = units
            .rows
            .iter()
            .filter_map(|r| Some((r[ucode].clone()?, present(&r[c])?)))
            .collect();
        out.insert(name, of);
    }
    out
}

/// Whether two values agree to the check's tolerance: 1e-9, relative above 1.
pub fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// The imputation whose values fill exactly the cells `Data.Imputed` filled: COINr's
/// i_mean, i_median, then i_mean_grp and i_median_grp by each Group column.
fn infer_imputation(
    before: &Stage,
    after: &Stage,
    groups: &BTreeMap<String, HashMap<String, String>>,
) -> Result<(Imputation, String), String> {
    // The filled cells: (column in before, unit in before, value after).
    let mut filled = Vec::new();
    for (u, code) in before.units.iter().enumerate() {
        for (c, name) in before.columns.iter().enumerate() {
            if before.values[u][c].is_some() {
                continue;
            }
            let now = after
                .unit(code)
                .zip(after.column(name))
                .and_then(|(a, k)| after.values[a][k]);
            filled.push((c, u, now));
        }
    }
    let mut candidates: Vec<(Imputation, Option<&HashMap<String, String>>)> =
        vec![(Imputation::Mean, None), (Imputation::Median, None)];
    for (name, of) in groups {
        candidates.push((Imputation::GroupMean(Some(name.clone())), Some(of)));
        candidates.push((Imputation::GroupMedian(Some(name.clone())), Some(of)));
    }
    let fills = |how: &Imputation, of: Option<&HashMap<String, String>>, c: usize, u: usize| {
        let group = of.map(|g| g.get(&before.units[u]));
        let mut x: Vec<f64> = (0..before.units.len())
            .filter(|&v| {
                group.is_none_or(|g| g.is_some() && of.unwrap().get(&before.units[v]) == g)
            })
            .filter_map(|v| before.values[v][c])
            .collect();
        if x.is_empty() {
            return None;
        }
        x.sort_by(f64::total_cmp);
        Some(match how {
            Imputation::Mean | Imputation::GroupMean(_) => mean(&x),
            _ => median(&x),
        })
    };
    let imputed = filled.iter().filter(|f| f.2.is_some()).count();
    if imputed == 0 {
        return Ok((
            Imputation::Mean,
            "Impute: Data.Imputed fills no gap, so its method cannot be told; written as i_mean."
                .into(),
        ));
    }
    for (how, of) in &candidates {
        let all = filled
            .iter()
            .all(|&(c, u, now)| match (fills(how, *of, c, u), now) {
                (Some(a), Some(b)) => close(a, b),
                (None, None) => true,
                _ => false,
            });
        if all {
            let by = match how.group() {
                Some(Some(g)) => format!(" by the Group column {g}"),
                _ => String::new(),
            };
            return Ok((
                how.clone(),
                format!(
                    "Impute: {}{by}, the one whose values fill exactly the {imputed} cells Data.Imputed filled.",
                    how.coinr()
                ),
            ));
        }
    }
    let (c, u, now) = filled.iter().find(|f| f.2.is_some()).unwrap();
    Err(format!(
        "the {imputed} values Data.Imputed filled are not an indicator's mean or median, nor a group's by any Group column (the first: {} of {} is {})",
        before.columns[*c],
        before.units[*u],
        now.unwrap()
    ))
}

/// COINr's `Screen(unit_screen = "byNA")` keeps a unit whose share of values is at least
/// `dat_thresh`; the units kept and left out bound it to (highest share left out, lowest
/// share kept]. Returns the lowest share kept, which reproduces the screening.
fn infer_screen(before: &Stage, after: &Stage) -> Result<(f64, String), String> {
    let n = before.columns.len().max(1) as f64;
    let share = |u: usize| before.values[u].iter().filter(|v| v.is_some()).count() as f64 / n;
    let (mut out_max, mut kept_min) = (f64::NEG_INFINITY, f64::INFINITY);
    let mut left_out = Vec::new();
    for (u, code) in before.units.iter().enumerate() {
        if after.unit(code).is_some() {
            kept_min = kept_min.min(share(u));
        } else {
            out_max = out_max.max(share(u));
            left_out.push(code.as_str());
        }
    }
    if out_max >= kept_min {
        return Err(format!(
            "Screen left out units ({}) with as many values as units it kept: it did not screen by missing values alone",
            left_out.join(", ")
        ));
    }
    let low = if out_max.is_finite() { out_max } else { 0.0 };
    Ok((
        kept_min,
        format!(
            "Screen: it kept {} of {} units, so dat_thresh is above {low:.4} and at most {kept_min:.4}; the spec uses {kept_min:.4}. Give the one you used with --screen.",
            after.units.len(),
            before.units.len()
        ),
    ))
}

/// COINr's `Treat` with its defaults: winsorising (`winsorise`, up to `winmax` points) and
/// then `log_CT` where winsorising does not pass. `Dets_Table` gives the points winsorised
/// per indicator and whether it then passed; that bounds `winmax`.
fn infer_treatment(
    dets: Option<&Sheet>,
    points: Option<&Sheet>,
) -> Result<(u32, String), (String, String)> {
    let Some(dets) = dets else {
        return Ok((5, "Treat: the workbook has no Analysis.Treated.Dets_Table, so winmax is COINr's default, 5.".into()));
    };
    let name = "Analysis.Treated.Dets_Table".to_string();
    if let Some(points) = points {
        for (r, row) in points.rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let Some(t) = cell else { continue };
                if !t
                    .split('+')
                    .all(|p| matches!(p, "winhi" | "winlo" | "log_CT"))
                {
                    return Err((
                        "Analysis.Treated.Treated_Points".into(),
                        format!(
                            "row {}, column {}: \"{t}\" is not a treatment the import reads (winhi, winlo, log_CT)",
                            points.lines[r].unwrap_or(r + 2),
                            points.columns.get(c).map_or("", String::as_str)
                        ),
                    ));
                }
            }
        }
    }
    let col = |n: &str| dets.columns.iter().position(|c| c == n);
    let (Some(nwin), Some(pass0)) = (col("winsorise.nwin"), col("check_SkewKurt0.Pass")) else {
        return Err((
            name,
            format!(
                "no winsorise.nwin or check_SkewKurt0.Pass column (its columns: {}): not COINr's default Treat",
                dets.columns.join(", ")
            ),
        ));
    };
    let pass1 = col("check_SkewKurt1.Pass");
    let truthy = |v: &Option<String>| v.as_deref().is_some_and(|t| t.eq_ignore_ascii_case("true"));
    let (mut passed_max, mut logged_min) = (0u32, u32::MAX);
    for (r, row) in dets.rows.iter().enumerate() {
        if truthy(&row[pass0]) {
            continue;
        }
        // A count that does not read stops the import: winmax would be guessed from less.
        let Some(n) = row[nwin]
            .as_deref()
            .and_then(|t| t.parse::<f64>().ok())
            .filter(|v| v.fract() == 0.0 && *v >= 0.0)
        else {
            return Err((
                name,
                format!(
                    "row {}: winsorise.nwin \"{}\" is not a count of points",
                    dets.lines[r].unwrap_or(r + 2),
                    row[nwin].as_deref().unwrap_or("")
                ),
            ));
        };
        let n = n as u32;
        match pass1.map(|p| truthy(&row[p])) {
            Some(true) => passed_max = passed_max.max(n),
            _ => logged_min = logged_min.min(n),
        }
    }
    let winmax = if (passed_max..=logged_min).contains(&5) {
        5
    } else if logged_min < u32::MAX {
        logged_min
    } else {
        passed_max
    };
    let bound = if logged_min < u32::MAX {
        format!("between {passed_max} and {logged_min}")
    } else {
        format!("at least {passed_max}")
    };
    Ok((
        winmax,
        format!(
            "Treat: Dets_Table shows winmax {bound} (points winsorised per indicator); the spec uses {winmax}. Give the one you used with --treat."
        ),
    ))
}

/// The range of `n_minmax`: every indicator of `Data.Normalised` that varies spans it.
fn infer_range(normalised: &Stage, indicators: &[String]) -> Result<((f64, f64), String), String> {
    let mut spans: Vec<(String, f64, f64)> = Vec::new();
    for name in indicators {
        let Some(c) = normalised.column(name) else {
            continue;
        };
        let x: Vec<f64> = normalised.values.iter().filter_map(|v| v[c]).collect();
        let (lo, hi) = x
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
                (a.min(v), b.max(v))
            });
        if hi > lo {
            spans.push((name.clone(), lo, hi));
        }
    }
    let Some((_, lo, hi)) = spans.first().cloned() else {
        return Err("no indicator of Data.Normalised varies, so its range cannot be told".into());
    };
    if let Some((name, a, b)) = spans
        .iter()
        .find(|(_, a, b)| !close(*a, lo) || !close(*b, hi))
    {
        return Err(format!(
            "{name} spans [{a}, {b}] and {} spans [{lo}, {hi}]: not a min-max normalisation onto one range (COINr's n_minmax)",
            spans[0].0
        ));
    }
    let (lo, hi) = (round_range(lo), round_range(hi));
    Ok((
        (lo, hi),
        format!(
            "Normalise: n_minmax onto [{lo}, {hi}], the range every indicator of Data.Normalised spans."
        ),
    ))
}

/// A range end as the user wrote it: 99.99999999999999 is 100.
fn round_range(v: f64) -> f64 {
    let r = (v * 1e6).round() / 1e6;
    if close(r, v) { r } else { v }
}

#[cfg(test)]
mod tests;
