//! Choices a user names by a word (on the command line or in the spec): each enum lists its
//! variants once, with their spelling and a one-line description, so that parsers, `--help`,
//! the schema and error messages all take them from the same place.

/// An enum of plain choices, each spelt by one word.
pub trait Named: Sized + Copy + PartialEq + 'static {
    /// Every variant, in the order they are listed to users.
    const ALL: &'static [Self];

    /// The word that selects this variant.
    fn name(&self) -> &'static str;

    /// What the variant does, in one sentence (shown in `--help`).
    fn about(&self) -> &'static str;

    /// The variant spelt `word`, if any.
    fn from_name(word: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.name() == word)
    }

    /// A spelling kept for one version after it was renamed: the variant it means and its
    /// name now (parsers accept it with a deprecation warning).
    fn deprecated(_word: &str) -> Option<(Self, &'static str)> {
        None
    }

    /// Every spelling, for "use one of" messages.
    fn names() -> Vec<&'static str> {
        Self::ALL.iter().map(|v| v.name()).collect()
    }
}
