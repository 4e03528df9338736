//! The choices a method's parameters name: the rank ties share, the sign and the dispersion
//! of the Mazziotta-Pareto penalty. Each is spelt in the spec as its `Named` name.

use serde::Serialize;

use crate::named::Named;

/// The rank tied values share. With `w` values worse than a value and `e` equal to it
/// (itself among them): average `w + (e + 1)/2`, min `w + 1`, max `w + e`, dense one more than
/// the number of distinct values worse than it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Ties {
    /// The average of the ranks the ties span (1, 2.5, 2.5, 4).
    #[default]
    Average,
    /// The lowest of them (1, 2, 2, 4).
    Min,
    /// The highest of them (1, 3, 3, 4).
    Max,
    /// Consecutive ranks for distinct values (1, 2, 2, 3).
    Dense,
}

impl Ties {
    pub fn is_average(&self) -> bool {
        *self == Ties::Average
    }
}

impl Named for Ties {
    const ALL: &'static [Self] = &[Ties::Average, Ties::Min, Ties::Max, Ties::Dense];

    fn name(&self) -> &'static str {
        match self {
            Ties::Average => "average",
            Ties::Min => "min",
            Ties::Max => "max",
            Ties::Dense => "dense",
        }
    }

    fn about(&self) -> &'static str {
        match self {
            Ties::Average => "the average of the ranks the ties span: 1, 2.5, 2.5, 4",
            Ties::Min => "the lowest of them: 1, 2, 2, 4",
            Ties::Max => "the highest of them: 1, 3, 3, 4",
            Ties::Dense => "consecutive ranks for distinct values: 1, 2, 2, 3",
        }
    }
}

/// The sign of the Mazziotta-Pareto penalty: Compind's `penalty = "POS"` and `"NEG"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Penalty {
    /// A well-being (positive) index: `M - S cv`, an unbalanced profile scores lower.
    #[default]
    Positive,
    /// A deprivation (negative) index: `M + S cv`, an unbalanced profile scores higher.
    Negative,
}

impl Penalty {
    pub(super) fn is_default(&self) -> bool {
        *self == Penalty::default()
    }
}

impl Named for Penalty {
    const ALL: &'static [Self] = &[Penalty::Positive, Penalty::Negative];

    fn name(&self) -> &'static str {
        match self {
            Penalty::Positive => "positive",
            Penalty::Negative => "negative",
        }
    }

    fn about(&self) -> &'static str {
        match self {
            Penalty::Positive => "M - S cv: a well-being index, higher is better",
            Penalty::Negative => "M + S cv: a deprivation index, higher is worse",
        }
    }
}

/// The standard deviation of the Mazziotta-Pareto penalty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Dispersion {
    /// Divided by the number of children (n), as the paper writes it.
    #[default]
    Population,
    /// Divided by n - 1, as Compind's `ci_mpi` computes it (R's `sd`).
    Sample,
}

impl Dispersion {
    pub(super) fn is_default(&self) -> bool {
        *self == Dispersion::default()
    }
}

impl Named for Dispersion {
    const ALL: &'static [Self] = &[Dispersion::Population, Dispersion::Sample];

    fn name(&self) -> &'static str {
        match self {
            Dispersion::Population => "population",
            Dispersion::Sample => "sample",
        }
    }

    fn about(&self) -> &'static str {
        match self {
            Dispersion::Population => "divided by n, as the paper writes it",
            Dispersion::Sample => "divided by n - 1, as Compind's ci_mpi",
        }
    }
}
