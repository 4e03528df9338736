//! Ranks: per node and year, rank 1 is the best score; ties take the minimum rank (1, 2, 2, 4).

/// Scores closer than this (relative to their size, at least 1) are ties: two regions with the
/// same data must not be ranked apart by floating-point noise.
const TIE: f64 = 1e-9;

fn tied(a: f64, b: f64) -> bool {
    (a - b).abs() <= TIE * a.abs().max(b.abs()).max(1.0)
}

/// Ranks of `scores` (higher is better); a missing score has no rank.
pub fn rank(scores: &[Option<f64>]) -> Vec<Option<u32>> {
    // Best first in `total_cmp`'s order (scores are finite); equal scores keep their order by
    // position, so equal inputs give equal output. The keys are integers: the complement of
    // the score's order key, then the position.
    let mut order: Vec<(u64, usize)> = scores
        .iter()
        .enumerate()
        .filter_map(|(k, s)| s.map(|s| (!crate::stats::order_key(s), k)))
        .collect();
    order.sort_unstable();
    let mut ranks = vec![None; scores.len()];
    let mut previous: Option<(f64, u32)> = None;
    for (position, &(key, k)) in order.iter().enumerate() {
        let s = crate::stats::from_order_key(!key);
        let r = match previous {
            Some((p, r)) if tied(p, s) => r,
            _ => position as u32 + 1,
        };
        ranks[k] = Some(r);
        previous = Some((s, r));
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

    #[test]
    fn floating_point_noise_is_a_tie() {
        let a = 0.1 + 0.2;
        assert_eq!(rank(&[Some(a), Some(0.3)]), vec![Some(1), Some(1)]);
    }
}
