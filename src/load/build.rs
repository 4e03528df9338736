//! Building the panel from the records: regions and indicators matched once per spelling, values
//! parsed and checked (valid range, duplicates), sampling errors derived.

use super::checks::spec_level_checks;
use super::derived::derive;
use super::gathered::{Gathered, Record, Sampling};
use super::problems::Problems;
use super::rows::Sink as _;
use super::{
    Arc, BTreeMap, BTreeSet, Code, Diagnostic, HashMap, Labels, NodeKind, Panel, Spec, Unit, Units,
    match_key, number,
};

/// Matches regions and indicators, checks duplicates, valid ranges, coverage and years, and
/// fills the panel. `None` when no row matched a unit.
///
/// The steps: the units (the spec's or the data's), the columns each spelling matches, the
/// years of matched rows, then every record into its cell (`Fill::record`), then the derived
/// indicators and the checks over the whole panel (`Fill::finish`).
pub(super) fn build_panel(
    spec: &Spec,
    gathered: Gathered,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Panel> {
    let units = units(spec, &gathered, diagnostics);
    let unit_of: Vec<Option<usize>> = gathered
        .regions
        .iter()
        .map(|(s, _)| units.find(s))
        .collect();
    let indicator_of = indicator_columns(spec, &gathered);
    let years = matched_years(&gathered, &unit_of);
    let framework = &spec.framework;
    let ids: Vec<String> = framework
        .indicators
        .iter()
        .map(|&n| framework.nodes[n].id.clone())
        .collect();
    let panel = Panel::new(units, years, ids);
    let mut fill = Fill::new(spec, &gathered, panel, unit_of, indicator_of);
    for (k, r) in gathered.records.iter().enumerate() {
        fill.record(k, r);
    }
    fill.finish(diagnostics)
}

/// The files' names, for a diagnostic about all of them.
fn all_files(gathered: &Gathered) -> String {
    gathered
        .files
        .iter()
        .map(|f| f.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The units: the spec's, or one per distinct code in the data (sorted, so file order does not
/// change the output), a clash of codes and names reported.
fn units(spec: &Spec, gathered: &Gathered, diagnostics: &mut Vec<Diagnostic>) -> Units {
    if let Some(units) = &spec.units {
        return units.clone();
    }
    let mut codes: BTreeMap<String, Option<String>> = BTreeMap::new();
    for (spelling, name) in &gathered.regions {
        let entry = codes.entry(spelling.clone()).or_default();
        if entry.is_none() {
            *entry = name.clone().filter(|n| !n.is_empty());
        }
    }
    let mut units = Units::default();
    for (code, name) in &codes {
        let name = Labels::same_in(&spec.index.languages, name.as_deref().unwrap_or(code));
        if let Err(clash) = units.push(Unit {
            code: code.clone(),
            name,
            aliases: vec![],
            tile: None,
            group: None,
            pooled: true,
        }) {
            diagnostics.push(
                Diagnostic::new(
                    Code::UnitClash,
                    all_files(gathered),
                    format!(
                        "\"{}\" names both {} and {}",
                        clash.spelling, clash.first, clash.second
                    ),
                )
                .hint("with [units] from_data, names must not repeat another unit's code or name"),
            );
        }
    }
    units
}

/// The indicator each name spelled in the files is: by id as spelled, then by matching key
/// (the first of the spec's indicators wins, as a scan would).
fn indicator_columns(spec: &Spec, gathered: &Gathered) -> Vec<Option<usize>> {
    let framework = &spec.framework;
    let mut by_id: HashMap<&str, usize> = HashMap::new();
    let mut by_key: HashMap<String, usize> = HashMap::new();
    for (k, &n) in framework.indicators.iter().enumerate() {
        by_id.entry(framework.nodes[n].id.as_str()).or_insert(k);
        by_key.entry(match_key(&framework.nodes[n].id)).or_insert(k);
    }
    gathered
        .indicators
        .iter()
        .map(|name| {
            by_id
                .get(name.as_str())
                .or_else(|| by_key.get(&match_key(name)))
                .copied()
        })
        .collect()
}

/// The years of the records whose region is a unit, in order.
fn matched_years(gathered: &Gathered, unit_of: &[Option<usize>]) -> Vec<i32> {
    // Records of one year usually follow each other: a year is added when it changes.
    let mut years: BTreeSet<i32> = BTreeSet::new();
    let mut last = None;
    for r in &gathered.records {
        if last != Some(r.year) && unit_of[r.region as usize].is_some() {
            years.insert(r.year);
            last = Some(r.year);
        }
    }
    years.into_iter().collect()
}

/// The column a record's cell is in, for a diagnostic: a long file's value column, a wide
/// file's `name`.
fn field(gathered: &Gathered, r: &Record, name: &str) -> String {
    gathered.files[r.file as usize]
        .value_column
        .clone()
        .unwrap_or_else(|| name.to_string())
}

/// Rows skipped, by what they named (a region, an ignored region's key, an indicator): how
/// many, and the diagnostic of the first.
type Skipped<K> = BTreeMap<K, (usize, Diagnostic)>;

/// The panel being filled record by record, with what the records found wrong.
struct Fill<'a> {
    spec: &'a Spec,
    gathered: &'a Gathered,
    panel: Panel,
    unit_of: Vec<Option<usize>>,
    indicator_of: Vec<Option<usize>>,
    /// `[data] ignore_regions`, as matching keys.
    ignored: Vec<String>,
    /// `[data] ignore_columns`.
    ignored_columns: std::collections::HashSet<&'a str>,
    unknown_regions: Skipped<u32>,
    /// Skipped rows by the ignored region they name, however spelt.
    ignored_rows: Skipped<String>,
    unknown_indicators: Skipped<u32>,
    /// Raw columns that derived indicators' formulas read: (value, first record + 1) per cell.
    raw_columns: HashMap<String, Vec<(Option<f64>, u32)>>,
    /// Indicators whose formula reads their own column (`Flights / Population` on Flights).
    reads_own: Vec<bool>,
    /// The raw column a formula reads, per indicator name as spelled in the files.
    raw_key: Vec<Option<String>>,
    /// The first record (index + 1) given for each cell, to find duplicates.
    seen: Vec<u32>,
    with_data: Vec<bool>,
    /// Duplicates, values out of range and bad sampling errors, at most PER_KIND of each per
    /// file (a file wrong in every cell must not hold a diagnostic per cell).
    per_file: Vec<Problems>,
}

impl<'a> Fill<'a> {
    fn new(
        spec: &'a Spec,
        gathered: &'a Gathered,
        panel: Panel,
        unit_of: Vec<Option<usize>>,
        indicator_of: Vec<Option<usize>>,
    ) -> Self {
        let framework = &spec.framework;
        let raw_columns: HashMap<String, Vec<(Option<f64>, u32)>> = framework
            .indicators
            .iter()
            .filter_map(|&n| match &framework.nodes[n].kind {
                NodeKind::Indicator(i) => i.formula.as_ref(),
                _ => None,
            })
            .flat_map(|f| f.columns())
            .map(|c| {
                (
                    match_key(&c),
                    vec![(None, 0); panel.years.len() * panel.units.len()],
                )
            })
            .collect();
        let reads_own = framework
            .indicators
            .iter()
            .map(|&n| match &framework.nodes[n].kind {
                NodeKind::Indicator(i) => i.formula.as_ref().is_some_and(|f| {
                    let own = match_key(&framework.nodes[n].id);
                    f.columns().iter().any(|c| match_key(c) == own)
                }),
                NodeKind::Group { .. } => false,
            })
            .collect();
        let raw_key = gathered
            .indicators
            .iter()
            .map(|name| Some(match_key(name)).filter(|k| raw_columns.contains_key(k)))
            .collect();
        let cells = panel.years.len() * panel.units.len() * panel.indicators.len();
        Fill {
            spec,
            gathered,
            unit_of,
            indicator_of,
            ignored: spec
                .data
                .ignore_regions
                .iter()
                .map(|s| match_key(s))
                .collect(),
            ignored_columns: spec
                .data
                .ignore_columns
                .iter()
                .map(String::as_str)
                .collect(),
            unknown_regions: BTreeMap::new(),
            ignored_rows: BTreeMap::new(),
            unknown_indicators: BTreeMap::new(),
            raw_columns,
            reads_own,
            raw_key,
            seen: vec![0; cells],
            with_data: vec![false; panel.indicators.len()],
            per_file: gathered.files.iter().map(|_| Problems::default()).collect(),
            panel,
        }
    }

    /// The column a record's cell is in, for a diagnostic.
    fn field(&self, r: &Record, name: &str) -> String {
        field(self.gathered, r, name)
    }

    fn problem(&mut self, r: &Record, d: Diagnostic) {
        self.per_file[r.file as usize].push(d);
    }

    /// Record `k` into its cell, or into the diagnostics.
    fn record(&mut self, k: usize, r: &Record) {
        let Some(unit) = self.unit_of[r.region as usize] else {
            self.skip_region(r);
            return;
        };
        let year = self
            .panel
            .year_position(r.year)
            .expect("years were collected from these records");
        self.panel.mark_present(year, unit);
        // A formula reads the data columns as loaded, indicators' columns included; an
        // indicator whose formula reads its own column takes its value from the formula only.
        let gathered = self.gathered;
        let name = &gathered.indicators[r.indicator as usize];
        let to_panel = self.indicator_of[r.indicator as usize].filter(|&i| !self.reads_own[i]);
        // A long file's rows of an indicator the spec declares it ignores (`[data]
        // ignore_columns`): a spec using part of a shared file says so once.
        if to_panel.is_none() && self.ignored_columns.contains(name.as_str()) {
            return;
        }
        let value = r.value();
        // A workbook cell with a percent format (0.855 shown as 85.5%).
        let percent = gathered
            .sampling
            .get(&(k as u32))
            .is_some_and(|s| s.percent && value.is_some());
        if percent && to_panel.is_none() {
            let d = gathered
                .at_row(Code::NotANumber, r.file, r.row as usize, Some(&self.field(r, name)), format!(
                    "the cell shows {}% (it holds {}), in a column a formula reads: which of the two is meant cannot be told",
                    super::number_text_percent(value), value.map_or(String::new(), |v| v.to_string())
                ))
                .hint("format the cell as Number and type the value the formula expects");
            self.problem(r, d);
            return;
        }
        if !self.raw_column(k, r, (year, unit), value, to_panel.is_some()) {
            return;
        }
        let Some(indicator) = to_panel else {
            self.skip_indicator(r, name);
            return;
        };
        let Some(value) = self.as_shown(r, indicator, value, percent) else {
            return;
        };
        self.set(k, r, (year, unit, indicator), value);
    }

    /// A record whose region is no unit: skipped and counted, as ignored (`[data]
    /// ignore_regions`) or unknown.
    fn skip_region(&mut self, r: &Record) {
        let gathered = self.gathered;
        let spelling = &gathered.regions[r.region as usize].0;
        let column = Some(self.spec.data.region_column.as_str());
        let key = match_key(spelling);
        if self.ignored.contains(&key) {
            let entry = self.ignored_rows.entry(key).or_insert_with(|| {
                let d = gathered
                    .at_row(
                        Code::IgnoredRegion,
                        r.file,
                        r.row as usize,
                        column,
                        format!("region \"{spelling}\" is in [data] ignore_regions"),
                    )
                    .hint("remove it from ignore_regions to have its rows refused instead");
                (0, d)
            });
            entry.0 += 1;
            return;
        }
        let units = &self.panel.units;
        let entry = self.unknown_regions.entry(r.region).or_insert_with(|| {
            let hint = match nearest_unit(units, spelling) {
                Some(s) => format!("did you mean {s}? add the spelling to that unit's aliases, or list it in [data] ignore_regions to skip its rows"),
                None => "add the unit to the spec, the spelling as an alias of one, or list it in [data] ignore_regions to skip its rows".into(),
            };
            let d = gathered
                .at_row(
                    Code::UnknownRegion,
                    r.file,
                    r.row as usize,
                    column,
                    format!("unknown region \"{spelling}\""),
                )
                .hint(hint);
            (0, d)
        });
        entry.0 += 1;
    }

    /// A record of a column a formula reads, kept for the formula. Whether the record goes on
    /// into the panel: not when it is only a formula's input, nor when it repeats a cell.
    fn raw_column(
        &mut self,
        k: usize,
        r: &Record,
        (year, unit): (usize, usize),
        value: Option<f64>,
        to_panel: bool,
    ) -> bool {
        let gathered = self.gathered;
        let Some(values) = self.raw_key[r.indicator as usize]
            .as_ref()
            .and_then(|key| self.raw_columns.get_mut(key))
        else {
            return true;
        };
        let cell = year * self.panel.units.len() + unit;
        if values[cell].1 == 0 {
            values[cell] = (value, k as u32 + 1);
        } else if !to_panel {
            let first = &gathered.records[values[cell].1 as usize - 1];
            let name = &gathered.indicators[r.indicator as usize];
            let d = gathered
                .at_row(Code::DuplicateRow, r.file, r.row as usize, None, format!(
                    "duplicated value for region {}, year {}, column \"{name}\" (first given in {} row {})",
                    self.panel.units.get(unit).code, r.year, gathered.files[first.file as usize].name, first.row + 1
                ))
                .hint("keep one row per region, year and column");
            self.problem(r, d);
            return false;
        }
        to_panel
    }

    /// A record of a column that is no indicator of the spec: skipped and counted.
    fn skip_indicator(&mut self, r: &Record, name: &str) {
        let framework = &self.spec.framework;
        let gathered = self.gathered;
        // Made for the first row of the column only: the others are counted.
        let entry = self.unknown_indicators.entry(r.indicator).or_insert_with(|| {
            let field = field(gathered, r, name);
            let ids = framework.indicators.iter().map(|&n| framework.nodes[n].id.as_str());
            let hint = match crate::diagnostic::nearest(name, ids) {
                Some(near) => format!("did you mean \"{near}\"? rename the column or add the indicator to the spec"),
                None => "add the indicator to the spec, or list the column in [data] ignore_columns".into(),
            };
            let d = gathered.at_row(Code::UnknownIndicator, r.file, r.row as usize, Some(&field), format!("indicator \"{name}\" is not in the spec")).hint(hint);
            (0, d)
        });
        entry.0 += 1;
    }

    /// The value of a cell with a percent format as the indicator's scale reads it (see
    /// `percent_scale`); `None` when the scale cannot tell, and the cell is refused.
    fn as_shown(
        &mut self,
        r: &Record,
        indicator: usize,
        value: Option<f64>,
        percent: bool,
    ) -> Option<Option<f64>> {
        if !percent {
            return Some(value);
        }
        let framework = &self.spec.framework;
        let node = &framework.nodes[framework.indicators[indicator]];
        match percent_scale(&node.kind) {
            Some(scale) if scale == 100.0 => Some(value.map(super::percent_shown)),
            Some(_) => Some(value),
            None => {
                let id = &node.id;
                let d = self.gathered
                    .at_row(Code::NotANumber, r.file, r.row as usize, Some(&self.field(r, id)), format!(
                        "the cell shows {}% (it holds {}), and \"{id}\" is declared neither as a percentage nor as a proportion: which is meant cannot be told",
                        super::number_text_percent(value), value.map_or(String::new(), |v| v.to_string())
                    ))
                    .hint("declare valid = [0, 100] (a percentage: read as shown) or [0, 1] (a proportion: read as held), or a unit starting with %; or format the cell as Number");
                self.problem(r, d);
                None
            }
        }
    }

    /// The value into its cell: refused when the cell is given twice; reported when outside
    /// the indicator's valid range; with its sampling error.
    fn set(
        &mut self,
        k: usize,
        r: &Record,
        (year, unit, indicator): (usize, usize, usize),
        value: Option<f64>,
    ) {
        let gathered = self.gathered;
        let framework = &self.spec.framework;
        let node = &framework.nodes[framework.indicators[indicator]];
        let id = &node.id;
        let (n_units, n_ind) = (self.panel.units.len(), self.panel.indicators.len());
        let cell = (year * n_units + unit) * n_ind + indicator;
        if self.seen[cell] != 0 {
            let first = &gathered.records[self.seen[cell] as usize - 1];
            let d = gathered
                .at_row(
                    Code::DuplicateRow,
                    r.file,
                    r.row as usize,
                    None,
                    format!(
                        "duplicated value for region {}, year {}, indicator \"{id}\" (first given in {} row {})",
                        self.panel.units.get(unit).code,
                        r.year,
                        gathered.files[first.file as usize].name,
                        first.row + 1
                    ),
                )
                .hint("keep one row per region, year and indicator; remove the other or correct its year or region");
            self.problem(r, d);
            return;
        }
        self.seen[cell] = k as u32 + 1;
        if let (Some(v), NodeKind::Indicator(ind)) = (value, &node.kind)
            && let Some((lo, hi)) = ind.valid
            && !(lo..=hi).contains(&v)
        {
            let d = gathered
                .at_row(
                    Code::OutOfRange,
                    r.file,
                    r.row as usize,
                    Some(&self.field(r, id)),
                    format!("value {v} of \"{id}\" is outside its valid range [{lo}, {hi}]"),
                )
                .hint(format!("check the value and its unit ({})", ind.unit));
            self.problem(r, d);
        }
        self.with_data[indicator] = true;
        self.panel.set(year, unit, indicator, value);
        let sampling = gathered
            .sampling
            .get(&(k as u32))
            .copied()
            .unwrap_or_default();
        match sampling_error(value, sampling, &node.kind, id) {
            Ok(se) => self.panel.set_se(year, unit, indicator, se),
            Err((code, message, hint)) => {
                let field = if sampling.se.is_some() { "se" } else { "n" };
                let d = gathered
                    .at_row(code, r.file, r.row as usize, Some(field), message)
                    .hint(hint);
                self.problem(r, d);
            }
        }
    }

    /// The records' problems, the derived indicators, the skipped rows counted, then the
    /// checks over the whole panel. `None` when no row matched a unit.
    fn finish(self, diagnostics: &mut Vec<Diagnostic>) -> Option<Panel> {
        let Fill {
            spec,
            gathered,
            mut panel,
            mut with_data,
            per_file,
            raw_columns,
            unknown_regions,
            ignored_rows,
            unknown_indicators,
            ..
        } = self;
        for problems in per_file {
            diagnostics.extend(problems.into_vec());
        }
        derive(spec, &mut panel, &raw_columns, &mut with_data, diagnostics);
        for (rows, mut d) in unknown_regions
            .into_values()
            .chain(ignored_rows.into_values())
            .chain(unknown_indicators.into_values())
        {
            d.message = format!("{} ({rows} row(s) skipped)", d.message);
            diagnostics.push(d);
        }
        Arc::make_mut(&mut panel.report).files = gathered
            .files
            .iter()
            .filter_map(|f| f.data.clone())
            .collect();
        if panel.years.is_empty() {
            // Unknown regions are errors of their own; nothing else went wrong: say the whole.
            if !gathered.files.is_empty()
                && diagnostics
                    .iter()
                    .all(|d| !d.is_error() || d.code == Code::UnknownRegion)
            {
                diagnostics.push(
                    Diagnostic::new(Code::NoMatchingRows, all_files(gathered), "no row of the data matches a unit of the spec")
                        .hint("check the region column: values must be unit codes, names or aliases from the spec"),
                );
            }
            return None;
        }
        // Coverage, indicators without data and years with too few regions are derived from the
        // data that counted: after an error (a refused cell or row, an unknown region) they would
        // describe data that was refused, so they wait until the errors are fixed.
        if !diagnostics.iter().any(Diagnostic::is_error) {
            spec_level_checks(spec, &panel, &with_data, diagnostics, &all_files(gathered));
        }
        Some(panel)
    }
}

/// How a workbook cell with a percent format (0.855 shown as 85.5%) is read for an indicator:
/// as shown (x 100) for a percentage, declared by `valid = [0, 100]` or a unit that starts
/// with `%` or says percent; as held (x 1) for a proportion, `valid = [0, 1]`; `None` when the
/// spec says neither, and the cell is refused rather than read on a guess.
pub(super) fn percent_scale(kind: &NodeKind) -> Option<f64> {
    let NodeKind::Indicator(i) = kind else {
        return None;
    };
    match i.valid {
        Some((lo, hi)) if lo == 0.0 && hi == 100.0 => return Some(100.0),
        Some((lo, hi)) if lo == 0.0 && hi == 1.0 => return Some(1.0),
        _ => {}
    }
    let unit = i.unit.trim().to_lowercase();
    (unit.starts_with('%') || unit.contains("percent") || unit.contains("процент")).then_some(100.0)
}

/// The standard error of a record's value: given, or from a sample size for a share
/// (se = sqrt(p (S - p) / n), S = 100 for a percentage, 1 for a proportion).
pub(super) fn sampling_error(
    value: Option<f64>,
    sampling: Sampling,
    kind: &NodeKind,
    id: &str,
) -> Result<Option<f64>, number::Refusal> {
    if let Some(se) = sampling.se {
        if !(se.is_finite() && se >= 0.0) {
            return Err((
                Code::BadSampleSize,
                format!("standard error {se} of \"{id}\" is negative"),
                "a standard error is >= 0; leave the cell empty when there is none".into(),
            ));
        }
        return Ok(Some(se));
    }
    let (Some(n), Some(p)) = (sampling.n, value) else {
        return Ok(None);
    };
    if !(n.is_finite() && n >= 1.0) {
        return Err((
            Code::BadSampleSize,
            format!("sample size {n} of \"{id}\" is not at least 1"),
            "give the number of respondents behind the value".into(),
        ));
    }
    let scale = match kind {
        NodeKind::Indicator(i) => match i.valid {
            Some((lo, hi)) if lo == 0.0 && (hi == 100.0 || hi == 1.0) => hi,
            _ => {
                return Err((
                    Code::BadSampleSize,
                    format!("a sample size is given for \"{id}\", which is not declared as a share"),
                    "declare valid = [0, 100] (a percentage) or [0, 1] (a proportion), or give the standard error in an se column".into(),
                ));
            }
        },
        NodeKind::Group { .. } => return Ok(None),
    };
    Ok(Some((p * (scale - p) / n).max(0.0).sqrt()))
}

/// The unit whose code, name or alias is closest to an unknown spelling.
pub(super) fn nearest_unit(units: &Units, spelling: &str) -> Option<String> {
    let mut candidates: Vec<(String, String)> = Vec::new();
    for u in units.iter() {
        candidates.push((u.code.clone(), u.code.clone()));
        for n in u.name.values().chain(u.aliases.iter().map(String::as_str)) {
            candidates.push((n.to_string(), u.code.clone()));
        }
    }
    let near = crate::diagnostic::nearest(spelling, candidates.iter().map(|(s, _)| s.as_str()))?;
    let code = &candidates.iter().find(|(s, _)| s == near)?.1;
    Some(format!("{near} ({code})"))
}
