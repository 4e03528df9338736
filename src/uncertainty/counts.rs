//! The ranks each region-year took over an analysis's replications, kept exactly in a form
//! whose size does not grow with the square of the regions.

use serde::Serialize;

use crate::rank::Rank;

/// The ranks one region-year took over the replications, exactly, in one of two forms whose
/// size does not grow with the square of the regions: with at most `DENSE_REGIONS` regions a
/// count per possible rank (a histogram: small, whatever the replications), above that each
/// replication's rank (4 bytes per replication, whatever the regions: 72,000 census tracts x
/// 2 years x 1,000 replications take 576 MB, where histograms would take 41 GB). Both merge
/// across threads and shards by adding up, and summarise to the same statistics. Under
/// `average` ties a rank can be a half (2.5), so the histogram counts per half-rank.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RankCounts {
    /// `counts[r - 1]`: how many replications gave the whole rank r.
    Histogram(Vec<u32>),
    /// `counts[2r - 2]`: how many replications gave rank r, a whole number or a half.
    HalfHistogram(Vec<u32>),
    /// The rank of each replication that ranked the region, in halves (`Rank::halves`), in no
    /// particular order.
    Ranks(Vec<u32>),
}

/// The most regions whose ranks are kept as histograms (see `RankCounts`).
pub const DENSE_REGIONS: usize = 1000;

/// The bytes the rank counts of `records` region-year-node records keep, for an index of
/// `n_units` regions over `replications` replications (a list of ranks is made with room for
/// every replication), with the record itself; `halves` when ranks can be halves.
pub fn kept_bytes(n_units: usize, records: usize, replications: usize, halves: bool) -> u64 {
    let per_record = if n_units <= DENSE_REGIONS {
        bins(n_units, halves)
    } else {
        replications
    };
    records as u64 * (per_record as u64 * 4 + std::mem::size_of::<RankCounts>() as u64)
}

/// The places a histogram counts: ranks 1..=n, or 1, 1.5, .., n in halves.
fn bins(n_units: usize, halves: bool) -> usize {
    if halves {
        (2 * n_units).saturating_sub(1)
    } else {
        n_units
    }
}

impl RankCounts {
    /// An empty record for an index of `n_units` regions, with room for `replications`;
    /// `halves` when ranks can be halves (`average` ties).
    pub(super) fn new(n_units: usize, replications: usize, halves: bool) -> RankCounts {
        if n_units > DENSE_REGIONS {
            RankCounts::Ranks(Vec::with_capacity(replications))
        } else if halves {
            RankCounts::HalfHistogram(vec![0; bins(n_units, true)])
        } else {
            RankCounts::Histogram(vec![0; n_units])
        }
    }

    /// Makes room for the ranks of `others`, exactly (a list growing by doubling would take
    /// up to twice the memory while shards are merged).
    pub(super) fn reserve_for<'a>(&mut self, others: impl Iterator<Item = &'a RankCounts>) {
        if let RankCounts::Ranks(a) = self {
            let more = others
                .map(|o| match o {
                    RankCounts::Ranks(b) => b.len(),
                    RankCounts::Histogram(_) | RankCounts::HalfHistogram(_) => 0,
                })
                .sum();
            a.reserve_exact(more);
        }
    }

    /// Counts one more replication with rank `rank`. A half met by a histogram of whole ranks
    /// (a record made without `halves`) turns it into one of halves, so nothing is lost.
    pub(super) fn add(&mut self, rank: Rank) {
        match self {
            RankCounts::Histogram(h) if rank.is_whole() => h[rank.halves() as usize / 2 - 1] += 1,
            RankCounts::Histogram(h) => {
                let mut halves = vec![0; bins(h.len(), true)];
                for (r, &count) in h.iter().enumerate() {
                    halves[2 * r] = count;
                }
                *self = RankCounts::HalfHistogram(halves);
                self.add(rank);
            }
            RankCounts::HalfHistogram(h) => h[rank.halves() as usize - 2] += 1,
            RankCounts::Ranks(r) => r.push(rank.halves()),
        }
    }

    /// Adds another's counts (a shard's): the sum does not depend on the order. Records of
    /// two forms (runs on different data, which the fingerprint refuses first) add rank by
    /// rank.
    pub(super) fn absorb(&mut self, other: &RankCounts) {
        match (&mut *self, other) {
            (RankCounts::Histogram(a), RankCounts::Histogram(b))
            | (RankCounts::HalfHistogram(a), RankCounts::HalfHistogram(b)) => {
                for (x, y) in a.iter_mut().zip(b) {
                    *x += y;
                }
            }
            (RankCounts::Ranks(a), RankCounts::Ranks(b)) => a.extend_from_slice(b),
            _ => {
                for r in other.halves() {
                    self.add(Rank::from_halves(r));
                }
            }
        }
    }

    /// The ranks in halves, in ascending order, each as often as it came out.
    fn halves(&self) -> Vec<u32> {
        let repeat = |h: &Vec<u32>, step: u32, first: u32| -> Vec<u32> {
            h.iter()
                .enumerate()
                .flat_map(|(k, &count)| {
                    std::iter::repeat_n(first + step * k as u32, count as usize)
                })
                .collect()
        };
        match self {
            RankCounts::Histogram(h) => repeat(h, 2, 2),
            RankCounts::HalfHistogram(h) => repeat(h, 1, 2),
            RankCounts::Ranks(r) => {
                let mut sorted = r.clone();
                sorted.sort_unstable();
                sorted
            }
        }
    }

    /// The ranks in ascending order, each as often as it came out.
    pub(super) fn ranks(&self) -> Vec<f64> {
        self.halves()
            .into_iter()
            .map(|h| Rank::from_halves(h).value())
            .collect()
    }
}

#[cfg(test)]
mod rank_count_tests {
    use super::RankCounts;
    use crate::rank::Rank;

    fn whole(rs: &[u32]) -> Vec<Rank> {
        rs.iter().map(|&r| Rank::whole(r)).collect()
    }

    /// Ranks 3, 1, 3, 2 in either form give 1, 2, 3, 3; a shard's 2, 2, 4 added gives 1, 2,
    /// 2, 2, 3, 3, 4 in either form, and a histogram absorbing listed ranks counts them.
    #[test]
    fn both_forms_give_the_same_ranks() {
        let mut h = RankCounts::new(4, 8, false);
        let mut l = RankCounts::new(2000, 8, false);
        assert!(matches!(h, RankCounts::Histogram(_)) && matches!(l, RankCounts::Ranks(_)));
        for r in whole(&[3, 1, 3, 2]) {
            h.add(r);
            l.add(r);
        }
        assert_eq!(h, RankCounts::Histogram(vec![1, 1, 2, 0]));
        assert_eq!(h.ranks(), vec![1.0, 2.0, 3.0, 3.0]);
        assert_eq!(l.ranks(), vec![1.0, 2.0, 3.0, 3.0]);
        h.absorb(&RankCounts::Histogram(vec![0, 2, 0, 1]));
        // Listed ranks are in halves: 4, 8, 4 are ranks 2, 4, 2.
        l.absorb(&RankCounts::Ranks(vec![4, 8, 4]));
        let all = vec![1.0, 2.0, 2.0, 2.0, 3.0, 3.0, 4.0];
        assert_eq!(h.ranks(), all);
        assert_eq!(l.ranks(), all);
        let mut mixed = RankCounts::Histogram(vec![1, 0, 0, 0]);
        mixed.absorb(&RankCounts::Ranks(vec![8, 4]));
        assert_eq!(mixed, RankCounts::Histogram(vec![1, 1, 0, 1]));
    }

    /// Under average ties, ranks 2.5, 1, 2.5, 4 of 4 regions: the histogram of halves has 7
    /// places (1, 1.5, .., 4) and counts 1 at 1, 2 at 2.5, 1 at 4; the list form gives the
    /// same ranks. A histogram of whole ranks meeting 2.5 keeps what it counted.
    #[test]
    fn half_ranks_are_counted_exactly() {
        let ranks = [
            Rank::from_halves(5),
            Rank::whole(1),
            Rank::from_halves(5),
            Rank::whole(4),
        ];
        let mut h = RankCounts::new(4, 4, true);
        let mut l = RankCounts::new(2000, 4, true);
        for r in ranks {
            h.add(r);
            l.add(r);
        }
        assert_eq!(h, RankCounts::HalfHistogram(vec![1, 0, 0, 2, 0, 0, 1]));
        assert_eq!(h.ranks(), vec![1.0, 2.5, 2.5, 4.0]);
        assert_eq!(l.ranks(), vec![1.0, 2.5, 2.5, 4.0]);
        let mut grown = RankCounts::new(4, 4, false);
        grown.add(Rank::whole(3));
        grown.add(Rank::from_halves(3));
        assert_eq!(grown, RankCounts::HalfHistogram(vec![0, 1, 0, 0, 1, 0, 0]));
        assert_eq!(grown.ranks(), vec![1.5, 3.0]);
        assert_eq!(
            super::kept_bytes(4, 1, 9, true) - super::kept_bytes(4, 1, 9, false),
            12
        );
    }
}
