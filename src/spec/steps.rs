//! What a node does besides combining its children or normalising its values: a group's
//! formula over its children, a group's normalisation of its aggregated scores, which of its
//! two scores its parent takes, and the decimals any node's score is rounded to.

use serde::Serialize;

use super::Normalisation;
use crate::formula::Expr;
use crate::named::Named;

/// A node's steps after its own method (docs/methods.md, "Steps of a node"); each is left out
/// by default.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Steps {
    /// A group scored by a formula over its children's scores (named by id) instead of its
    /// aggregation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub formula: Option<NodeFormula>,
    /// A group's normalisation of its aggregated scores, pooled across regions and years as
    /// the indicators' normalisations are.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub normalisation: Option<Normalisation>,
    /// Which of a normalised group's two scores its parent takes.
    #[serde(skip_serializing_if = "Passes::is_score")]
    pub parent_takes: Passes,
    /// Decimals the node's score is rounded to, before anything reads it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub round: Option<u32>,
}

/// A formula over a group's children: its text as written, and the expression.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NodeFormula {
    pub text: String,
    #[serde(skip)]
    pub expr: Expr,
}

/// Which score of a normalised group its parent combines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Passes {
    /// The group's score: its normalised aggregate (rounded, where it rounds).
    #[default]
    Score,
    /// The aggregate before the group's normalisation, as a vulnerability index sums its
    /// themes' sums while publishing each theme's percentile rank.
    Aggregate,
}

impl Passes {
    fn is_score(&self) -> bool {
        *self == Passes::Score
    }
}

impl Named for Passes {
    const ALL: &'static [Self] = &[Passes::Score, Passes::Aggregate];

    fn name(&self) -> &'static str {
        match self {
            Passes::Score => "score",
            Passes::Aggregate => "aggregate",
        }
    }

    fn about(&self) -> &'static str {
        match self {
            Passes::Score => "the group's normalised score",
            Passes::Aggregate => "the group's aggregate, before its normalisation",
        }
    }
}

/// Rounds to `decimals` places: to the nearest, a value exactly halfway (in binary) to the
/// even digit, as R's and Python's `round` do. Formatting gives the decimal digits of the
/// stored number exactly, so no scaling error creeps in (0.285 is stored just below 0.285
/// and rounds to 0.28 with 2 decimals, as in R and Python).
pub fn round(x: f64, decimals: u32) -> f64 {
    format!("{:.*}", decimals as usize, x).parse().unwrap_or(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Worked by hand: 0.123456 to 4 places is 0.1235; 2.5 to 0 places is 2 (halfway, to
    /// even), 3.5 is 4; 0.285 is stored as 0.28499999999999998 and becomes 0.28; -1.25 to 1
    /// place (exactly halfway) is -1.2.
    #[test]
    fn rounding_as_r_and_python_round() {
        assert_eq!(round(0.123456, 4), 0.1235);
        assert_eq!(round(2.5, 0), 2.0);
        assert_eq!(round(3.5, 0), 4.0);
        assert_eq!(round(0.285, 2), 0.28);
        assert_eq!(round(-1.25, 1), -1.2);
        assert_eq!(round(1e300, 4), 1e300);
    }
}
