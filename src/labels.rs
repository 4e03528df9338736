//! Names in several languages, keyed by language code.

use std::collections::BTreeMap;

use serde::Serialize;

/// Labels keyed by language code (`kk`, `ru`, `en`, ...).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Labels(BTreeMap<String, String>);

impl Labels {
    pub fn new(map: BTreeMap<String, String>) -> Self {
        Labels(map)
    }

    /// One label used for every language listed.
    pub fn same_in(languages: &[String], text: &str) -> Self {
        Labels(
            languages
                .iter()
                .map(|l| (l.clone(), text.to_string()))
                .collect(),
        )
    }

    pub fn single(language: &str, text: &str) -> Self {
        Labels(BTreeMap::from([(language.to_string(), text.to_string())]))
    }

    /// The label in `language`; every label of a validated spec has every declared language.
    pub fn get(&self, language: &str) -> Option<&str> {
        self.0.get(language).map(String::as_str)
    }

    pub fn values(&self) -> impl Iterator<Item = &str> {
        self.0.values().map(String::as_str)
    }
}
