//! What an analysis keeps in memory, estimated before it starts, so that a panel too large for
//! the machine is refused with the figures instead of being killed by the kernel halfway.

use super::counts::kept_bytes;
use super::{Shard, UncertaintyError, summarised_nodes};
use crate::pipeline::Results;
use crate::spec::Uncertainty;

/// The memory an analysis will hold at its peak, beyond the results it starts from.
#[derive(Debug, Clone, PartialEq)]
pub struct Footprint {
    pub bytes: u64,
    /// What takes it, in words ("the ranks of 72000 regions x 4 nodes x 2 years x 1000
    /// replications").
    pub holds: String,
}

/// Bytes per summarised row: the summary (two strings and six numbers) and its table cells.
const SUMMARY_ROW: u64 = 160;

/// The ranks a batch of replications holds at once (see `replications`), with their failure
/// flags: 5 bytes each.
const BATCH_RANKS: u64 = 4_000_000;

/// The Monte Carlo analysis of `shard` (the whole run when it is 1/1): the rank counts it
/// keeps, one batch of replications' ranks, and the summaries a whole run makes.
pub fn monte_carlo(
    results: &Results,
    settings: &Uncertainty,
    shard: Shard,
) -> Result<Footprint, UncertaintyError> {
    let nodes = summarised_nodes(results, settings)?.len();
    let (units, years) = (results.panel.units.len(), results.panel.years.len());
    let records = nodes * years * units;
    let halves = results.recipe.ranking.ties.is_average();
    let mine = settings
        .replications
        .saturating_sub(shard.k - 1)
        .div_ceil(shard.n);
    let threads = rayon::current_num_threads().max(1) as u64;
    let batch = BATCH_RANKS.max(threads * records as u64) * 5;
    let summaries = if shard.n == 1 {
        records as u64 * SUMMARY_ROW
    } else {
        0
    };
    Ok(Footprint {
        bytes: kept_bytes(units, records, mine, halves) + records as u64 * 4 + batch + summaries,
        holds: format!(
            "the ranks of {units} regions x {nodes} node(s) x {years} year(s) x {mine} replications"
        ),
    })
}

/// The sensitivity analysis of `shard`: every model run's ranks of the index, kept until the
/// indices are computed. The runs are counted with every factor the settings can make vary
/// (sampling error counted whenever it is on), an upper bound.
pub fn sensitivity(results: &Results, settings: &Uncertainty, shard: Shard) -> Footprint {
    let factors = usize::from(settings.weights > 0.0)
        + [
            settings.weightings.len(),
            settings.normalisations.len(),
            settings.aggregations.len(),
            settings.imputations.len(),
            settings.treatments.len(),
        ]
        .iter()
        .filter(|&&n| n > 1)
        .count()
        + usize::from(settings.exclude_one)
        + usize::from(settings.sampling);
    let (units, years) = (results.panel.units.len(), results.panel.years.len());
    let runs = (settings.samples * (factors + 2))
        .saturating_sub(shard.k - 1)
        .div_ceil(shard.n);
    Footprint {
        bytes: runs as u64 * (years * units * 4 + 48) as u64 + (years * units) as u64 * SUMMARY_ROW,
        holds: format!("the ranks of {units} regions x {years} year(s) in {runs} model runs"),
    }
}

#[cfg(test)]
mod tests {
    use super::kept_bytes;

    /// Up to 1,000 regions a histogram per record (4 bytes a rank, whatever the
    /// replications), above a list of every replication's rank: 72,000 tracts x 4 nodes x 2
    /// years x 1,000 replications keep 576,000 lists of 1,000 ranks, 2.30 GB with their
    /// records.
    #[test]
    fn kept_bytes_follow_the_form_of_the_counts() {
        let record = std::mem::size_of::<super::super::RankCounts>() as u64;
        assert_eq!(
            kept_bytes(20, 100, 1_000_000, false),
            100 * (20 * 4 + record)
        );
        assert_eq!(
            kept_bytes(72_000, 576_000, 1_000, false),
            2_304_000_000 + 576_000 * record
        );
    }
}
