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
    /// Warnings about this node its author has weighed and accepts (`["W020"]`).
    #[serde(default)]
    pub allow: Option<Spanned<Vec<String>>>,
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

/// Declares every parameter a method table can hold, once: its field of `RawMethod` (a
/// spanned value, absent by default), its place in `RawMethod::given` (which parameters a
/// table gives, for the check of what its method takes) and its JSON Schema
/// (`RawMethod::schema`, for `cwi schema` and the unknown-key check). A new parameter is one
/// line here and its reading in the method's parse arm.
macro_rules! method_params {
    ($($name:ident: $ty:ty => $schema:tt,)+) => {
        /// A method table: `{ method = "goalposts", lo = 20, hi = 85 }`. Every parameter any
        /// method takes is listed; `spec::parse` checks which ones the named method accepts.
        #[derive(Debug, Clone, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct RawMethod {
            pub method: Spanned<String>,
            $(
                #[serde(default)]
                pub $name: Option<Spanned<$ty>>,
            )+
        }

        impl RawMethod {
            /// A method given by its spelling alone, every parameter left to its default.
            pub fn named(span: std::ops::Range<usize>, name: &str) -> RawMethod {
                RawMethod {
                    method: Spanned::new(span, name.to_string()),
                    $($name: None,)+
                }
            }

            /// Every parameter's name, with where the table gives it (`None`: not given).
            pub fn given(&self) -> Vec<(&'static str, Option<std::ops::Range<usize>>)> {
                vec![$((stringify!($name), self.$name.as_ref().map(Spanned::span)),)+]
            }

            /// The JSON Schema of every parameter, by name.
            pub fn schema() -> serde_json::Map<String, serde_json::Value> {
                use serde_json::json;
                let mut out = serde_json::Map::new();
                $(out.insert(stringify!($name).to_string(), json!($schema));)+
                out
            }
        }
    };
}

method_params! {
    range: Vec<f64> => { "type": "array", "items": { "type": "number" }, "minItems": 2, "maxItems": 2, "description": "target range [low, high] (min-max, goalposts); default: index.scale" },
    mean: f64 => { "type": "number", "description": "z-score: target mean (default 0)" },
    sd: f64 => { "type": "number", "exclusiveMinimum": 0, "description": "z-score: target sd (default 1)" },
    lo: f64 => { "type": "number", "description": "goalposts: worst raw value" },
    hi: f64 => { "type": "number", "description": "goalposts: best raw value" },
    log: bool => { "type": "boolean", "description": "goalposts: natural log first" },
    cap: bool => { "type": "boolean", "description": "goalposts: cap beyond the goalposts (default true)" },
    offset: f64 => { "type": "number", "exclusiveMinimum": 0, "description": "geometric: added before and taken off after the mean" },
    target: f64 => { "type": "number", "description": "target: the value scored as reached" },
    region: String => { "type": "string", "description": "reference: the region compared with" },
    year: i64 => { "type": "integer", "description": "base-year: the year = 100" },
    breakpoints: Vec<Vec<f64>> => { "type": "array", "items": { "type": "array", "items": { "type": "number" }, "minItems": 2, "maxItems": 2 }, "minItems": 2, "description": "piecewise: [value, score] pairs, values increasing" },
    reference: f64 => { "type": "number", "description": "ampi: the reference value (scored 100)" },
    delta: f64 => { "type": "number", "exclusiveMinimum": 0, "description": "ampi: half the width of the goalposts around the reference" },
    years: i64 => { "type": "integer", "minimum": 1, "description": "carry: how many years a value may be carried" },
    points: i64 => { "type": "integer", "minimum": 1, "description": "jrc, winsorise: how many values may be winsorised" },
    log_form: String => { "type": "string", "enum": ["coin-tool", "coinr"], "description": "jrc: the log when winsorising fails: coin-tool ln(x - min + 1) (default), coinr ln(x - min + 0.01 (max - min))" },
    skewness: f64 => { "type": "number", "exclusiveMinimum": 0, "description": "jrc: the |skewness| at or above which (with the kurtosis) values are treated (default 2)" },
    kurtosis: f64 => { "type": "number", "exclusiveMinimum": 0, "description": "jrc: the kurtosis at or above which (with the skewness) values are treated (default 3.5)" },
    p: f64 => { "type": "number", "description": "power: the exponent of the generalised mean" },
    penalty: String => { "type": "string", "enum": ["positive", "negative"], "description": "mpi: positive M - S cv (a well-being index, default), negative M + S cv (a deprivation index)" },
    dispersion: String => { "type": "string", "enum": ["population", "sample"], "description": "mpi: the standard deviation divided by n (population, default) or n - 1 (sample, as Compind's ci_mpi)" },
    ties: String => { "type": "string", "enum": ["average", "min", "max", "dense"], "description": "rank, percentile-rank: the rank tied values share (default average)" },
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
    /// Warnings about this node its author has weighed and accepts (`["W020"]`).
    #[serde(default)]
    pub allow: Option<Spanned<Vec<String>>>,
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
    /// Warnings about this node its author has weighed and accepts (`["W020"]`).
    #[serde(default)]
    pub allow: Option<Spanned<Vec<String>>>,
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
