//! The ranks each region-year took over an analysis's replications, kept exactly in a form
//! whose size does not grow with the square of the regions.

use serde::Serialize;

/// The ranks one region-year took over the replications, exactly, in one of two forms whose
/// size does not grow with the square of the regions: with at most `DENSE_REGIONS` regions a
/// count per possible rank (a histogram: small, whatever the replications), above that each
/// replication's rank (4 bytes per replication, whatever the regions: 72,000 census tracts x
/// 2 years x 1,000 replications take 576 MB, where histograms would take 41 GB). Both merge
/// across threads and shards by adding up, and summarise to the same statistics.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RankCounts {
    /// `counts[r - 1]`: how many replications gave rank r.
    Histogram(Vec<u32>),
    /// The rank of each replication that ranked the region, in no particular order.
    Ranks(Vec<u32>),
}

/// The most regions whose ranks are kept as histograms (see `RankCounts`).
pub const DENSE_REGIONS: usize = 1000;

/// The bytes the rank counts of `records` region-year-node records keep, for an index of
/// `n_units` regions over `replications` replications (a list of ranks is made with room for
/// every replication), with the record itself.
pub fn kept_bytes(n_units: usize, records: usize, replications: usize) -> u64 {
    let per_record = if n_units <= DENSE_REGIONS {
        n_units
    } else {
        replications
    };
    records as u64 * (per_record as u64 * 4 + std::mem::size_of::<RankCounts>() as u64)
}

impl RankCounts {
    /// An empty record for an index of `n_units` regions, with room for `replications`.
    pub(super) fn new(n_units: usize, replications: usize) -> RankCounts {
        if n_units <= DENSE_REGIONS {
            RankCounts::Histogram(vec![0; n_units])
        } else {
            RankCounts::Ranks(Vec::with_capacity(replications))
        }
    }

    /// Makes room for the ranks of `others`, exactly (a list growing by doubling would take
    /// up to twice the memory while shards are merged).
    pub(super) fn reserve_for<'a>(&mut self, others: impl Iterator<Item = &'a RankCounts>) {
        if let RankCounts::Ranks(a) = self {
            let more = others
                .map(|o| match o {
                    RankCounts::Ranks(b) => b.len(),
                    RankCounts::Histogram(_) => 0,
                })
                .sum();
            a.reserve_exact(more);
        }
    }

    /// Counts one more replication with rank `rank` (1-based).
    pub(super) fn add(&mut self, rank: u32) {
        match self {
            RankCounts::Histogram(h) => h[rank as usize - 1] += 1,
            RankCounts::Ranks(r) => r.push(rank),
        }
    }

    /// Adds another's counts (a shard's): the sum does not depend on the order. Records of
    /// two forms (runs on different data, which the fingerprint refuses first) add rank by
    /// rank.
    pub(super) fn absorb(&mut self, other: &RankCounts) {
        match (&mut *self, other) {
            (RankCounts::Histogram(a), RankCounts::Histogram(b)) => {
                for (x, y) in a.iter_mut().zip(b) {
                    *x += y;
                }
            }
            (RankCounts::Ranks(a), RankCounts::Ranks(b)) => a.extend_from_slice(b),
            _ => {
                for r in other.ranks() {
                    self.add(r as u32);
                }
            }
        }
    }

    /// The ranks in ascending order, each as often as it came out.
    pub(super) fn ranks(&self) -> Vec<f64> {
        match self {
            RankCounts::Histogram(h) => h
                .iter()
                .enumerate()
                .flat_map(|(r, &count)| {
                    std::iter::repeat_n(f64::from(r as u32 + 1), count as usize)
                })
                .collect(),
            RankCounts::Ranks(r) => {
                let mut sorted = r.clone();
                sorted.sort_unstable();
                sorted.into_iter().map(f64::from).collect()
            }
        }
    }
}

#[cfg(test)]
mod rank_count_tests {
    use super::RankCounts;

    /// Ranks 3, 1, 3, 2 in either form give 1, 2, 3, 3; a shard's 2, 2, 4 added gives 1, 2,
    /// 2, 2, 3, 3, 4 in either form, and a histogram absorbing listed ranks counts them.
    #[test]
    fn both_forms_give_the_same_ranks() {
        let mut h = RankCounts::new(4, 8);
        let mut l = RankCounts::new(2000, 8);
        assert!(matches!(h, RankCounts::Histogram(_)) && matches!(l, RankCounts::Ranks(_)));
        for r in [3, 1, 3, 2] {
            h.add(r);
            l.add(r);
        }
        assert_eq!(h, RankCounts::Histogram(vec![1, 1, 2, 0]));
        assert_eq!(h.ranks(), vec![1.0, 2.0, 3.0, 3.0]);
        assert_eq!(l.ranks(), vec![1.0, 2.0, 3.0, 3.0]);
        h.absorb(&RankCounts::Histogram(vec![0, 2, 0, 1]));
        l.absorb(&RankCounts::Ranks(vec![2, 4, 2]));
        let all = vec![1.0, 2.0, 2.0, 2.0, 3.0, 3.0, 4.0];
        assert_eq!(h.ranks(), all);
        assert_eq!(l.ranks(), all);
        let mut mixed = RankCounts::Histogram(vec![1, 0, 0, 0]);
        mixed.absorb(&RankCounts::Ranks(vec![4, 2]));
        assert_eq!(mixed, RankCounts::Histogram(vec![1, 1, 0, 1]));
    }
}
