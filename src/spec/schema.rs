//! The spec format as a JSON Schema (draft-07), printed by `cwi schema` for editors that check
//! TOML against a schema, and used by the parser itself to find every unknown key, so the two
//! cannot drift apart.

use std::ops::Range;

use serde_json::{Value, json};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::{
    AggregationKind, DecimalMark, ImputeKind, NormalisationKind, PoolingKind, TextEncoding,
    TreatmentKind,
};
use crate::named::Named;

fn labels() -> Value {
    json!({
        "type": "object",
        "description": "A label per language code of index.languages, e.g. { kk = \"...\", ru = \"...\", en = \"...\" }",
        "additionalProperties": { "type": "string", "minLength": 1 }
    })
}

/// One text for every language, or a label per language (a report in a language shows its
/// label).
fn text_or_labels(description: &str) -> Value {
    json!({
        "description": format!("{description}: one text, or a label per language code of index.languages"),
        "anyOf": [{ "type": "string" }, labels()]
    })
}

fn pair(description: &str) -> Value {
    json!({
        "type": "array", "items": { "type": "number" }, "minItems": 2, "maxItems": 2,
        "description": description
    })
}

fn method(kind: &str, names: &[&str]) -> Value {
    let mut properties = super::raw::RawMethod::schema();
    properties.insert("method".into(), json!({ "type": "string", "enum": names }));
    json!({
        "type": "object",
        "description": format!("A {kind} method: {{ method = \"...\", parameters... }}; see docs/spec.md"),
        "required": ["method"],
        "additionalProperties": false,
        "properties": properties
    })
}

/// An alternative of the uncertainty analysis: a method's spelling, or a method table.
fn alternative(kind: &str, names: &[&str]) -> Value {
    let mut schema = method(kind, names);
    if let Some(object) = schema.as_object_mut() {
        object.remove("type");
        object.insert(
            "anyOf".into(),
            json!([{ "type": "string", "enum": names }, { "type": "object" }]),
        );
    }
    schema
}

/// `[[data.file]]`: how particular data files are read.
fn data_files() -> Value {
    json!({
        "type": "array",
        "description": "how particular data files are read, where they differ from [data]: [[data.file]] name = \"regions-ru.csv\", decimal = \",\", separator = \";\"",
        "items": {
            "type": "object",
            "required": ["name"],
            "additionalProperties": false,
            "properties": {
                "name": { "type": "string", "minLength": 1, "description": "the file's name, or the end of its path, as given to --data" },
                "decimal": { "type": "string", "enum": DecimalMark::names() },
                "separator": { "type": "string", "enum": [",", ";", "\t", "\\t", "tab"], "description": "a text file's separator (default: detected from the header)" },
                "encoding": { "type": "string", "enum": TextEncoding::names() },
                "sheet": { "type": "string", "description": "Excel: the sheet to read" }
            }
        }
    })
}

/// An AHP pairwise-comparison matrix of a group's (or the index's) children.
fn ahp() -> Value {
    json!({
        "type": "array", "items": { "type": "array", "items": { "type": "number", "exclusiveMinimum": 0 } },
        "description": "pairwise comparisons of the children (rows and columns in their order of declaration, [[group]] children first): the weights are the principal eigenvector"
    })
}

/// Where a group's (or the index's) children's weights come from.
fn weighting() -> Value {
    json!({ "type": "string", "enum": ["pca"], "description": "pca: the children's weights from the first principal component of their normalised scores" })
}

/// `allow`: the warnings about a node its author accepts.
fn allow() -> Value {
    let codes: Vec<&str> = super::ALLOWABLE.iter().map(|c| c.as_str()).collect();
    json!({ "type": "array", "items": { "type": "string", "enum": codes }, "description": "warnings about this node that its author has weighed and accepts: they are not raised, and validate lists them" })
}

/// `round`: the decimals a node's score is rounded to.
fn round() -> Value {
    json!({ "type": "integer", "minimum": 0, "maximum": 15, "description": "round the node's score to this many decimals before anything reads it (to the nearest, halfway to even as R and Python)" })
}

/// A group's formula over its children's scores.
fn node_formula() -> Value {
    json!({ "type": "string", "description": "score the group by a formula of its children's ids instead of its aggregation, e.g. \"survival * exp(school) * health\"; functions ln, log10, exp, sqrt, pow, abs, min, max, if, is_missing, coalesce, mean_available" })
}

fn missing() -> Value {
    json!({
        "type": "object",
        "description": "Aggregate the available children when their share reaches min_share",
        "required": ["min_share"],
        "additionalProperties": false,
        "properties": {
            "min_share": { "type": "number", "exclusiveMinimum": 0, "maximum": 1 },
            "share_of": { "type": "string", "enum": ["weight", "count"] }
        }
    })
}

/// The pattern of a node id, in the regular expressions every JSON Schema validator reads
/// (Python's `re` has no `\p{L}`): the ASCII rule exactly (a letter or digit, then letters,
/// digits, `_`, `.` and `-`), and any character beyond ASCII except controls and spaces.
/// cwi itself checks Unicode letters and digits exactly (E-codes at the id's line).
const ID_PATTERN: &str = concat!(
    "^[^\\x00-\\x2F\\x3A-\\x40\\x5B-\\x60\\x7B-\\x7F\\u0080-\\u00A0\\u2000-\\u200F\\u2028-\\u202F\\u3000]",
    "[^\\x00-\\x2C\\x2F\\x3A-\\x40\\x5B-\\x5E\\x60\\x7B-\\x7F\\u0080-\\u00A0\\u2000-\\u200F\\u2028-\\u202F\\u3000]*$"
);

const ID_RULE: &str = "a letter or digit (of any script), then letters, digits, _, . and -";

/// The JSON Schema of the spec format.
///
/// One piece: one JSON document whose nesting is the spec's own (index, defaults, units,
/// groups, indicators); split, a reader could no longer see the document's shape. The
/// methods' tables come from the code (`RawMethod::schema`, the `kinds!` tables).
pub fn json_schema() -> Value {
    let normalisations = NormalisationKind::names();
    let imputations = ImputeKind::names();
    let treatments = TreatmentKind::names();
    let aggregations = AggregationKind::names();
    let node_common = |extra: Value| {
        let mut props = json!({
            "id": { "type": "string", "pattern": ID_PATTERN, "description": ID_RULE },
            "parent": { "type": "string", "description": "the index id or a group id" },
            "name": labels(),
            "weight": { "type": "number", "minimum": 0, "description": "relative within the parent (default 1)" }
        });
        if let (Some(p), Some(e)) = (props.as_object_mut(), extra.as_object()) {
            p.extend(e.clone());
        }
        props
    };
    json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": "https://github.com/cwi/cwi/spec.schema.json",
        "title": "cwi indicator spec",
        "type": "object",
        "required": ["index", "defaults"],
        "additionalProperties": false,
        "properties": {
            "index": {
                "type": "object",
                "required": ["id", "version", "name", "languages", "scale"],
                "additionalProperties": false,
                "properties": {
                    "id": { "type": "string" },
                    "version": { "type": "string" },
                    "name": labels(),
                    "description": labels(),
                    "languages": { "type": "array", "items": { "type": "string" }, "minItems": 1 },
                    "scale": pair("score scale [low, high]"),
                    "direction": { "type": "string", "enum": ["higher", "lower"], "description": "higher (default): higher scores are better; lower: a deprivation or inequality index, whose indicators going the other way are flipped and whose ranks run from the lowest score" },
                    "ties": { "type": "string", "enum": ["average", "min", "max", "dense"], "description": "the rank tied scores share in the outputs: min 1, 2, 2, 4 (default), max 1, 3, 3, 4, dense 1, 2, 2, 3, average 1, 2.5, 2.5, 4" },
                    "aggregation": method("aggregation", &aggregations),
                    "missing": missing(),
                    "ahp": ahp(),
                    "ahp_allow_inconsistent": { "type": "boolean", "description": "accept a consistency ratio above 0.1" },
                    "weighting": weighting(),
                    "formula": node_formula(),
                    "normalisation": method("normalisation", &normalisations),
                    "round": round(),
                    "allow": allow()
                }
            },
            "defaults": {
                "type": "object",
                "required": ["pooling", "aggregation"],
                "additionalProperties": false,
                "properties": {
                    "pooling": { "type": "string", "enum": PoolingKind::names() },
                    "reference_year": { "type": "integer" },
                    "base_year": { "type": "integer", "description": "also report score and rank changes against this year" },
                    "bounds_edition": { "type": "string", "description": "normalise with the bounds a published edition used (its output directory or manifest.json, relative to the spec), so that adding a year revises nothing published" },
                    "normalisation": method("normalisation", &normalisations),
                    "imputation": method("imputation", &imputations),
                    "treatment": method("treatment", &treatments),
                    "aggregation": method("aggregation", &aggregations),
                    "screening": {
                        "type": "object",
                        "description": "leave out a region-year whose share of indicator values is below min_share (COINr's Screen)",
                        "required": ["min_share"],
                        "additionalProperties": false,
                        "properties": {
                            "min_share": { "type": "number", "exclusiveMinimum": 0, "maximum": 1 },
                            "when": { "type": "string", "enum": ["before-imputation", "after-imputation"] }
                        }
                    },
                    "missing": missing(),
                    "round": round()
                }
            },
            "uncertainty": {
                "type": "object",
                "additionalProperties": false,
                "description": "What cwi uncertainty and cwi sensitivity vary",
                "properties": {
                    "replications": { "type": "integer", "minimum": 1 },
                    "samples": { "type": "integer", "minimum": 1, "description": "base samples of the sensitivity design" },
                    "seed": { "type": "integer" },
                    "weights": { "type": "number", "minimum": 0, "maximum": 1, "description": "perturb every weight by up to this fraction" },
                    "weightings": { "type": "array", "items": { "type": "string", "enum": super::Weighting::names() } },
                    "normalisations": { "type": "array", "items": alternative("normalisation", &normalisations) },
                    "aggregations": { "type": "array", "items": alternative("aggregation", &aggregations) },
                    "imputations": { "type": "array", "items": alternative("imputation", &imputations) },
                    "treatments": { "type": "array", "items": alternative("treatment", &treatments) },
                    "exclude_one": { "type": "boolean" },
                    "sampling": { "type": "boolean" }
                }
            },
            "boundary_change": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["year", "from", "into", "weights"],
                    "additionalProperties": false,
                    "description": "regions split (one from, several into) or merged (several from, one into) from a year on",
                    "properties": {
                        "year": { "type": "integer", "description": "the first year of the new boundaries" },
                        "from": { "type": "array", "items": { "type": "string" } },
                        "into": { "type": "array", "items": { "type": "string" } },
                        "weights": { "type": "array", "items": { "type": "number", "minimum": 0 }, "description": "shares of the parts (e.g. child population), summing to 1" }
                    }
                }
            },
            "validation": {
                "type": "object",
                "additionalProperties": false,
                "properties": {
                    "min_coverage": { "type": "number", "minimum": 0, "maximum": 1, "description": "warn when an indicator or region has values for less than this share of cells" },
                    "min_units": { "type": "integer", "minimum": 1, "description": "fewest regions a year needs (default 2)" },
                    "max_change": { "type": "number", "exclusiveMinimum": 0, "description": "submission checks flag a value that changes by more than this share of the previous year's value" }
                }
            },
            "level": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["name"],
                    "additionalProperties": false,
                    "properties": {
                        "name": labels(),
                        "imputation": method("imputation", &imputations),
                        "treatment": method("treatment", &treatments),
                        "aggregation": method("aggregation", &aggregations),
                        "missing": missing()
                    }
                }
            },
            "units": {
                "type": "object",
                "additionalProperties": false,
                "properties": {
                    "table": { "type": "string", "description": "CSV with code, name_<lang>..., aliases" },
                    "from_data": { "type": "boolean" }
                }
            },
            "unit": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["code", "name"],
                    "additionalProperties": false,
                    "properties": {
                        "code": { "type": "string" },
                        "name": labels(),
                        "aliases": { "type": "array", "items": { "type": "string" } },
                        "tile": {
                            "type": "array", "items": { "type": "integer", "minimum": 0 }, "minItems": 2, "maxItems": 2,
                            "description": "place in the tile-grid map: [row, column], row 0 at the top"
                        },
                        "group": { "type": "string", "description": "a group of regions, for group-mean and group-median imputation" },
                        "pooled": { "type": "boolean", "description": "false: a unit scored on the regions' scale without moving it (the national value, a group of regions): left out of normalisation's bounds, imputation's means and the ranks" }
                    }
                }
            },
            "data": {
                "type": "object",
                "additionalProperties": false,
                "properties": {
                    "region_column": { "type": "string" },
                    "year_column": { "type": "string" },
                    "indicator_column": { "type": "string" },
                    "value_column": { "type": "string" },
                    "name_column": { "type": "string" },
                    "ignore_columns": { "type": "array", "items": { "type": "string" } },
                    "ignore_regions": { "type": "array", "items": { "type": "string" }, "description": "region spellings whose rows are skipped and reported (national totals, cities outside the index); any other unknown region is an error" },
                    "missing_values": { "type": "array", "items": { "type": "string" } },
                    "decimal": { "type": "string", "enum": DecimalMark::names() },
                    "encoding": { "type": "string", "enum": TextEncoding::names() },
                    "sheet": { "type": "string", "description": "Excel: the sheet to read (default: the first)" },
                    "file": data_files()
                }
            },
            "group": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["id", "parent", "name"],
                    "additionalProperties": false,
                    "properties": node_common(json!({
                        "aggregation": method("aggregation", &aggregations),
                        "missing": missing(),
                        "ahp": ahp(),
                        "ahp_allow_inconsistent": { "type": "boolean", "description": "accept a consistency ratio above 0.1" },
                        "weighting": weighting(),
                        "formula": node_formula(),
                        "normalisation": method("normalisation", &normalisations),
                        "parent_takes": { "type": "string", "enum": ["score", "aggregate"], "description": "with a normalisation: what the parent combines, the group's normalised score (default) or its aggregate" },
                        "round": round(),
                        "allow": allow()
                    }))
                }
            },
            "indicator": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["id", "parent", "name", "unit", "direction", "source"],
                    "additionalProperties": false,
                    "properties": node_common(json!({
                        "unit": text_or_labels("the unit of measurement"),
                        "direction": { "type": "string", "enum": ["higher", "lower"] },
                        "source": text_or_labels("the source of the data"),
                        "definition": labels(),
                        "survey": { "type": "boolean", "description": "a survey estimate: collection templates ask for its standard error and sample size" },
                        "max_change": { "type": "number", "exclusiveMinimum": 0, "description": "submission checks flag a change against the previous year above this share of the previous value (overrides validation.max_change)" },
                        "formula": { "type": "string", "description": "a derived indicator: arithmetic of raw data columns, e.g. \"offences / child_population * 10000\"" },
                        "valid": pair("valid range of raw values [low, high]; values outside are errors"),
                        "normalisation": method("normalisation", &normalisations),
                        "imputation": method("imputation", &imputations),
                        "treatment": method("treatment", &treatments),
                        "round": round(),
                        "allow": allow()
                    }))
                }
            }
        }
    })
}

/// The keys the schema allows: per table its properties (in the schema's order) and what
/// other keys may hold, per array what its items are. Read from the schema as `cwi schema`
/// prints it (`docs/spec.schema.json`, embedded when built; a test keeps the two equal), which
/// costs a fraction of building the whole schema at every start.
#[derive(Debug, Default, PartialEq)]
struct Keys {
    properties: Option<Vec<(String, Keys)>>,
    /// `additionalProperties`: `Some(None)` for false, `Some(Some(keys))` for a schema.
    additional: Option<Option<Box<Keys>>>,
    items: Option<Box<Keys>>,
}

impl<'de> serde::Deserialize<'de> for Keys {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(KeysVisitor)
    }
}

struct KeysVisitor;

impl<'de> serde::de::Visitor<'de> for KeysVisitor {
    type Value = Keys;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON schema")
    }

    /// `true` (anything goes), or an array of schemas: no keys to check.
    fn visit_bool<E>(self, _: bool) -> Result<Keys, E> {
        Ok(Keys::default())
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Keys, A::Error> {
        while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
        Ok(Keys::default())
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Keys, A::Error> {
        let mut keys = Keys::default();
        while let Some(name) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            match name.as_ref() {
                "properties" => keys.properties = Some(map.next_value::<Properties>()?.0),
                "additionalProperties" => {
                    keys.additional = Some(match map.next_value::<Additional>()? {
                        Additional::Closed => None,
                        Additional::Schema(k) => Some(Box::new(k)),
                    })
                }
                "items" => keys.items = Some(Box::new(map.next_value()?)),
                _ => {
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
            }
        }
        Ok(keys)
    }
}

/// A `properties` object, in its order.
struct Properties(Vec<(String, Keys)>);

impl<'de> serde::Deserialize<'de> for Properties {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Properties;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("the properties of a JSON schema")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Properties, A::Error> {
                let mut all = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, Keys>()? {
                    all.push((k, v));
                }
                Ok(Properties(all))
            }
        }
        d.deserialize_map(V)
    }
}

/// `additionalProperties`: `false` closes a table; `true` or a schema opens it.
enum Additional {
    Closed,
    Schema(Keys),
}

impl<'de> serde::Deserialize<'de> for Additional {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Additional;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("false, true or a JSON schema")
            }
            fn visit_bool<E>(self, open: bool) -> Result<Additional, E> {
                Ok(if open {
                    Additional::Schema(Keys::default())
                } else {
                    Additional::Closed
                })
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<Additional, A::Error> {
                KeysVisitor.visit_map(map).map(Additional::Schema)
            }
        }
        d.deserialize_any(V)
    }
}

/// The schema as `cwi schema` prints it.
const PRINTED: &str = include_str!("../../docs/spec.schema.json");

fn keys() -> Keys {
    serde_json::from_str(PRINTED).unwrap_or_else(|_| keys_of(&json_schema()))
}

/// The keys of a schema built in memory (the tests compare them with the embedded ones).
fn keys_of(schema: &Value) -> Keys {
    Keys::deserialize(schema).unwrap_or_default()
}

use serde::Deserialize;

/// Calls `unknown(span, key, known keys)` for every key of `document` the schema does not allow.
pub fn check_keys(
    document: &Spanned<DeTable>,
    unknown: &mut dyn FnMut(Range<usize>, &str, &[&str]),
) {
    walk_table(document.get_ref(), &keys(), unknown);
}

fn walk_table(
    table: &DeTable,
    schema: &Keys,
    unknown: &mut dyn FnMut(Range<usize>, &str, &[&str]),
) {
    let properties = schema.properties.as_deref();
    for (key, value) in table.iter() {
        let name: &str = key.get_ref();
        let child = match properties.and_then(|p| p.iter().find(|(k, _)| k == name)) {
            Some((_, s)) => s,
            None => match &schema.additional {
                Some(None) => {
                    let known: Vec<&str> = properties
                        .map(|p| p.iter().map(|(k, _)| k.as_str()).collect())
                        .unwrap_or_default();
                    unknown(key.span(), name, &known);
                    continue;
                }
                Some(Some(s)) => s,
                None => continue,
            },
        };
        walk_value(value.get_ref(), child, unknown);
    }
}

fn walk_value(
    value: &DeValue,
    schema: &Keys,
    unknown: &mut dyn FnMut(Range<usize>, &str, &[&str]),
) {
    match value {
        DeValue::Table(t) => walk_table(t, schema, unknown),
        DeValue::Array(items) => {
            if let Some(item_schema) = &schema.items {
                for item in items.iter() {
                    walk_value(item.get_ref(), item_schema, unknown);
                }
            }
        }
        _ => {}
    }
}

/// Where a key leads in the schema: `None` for a key the schema does not allow, else the
/// schema of its value (`Some(None)` when nothing below it is checked).
fn child_schema<'k>(schema: &'k Keys, name: &str) -> Option<Option<&'k Keys>> {
    match schema
        .properties
        .as_deref()
        .and_then(|p| p.iter().find(|(k, _)| k == name))
    {
        Some((_, s)) => Some(Some(s)),
        None => match &schema.additional {
            Some(None) => None,
            Some(Some(s)) => Some(Some(s)),
            None => Some(None),
        },
    }
}

/// Removes every key `check_keys` reports, so that the rest of the spec is still read and
/// checked in the same run: one run names every problem, not the unknown keys first.
pub fn strip_unknown_keys(document: &mut Spanned<DeTable>) {
    strip_table(document.get_mut(), &keys());
}

/// Takes out of the document the innermost key whose value holds `span` (where a value of
/// the wrong type was met), so that the rest can still be read; returns the key's name.
pub fn remove_value_at(document: &mut Spanned<DeTable>, span: &Range<usize>) -> Option<String> {
    remove_in_table(document.get_mut(), span)
}

fn holds(outer: &Range<usize>, inner: &Range<usize>) -> bool {
    outer.start <= inner.start && inner.end <= outer.end && outer.start < outer.end
}

fn remove_in_table(table: &mut DeTable, span: &Range<usize>) -> Option<String> {
    // A `[table]`'s span may be its header only: every table is searched, the innermost key
    // holding the span wins.
    let mut found: Option<String> = None;
    for (key, value) in table.iter_mut() {
        let holds_it = holds(&value.span(), span);
        let deeper = match value.get_mut() {
            DeValue::Table(t) => remove_in_table(t, span),
            DeValue::Array(items) => items.iter_mut().find_map(|item| match item.get_mut() {
                DeValue::Table(t) => remove_in_table(t, span),
                _ => None,
            }),
            _ => None,
        };
        if deeper.is_some() {
            return deeper;
        }
        if holds_it && found.is_none() {
            found = Some(key.get_ref().to_string());
        }
    }
    let name = found?;
    for (key, value) in std::mem::replace(table, DeTable::new()) {
        if key.get_ref().as_ref() != name.as_str() {
            table.insert(key, value);
        }
    }
    Some(name)
}

fn strip_table(table: &mut DeTable, schema: &Keys) {
    for (key, mut value) in std::mem::replace(table, DeTable::new()) {
        match child_schema(schema, key.get_ref()) {
            None => continue,
            Some(Some(child)) => strip_value(value.get_mut(), child),
            Some(None) => {}
        }
        table.insert(key, value);
    }
}

fn strip_value(value: &mut DeValue, schema: &Keys) {
    match value {
        DeValue::Table(t) => strip_table(t, schema),
        DeValue::Array(items) => {
            if let Some(item_schema) = &schema.items {
                for item in items.iter_mut() {
                    strip_value(item.get_mut(), item_schema);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_schema_allows_the_keys_the_built_one_does() {
        let embedded: Keys = serde_json::from_str(PRINTED).expect("docs/spec.schema.json parses");
        assert_eq!(
            embedded,
            keys_of(&json_schema()),
            "regenerate with: cwi schema > docs/spec.schema.json"
        );
        // Spot checks against the schema's text: the index table is closed, its languages key
        // is known, and a node's name is a table of labels open to any language.
        assert_eq!(embedded.additional, Some(None));
        let index = &embedded
            .properties
            .as_ref()
            .unwrap()
            .iter()
            .find(|(k, _)| k == "index")
            .unwrap()
            .1;
        assert!(
            index
                .properties
                .as_ref()
                .unwrap()
                .iter()
                .any(|(k, _)| k == "languages")
        );
        assert_eq!(index.additional, Some(None));
    }
}
