//! The units of a spec (listed, or a table beside it) and its boundary changes.

use super::{
    BTreeMap, Checker, Code, Diagnostic, Framework, Labels, NodeKind, Path, Range, RawLabels,
    RawUnit, Spanned, Treatment, Uncertainty, Unit, Units,
};
use crate::named::Named;

pub(super) type LabelFn<'l> = dyn Fn(&mut Checker, &str, &RawLabels) -> Labels + 'l;

pub(super) fn units(
    check: &mut Checker,
    raw: &Option<Spanned<crate::spec::raw::RawUnits>>,
    listed: &[Spanned<RawUnit>],
    languages: &[String],
    spec_path: &Path,
    labels: &LabelFn,
) -> Option<Option<Units>> {
    let table = raw.as_ref().and_then(|u| u.get_ref().table.as_ref());
    let from_data = raw
        .as_ref()
        .and_then(|u| u.get_ref().from_data.as_ref())
        .is_some_and(|f| *f.get_ref());
    let sources = [!listed.is_empty(), table.is_some(), from_data];
    let at = raw.as_ref().map_or(0..0, |u| u.span());
    match sources.iter().filter(|s| **s).count() {
        0 => {
            check.at(
 Code::BadUnits,
                at,
                "the spec declares no units",
                "list them as [[unit]] entries, reference a CSV with [units] table = \"regions.csv\", or set [units] from_data = true",
            );
            return None;
        }
        1 => {}
        _ => {
            check.at(
                Code::BadUnits,
                at,
                "units are declared in more than one way",
                "use exactly one of: [[unit]] entries, [units] table, [units] from_data = true",
            );
            return None;
        }
    }
    if from_data {
        return Some(None);
    }
    let mut units = Units::default();
    if let Some(table) = table {
        let file = spec_path
            .parent()
            .unwrap_or(Path::new(""))
            .join(table.get_ref());
        match read_units_table(&file, languages) {
            Ok(list) => {
                for (unit, line) in list {
                    if let Err(clash) = units.push(unit) {
                        let mut d = Diagnostic::new(
                            Code::UnitClash,
                            file.display().to_string(),
                            format!("\"{}\" names both {} and {}", clash.spelling, clash.first, clash.second),
                        )
                        .hint("every code, name and alias must point to one unit; remove or change one");
                        d.line = Some(line);
                        check.problems.push(d);
                    }
                }
            }
            Err(problem) => {
                check.problems.push(problem);
                return None;
            }
        }
    } else {
        for unit in listed {
            let span = unit.span();
            let raw = unit.get_ref();
            let code = raw.code.get_ref().trim().to_string();
            if code.is_empty() {
                check.at(
                    Code::BadId,
                    raw.code.span(),
                    "unit code is empty",
                    "give every unit a code, e.g. code = \"KZ-75\"",
                );
                continue;
            }
            let name = labels(check, &format!("unit {code} name"), &raw.name);
            let aliases = raw.aliases.iter().map(|a| a.get_ref().clone()).collect();
            let tile = match &raw.tile {
                None => None,
                Some(t) => match t.get_ref().as_slice() {
                    [r, c] if *r >= 0 && *c >= 0 => Some((*r as u32, *c as u32)),
                    _ => {
                        check.at(
                            Code::BadParameter,
                            t.span(),
                            "tile must be [row, column], two whole numbers >= 0",
                            "e.g. tile = [0, 3]",
                        );
                        None
                    }
                },
            };
            if let Err(clash) = units.push(Unit {
                code,
                name,
                aliases,
                tile,
                group: raw.group.clone(),
                pooled: raw.pooled.as_ref().is_none_or(|p| *p.get_ref()),
            }) {
                check.at(
                    Code::UnitClash,
                    span,
                    format!(
                        "\"{}\" names both {} and {}",
                        clash.spelling, clash.first, clash.second
                    ),
                    "every code, name and alias must point to one unit; remove or change one",
                );
            }
        }
    }
    Some(Some(units))
}

/// Reads a units table: columns `code`, `name_<lang>` for every declared language, and an
/// optional `aliases` column with spellings separated by `|`.
pub(super) fn read_units_table(
    file: &Path,
    languages: &[String],
) -> Result<Vec<(Unit, usize)>, Diagnostic> {
    let problem = |line: usize, column: usize, message: String, hint: &str| {
        Diagnostic::new(Code::BadUnits, file.display().to_string(), message)
            .at(line, column)
            .hint(hint)
    };
    let mut reader = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .from_path(file)
        .map_err(|e| {
            problem(
                1,
                1,
                format!("cannot read the units table: {e}"),
                "check [units] table: the path is relative to the spec file",
            )
        })?;
    let headers = reader
        .headers()
        .map_err(|e| {
            problem(
                1,
                1,
                format!("cannot read the header: {e}"),
                "save the table as UTF-8 CSV",
            )
        })?
        .clone();
    let columns = UnitColumns::of(&headers, languages, &problem)?;
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line() as usize);
            problem(
                line,
                1,
                format!("malformed row: {e}"),
                "every row needs as many fields as the header",
            )
        })?;
        out.push(columns.unit(&record, &problem)?);
    }
    Ok(out)
}

/// A problem of the units table at a line and column.
type UnitsProblem<'a> = dyn Fn(usize, usize, String, &str) -> Diagnostic + 'a;

/// Where a units table holds each of a unit's fields.
struct UnitColumns {
    code: usize,
    /// (language, column) of each `name_<lang>`.
    names: Vec<(String, usize)>,
    aliases: Option<usize>,
    tile: Option<(usize, usize)>,
    group: Option<usize>,
    pooled: Option<usize>,
}

impl UnitColumns {
    /// The columns of the header: `code` and a name per language are required.
    fn of(
        headers: &csv::StringRecord,
        languages: &[String],
        problem: &UnitsProblem,
    ) -> Result<Self, Diagnostic> {
        let col = |name: &str| headers.iter().position(|h| h.trim() == name);
        let code = col("code").ok_or_else(|| {
            problem(
                1,
                1,
                "the units table has no \"code\" column".into(),
                "the header needs code, name_<lang> for each language, and optionally aliases",
            )
        })?;
        let mut names = Vec::new();
        for lang in languages {
            let c = col(&format!("name_{lang}")).ok_or_else(|| {
                problem(
                    1,
                    1,
                    format!("the units table has no \"name_{lang}\" column"),
                    "add one name column per language of index.languages",
                )
            })?;
            names.push((lang.clone(), c));
        }
        Ok(UnitColumns {
            code,
            names,
            aliases: col("aliases"),
            tile: col("tile_row").zip(col("tile_col")),
            group: col("group"),
            pooled: col("pooled"),
        })
    }

    /// The unit of one row, with its line.
    fn unit(
        &self,
        record: &csv::StringRecord,
        problem: &UnitsProblem,
    ) -> Result<(Unit, usize), Diagnostic> {
        let line = record.position().map_or(0, |p| p.line() as usize);
        let field = |c: usize| record.get(c).unwrap_or("").trim().to_string();
        let code = field(self.code);
        if code.is_empty() {
            return Err(problem(
                line,
                self.code + 1,
                "empty unit code".into(),
                "every row needs a code",
            ));
        }
        let mut names = BTreeMap::new();
        for (lang, c) in &self.names {
            let name = field(*c);
            if name.is_empty() {
                return Err(problem(
                    line,
                    c + 1,
                    format!("unit {code} has no name_{lang}"),
                    "fill in the name in every language",
                ));
            }
            names.insert(lang.clone(), name);
        }
        let aliases = self
            .aliases
            .map(|c| {
                field(c)
                    .split('|')
                    .map(str::trim)
                    .filter(|a| !a.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        let tile = match self.tile {
            None => None,
            Some((r, c)) => match (field(r).as_str(), field(c).as_str()) {
                ("", "") => None,
                (rt, ct) => match (rt.parse::<u32>(), ct.parse::<u32>()) {
                    (Ok(r), Ok(c)) => Some((r, c)),
                    _ => {
                        return Err(problem(
                            line,
                            r + 1,
                            format!(
                                "unit {code}: tile_row and tile_col must be whole numbers >= 0"
                            ),
                            "leave both empty for a unit without a tile",
                        ));
                    }
                },
            },
        };
        let pooled = match self.pooled.map(field).as_deref() {
            None | Some("") | Some("true") => true,
            Some("false") => false,
            Some(other) => {
                return Err(problem(
                    line,
                    self.pooled.map_or(1, |c| c + 1),
                    format!("unit {code}: pooled is \"{other}\""),
                    "write true (a region the index pools and ranks, the default) or false (scored on the regions' scale, outside them)",
                ));
            }
        };
        Ok((
            Unit {
                pooled,
                code,
                name: Labels::new(names),
                aliases,
                tile,
                group: self.group.map(field).filter(|g| !g.is_empty()),
            },
            line,
        ))
    }
}

pub(super) fn boundary_changes(
    check: &mut Checker,
    raw: &[Spanned<crate::spec::raw::RawBoundaryChange>],
) -> Option<Vec<crate::spec::BoundaryChange>> {
    let mut out = Vec::new();
    let mut ok = true;
    for c in raw {
        let span = c.span();
        let c = c.get_ref();
        let parts = match (c.from.len(), c.into.len()) {
            (1, n) if n > 1 => n,
            (n, 1) if n > 1 => n,
            _ => {
                check.at(
                    Code::BadParameter,
                    span,
                    "a boundary change splits one region into several or merges several into one",
                    "e.g. from = [\"KZ-63\"], into = [\"KZ-63\", \"KZ-10\"]",
                );
                ok = false;
                continue;
            }
        };
        let w = c.weights.get_ref();
        let sum: f64 = w.iter().sum();
        if w.len() != parts
            || w.iter().any(|v| !(v.is_finite() && *v >= 0.0))
            || (sum - 1.0).abs() > 1e-6
        {
            check.at(
                Code::BadParameter,
                c.weights.span(),
                format!("the weights of the {} change of {} must be {parts} shares >= 0 summing to 1, not {w:?} (sum {sum})", c.year, c.from.join(", ")),
                "give each part's share of the old region (or of the new one), e.g. of the child population",
            );
            ok = false;
            continue;
        }
        out.push(crate::spec::BoundaryChange {
            year: c.year,
            from: c.from.clone(),
            into: c.into.clone(),
            weights: w.clone(),
        });
    }
    ok.then_some(out)
}

/// A unit scored outside the regions (`pooled = false`) must not move them: methods that
/// compare regions with each other (rank-mean, Copeland) or fit a treatment on the year's
/// values (winsorising, the JRC rule) would count it among them, so they are refused beside
/// it, at its `pooled` key (or the units table).
pub(super) fn unpooled_conflicts(
    check: &mut Checker,
    raw_units: &[Spanned<RawUnit>],
    table_span: Range<usize>,
    units: &Units,
    fw: &Framework,
    uncertainty: &Uncertainty,
) {
    let Some(unit) = (0..units.len()).map(|u| units.get(u)).find(|u| !u.pooled) else {
        return;
    };
    let span = raw_units
        .iter()
        .find(|r| r.get_ref().code.get_ref().trim() == unit.code)
        .and_then(|r| r.get_ref().pooled.as_ref().map(Spanned::span))
        .unwrap_or(table_span);
    let mut uses: Vec<String> = Vec::new();
    for node in &fw.nodes {
        match &node.kind {
            NodeKind::Group { aggregation, .. }
                if aggregation.across_regions() && node.steps.formula.is_none() =>
            {
                uses.push(format!(
                    "\"{}\" aggregates with {}",
                    node.id,
                    aggregation.describe()
                ));
            }
            NodeKind::Indicator(i)
                if matches!(
                    i.treatment,
                    Treatment::Winsorise { .. } | Treatment::Jrc { .. }
                ) =>
            {
                uses.push(format!(
                    "\"{}\" is treated by {}",
                    node.id,
                    i.treatment.kind().name()
                ));
            }
            _ => {}
        }
    }
    for a in uncertainty
        .aggregations
        .iter()
        .filter(|a| a.across_regions())
    {
        uses.push(format!("[uncertainty] tries {}", a.describe()));
    }
    for t in uncertainty
        .treatments
        .iter()
        .filter(|t| matches!(t, Treatment::Winsorise { .. } | Treatment::Jrc { .. }))
    {
        uses.push(format!("[uncertainty] tries {}", t.kind().name()));
    }
    if let Some(first) = uses.first() {
        check.at(
            Code::BadParameter,
            span,
            format!(
                "unit {} is scored outside the regions (pooled = false), but {first}{}, which would count it among them",
                unit.code,
                if uses.len() > 1 { format!(" (and {} more)", uses.len() - 1) } else { String::new() }
            ),
            "aggregate with a mean and treat with log, sqrt or none beside a unit outside the regions, or leave the unit out of the index",
        );
    }
}
