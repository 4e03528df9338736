//! Ranks: per node and year, rank 1 is the best score (the highest, or the lowest in a
//! lower-is-better index); ties take the minimum rank (1, 2, 2, 4) unless the spec's
//! `[index] ties` says otherwise. With `average` ties a rank can be a half (1, 2.5, 2.5, 4),
//! so a rank is a `Rank`, kept in halves: exact, ordered and hashable as an integer is.

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

/// A rank: a whole number, or a half where tied scores share the average of the places they
/// span (two ties over places 2 and 3 take 2.5; any run of ties averages to a whole or a half).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Rank {
    halves: u32,
}

impl Rank {
    /// The whole rank `r`.
    pub const fn whole(r: u32) -> Rank {
        Rank { halves: 2 * r }
    }

    /// The rank of `halves` halves (5 is 2.5).
    pub const fn from_halves(halves: u32) -> Rank {
        Rank { halves }
    }

    /// Twice the rank: the exact integer form analyses count by.
    pub const fn halves(self) -> u32 {
        self.halves
    }

    pub fn value(self) -> f64 {
        f64::from(self.halves) / 2.0
    }

    pub const fn is_whole(self) -> bool {
        self.halves % 2 == 0
    }

    /// The rank as a whole number; `None` for a half.
    pub const fn as_whole(self) -> Option<u32> {
        if self.is_whole() {
            Some(self.halves / 2)
        } else {
            None
        }
    }

    /// The places moved from `before` to `after` (positive = up), a half where one of them
    /// is a shared average.
    pub fn moved(before: Rank, after: Rank) -> Move {
        Move {
            halves: i64::from(before.halves) - i64::from(after.halves),
        }
    }
}

/// Places moved between two ranks (positive = up, to a better rank), in halves as `Rank`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Move {
    halves: i64,
}

impl Move {
    /// A move of `places` whole places.
    pub const fn whole(places: i64) -> Move {
        Move { halves: 2 * places }
    }

    pub fn value(self) -> f64 {
        self.halves as f64 / 2.0
    }

    /// Twice the move, exactly.
    pub const fn halves(self) -> i64 {
        self.halves
    }

    /// How far, whichever way.
    pub const fn abs(self) -> Move {
        Move {
            halves: self.halves.abs(),
        }
    }

    pub const fn is_zero(self) -> bool {
        self.halves == 0
    }

    pub const fn is_up(self) -> bool {
        self.halves > 0
    }

    pub const fn is_down(self) -> bool {
        self.halves < 0
    }
}

/// "3", "-1" or "-1.5": as a whole number where it is one.
impl std::fmt::Display for Move {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sign = if self.halves < 0 {
            "-"
        } else if f.sign_plus() && self.halves > 0 {
            "+"
        } else {
            ""
        };
        let a = self.halves.unsigned_abs();
        if a % 2 == 0 {
            write!(f, "{sign}{}", a / 2)
        } else {
            write!(f, "{sign}{}.5", a / 2)
        }
    }
}

/// A whole move is a JSON integer, a half a number (-1.5).
impl serde::Serialize for Move {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.halves % 2 == 0 {
            s.serialize_i64(self.halves / 2)
        } else {
            s.serialize_f64(self.value())
        }
    }
}

/// "2" or "2.5": as a whole number where it is one, so ranks print as they always have.
impl std::fmt::Display for Rank {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.is_whole() {
            write!(f, "{}", self.halves / 2)
        } else {
            write!(f, "{}.5", self.halves / 2)
        }
    }
}

/// A whole rank is a JSON integer, a half a number (2.5).
impl serde::Serialize for Rank {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.is_whole() {
            s.serialize_u32(self.halves / 2)
        } else {
            s.serialize_f64(self.value())
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
pub fn rank(scores: &[Option<f64>]) -> Vec<Option<Rank>> {
    rank_by(scores, Ranking::default())
}

/// Ranks of `scores` as `ranking` says; a missing score has no rank.
pub fn rank_by(scores: &[Option<f64>], ranking: Ranking) -> Vec<Option<Rank>> {
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
        // Places start + 1 ..= end, in halves; their average is (start + 1 + end) / 2.
        let halves = match ranking.ties {
            Ties::Average => start + 1 + end,
            Ties::Min => 2 * (start + 1),
            Ties::Max => 2 * end,
            Ties::Dense => 2 * distinct,
        };
        let r = Rank::from_halves(halves as u32);
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

    /// Ranks as numbers, to compare with figures worked out by hand.
    fn values(ranks: Vec<Option<Rank>>) -> Vec<Option<f64>> {
        ranks.into_iter().map(|r| r.map(Rank::value)).collect()
    }

    #[test]
    fn ties_take_the_minimum_rank_and_gaps_have_none() {
        let scores = [Some(50.0), Some(70.0), None, Some(50.0), Some(10.0)];
        assert_eq!(
            values(rank(&scores)),
            vec![Some(2.0), Some(1.0), None, Some(2.0), Some(4.0)]
        );
    }

    /// Scores 50, 70, -, 50, 10. Higher is better: 70 first, the two 50s tie over places 2
    /// and 3, 10 fourth: min 2, max 3, dense 2 (10 is then 3), average (2 + 3)/2 = 2.5.
    /// Lower is better: 10 first, the 50s over places 2 and 3, 70 fourth.
    #[test]
    fn ties_and_direction() {
        let scores = [Some(50.0), Some(70.0), None, Some(50.0), Some(10.0)];
        let by = |direction, ties| values(rank_by(&scores, Ranking { direction, ties }));
        let h = Direction::Higher;
        assert_eq!(
            by(h, Ties::Max),
            vec![Some(3.0), Some(1.0), None, Some(3.0), Some(4.0)]
        );
        assert_eq!(
            by(h, Ties::Dense),
            vec![Some(2.0), Some(1.0), None, Some(2.0), Some(3.0)]
        );
        assert_eq!(
            by(h, Ties::Average),
            vec![Some(2.5), Some(1.0), None, Some(2.5), Some(4.0)]
        );
        let l = Direction::Lower;
        assert_eq!(
            by(l, Ties::Average),
            vec![Some(2.5), Some(4.0), None, Some(2.5), Some(1.0)]
        );
        assert_eq!(
            by(l, Ties::Min),
            vec![Some(2.0), Some(4.0), None, Some(2.0), Some(1.0)]
        );
        assert_eq!(
            by(l, Ties::Max),
            vec![Some(3.0), Some(4.0), None, Some(3.0), Some(1.0)]
        );
    }

    #[test]
    fn floating_point_noise_is_a_tie() {
        let a = 0.1 + 0.2;
        assert_eq!(
            values(rank(&[Some(a), Some(0.3)])),
            vec![Some(1.0), Some(1.0)]
        );
    }

    /// Three ties over places 1 to 3 average (1 + 2 + 3)/3 = 2, a whole number; two over
    /// places 4 and 5 take 4.5. Ranks print and serialise as whole numbers where they are.
    #[test]
    fn average_ties_are_whole_or_half() {
        let scores = [Some(9.0), Some(9.0), Some(9.0), Some(1.0), Some(1.0)];
        let avg = Ranking {
            direction: Direction::Higher,
            ties: Ties::Average,
        };
        let ranks = rank_by(&scores, avg);
        assert_eq!(
            values(ranks.clone()),
            vec![Some(2.0), Some(2.0), Some(2.0), Some(4.5), Some(4.5)]
        );
        let shown: Vec<String> = ranks.iter().map(|r| r.unwrap().to_string()).collect();
        assert_eq!(shown, ["2", "2", "2", "4.5", "4.5"]);
        assert_eq!(serde_json::to_string(&ranks).unwrap(), "[2,2,2,4.5,4.5]");
        let up = Rank::moved(Rank::whole(5), Rank::from_halves(5));
        assert_eq!(
            (up.value(), up.to_string(), format!("{up:+}")),
            (2.5, "2.5".into(), "+2.5".into())
        );
        let down = Rank::moved(Rank::whole(1), Rank::whole(4));
        assert_eq!(
            (down.to_string(), format!("{down:+}"), down.abs()),
            ("-3".into(), "-3".into(), Move::whole(3))
        );
        assert_eq!(serde_json::to_string(&[up, down]).unwrap(), "[2.5,-3]");
    }
}
