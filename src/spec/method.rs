//! The methods of the stages, one family per enum: how missing values are imputed, how outliers
//! are treated, how raw values become scores, how a group combines its children. Every fact
//! about a method sits here, beside its variant: its spelling in the spec and its parameters
//! (the `*Kind` tables), whether it draws bounds from the data, its lowest possible score,
//! whether it works across regions, how the report describes it. Every match on a method is
//! exhaustive, so a new variant is a compile error everywhere it must be handled.
//!
//! To add a method: the variant, its row in the kind table, its arm in each fact below (the
//! compiler lists them), its formula in the stage, its test, its line in docs/methods.md.

use serde::Serialize;

use crate::named::Named;

pub use super::choices::{Dispersion, Penalty, Ties};

/// Declares a table of method kinds: the variant, its spelling in the spec, the parameters it
/// takes, and a one-line description. The enum, `ALL` and every lookup come from one list.
macro_rules! kinds {
    ($(#[doc = $family:literal])* $kind:ident {
        $($(#[doc = $about:literal])* $variant:ident = $name:literal [$($param:literal),*],)+
    }) => {
        $(#[doc = $family])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $kind {
            $($(#[doc = $about])* $variant,)+
        }

        impl $kind {
            /// The parameters the method takes in the spec.
            pub fn params(self) -> &'static [&'static str] {
                match self {
                    $($kind::$variant => &[$($param),*],)+
                }
            }
        }

        impl Named for $kind {
            const ALL: &'static [Self] = &[$($kind::$variant),+];

            fn name(&self) -> &'static str {
                match self {
                    $($kind::$variant => $name,)+
                }
            }

            fn about(&self) -> &'static str {
                match self {
                    $($kind::$variant => concat!($($about),*).trim_ascii_start().trim_end_matches('.'),)+
                }
            }
        }
    };
}

kinds! {
    /// The imputation methods.
    ImputeKind {
        /// Leave them missing: groups aggregate the available children.
        None = "none" [],
        /// The mean of the indicator's values that year.
        Mean = "mean" [],
        /// The median of the indicator's values that year.
        Median = "median" [],
        /// The mean over the regions of the same group that year.
        GroupMean = "group-mean" [],
        /// The median over the regions of the same group that year.
        GroupMedian = "group-median" [],
        /// Linear interpolation in the region's own series.
        Interpolate = "interpolate" [],
        /// The region's value from the nearest year with one, at most `years` away.
        Carry = "carry" ["years"],
    }
}

kinds! {
    /// The outlier treatments.
    TreatmentKind {
        /// No treatment.
        None = "none" [],
        /// Winsorise until the JRC rule passes, else take logs.
        Jrc = "jrc" ["points", "log_form", "skewness", "kurtosis"],
        /// Winsorise a fixed number of values.
        Winsorise = "winsorise" ["points"],
        /// Natural log.
        Log = "log" [],
        /// Square root.
        Sqrt = "sqrt" [],
    }
}

kinds! {
    /// The normalisation methods.
    NormalisationKind {
        /// Min-max onto a range.
        MinMax = "min-max" ["range"],
        /// z-scores with a chosen mean and sd.
        ZScore = "z-score" ["mean", "sd"],
        /// Fixed goalposts, optionally on ln, optionally capped.
        Goalposts = "goalposts" ["lo", "hi", "log", "cap", "range"],
        /// Rank, 1 for the worst.
        Rank = "rank" ["ties"],
        /// Percentile rank onto a range.
        PercentileRank = "percentile-rank" ["range", "ties"],
        /// Borda points.
        Borda = "borda" [],
        /// Distance to a target.
        Target = "target" ["target", "lo", "range"],
        /// Ratio to the best value.
        Best = "best" ["range"],
        /// Ratio to a reference region, times 100.
        Reference = "reference" ["region"],
        /// Fraction of the maximum.
        FractionMax = "fraction-max" ["range"],
        /// Index to a base year, base = 100.
        BaseYear = "base-year" ["year"],
        /// Piecewise-linear between breakpoints.
        Piecewise = "piecewise" ["breakpoints"],
        /// Istat's AMPI rescaling around a reference.
        Ampi = "ampi" ["reference", "delta"],
        /// The value as it is (a formula can be the score).
        None = "none" [],
    }
}

kinds! {
    /// The aggregation methods.
    AggregationKind {
        /// Weighted arithmetic mean.
        Arithmetic = "arithmetic" [],
        /// Weighted geometric mean, optionally with an offset.
        Geometric = "geometric" ["offset"],
        /// Weighted harmonic mean.
        Harmonic = "harmonic" [],
        /// Weighted power mean with exponent p.
        Power = "power" ["p"],
        /// The lowest child score.
        Minimum = "minimum" [],
        /// The number of children times their weighted mean.
        Sum = "sum" [],
        /// Mazziotta-Pareto index.
        Mpi = "mpi" ["penalty", "dispersion"],
        /// Weighted sum with the weights as given, not rescaled.
        WeightedSum = "weighted-sum" [],
        /// Product of the children raised to their weights, not rescaled.
        Product = "product" [],
        /// Mean of the children's ranks among the regions.
        RankMean = "rank-mean" [],
        /// Copeland's pairwise majority.
        Copeland = "copeland" [],
    }
}

/// Where the weights of a group's children come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Weighting {
    /// The spec's weights (declared, from an AHP matrix, or from a PCA where it says so).
    Declared,
    /// Equal weights for every child of every group.
    Equal,
    /// Weights from the first principal component for every group of two or more indicators.
    Pca,
}

impl Named for Weighting {
    const ALL: &'static [Self] = &[Weighting::Declared, Weighting::Equal, Weighting::Pca];

    fn name(&self) -> &'static str {
        match self {
            Weighting::Declared => "declared",
            Weighting::Equal => "equal",
            Weighting::Pca => "pca",
        }
    }

    fn about(&self) -> &'static str {
        match self {
            Weighting::Declared => "The spec's weights",
            Weighting::Equal => "Equal weights for every child of every group",
            Weighting::Pca => {
                "Weights from the first principal component for every group of two or more indicators"
            }
        }
    }
}

/// Imputation of missing values in the computation (step 3 of the OECD/JRC Handbook).
/// Serialised as its spelling, or `{ method, parameter }` when it has a parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Impute {
    /// Leave them missing: groups aggregate the available children.
    #[default]
    None,
    /// The mean of the indicator's values that year.
    Mean,
    /// The median of the indicator's values that year.
    Median,
    /// The mean over the regions of the same group (`group` of the units) that year.
    GroupMean,
    /// The median over the regions of the same group that year.
    GroupMedian,
    /// Linear interpolation in the region's own series between the nearest earlier and later
    /// years with values; ends stay missing.
    Interpolate,
    /// The region's value from the nearest year with one, at most `years` away (the earlier
    /// year on a tie).
    Carry { years: u32 },
}

/// Outlier treatment (OECD/JRC Handbook; COINr's rule). Serialised like `Impute`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Treatment {
    #[default]
    None,
    /// The JRC rule: an indicator needs treatment when |skewness| >= `rule.skewness` and
    /// kurtosis >= `rule.kurtosis` (2 and 3.5); winsorise up to `points` values on the side of
    /// the skew, stopping as soon as the rule passes; if it still fails, a log of the original
    /// values in the chosen form.
    Jrc {
        points: u32,
        log: LogForm,
        rule: OutlierRule,
    },
    /// Winsorise exactly `points` values on the side of the skew.
    Winsorise { points: u32 },
    /// Natural log (values must be positive).
    Log,
    /// Square root (values must not be negative).
    Sqrt,
}

/// How an indicator's raw values become scores. All methods are direction-aware; "pooled"
/// values are those of the years the spec's pooling names. Formulas: docs/methods.md.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "method")]
pub enum Normalisation {
    /// `l + (x - min)/(max - min) * (u - l)`, bounds from the pooled years.
    MinMax { range: (f64, f64) },
    /// `mean + sd * (x - m)/s`, m and s the pooled mean and sample sd.
    ZScore { mean: f64, sd: f64 },
    /// Fixed goalposts: `l + (x - lo)/(hi - lo) * (u - l)`, optionally on ln, optionally capped
    /// at the goalposts (UNDP HDI technical notes).
    Goalposts {
        lo: f64,
        hi: f64,
        log: bool,
        cap: bool,
        range: (f64, f64),
    },
    /// Rank among the pooled values, 1 for the worst; tied values share a rank by `ties`.
    Rank {
        #[serde(skip_serializing_if = "Ties::is_average")]
        ties: Ties,
    },
    /// Percentile rank onto `range`: `l + (rank - 1)/(n - 1) * (u - l)` (with `dense` ties,
    /// n is the number of distinct values).
    PercentileRank {
        range: (f64, f64),
        #[serde(skip_serializing_if = "Ties::is_average")]
        ties: Ties,
    },
    /// Borda points: the number of pooled values that are worse.
    Borda,
    /// Distance to a target, capped there: `x / target`, or `(x - lo)/(target - lo)` with a
    /// worst value lo; onto `range`.
    Target {
        target: f64,
        lo: Option<f64>,
        range: (f64, f64),
    },
    /// Ratio to the best pooled value (`x / max`, or `min / x` when lower is better); onto
    /// `range`.
    Best { range: (f64, f64) },
    /// `100 * x / x_ref`, x_ref the reference region's value that year (`100 * x_ref / x` when
    /// lower is better).
    Reference { region: String },
    /// Fraction of the pooled maximum: `x / max` (`1 - x / max` when lower is better); onto
    /// `range`.
    FractionMax { range: (f64, f64) },
    /// Index to a base year: `100 * x / x_base` of the same region (`100 * x_base / x` when
    /// lower is better), as the Foundation for Child Development's CWI.
    BaseYear { year: i32 },
    /// Piecewise-linear between declared (value, score) breakpoints, constant beyond them (for
    /// thresholds such as WHO air-quality limits). The scores carry the direction.
    Piecewise { breakpoints: Vec<(f64, f64)> },
    /// Istat's AMPI rescaling around a reference: `70 + 60 (x - (ref - delta)) / (2 delta)`,
    /// so the reference maps to 100 (`130 - ...` when lower is better).
    Ampi { reference: f64, delta: f64 },
    /// The value as it is, e.g. a formula that is already a score. Only for indicators where
    /// higher is better: there is no scale to flip.
    None,
}

/// How a group combines its children's scores (weights rescaled to sum to 1, except in
/// `WeightedSum` and `Product`, which take them as given).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "method")]
pub enum Aggregation {
    /// Weighted arithmetic mean: fully compensatory.
    Arithmetic,
    /// Weighted geometric mean: needs positive children; a zero or negative child is an error.
    Geometric,
    /// Geometric mean of the scores plus a declared offset, minus the offset: for scales that
    /// reach 0 (`{ method = "geometric", offset = 1 }`).
    #[serde(rename = "geometric")]
    ShiftedGeometric { offset: f64 },
    /// Weighted harmonic mean: needs positive children.
    Harmonic,
    /// Weighted generalised (power) mean with exponent p (p = 1 arithmetic, p = -1 harmonic).
    Power { p: f64 },
    /// The lowest child score: non-compensatory.
    Minimum,
    /// The number of children times their weighted mean: the plain sum with equal weights, as
    /// KIDS COUNT sums z-scores.
    Sum,
    /// Mazziotta-Pareto index: weighted mean M minus S * cv (S the weighted standard deviation,
    /// cv = S / M) for a positive index, plus it for a negative (deprivation) one: penalises
    /// unbalanced profiles; use on scores standardised around 100.
    Mpi {
        #[serde(skip_serializing_if = "Penalty::is_default")]
        penalty: Penalty,
        #[serde(skip_serializing_if = "Dispersion::is_default")]
        dispersion: Dispersion,
    },
    /// `sum w_i x_i` with the weights as the spec gives them (not rescaled to sum to 1), as
    /// an index published with rounded weights computes it.
    WeightedSum,
    /// `prod x_i ^ w_i` with the weights as given (not rescaled): a multiplicative index
    /// whose components multiply, each raised to its exponent (1 by default). A child of 0
    /// makes it 0; a negative child is refused.
    Product,
    /// Average of the children's ranks among the regions (UNICEF Report Card), as
    /// `n + 1 - weighted mean rank` so that higher is better; regions need every child.
    RankMean,
    /// Copeland's pairwise majority: +1 for each region a region beats on more (weighted)
    /// children, -1 for each it loses to; regions need every child.
    Copeland,
}

/// The log a JRC treatment falls back on when winsorising does not pass the rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LogForm {
    /// The COIN Tool's: ln(x - min + 1), and -ln(max - x + 1) for a negative skew.
    #[default]
    CoinTool,
    /// COINr's `log_CT`: ln(x - min + 0.01 (max - min)), whatever the sign of the skew.
    Coinr,
}

impl Named for LogForm {
    const ALL: &'static [Self] = &[LogForm::CoinTool, LogForm::Coinr];

    fn name(&self) -> &'static str {
        match self {
            LogForm::CoinTool => "coin-tool",
            LogForm::Coinr => "coinr",
        }
    }

    fn about(&self) -> &'static str {
        match self {
            LogForm::CoinTool => "ln(x - min + 1), and -ln(max - x + 1) for a negative skew",
            LogForm::Coinr => "ln(x - min + 0.01 (max - min)), as COINr",
        }
    }
}

/// The thresholds of the JRC rule (COINr's defaults: |skewness| 2, kurtosis 3.5).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct OutlierRule {
    pub skewness: f64,
    pub kurtosis: f64,
}

impl Default for OutlierRule {
    fn default() -> Self {
        OutlierRule {
            skewness: 2.0,
            kurtosis: 3.5,
        }
    }
}

impl OutlierRule {
    /// Whether an indicator with this skewness and (excess) kurtosis needs treatment: it
    /// passes when |skewness| < the threshold or kurtosis < the threshold (COINr).
    pub fn fails(&self, skewness: Option<f64>, kurtosis: Option<f64>) -> bool {
        matches!((skewness, kurtosis), (Some(s), Some(k)) if s.abs() >= self.skewness && k >= self.kurtosis)
    }
}

/// A method as its spelling, or as `{ method = spelling, parameter = value }`.
fn serialize_method<S: serde::Serializer>(
    s: S,
    name: &str,
    parameter: Option<(&'static str, u32)>,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    match parameter {
        None => s.serialize_str(name),
        Some((key, value)) => {
            let mut map = s.serialize_map(Some(2))?;
            map.serialize_entry("method", name)?;
            map.serialize_entry(key, &value)?;
            map.end()
        }
    }
}

impl Serialize for Impute {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let parameter = match self {
            Impute::Carry { years } => Some(("years", *years)),
            Impute::None
            | Impute::Mean
            | Impute::Median
            | Impute::GroupMean
            | Impute::GroupMedian
            | Impute::Interpolate => None,
        };
        serialize_method(s, self.kind().name(), parameter)
    }
}

impl Serialize for Treatment {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        match self {
            Treatment::Jrc { points, log, rule } => {
                let mut map = s.serialize_map(Some(5))?;
                map.serialize_entry("method", self.kind().name())?;
                map.serialize_entry("points", points)?;
                map.serialize_entry("log_form", log.name())?;
                map.serialize_entry("skewness", &rule.skewness)?;
                map.serialize_entry("kurtosis", &rule.kurtosis)?;
                map.end()
            }
            Treatment::Winsorise { points } => {
                serialize_method(s, self.kind().name(), Some(("points", *points)))
            }
            Treatment::None | Treatment::Log | Treatment::Sqrt => {
                serialize_method(s, self.kind().name(), None)
            }
        }
    }
}

/// Default parameters, where a spec or a command line names a method without them.
pub const CARRY_YEARS: u32 = 1;
pub const JRC_POINTS: u32 = 5;
pub const WINSORISE_POINTS: u32 = 1;

impl Impute {
    pub fn kind(&self) -> ImputeKind {
        match self {
            Impute::None => ImputeKind::None,
            Impute::Mean => ImputeKind::Mean,
            Impute::Median => ImputeKind::Median,
            Impute::GroupMean => ImputeKind::GroupMean,
            Impute::GroupMedian => ImputeKind::GroupMedian,
            Impute::Interpolate => ImputeKind::Interpolate,
            Impute::Carry { .. } => ImputeKind::Carry,
        }
    }
}

impl Treatment {
    pub fn kind(&self) -> TreatmentKind {
        match self {
            Treatment::None => TreatmentKind::None,
            Treatment::Jrc { .. } => TreatmentKind::Jrc,
            Treatment::Winsorise { .. } => TreatmentKind::Winsorise,
            Treatment::Log => TreatmentKind::Log,
            Treatment::Sqrt => TreatmentKind::Sqrt,
        }
    }
}

impl Normalisation {
    pub fn kind(&self) -> NormalisationKind {
        match self {
            Normalisation::MinMax { .. } => NormalisationKind::MinMax,
            Normalisation::ZScore { .. } => NormalisationKind::ZScore,
            Normalisation::Goalposts { .. } => NormalisationKind::Goalposts,
            Normalisation::Rank { .. } => NormalisationKind::Rank,
            Normalisation::PercentileRank { .. } => NormalisationKind::PercentileRank,
            Normalisation::Borda => NormalisationKind::Borda,
            Normalisation::Target { .. } => NormalisationKind::Target,
            Normalisation::Best { .. } => NormalisationKind::Best,
            Normalisation::Reference { .. } => NormalisationKind::Reference,
            Normalisation::FractionMax { .. } => NormalisationKind::FractionMax,
            Normalisation::BaseYear { .. } => NormalisationKind::BaseYear,
            Normalisation::Piecewise { .. } => NormalisationKind::Piecewise,
            Normalisation::Ampi { .. } => NormalisationKind::Ampi,
            Normalisation::None => NormalisationKind::None,
        }
    }

    /// Whether the method draws its bounds from the data (the pooled values or a reference
    /// region's value). Methods that do not give scores comparable across years whatever the
    /// pooling.
    pub fn draws_from_data(&self) -> bool {
        match self {
            Normalisation::MinMax { .. }
            | Normalisation::ZScore { .. }
            | Normalisation::Rank { .. }
            | Normalisation::PercentileRank { .. }
            | Normalisation::Borda
            | Normalisation::Best { .. }
            | Normalisation::Reference { .. }
            | Normalisation::FractionMax { .. } => true,
            Normalisation::Goalposts { .. }
            | Normalisation::Target { .. }
            | Normalisation::BaseYear { .. }
            | Normalisation::Piecewise { .. }
            | Normalisation::Ampi { .. }
            | Normalisation::None => false,
        }
    }

    /// The lowest score the method can give; `None` when it is unbounded below.
    pub fn lowest_score(&self) -> Option<f64> {
        match self {
            Normalisation::MinMax { range }
            | Normalisation::PercentileRank { range, .. }
            | Normalisation::Target { range, .. }
            | Normalisation::Best { range }
            | Normalisation::FractionMax { range } => Some(range.0),
            Normalisation::Goalposts {
                cap: true, range, ..
            } => Some(range.0),
            Normalisation::Rank { .. } => Some(1.0),
            Normalisation::Borda => Some(0.0),
            Normalisation::Piecewise { breakpoints } => {
                breakpoints.iter().map(|p| p.1).reduce(f64::min)
            }
            Normalisation::Reference { .. } | Normalisation::BaseYear { .. } => Some(0.0),
            Normalisation::Goalposts { cap: false, .. }
            | Normalisation::ZScore { .. }
            | Normalisation::Ampi { .. }
            | Normalisation::None => None,
        }
    }

    /// The method with its parameters, as the report's methodology shows it.
    pub fn describe(&self) -> String {
        match self {
            Normalisation::MinMax { range } => format!("min-max → [{}, {}]", range.0, range.1),
            Normalisation::ZScore { mean, sd } => format!("z-score (mean {mean}, sd {sd})"),
            Normalisation::Goalposts {
                lo,
                hi,
                log,
                cap,
                range,
            } => format!(
                "goalposts {lo}–{hi}{}{} → [{}, {}]",
                if *log { ", ln" } else { "" },
                if *cap { ", capped" } else { "" },
                range.0,
                range.1
            ),
            Normalisation::Rank { ties } => format!("rank{}", ties_text(*ties)),
            Normalisation::PercentileRank { range, ties } => {
                format!(
                    "percentile rank → [{}, {}]{}",
                    range.0,
                    range.1,
                    ties_text(*ties)
                )
            }
            Normalisation::Borda => "Borda points".into(),
            Normalisation::Target { target, lo, .. } => match lo {
                Some(lo) => format!("distance to target {target} from {lo}"),
                None => format!("distance to target {target}"),
            },
            Normalisation::Best { .. } => "ratio to the best region".into(),
            Normalisation::Reference { region } => format!("ratio to {region} × 100"),
            Normalisation::FractionMax { .. } => "fraction of the maximum".into(),
            Normalisation::BaseYear { year } => format!("index, {year} = 100"),
            Normalisation::Piecewise { breakpoints } => {
                format!("piecewise-linear, {} breakpoints", breakpoints.len())
            }
            Normalisation::Ampi { reference, delta } => {
                format!("AMPI rescaling around {reference} ± {delta}")
            }
            Normalisation::None => "none (the value as it is)".into(),
        }
    }
}

/// ", ties min" where ties are not averaged.
fn ties_text(ties: Ties) -> String {
    if ties.is_average() {
        String::new()
    } else {
        format!(", ties {}", ties.name())
    }
}

impl Aggregation {
    pub fn kind(&self) -> AggregationKind {
        match self {
            Aggregation::Arithmetic => AggregationKind::Arithmetic,
            Aggregation::Geometric | Aggregation::ShiftedGeometric { .. } => {
                AggregationKind::Geometric
            }
            Aggregation::Harmonic => AggregationKind::Harmonic,
            Aggregation::Power { .. } => AggregationKind::Power,
            Aggregation::Minimum => AggregationKind::Minimum,
            Aggregation::Sum => AggregationKind::Sum,
            Aggregation::Mpi { .. } => AggregationKind::Mpi,
            Aggregation::WeightedSum => AggregationKind::WeightedSum,
            Aggregation::Product => AggregationKind::Product,
            Aggregation::RankMean => AggregationKind::RankMean,
            Aggregation::Copeland => AggregationKind::Copeland,
        }
    }

    /// The method with its parameters, for messages and the report.
    pub fn describe(&self) -> String {
        match self {
            Aggregation::Arithmetic => "arithmetic".into(),
            Aggregation::Geometric => "geometric".into(),
            Aggregation::ShiftedGeometric { offset } => format!("geometric (offset {offset})"),
            Aggregation::Harmonic => "harmonic".into(),
            Aggregation::Power { p } => format!("power mean (p = {p})"),
            Aggregation::Minimum => "minimum".into(),
            Aggregation::Sum => "sum".into(),
            Aggregation::Mpi {
                penalty,
                dispersion,
            } => {
                let mut text = "Mazziotta-Pareto".to_string();
                if *penalty != Penalty::default() {
                    text.push_str(", negative (M + S cv)");
                }
                if *dispersion != Dispersion::default() {
                    text.push_str(", sample sd");
                }
                text
            }
            Aggregation::WeightedSum => "weighted sum (weights as given)".into(),
            Aggregation::Product => "product (weights as exponents)".into(),
            Aggregation::RankMean => "mean of ranks".into(),
            Aggregation::Copeland => "Copeland".into(),
        }
    }

    /// Whether the method compares regions with each other (rather than combine one region's
    /// children on their own).
    pub fn across_regions(&self) -> bool {
        match self {
            Aggregation::RankMean | Aggregation::Copeland => true,
            Aggregation::Arithmetic
            | Aggregation::Geometric
            | Aggregation::ShiftedGeometric { .. }
            | Aggregation::Harmonic
            | Aggregation::Power { .. }
            | Aggregation::Minimum
            | Aggregation::Sum
            | Aggregation::Mpi { .. }
            | Aggregation::WeightedSum
            | Aggregation::Product => false,
        }
    }

    /// Whether a child score of 0 or less cannot be aggregated.
    pub fn needs_positive(&self) -> bool {
        match self {
            Aggregation::Geometric | Aggregation::Harmonic => true,
            Aggregation::Power { p } => *p < 0.0,
            Aggregation::Arithmetic
            | Aggregation::ShiftedGeometric { .. }
            | Aggregation::Minimum
            | Aggregation::Sum
            | Aggregation::Mpi { .. }
            | Aggregation::WeightedSum
            | Aggregation::Product
            | Aggregation::RankMean
            | Aggregation::Copeland => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every kind is spelt once and found by its spelling.
    #[test]
    fn every_kind_round_trips_through_its_spelling() {
        fn check<K: Named + std::fmt::Debug>() {
            let names = K::names();
            let unique: std::collections::BTreeSet<_> = names.iter().collect();
            assert_eq!(unique.len(), names.len(), "{names:?}");
            for k in K::ALL {
                assert_eq!(K::from_name(k.name()), Some(*k));
                assert!(!k.about().is_empty());
            }
        }
        check::<ImputeKind>();
        check::<TreatmentKind>();
        check::<NormalisationKind>();
        check::<AggregationKind>();
        assert_eq!(NormalisationKind::ALL.len(), 14);
    }
}
