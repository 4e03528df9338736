//! Building the panel from the records: regions and indicators matched once per spelling, values
//! parsed and checked (valid range, duplicates), sampling errors derived.

use super::checks::spec_level_checks;
use super::derived::derive;
use super::gathered::{Gathered, Sampling};
use super::problems::Problems;
use super::rows::Sink as _;
use super::{
    Arc, BTreeMap, BTreeSet, Code, Diagnostic, HashMap, Labels, NodeKind, Panel, Spec, Unit, Units,
    match_key, number,
};

/// Matches regions and indicators, checks duplicates, valid ranges, coverage and years, and
/// fills the panel. `None` when no row matched a unit.
pub(super) fn build_panel(
    spec: &Spec,
    gathered: Gathered,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Panel> {
    let framework = &spec.framework;
    let all_files = || {
        gathered
            .files
            .iter()
            .map(|f| f.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };

    // Units: the spec's, or one per distinct code in the data (sorted, so file order does not
    // change the output).
    let units = match &spec.units {
        Some(units) => units.clone(),
        None => {
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
                            all_files(),
                            format!("\"{}\" names both {} and {}", clash.spelling, clash.first, clash.second),
                        )
                        .hint("with [units] from_data, names must not repeat another unit's code or name"),
                    );
                }
            }
            units
        }
    };
    let unit_of: Vec<Option<usize>> = gathered
        .regions
        .iter()
        .map(|(s, _)| units.find(s))
        .collect();
    // Indicator columns by id as spelled, then by matching key (first wins, as a scan would).
    let mut by_id: HashMap<&str, usize> = HashMap::new();
    let mut by_key: HashMap<String, usize> = HashMap::new();
    for (k, &n) in framework.indicators.iter().enumerate() {
        by_id.entry(framework.nodes[n].id.as_str()).or_insert(k);
        by_key.entry(match_key(&framework.nodes[n].id)).or_insert(k);
    }
    let indicator_of: Vec<Option<usize>> = gathered
        .indicators
        .iter()
        .map(|name| {
            by_id
                .get(name.as_str())
                .or_else(|| by_key.get(&match_key(name)))
                .copied()
        })
        .collect();
    // Records of one year usually follow each other: a year is added when it changes.
    let mut years: BTreeSet<i32> = BTreeSet::new();
    let mut last = None;
    for r in &gathered.records {
        if last != Some(r.year) && unit_of[r.region as usize].is_some() {
            years.insert(r.year);
            last = Some(r.year);
        }
    }
    let ids: Vec<String> = framework
        .indicators
        .iter()
        .map(|&n| framework.nodes[n].id.clone())
        .collect();
    let mut panel = Panel::new(units, years.into_iter().collect(), ids);

    let mut unknown_regions: BTreeMap<u32, (usize, Diagnostic)> = BTreeMap::new();
    let ignored: Vec<String> = spec
        .data
        .ignore_regions
        .iter()
        .map(|s| match_key(s))
        .collect();
    // Skipped rows by the ignored region they name, however spelt.
    let mut ignored_rows: BTreeMap<String, (usize, Diagnostic)> = BTreeMap::new();
    let mut unknown_indicators: BTreeMap<u32, (usize, Diagnostic)> = BTreeMap::new();
    // Raw columns that derived indicators' formulas read: (value, first record + 1) per cell.
    let mut raw_columns: HashMap<String, Vec<(Option<f64>, u32)>> = framework
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
    // Indicators whose formula reads their own column (`Flights / Population` on Flights).
    let reads_own: Vec<bool> = framework
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
    // The raw column a formula reads, per indicator name as spelled in the files.
    let raw_key: Vec<Option<String>> = gathered
        .indicators
        .iter()
        .map(|name| Some(match_key(name)).filter(|k| raw_columns.contains_key(k)))
        .collect();
    // The first record (index + 1) given for each cell, to find duplicates.
    let (n_units, n_ind) = (panel.units.len(), panel.indicators.len());
    let mut seen: Vec<u32> = vec![0; panel.years.len() * n_units * n_ind];
    let mut with_data = vec![false; panel.indicators.len()];
    // Duplicates, values out of range and bad sampling errors, at most PER_KIND of each per
    // file (a file wrong in every cell must not hold a diagnostic per cell).
    let mut per_file: Vec<Problems> = gathered.files.iter().map(|_| Problems::default()).collect();
    let ignored_indicators: std::collections::HashSet<&str> = spec
        .data
        .ignore_columns
        .iter()
        .map(String::as_str)
        .collect();
    for (k, r) in gathered.records.iter().enumerate() {
        let field = |name: &str| {
            gathered.files[r.file as usize]
                .value_column
                .clone()
                .unwrap_or_else(|| name.to_string())
        };
        let Some(unit) = unit_of[r.region as usize] else {
            let spelling = &gathered.regions[r.region as usize].0;
            let key = match_key(spelling);
            if ignored.contains(&key) {
                let entry = ignored_rows.entry(key).or_insert_with(|| {
                    let d = gathered
                        .at_row(
                            Code::IgnoredRegion,
                            r.file,
                            r.row as usize,
                            Some(spec.data.region_column.as_str()),
                            format!("region \"{spelling}\" is in [data] ignore_regions"),
                        )
                        .hint("remove it from ignore_regions to have its rows refused instead");
                    (0, d)
                });
                entry.0 += 1;
                continue;
            }
            let entry = unknown_regions.entry(r.region).or_insert_with(|| {
                let hint = match nearest_unit(&panel.units, spelling) {
                    Some(s) => format!("did you mean {s}? add the spelling to that unit's aliases, or list it in [data] ignore_regions to skip its rows"),
                    None => "add the unit to the spec, the spelling as an alias of one, or list it in [data] ignore_regions to skip its rows".into(),
                };
                let d = gathered
                    .at_row(
                        Code::UnknownRegion,
                        r.file,
                        r.row as usize,
                        Some(spec.data.region_column.as_str()),
                        format!("unknown region \"{spelling}\""),
                    )
                    .hint(hint);
                (0, d)
            });
            entry.0 += 1;
            continue;
        };
        let year = panel
            .year_position(r.year)
            .expect("years were collected from these records");
        panel.mark_present(year, unit);
        // A formula reads the data columns as loaded, indicators' columns included; an
        // indicator whose formula reads its own column takes its value from the formula only.
        let name = &gathered.indicators[r.indicator as usize];
        let to_panel = indicator_of[r.indicator as usize].filter(|&i| !reads_own[i]);
        // A long file's rows of an indicator the spec declares it ignores (`[data]
        // ignore_columns`): a spec using part of a shared file says so once.
        if to_panel.is_none() && ignored_indicators.contains(name.as_str()) {
            continue;
        }
        let mut value = r.value();
        // A workbook cell with a percent format (0.855 shown as 85.5%).
        let percent = gathered
            .sampling
            .get(&(k as u32))
            .is_some_and(|s| s.percent && value.is_some());
        if percent && to_panel.is_none() {
            per_file[r.file as usize].push(
                gathered
                    .at_row(Code::NotANumber, r.file, r.row as usize, Some(&field(name)), format!(
                        "the cell shows {}% (it holds {}), in a column a formula reads: which of the two is meant cannot be told",
                        super::number_text_percent(value), value.map_or(String::new(), |v| v.to_string())
                    ))
                    .hint("format the cell as Number and type the value the formula expects"),
            );
            continue;
        }
        if let Some(values) = raw_key[r.indicator as usize]
            .as_ref()
            .and_then(|key| raw_columns.get_mut(key))
        {
            let cell = year * n_units + unit;
            if values[cell].1 == 0 {
                values[cell] = (value, k as u32 + 1);
            } else if to_panel.is_none() {
                let first = &gathered.records[values[cell].1 as usize - 1];
                per_file[r.file as usize].push(
                    gathered
                        .at_row(Code::DuplicateRow, r.file, r.row as usize, None, format!(
                            "duplicated value for region {}, year {}, column \"{name}\" (first given in {} row {})",
                            panel.units.get(unit).code, r.year, gathered.files[first.file as usize].name, first.row + 1
                        ))
                        .hint("keep one row per region, year and column"),
                );
                continue;
            }
            if to_panel.is_none() {
                continue;
            }
        }
        let Some(indicator) = to_panel else {
            let entry = unknown_indicators.entry(r.indicator).or_insert_with(|| {
                let ids = framework.indicators.iter().map(|&n| framework.nodes[n].id.as_str());
                let hint = match crate::diagnostic::nearest(name, ids) {
                    Some(near) => format!("did you mean \"{near}\"? rename the column or add the indicator to the spec"),
                    None => "add the indicator to the spec, or list the column in [data] ignore_columns".into(),
                };
                let d = gathered.at_row(Code::UnknownIndicator, r.file, r.row as usize, Some(&field(name)), format!("indicator \"{name}\" is not in the spec")).hint(hint);
                (0, d)
            });
            entry.0 += 1;
            continue;
        };
        let id = &framework.nodes[framework.indicators[indicator]].id;
        if percent {
            match percent_scale(&framework.nodes[framework.indicators[indicator]].kind) {
                Some(scale) if scale == 100.0 => value = value.map(super::percent_shown),
                Some(_) => {}
                None => {
                    per_file[r.file as usize].push(
                        gathered
                            .at_row(Code::NotANumber, r.file, r.row as usize, Some(&field(id)), format!(
                                "the cell shows {}% (it holds {}), and \"{id}\" is declared neither as a percentage nor as a proportion: which is meant cannot be told",
                                super::number_text_percent(value), value.map_or(String::new(), |v| v.to_string())
                            ))
                            .hint("declare valid = [0, 100] (a percentage: read as shown) or [0, 1] (a proportion: read as held), or a unit starting with %; or format the cell as Number"),
                    );
                    continue;
                }
            }
        }
        let cell = (year * n_units + unit) * n_ind + indicator;
        if seen[cell] != 0 {
            let first = &gathered.records[seen[cell] as usize - 1];
            let (first_file, first_row) = (first.file, first.row);
            per_file[r.file as usize].push(
                gathered
                    .at_row(
                        Code::DuplicateRow,
                        r.file,
                        r.row as usize,
                        None,
                        format!(
                            "duplicated value for region {}, year {}, indicator \"{id}\" (first given in {} row {})",
                            panel.units.get(unit).code,
                            r.year,
                            gathered.files[first_file as usize].name,
                            first_row + 1
                        ),
                    )
                    .hint("keep one row per region, year and indicator; remove the other or correct its year or region"),
            );
            continue;
        }
        seen[cell] = k as u32 + 1;
        if let (Some(v), NodeKind::Indicator(ind)) = (
            value,
            &framework.nodes[framework.indicators[indicator]].kind,
        ) && let Some((lo, hi)) = ind.valid
            && !(lo..=hi).contains(&v)
        {
            per_file[r.file as usize].push(
                gathered
                    .at_row(
                        Code::OutOfRange,
                        r.file,
                        r.row as usize,
                        Some(&field(id)),
                        format!("value {v} of \"{id}\" is outside its valid range [{lo}, {hi}]"),
                    )
                    .hint(format!("check the value and its unit ({})", ind.unit)),
            );
        }
        with_data[indicator] = true;
        panel.set(year, unit, indicator, value);
        let sampling = gathered
            .sampling
            .get(&(k as u32))
            .copied()
            .unwrap_or_default();
        match sampling_error(
            value,
            sampling,
            &framework.nodes[framework.indicators[indicator]].kind,
            id,
        ) {
            Ok(se) => panel.set_se(year, unit, indicator, se),
            Err((code, message, hint)) => {
                let field = if sampling.se.is_some() { "se" } else { "n" };
                per_file[r.file as usize].push(
                    gathered
                        .at_row(code, r.file, r.row as usize, Some(field), message)
                        .hint(hint),
                );
            }
        }
    }
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
                Diagnostic::new(Code::NoMatchingRows, all_files(), "no row of the data matches a unit of the spec")
                    .hint("check the region column: values must be unit codes, names or aliases from the spec"),
            );
        }
        return None;
    }
    // Coverage, indicators without data and years with too few regions are derived from the
    // data that counted: after an error (a refused cell or row, an unknown region) they would
    // describe data that was refused, so they wait until the errors are fixed.
    if !diagnostics.iter().any(Diagnostic::is_error) {
        spec_level_checks(spec, &panel, &with_data, diagnostics, &all_files());
    }
    Some(panel)
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
