//! The spec file as written: serde structures mirroring the TOML, with source spans kept on
//! every value a later check may need to point at. Nothing here is validated; `spec::parse`
//! turns these into the trusted types of `spec`.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

/// A label in several languages: `{ kk = "...", ru = "...", en = "..." }`.
pub type RawLabels = Spanned<BTreeMap<String, String>>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSpec {
    pub index: Spanned<RawIndex>,
    pub defaults: Spanned<RawDefaults>,
    #[serde(default)]
    pub level: Vec<Spanned<RawLevel>>,
    #[serde(default)]
    pub units: Option<Spanned<RawUnits>>,
    #[serde(default)]
    pub unit: Vec<Spanned<RawUnit>>,
    #[serde(default)]
    pub data: Option<RawData>,
    #[serde(default)]
    pub validation: Option<RawValidation>,
    #[serde(default)]
    pub uncertainty: Option<Spanned<RawUncertainty>>,
    #[serde(default)]
    pub group: Vec<Spanned<RawGroup>>,
    #[serde(default)]
    pub boundary_change: Vec<Spanned<RawBoundaryChange>>,
    #[serde(default)]
    pub indicator: Vec<Spanned<RawIndicator>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawIndex {
    pub id: Spanned<String>,
    pub version: String,
    pub name: RawLabels,
    #[serde(default)]
    pub description: Option<RawLabels>,
    pub languages: Spanned<Vec<String>>,
    pub scale: Spanned<Vec<f64>>,
    #[serde(default)]
    pub direction: Option<Spanned<String>>,
    #[serde(default)]
    pub ties: Option<Spanned<String>>,
    /// The index node takes every key a group takes.
    #[serde(default)]
    pub aggregation: Option<Spanned<RawMethod>>,
    #[serde(default)]
    pub missing: Option<Spanned<RawMissing>>,
    #[serde(default)]
    pub ahp: Option<Spanned<Vec<Vec<f64>>>>,
    #[serde(default)]
    pub ahp_allow_inconsistent: Option<bool>,
    #[serde(default)]
    pub weighting: Option<Spanned<String>>,
    #[serde(default)]
    pub formula: Option<Spanned<String>>,
    #[serde(default)]
    pub normalisation: Option<Spanned<RawMethod>>,
    #[serde(default)]
    pub round: Option<Spanned<i64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDefaults {
    pub pooling: Spanned<String>,
    #[serde(default)]
    pub reference_year: Option<Spanned<i32>>,
    #[serde(default)]
    pub base_year: Option<i32>,
    #[serde(default)]
    pub bounds_edition: Option<Spanned<String>>,
    #[serde(default)]
    pub normalisation: Option<Spanned<RawMethod>>,
    #[serde(default)]
    pub imputation: Option<Spanned<RawMethod>>,
    #[serde(default)]
    pub treatment: Option<Spanned<RawMethod>>,
    pub aggregation: Spanned<RawMethod>,
    #[serde(default)]
    pub missing: Option<Spanned<RawMissing>>,
    #[serde(default)]
    pub screening: Option<Spanned<RawScreening>>,
    #[serde(default)]
    pub round: Option<Spanned<i64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScreening {
    pub min_share: Spanned<f64>,
    #[serde(default)]
    pub when: Option<Spanned<String>>,
}

/// One level of the framework tree; the position in the `[[level]]` list is the depth.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLevel {
    pub name: RawLabels,
    #[serde(default)]
    pub imputation: Option<Spanned<RawMethod>>,
    #[serde(default)]
    pub treatment: Option<Spanned<RawMethod>>,
    #[serde(default)]
    pub aggregation: Option<Spanned<RawMethod>>,
    #[serde(default)]
    pub missing: Option<Spanned<RawMissing>>,
}

/// A method table: `{ method = "goalposts", lo = 20, hi = 85 }`. Every parameter any method
/// takes is listed; `spec::parse` checks which ones the named method accepts.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMethod {
    pub method: Spanned<String>,
    #[serde(default)]
    pub range: Option<Spanned<Vec<f64>>>,
    #[serde(default)]
    pub mean: Option<Spanned<f64>>,
    #[serde(default)]
    pub sd: Option<Spanned<f64>>,
    #[serde(default)]
    pub lo: Option<Spanned<f64>>,
    #[serde(default)]
    pub hi: Option<Spanned<f64>>,
    #[serde(default)]
    pub log: Option<Spanned<bool>>,
    #[serde(default)]
    pub cap: Option<Spanned<bool>>,
    #[serde(default)]
    pub offset: Option<Spanned<f64>>,
    #[serde(default)]
    pub target: Option<Spanned<f64>>,
    #[serde(default)]
    pub region: Option<Spanned<String>>,
    #[serde(default)]
    pub year: Option<Spanned<i64>>,
    #[serde(default)]
    pub breakpoints: Option<Spanned<Vec<Vec<f64>>>>,
    #[serde(default)]
    pub reference: Option<Spanned<f64>>,
    #[serde(default)]
    pub delta: Option<Spanned<f64>>,
    #[serde(default)]
    pub years: Option<Spanned<i64>>,
    #[serde(default)]
    pub points: Option<Spanned<i64>>,
    #[serde(default)]
    pub p: Option<Spanned<f64>>,
    #[serde(default)]
    pub log_form: Option<Spanned<String>>,
    #[serde(default)]
    pub skewness: Option<Spanned<f64>>,
    #[serde(default)]
    pub kurtosis: Option<Spanned<f64>>,
    #[serde(default)]
    pub penalty: Option<Spanned<String>>,
    #[serde(default)]
    pub dispersion: Option<Spanned<String>>,
    #[serde(default)]
    pub ties: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMissing {
    pub min_share: Spanned<f64>,
    #[serde(default)]
    pub share_of: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawUnits {
    #[serde(default)]
    pub table: Option<Spanned<String>>,
    #[serde(default)]
    pub from_data: Option<Spanned<bool>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawUnit {
    pub code: Spanned<String>,
    pub name: RawLabels,
    #[serde(default)]
    pub aliases: Vec<Spanned<String>>,
    #[serde(default)]
    pub tile: Option<Spanned<Vec<i64>>>,
    #[serde(default)]
    pub group: Option<String>,
    #[serde(default)]
    pub pooled: Option<Spanned<bool>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawData {
    #[serde(default)]
    pub region_column: Option<String>,
    #[serde(default)]
    pub year_column: Option<String>,
    #[serde(default)]
    pub indicator_column: Option<String>,
    #[serde(default)]
    pub value_column: Option<String>,
    #[serde(default)]
    pub name_column: Option<String>,
    #[serde(default)]
    pub ignore_columns: Vec<String>,
    #[serde(default)]
    pub ignore_regions: Vec<Spanned<String>>,
    #[serde(default)]
    pub missing_values: Vec<String>,
    #[serde(default)]
    pub decimal: Option<Spanned<String>>,
    #[serde(default)]
    pub encoding: Option<Spanned<String>>,
    #[serde(default)]
    pub sheet: Option<String>,
    #[serde(default)]
    pub file: Vec<RawFileReading>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFileReading {
    pub name: Spanned<String>,
    #[serde(default)]
    pub decimal: Option<Spanned<String>>,
    #[serde(default)]
    pub separator: Option<Spanned<String>>,
    #[serde(default)]
    pub encoding: Option<Spanned<String>>,
    #[serde(default)]
    pub sheet: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBoundaryChange {
    pub year: i32,
    pub from: Vec<String>,
    pub into: Vec<String>,
    pub weights: Spanned<Vec<f64>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawUncertainty {
    #[serde(default)]
    pub replications: Option<Spanned<i64>>,
    #[serde(default)]
    pub samples: Option<Spanned<i64>>,
    #[serde(default)]
    pub seed: Option<Spanned<i64>>,
    #[serde(default)]
    pub weights: Option<Spanned<f64>>,
    #[serde(default)]
    pub weightings: Vec<Spanned<String>>,
    #[serde(default)]
    pub normalisations: Vec<Spanned<RawAlternative>>,
    #[serde(default)]
    pub aggregations: Vec<Spanned<RawAlternative>>,
    #[serde(default)]
    pub imputations: Vec<Spanned<RawAlternative>>,
    #[serde(default)]
    pub treatments: Vec<Spanned<RawAlternative>>,
    #[serde(default)]
    pub exclude_one: Option<bool>,
    #[serde(default)]
    pub sampling: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawValidation {
    #[serde(default)]
    pub min_coverage: Option<Spanned<f64>>,
    #[serde(default)]
    pub min_units: Option<Spanned<i64>>,
    #[serde(default)]
    pub max_change: Option<Spanned<f64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawGroup {
    pub id: Spanned<String>,
    pub parent: Spanned<String>,
    pub name: RawLabels,
    #[serde(default)]
    pub weight: Option<Spanned<f64>>,
    #[serde(default)]
    pub aggregation: Option<Spanned<RawMethod>>,
    #[serde(default)]
    pub missing: Option<Spanned<RawMissing>>,
    #[serde(default)]
    pub ahp: Option<Spanned<Vec<Vec<f64>>>>,
    #[serde(default)]
    pub ahp_allow_inconsistent: Option<bool>,
    #[serde(default)]
    pub weighting: Option<Spanned<String>>,
    #[serde(default)]
    pub formula: Option<Spanned<String>>,
    #[serde(default)]
    pub normalisation: Option<Spanned<RawMethod>>,
    #[serde(default)]
    pub parent_takes: Option<Spanned<String>>,
    #[serde(default)]
    pub round: Option<Spanned<i64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawIndicator {
    pub id: Spanned<String>,
    pub parent: Spanned<String>,
    pub name: RawLabels,
    #[serde(default)]
    pub weight: Option<Spanned<f64>>,
    /// A text, or a label per language.
    pub unit: toml::Value,
    pub direction: Spanned<String>,
    /// A text, or a label per language.
    pub source: toml::Value,
    #[serde(default)]
    pub definition: Option<RawLabels>,
    #[serde(default)]
    pub survey: Option<bool>,
    #[serde(default)]
    pub max_change: Option<Spanned<f64>>,
    #[serde(default)]
    pub formula: Option<Spanned<String>>,
    #[serde(default)]
    pub valid: Option<Spanned<Vec<f64>>>,
    #[serde(default)]
    pub normalisation: Option<Spanned<RawMethod>>,
    #[serde(default)]
    pub imputation: Option<Spanned<RawMethod>>,
    #[serde(default)]
    pub treatment: Option<Spanned<RawMethod>>,
    #[serde(default)]
    pub round: Option<Spanned<i64>>,
}

/// An alternative method of the uncertainty analysis: its spelling alone (`"median"`), or a
/// method table with parameters (`{ method = "carry", years = 2 }`).
#[derive(Debug)]
pub enum RawAlternative {
    Name(String),
    Method(RawMethod),
}

impl<'de> Deserialize<'de> for RawAlternative {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = RawAlternative;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a method name or a method table { method = \"...\", ... }")
            }

            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<RawAlternative, E> {
                Ok(RawAlternative::Name(v.to_string()))
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<RawAlternative, A::Error> {
                RawMethod::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(RawAlternative::Method)
            }
        }
        d.deserialize_any(Visitor)
    }
}

impl RawMethod {
    /// A method given by its spelling alone, every parameter left to its default.
    pub fn named(span: std::ops::Range<usize>, name: &str) -> RawMethod {
        RawMethod {
            method: Spanned::new(span, name.to_string()),
            range: None,
            mean: None,
            sd: None,
            lo: None,
            hi: None,
            log: None,
            cap: None,
            offset: None,
            target: None,
            region: None,
            year: None,
            breakpoints: None,
            reference: None,
            delta: None,
            years: None,
            points: None,
            p: None,
            log_form: None,
            skewness: None,
            kurtosis: None,
            penalty: None,
            dispersion: None,
            ties: None,
        }
    }
}
