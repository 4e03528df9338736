//! The units an index ranks (regions, countries): codes, names in every language and the other
//! spellings data files use, with lookup by any of them.

use std::collections::HashMap;

use crate::labels::Labels;

/// One unit of the index, e.g. a region.
#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    /// Stable code written to every output (e.g. `KZ-75`).
    pub code: String,
    pub name: Labels,
    /// Other spellings accepted in data files.
    pub aliases: Vec<String>,
    /// Place in the tile-grid map: (row, column), row 0 at the top.
    pub tile: Option<(u32, u32)>,
    /// A group of regions (e.g. a macro-region), for imputation within the group.
    pub group: Option<String>,
    /// Whether the unit is one of the regions the index pools and ranks (`true`), or is
    /// scored on their scale without moving it (`[[unit]] pooled = false`: the national
    /// value, a group of regions): left out of normalisation's bounds, of imputation's means
    /// and of the ranks.
    pub pooled: bool,
}

/// The registry of units with a lookup that accepts a code, a name in any language or an alias,
/// ignoring case and repeated spaces.
#[derive(Debug, Clone, Default)]
pub struct Units {
    list: Vec<Unit>,
    lookup: HashMap<String, usize>,
}

/// Two units claim the same spelling.
#[derive(Debug, Clone, PartialEq)]
pub struct Clash {
    pub spelling: String,
    pub first: String,
    pub second: String,
}

impl Units {
    /// Adds a unit and indexes its code, names and aliases. A spelling already used by another
    /// unit is a clash: data rows with it could not be matched unambiguously.
    pub fn push(&mut self, unit: Unit) -> Result<usize, Clash> {
        let index = self.list.len();
        let mut keys: Vec<String> = vec![unit.code.clone()];
        keys.extend(unit.name.values().map(str::to_string));
        keys.extend(unit.aliases.iter().cloned());
        let mut own = Vec::new();
        for spelling in keys {
            let key = match_key(&spelling);
            if key.is_empty() || own.contains(&key) {
                continue;
            }
            if let Some(&other) = self.lookup.get(&key) {
                return Err(Clash {
                    spelling,
                    first: self.list[other].code.clone(),
                    second: unit.code.clone(),
                });
            }
            own.push(key);
        }
        for key in own {
            self.lookup.insert(key, index);
        }
        self.list.push(unit);
        Ok(index)
    }

    /// Finds a unit by code, name in any language or alias.
    pub fn find(&self, spelling: &str) -> Option<usize> {
        self.lookup.get(&match_key(spelling)).copied()
    }

    pub fn get(&self, index: usize) -> &Unit {
        &self.list[index]
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Unit> {
        self.list.iter()
    }
}

/// The key spellings are matched by: Unicode NFC (so a `й` written as `и` and a combining
/// breve, as macOS tools and some databases write it, is `й`), case folded, Latin letters that
/// look like Cyrillic ones folded onto them (UTS #39 confusables, for the letters of Kazakh and
/// Russian: `Aктюбинская` with a Latin A is `Актюбинская`), whitespace collapsed.
pub fn match_key(spelling: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let folded: String = spelling.nfc().collect::<String>().to_lowercase();
    folded
        .split_whitespace()
        .map(|word| word.chars().map(skeleton).collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The Cyrillic letter a lower-case Latin letter is confusable with, in either case (`t` and
/// `т`, because `T` looks like `Т`; `h` and `н`, because `H` looks like `Н`). The map is one to
/// one, so Latin spellings that differ stay different; letters without a look-alike are kept.
fn skeleton(c: char) -> char {
    match c {
        'a' => 'а',
        'b' => 'в',
        'c' => 'с',
        'e' => 'е',
        'h' => 'н',
        'i' => 'і',
        'k' => 'к',
        'm' => 'м',
        'o' => 'о',
        'p' => 'р',
        't' => 'т',
        'x' => 'х',
        'y' => 'у',
        // Latin schwa and barred o, as Kazakh ә and ө are sometimes typed.
        'ə' => 'ә',
        'ɵ' => 'ө',
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(code: &str, en: &str, aliases: &[&str]) -> Unit {
        Unit {
            code: code.into(),
            name: Labels::single("en", en),
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            tile: None,
            group: None,
            pooled: true,
        }
    }

    #[test]
    fn finds_by_code_name_and_alias_ignoring_case_and_spaces() {
        let mut units = Units::default();
        units
            .push(unit(
                "KZ-31",
                "Jambyl Region",
                &["Zhambyl", "Жамбылская  область"],
            ))
            .unwrap();
        assert_eq!(units.find("kz-31"), Some(0));
        assert_eq!(units.find("  jambyl\u{a0}region "), Some(0));
        assert_eq!(units.find("ZHAMBYL"), Some(0));
        assert_eq!(units.find("жамбылская область"), Some(0));
        assert_eq!(units.find("Zhetysu"), None);
    }

    #[test]
    fn a_spelling_shared_by_two_units_is_a_clash() {
        let mut units = Units::default();
        units
            .push(unit("KZ-19", "Almaty Region", &["Almaty"]))
            .unwrap();
        let clash = units.push(unit("KZ-75", "Almaty", &[])).unwrap_err();
        assert_eq!(clash.first, "KZ-19");
        assert_eq!(clash.second, "KZ-75");
    }

    /// NFD `й` (и + combining breve U+0306) and a Latin look-alike A in a Cyrillic name match
    /// the spec's spelling; Latin transliterations still match whatever their case.
    #[test]
    fn spellings_match_after_nfc_and_confusable_folding() {
        let mut units = Units::default();
        units
            .push(unit("KZ-15", "Актюбинская область", &["Aktobe"]))
            .unwrap();
        units.push(unit("KZ-10", "область Абай", &[])).unwrap();
        assert_eq!(units.find("Aктюбинская область"), Some(0));
        assert_eq!(units.find("AКТЮБИНСКАЯ ОБЛАСТЬ"), Some(0));
        assert_eq!(units.find("AKTOBE"), Some(0));
        assert_eq!(units.find("область Аба\u{0438}\u{0306}"), Some(1));
        assert_eq!(units.find("область Aбай"), Some(1));
        let nfd = "\u{0438}\u{0306}";
        assert_eq!(match_key(nfd), "й");
        // Two units spelt alike once folded are a clash.
        let mut clash = Units::default();
        clash.push(unit("A", "Kok", &[])).unwrap();
        assert!(clash.push(unit("B", "Кок", &[])).is_err());
    }
}
