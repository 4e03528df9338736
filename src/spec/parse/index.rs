//! The index's own keys, its label tables and its levels: what every other part of the spec
//! is read against.

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

use toml::Spanned;

use super::methods::{aggregation, choice, impute, missing_rule, treatment};
use super::units::LabelFn;
use super::{Checker, ID_HINT, valid_id};
use crate::diagnostic::Code;
use crate::spec::raw::{RawGroup, RawIndex, RawIndicator, RawLabels, RawLevel};
use crate::spec::{
    Aggregation, Direction, Impute, IndexMeta, Labels, MissingRule, Ties, Treatment,
};
use crate::units::Units;

/// A label table checked against the index's languages: one label in each, none in another.
pub(super) fn checked_labels(
    check: &mut Checker,
    languages: &[String],
    what: &str,
    raw: &RawLabels,
) -> Labels {
    for lang in languages {
        match raw.get_ref().get(lang) {
            Some(text) if !text.trim().is_empty() => {}
            _ => check.at(
                Code::MissingLabel,
                raw.span(),
                format!("{what}: no label in language \"{lang}\""),
                format!("add {lang} = \"...\" to the name table"),
            ),
        }
    }
    for lang in raw.get_ref().keys() {
        if !languages.contains(lang) {
            check.at(
                Code::MissingLabel,
                raw.span(),
                format!(
                    "{what}: label in language \"{lang}\", which index.languages does not declare"
                ),
                format!("add \"{lang}\" to index.languages or remove the label"),
            );
        }
    }
    Labels::new(raw.get_ref().clone())
}

/// `[index]`'s own keys: id, scale, direction, tie rule, names.
pub(super) fn index_meta(check: &mut Checker, index: &RawIndex, labels: &LabelFn) -> IndexMeta {
    let scale = match index.scale.get_ref().as_slice() {
        [lo, hi] if lo.is_finite() && hi.is_finite() && lo < hi => (*lo, *hi),
        _ => {
            check.at(
                Code::BadParameter,
                index.scale.span(),
                "index.scale must be two finite numbers [low, high] with low < high",
                "e.g. scale = [0, 100]",
            );
            (0.0, 100.0)
        }
    };
    let root_id = index.id.get_ref().clone();
    if !valid_id(&root_id) {
        check.at(
            Code::BadId,
            index.id.span(),
            format!("index id \"{root_id}\" is not a valid id"),
            ID_HINT,
        );
    }
    let direction = match index.direction.as_ref() {
        None => Direction::Higher,
        Some(d) => match d.get_ref().as_str() {
            "higher" => Direction::Higher,
            "lower" => Direction::Lower,
            other => {
                check.at(
                    Code::UnknownMethod,
                    d.span(),
                    format!("unknown index.direction \"{other}\""),
                    "use \"higher\" (a well-being index) or \"lower\" (a deprivation or inequality index)",
                );
                Direction::Higher
            }
        },
    };
    // Output ranks tie at the minimum unless the spec says otherwise (a refused spelling is
    // reported by `choice`; Min stands in for it while the rest is checked).
    let given = index
        .ties
        .as_ref()
        .map(|_| choice::<Ties>(check, &index.ties, "index.ties"));
    let ties = given.flatten().unwrap_or(Ties::Min);
    IndexMeta {
        direction,
        ties,
        id: root_id.clone(),
        version: index.version.clone(),
        name: labels(check, "index name", &index.name),
        description: index
            .description
            .as_ref()
            .map(|d| labels(check, "index description", d)),
        languages: index.languages.get_ref().clone(),
        scale,
    }
}

/// Level names and the methods declared per level: (aggregation, missing rule) and
/// (imputation, treatment), each `None` where the level leaves it to the defaults.
#[allow(clippy::type_complexity)]
pub(super) fn levels(
    check: &mut Checker,
    raw: &[Spanned<RawLevel>],
    labels: &LabelFn,
) -> (
    Vec<Labels>,
    Vec<(Option<Option<Aggregation>>, Option<Option<MissingRule>>)>,
    Vec<(Option<Option<Impute>>, Option<Option<Treatment>>)>,
) {
    let mut levels = Vec::new();
    let mut level_methods = Vec::new();
    let mut level_treatments = Vec::new();
    for (depth, level) in raw.iter().enumerate() {
        let level = level.get_ref();
        levels.push(labels(check, &format!("level {depth} name"), &level.name));
        let agg = level.aggregation.as_ref().map(|a| aggregation(check, a));
        let miss = level.missing.as_ref().map(|m| missing_rule(check, m));
        level_methods.push((agg, miss));
        let imp = level.imputation.as_ref().map(|m| impute(check, m));
        let treat = level.treatment.as_ref().map(|m| treatment(check, m));
        level_treatments.push((imp, treat));
    }
    (levels, level_methods, level_treatments)
}

/// `[data] ignore_regions` lists only regions outside the index.
pub(super) fn ignored_units(check: &mut Checker, units: &Units, ignored: &[Spanned<String>]) {
    for spelling in ignored {
        if let Some(u) = units.find(spelling.get_ref()) {
            let spelling_span = spelling.span();
            let spelling = spelling.get_ref();
            check.at(
                Code::BadParameter,
                spelling_span,
                format!(
                    "[data] ignore_regions lists \"{spelling}\", which is unit {} of the index",
                    units.get(u).code
                ),
                "list only regions outside the index (national totals, other cities)",
            );
        }
    }
}

/// Where each node's id is written in the spec, for diagnostics.
pub(super) fn node_spans(
    index: &RawIndex,
    groups: &[Spanned<RawGroup>],
    indicators: &[Spanned<RawIndicator>],
) -> HashMap<String, Range<usize>> {
    std::iter::once((index.id.get_ref().clone(), index.id.span()))
        .chain(
            groups
                .iter()
                .map(|g| (g.get_ref().id.get_ref().clone(), g.get_ref().id.span())),
        )
        .chain(
            indicators
                .iter()
                .map(|i| (i.get_ref().id.get_ref().clone(), i.get_ref().id.span())),
        )
        .collect()
}

/// `[defaults] bounds_edition`: the bounds of the edition whose directory (or manifest) it
/// names, relative to the spec; `None` when they cannot be read (reported).
pub(super) fn frozen_bounds(
    check: &mut Checker,
    path: &Path,
    edition: &Spanned<String>,
) -> Option<crate::spec::frozen::FrozenBounds> {
    crate::spec::frozen::read(path, edition.get_ref())
        .map_err(|message| {
            check.at(
                Code::BadParameter,
                edition.span(),
                format!("bounds_edition: {message}"),
                "give the output directory (or its manifest.json) of the edition whose bounds to keep, relative to the spec",
            )
        })
        .ok()
}
