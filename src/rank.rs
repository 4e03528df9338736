//! Ranks: per node and year, rank 1 is the best score (the highest, or the lowest in a
//! lower-is-better index); ties take the minimum rank (1, 2, 2, 4) unless the spec's
//! `[index] ties` says otherwise.

use crate::spec::{Direction, Ties};

/// How a node's scores are ranked: which end is best, and the rank ties share.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ranking {
    pub direction: Direction,
    pub ties: Ties,
}

impl Default for Ranking {
    fn default() -> Self {
        Ranking {
            direction: Direction::Higher,
            ties: Ties::Min,
        }
    }
}

/// Scores closer than this (relative to their size, at least 1) are ties: two regions with the
/// same data must not be ranked apart by floating-point noise.
const TIE: f64 = 1e-9;

fn tied(a: f64, b: f64) -> bool {
    (a - b).abs() <= TIE * a.abs().max(b.abs()).max(1.0)
}

/// Ranks of `scores` (higher is better, ties at the minimum); a missing score has no rank.
pub fn rank(scores: &[Option<f64>]) -> Vec<Option<u32>> {
    rank_by(scores, Ranking::default())
}

/// Ranks of `scores` as `ranking` says; a missing score has no rank. Ranks are whole
/// numbers: the spec refuses `average` ties for them.
pub fn rank_by(scores: &[Option<f64>], ranking: Ranking) -> Vec<Option<u32>> {
    // Best first in `total_cmp`'s order (scores are finite); equal scores keep their order by
    // position, so equal inputs give equal output. The keys are integers: the score's order
    // key (its complement when higher is better), then the position.
    let lower = ranking.direction == Direction::Lower;
    let key = |s: f64| {
        let k = crate::stats::order_key(s);
        if lower { k } else { !k }
    };
    let value = |k: u64| crate::stats::from_order_key(if lower { k } else { !k });
    let mut order: Vec<(u64, usize)> = scores
        .iter()
        .enumerate()
        .filter_map(|(k, s)| s.map(|s| (key(s), k)))
        .collect();
    order.sort_unstable();
    let mut ranks = vec![None; scores.len()];
    // Runs of tied scores (each tied with the one before), then their rank by the rule.
    let mut start = 0;
    let mut distinct = 0;
    while start < order.len() {
        let mut end = start + 1;
        while end < order.len() && tied(value(order[end - 1].0), value(order[end].0)) {
            end += 1;
        }
        distinct += 1;
        let r = match ranking.ties {
            Ties::Average | Ties::Min => start + 1,
            Ties::Max => end,
            Ties::Dense => distinct,
        } as u32;
        for &(_, k) in &order[start..end] {
            ranks[k] = Some(r);
        }
        start = end;
    }
    ranks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_take_the_minimum_rank_and_gaps_have_none() {
        let scores = [Some(50.0), Some(70.0), None, Some(50.0), Some(10.0)];
        assert_eq!(
            rank(&scores),
            vec![Some(2), Some(1), None, Some(2), Some(4)]
        );
    }

    /// Scores 50, 70, -, 50, 10. Higher is better: 70 first, the two 50s tie over places 2
    /// and 3, 10 fourth: min 2, max 3, dense 2 (10 is then 3). Lower is better: 10 first,
    /// the 50s over places 2 and 3, 70 fourth.
    #[test]
    fn ties_and_direction() {
        let scores = [Some(50.0), Some(70.0), None, Some(50.0), Some(10.0)];
        let by = |direction, ties| rank_by(&scores, Ranking { direction, ties });
        let h = Direction::Higher;
        assert_eq!(
            by(h, Ties::Max),
            vec![Some(3), Some(1), None, Some(3), Some(4)]
        );
        assert_eq!(
            by(h, Ties::Dense),
            vec![Some(2), Some(1), None, Some(2), Some(3)]
        );
        let l = Direction::Lower;
        assert_eq!(
            by(l, Ties::Min),
            vec![Some(2), Some(4), None, Some(2), Some(1)]
        );
        assert_eq!(
            by(l, Ties::Max),
            vec![Some(3), Some(4), None, Some(3), Some(1)]
        );
    }

    #[test]
    fn floating_point_noise_is_a_tie() {
        let a = 0.1 + 0.2;
        assert_eq!(rank(&[Some(a), Some(0.3)]), vec![Some(1), Some(1)]);
    }
}
