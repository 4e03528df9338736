//! `manifest.json`: what was computed from what, and how: the cwi version, digests of the spec
//! and data files, every method and parameter (with the bounds normalisation drew from the
//! data), effective weights, missing values per indicator and year, and loading warnings.
//! It holds no timestamp or absolute path, so the same inputs give the same bytes.

use serde::Serialize;

use super::OutputError;
use crate::normalise::YearBounds;
use crate::panel::{DataFile, MissingCount};
use crate::pipeline::Results;
use crate::spec::{Aggregation, Direction, MissingRule, NodeKind, Normalisation, Pooling};

#[derive(Serialize)]
struct Manifest<'a> {
    cwi_version: &'static str,
    index: IndexEntry<'a>,
    language: &'a str,
    spec: FileEntry<'a>,
    data: &'a [DataFile],
    /// How particular files were read (`[[data.file]]` and the command line's `--decimal`,
    /// `--separator`, `--encoding`), when anything was declared.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    file_readings: &'a [crate::spec::FileReading],
    pooling: Pooling,
    /// The published edition whose bounds normalisation kept (`bounds_edition`).
    #[serde(skip_serializing_if = "Option::is_none")]
    bounds_edition: Option<FileEntry<'a>>,
    /// Whether scores of different years share one scale and are built from the same
    /// indicators (no break).
    comparable_across_years: bool,
    /// Indicators missing for every region in a year, and the nodes built without them.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    breaks: &'a [crate::comparability::Break],
    years: &'a [i32],
    /// Per year, the SHA-256 of the values read (`Panel::year_digest`).
    year_data: Vec<YearData>,
    units: Vec<&'a str>,
    framework: Vec<NodeEntry<'a>>,
    missing_values: Vec<MissingCount>,
    /// Region-years left out by screening (listed only when the spec screens).
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    screened: &'a [crate::treat::Screened],
    /// Cells filled by imputation, and cells changed by outlier treatment.
    imputed: &'a [crate::treat::Change],
    treated: &'a [crate::treat::Change],
    /// The boundaries the series are on, and the region-years rebuilt across a change.
    boundaries: crate::boundaries::Boundaries,
    carried: &'a [crate::boundaries::Carried],
    warnings: Vec<String>,
    /// The previous edition this run was compared with (`--previous-edition`), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    previous_edition: Option<&'a PreviousEdition>,
    /// Every other file of the run, with the SHA-256 of its bytes (`cwi verify` re-hashes them).
    outputs: &'a [super::Output],
}

/// The previous edition a run was compared with, as its manifest records it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PreviousEdition {
    pub path: String,
    pub manifest_sha256: String,
    /// How many of its published values this run revises (listed in revisions.csv).
    pub revised: usize,
    pub reasons: Vec<String>,
}

#[derive(Serialize)]
struct IndexEntry<'a> {
    id: &'a str,
    version: &'a str,
    scale: (f64, f64),
    languages: &'a [String],
}

#[derive(Serialize)]
struct YearData {
    year: i32,
    sha256: String,
}

#[derive(Serialize)]
struct FileEntry<'a> {
    path: String,
    sha256: &'a str,
}

#[derive(Serialize)]
struct NodeEntry<'a> {
    id: &'a str,
    parent: Option<&'a str>,
    level: usize,
    weight: f64,
    /// Weight within the parent after rescaling to sum to 1.
    relative_weight: f64,
    /// Share in the index: the product of relative weights from the node to the root.
    effective_weight: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    aggregation: Option<Aggregation>,
    /// For a group weighted by an AHP matrix: Saaty's consistency ratio.
    #[serde(skip_serializing_if = "Option::is_none")]
    consistency_ratio: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    missing: Option<MissingRule>,
    #[serde(skip_serializing_if = "Option::is_none")]
    direction: Option<Direction>,
    #[serde(skip_serializing_if = "Option::is_none")]
    unit: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    normalisation: Option<&'a Normalisation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bounds: Option<&'a [YearBounds]>,
    /// A group's formula, its normalisation's `parent_takes`, any node's `round`.
    #[serde(skip_serializing_if = "Option::is_none")]
    formula: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    parent_takes: Option<crate::spec::Passes>,
    #[serde(skip_serializing_if = "Option::is_none")]
    round: Option<u32>,
}

pub fn render(
    results: &Results,
    lang: &str,
    outputs: &[super::Output],
) -> Result<Vec<u8>, OutputError> {
    render_with(results, lang, outputs, None)
}

/// `render`, recording the previous edition the run was compared with.
pub fn render_with(
    results: &Results,
    lang: &str,
    outputs: &[super::Output],
    previous_edition: Option<&PreviousEdition>,
) -> Result<Vec<u8>, OutputError> {
    let (spec, panel) = (&results.spec, &results.panel);
    let fw = &spec.framework;
    let framework = fw
        .nodes
        .iter()
        .enumerate()
        .map(|(n, node)| node_entry(results, n, node))
        .collect();
    let same_scale = spec.pooling != Pooling::EachYear
        || fw.indicators.iter().all(|&n| {
            matches!(
                &fw.nodes[n].kind,
                NodeKind::Indicator(i) if !i.normalisation.draws_from_data()
            )
        });
    let comparable_across_years = same_scale && results.breaks.is_empty();
    let mut warnings = panel.report.warnings();
    warnings.extend(results.notes.iter().cloned());
    if !same_scale && panel.years.len() > 1 {
        warnings.push(
            "pooling = each-year: scores are normalised within each year, so a change of score between years is not a change of level; compare ranks, or use all-years or reference-year pooling".into(),
        );
    }
    let manifest = Manifest {
        cwi_version: env!("CARGO_PKG_VERSION"),
        index: IndexEntry {
            id: &spec.index.id,
            version: &spec.index.version,
            scale: spec.index.scale,
            languages: &spec.index.languages,
        },
        language: lang,
        spec: FileEntry {
            path: spec.path.display().to_string(),
            sha256: &spec.sha256,
        },
        data: &panel.report.files,
        file_readings: &spec.data.files,
        pooling: spec.pooling,
        bounds_edition: spec.frozen.as_ref().map(|f| FileEntry {
            path: f.manifest.display().to_string(),
            sha256: &f.sha256,
        }),
        comparable_across_years,
        breaks: &results.breaks,
        years: &panel.years,
        // Years hashed in parallel (a census-tract panel holds millions of values a year);
        // the list keeps the years' order.
        year_data: {
            use rayon::prelude::*;
            panel
                .years
                .par_iter()
                .enumerate()
                .map(|(y, &year)| YearData {
                    year,
                    sha256: panel.year_digest(y),
                })
                .collect()
        },
        units: panel.units.iter().map(|u| u.code.as_str()).collect(),
        framework,
        missing_values: panel.missing_counts(),
        screened: &results.log.screened,
        imputed: &results.log.imputed,
        boundaries: results.boundaries,
        carried: &results.carried,
        treated: &results.log.treated,
        warnings,
        previous_edition,
        outputs,
    };
    let mut bytes = serde_json::to_vec_pretty(&manifest).map_err(|e| OutputError::Render {
        what: "manifest.json".into(),
        message: e.to_string(),
    })?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// A node's entry: its weights, and the methods and bounds it was scored with.
fn node_entry<'r>(results: &'r Results, n: usize, node: &'r crate::spec::Node) -> NodeEntry<'r> {
    let fw = &results.spec.framework;
    let mut entry = NodeEntry {
        id: &node.id,
        parent: node.parent.map(|p| fw.nodes[p].id.as_str()),
        level: node.level,
        weight: results.weights.get(n),
        relative_weight: results.weights.relative(fw, n),
        effective_weight: results.weights.effective(fw, n),
        aggregation: None,
        consistency_ratio: fw.consistency.get(&node.id).copied(),
        missing: None,
        direction: None,
        unit: None,
        source: None,
        normalisation: None,
        bounds: None,
        formula: node.steps.formula.as_ref().map(|f| f.text.as_str()),
        parent_takes: None,
        round: node.steps.round,
    };
    match &node.kind {
        NodeKind::Group {
            aggregation,
            missing,
        } => {
            // A formula group takes no aggregation, nor a missing rule.
            if node.steps.formula.is_none() {
                entry.aggregation = Some(*aggregation);
                entry.missing = Some(*missing);
            }
            if let Some(method) = &node.steps.normalisation {
                entry.normalisation = Some(method);
                entry.bounds = results.scores.bounds[n].as_deref();
                entry.parent_takes = Some(node.steps.parent_takes);
            }
        }
        NodeKind::Indicator(ind) => {
            let column = fw.indicators.iter().position(|&i| i == n);
            entry.direction = Some(ind.direction);
            entry.unit = Some(&ind.unit);
            entry.source = Some(&ind.source);
            entry.normalisation = Some(&ind.normalisation);
            entry.bounds = column.map(|c| results.normalised.bounds[c].as_slice());
        }
    }
    entry
}
