use super::*;
use crate::spec::Direction;

const NONE: Context = Context {
    pool: &[],
    base: None,
};

fn with(n: Normalisation, d: Direction, b: Bounds, x: f64, c: &Context) -> f64 {
    score(&paired(&n, b), d == Direction::Lower, x, c)
        .unwrap()
        .unwrap()
}

/// A method with the bounds a test gives it (as `fit` would pair them from a pool).
fn paired(method: &Normalisation, b: Bounds) -> Scale<'_> {
    match (method, b) {
        (Normalisation::MinMax { range }, Bounds::MinMax { min, max }) => Scale::MinMax {
            range: *range,
            min,
            max,
        },
        (Normalisation::Best { range }, Bounds::MinMax { min, max }) => Scale::Best {
            range: *range,
            min,
            max,
        },
        (Normalisation::FractionMax { range }, Bounds::MinMax { min, max }) => Scale::FractionMax {
            range: *range,
            min,
            max,
        },
        (Normalisation::ZScore { mean: to, sd: by }, Bounds::ZScore { mean, sd, mean_lo }) => {
            Scale::ZScore {
                to: *to,
                by: *by,
                mean,
                sd,
                mean_lo,
            }
        }
        (Normalisation::Rank { ties }, Bounds::Pool { n }) => Scale::Rank { ties: *ties, n },
        (Normalisation::PercentileRank { range, ties }, Bounds::Pool { n }) => {
            Scale::PercentileRank {
                range: *range,
                ties: *ties,
                n,
            }
        }
        (Normalisation::Borda, Bounds::Pool { n }) => Scale::Borda { n },
        (Normalisation::Reference { .. }, Bounds::Reference { region }) => {
            Scale::Reference { region }
        }
        (m, Bounds::Fixed { .. } | Bounds::Goalposts { .. }) => fit(m, &[]).unwrap(),
        (m, b) => panic!("the test pairs {m:?} with {b:?}"),
    }
}

/// Pool 10, 20, 20, 40 (sorted). For 20: 1 value below, 2 equal (itself and the other 20).
/// Rank (higher better) = 1 + (2 + 1)/2 = 2.5; percentile = (2.5 - 1)/3 = 0.5 -> 50;
/// Borda = 1 (one worse). Lower is better: 1 above (40), so rank 2.5, Borda 1.
/// For 40 (higher): rank 4, percentile 100, Borda 3; lower: rank 1, Borda 0.
#[test]
fn ranks_percentiles_and_borda_points() {
    let pool = [10.0, 20.0, 20.0, 40.0];
    let c = Context {
        pool: &pool,
        base: None,
    };
    let b = Bounds::Pool { n: 4 };
    let (h, l) = (Direction::Higher, Direction::Lower);
    let pr = Normalisation::PercentileRank {
        range: (0.0, 100.0),
        ties: Ties::Average,
    };
    let rank = Normalisation::Rank {
        ties: Ties::Average,
    };
    assert_eq!(with(rank.clone(), h, b, 20.0, &c), 2.5);
    assert_eq!(with(pr.clone(), h, b, 20.0, &c), 50.0);
    assert_eq!(with(Normalisation::Borda, h, b, 20.0, &c), 1.0);
    assert_eq!(with(rank.clone(), h, b, 40.0, &c), 4.0);
    assert_eq!(with(pr, h, b, 40.0, &c), 100.0);
    assert_eq!(with(Normalisation::Borda, h, b, 40.0, &c), 3.0);
    assert_eq!(with(rank.clone(), l, b, 40.0, &c), 1.0);
    assert_eq!(with(Normalisation::Borda, l, b, 40.0, &c), 0.0);
    assert_eq!(with(Normalisation::Borda, l, b, 10.0, &c), 3.0);
    // Fewer than two values cannot be ranked.
    assert_eq!(fit(&rank, &[5.0]), None);
}

/// Pool 10, 20, 20, 40; for 20 (1 worse, 2 equal): average 1 + 3/2 = 2.5, min 2, max 3.
/// Percentile (n - 1 = 3): average 0.5, min 1/3, max 2/3. Dense: the pool of distinct
/// values 10, 20, 40 (n = 3): 20 has 1 worse, rank 2, percentile (2 - 1)/2 = 0.5; 40 is rank
/// 3, percentile 1. Lower is better, min: 20 has 1 worse (40), rank 2.
#[test]
fn ties_under_each_rule() {
    let pool = [10.0, 20.0, 20.0, 40.0];
    let c = Context {
        pool: &pool,
        base: None,
    };
    let b = Bounds::Pool { n: 4 };
    let h = Direction::Higher;
    let rank = |ties| Normalisation::Rank { ties };
    let pr = |ties| Normalisation::PercentileRank {
        range: (0.0, 1.0),
        ties,
    };
    assert_eq!(with(rank(Ties::Average), h, b, 20.0, &c), 2.5);
    assert_eq!(with(rank(Ties::Min), h, b, 20.0, &c), 2.0);
    assert_eq!(with(rank(Ties::Max), h, b, 20.0, &c), 3.0);
    assert!((with(pr(Ties::Min), h, b, 20.0, &c) - 1.0 / 3.0).abs() < 1e-15);
    assert!((with(pr(Ties::Max), h, b, 20.0, &c) - 2.0 / 3.0).abs() < 1e-15);
    assert_eq!(with(rank(Ties::Min), Direction::Lower, b, 20.0, &c), 2.0);
    let distinct = [10.0, 20.0, 40.0];
    let d = Context {
        pool: &distinct,
        base: None,
    };
    let b3 = Bounds::Pool { n: 3 };
    assert_eq!(with(rank(Ties::Dense), h, b3, 20.0, &d), 2.0);
    assert_eq!(with(pr(Ties::Dense), h, b3, 20.0, &d), 0.5);
    assert_eq!(with(pr(Ties::Dense), h, b3, 40.0, &d), 1.0);
}

/// Target 80 without lo: 60 -> 0.75 -> 75; 90 -> capped at 100. Lower is better, target 5:
/// 10 -> 5/10 = 50. With lo = 40 (worst) and target 80: 60 -> (60-40)/(80-40) = 50.
#[test]
fn distance_to_a_target() {
    let t = |lo| Normalisation::Target {
        target: 80.0,
        lo,
        range: (0.0, 100.0),
    };
    let f = Bounds::Fixed { fixed: true };
    assert_eq!(with(t(None), Direction::Higher, f, 60.0, &NONE), 75.0);
    assert_eq!(with(t(None), Direction::Higher, f, 90.0, &NONE), 100.0);
    assert_eq!(with(t(Some(40.0)), Direction::Higher, f, 60.0, &NONE), 50.0);
    let low = Normalisation::Target {
        target: 5.0,
        lo: None,
        range: (0.0, 100.0),
    };
    assert_eq!(with(low, Direction::Lower, f, 10.0, &NONE), 50.0);
}

/// Pool min 4, max 16. Best: higher 8/16 = 50; lower 4/8 = 50. Fraction of the maximum:
/// higher 8/16 = 50; lower 1 - 8/16 = 50; for 12 lower: 1 - 12/16 = 25.
/// Reference value 20: higher 100 * 30/20 = 150; lower 100 * 20/30 = 66.67.
/// Base year value 50: higher 100 * 60/50 = 120; lower 100 * 50/60 = 83.33.
#[test]
fn ratios_to_the_best_the_maximum_a_reference_and_a_base_year() {
    let mm = Bounds::MinMax {
        min: 4.0,
        max: 16.0,
    };
    let r = (0.0, 100.0);
    assert_eq!(
        with(
            Normalisation::Best { range: r },
            Direction::Higher,
            mm,
            8.0,
            &NONE
        ),
        50.0
    );
    assert_eq!(
        with(
            Normalisation::Best { range: r },
            Direction::Lower,
            mm,
            8.0,
            &NONE
        ),
        50.0
    );
    assert_eq!(
        with(
            Normalisation::FractionMax { range: r },
            Direction::Lower,
            mm,
            12.0,
            &NONE
        ),
        25.0
    );
    let re = Normalisation::Reference {
        region: "R1".into(),
    };
    let rb = Bounds::Reference { region: 20.0 };
    assert_eq!(with(re.clone(), Direction::Higher, rb, 30.0, &NONE), 150.0);
    assert!((with(re, Direction::Lower, rb, 30.0, &NONE) - 200.0 / 3.0).abs() < 1e-12);
    let by = Normalisation::BaseYear { year: 2022 };
    let base = Context {
        pool: &[],
        base: Some(50.0),
    };
    let f = Bounds::Fixed { fixed: true };
    assert!((with(by.clone(), Direction::Higher, f, 60.0, &base) - 120.0).abs() < 1e-12);
    assert!((with(by.clone(), Direction::Lower, f, 60.0, &base) - 250.0 / 3.0).abs() < 1e-12);
    // No base-year value: no score, not a guess.
    assert_eq!(score(&paired(&by, f), false, 60.0, &NONE), Ok(None));
}

/// Breakpoints (5, 100), (15, 50), (35, 0), as for PM2.5 against WHO limits: 10 -> 75,
/// 25 -> 25, 2 -> 100, 50 -> 0. AMPI around 60 with delta 20 (goalposts 40 and 80):
/// 60 -> 100, 80 -> 130, 50 -> 85; lower is better: 50 -> 115.
#[test]
fn piecewise_scoring_and_the_ampi_rescaling() {
    let pw = Normalisation::Piecewise {
        breakpoints: vec![(5.0, 100.0), (15.0, 50.0), (35.0, 0.0)],
    };
    let f = Bounds::Fixed { fixed: true };
    for (x, s) in [(10.0, 75.0), (25.0, 25.0), (2.0, 100.0), (50.0, 0.0)] {
        assert_eq!(with(pw.clone(), Direction::Lower, f, x, &NONE), s, "{x}");
    }
    let ampi = Normalisation::Ampi {
        reference: 60.0,
        delta: 20.0,
    };
    assert_eq!(with(ampi.clone(), Direction::Higher, f, 60.0, &NONE), 100.0);
    assert_eq!(with(ampi.clone(), Direction::Higher, f, 80.0, &NONE), 130.0);
    assert_eq!(with(ampi.clone(), Direction::Higher, f, 50.0, &NONE), 85.0);
    assert_eq!(with(ampi, Direction::Lower, f, 50.0, &NONE), 115.0);
}

#[test]
fn min_max_flips_for_lower_is_better() {
    let mm = Normalisation::MinMax {
        range: (0.0, 100.0),
    };
    let b = Bounds::MinMax {
        min: 2.0,
        max: 12.0,
    };
    // (4.5 - 2) / 10 = 0.25
    assert_eq!(score(&paired(&mm, b), false, 4.5, &NONE), Ok(Some(25.0)));
    assert_eq!(score(&paired(&mm, b), true, 4.5, &NONE), Ok(Some(75.0)));
}

#[test]
fn goalposts_cap_and_log_as_the_hdi() {
    let gni = Normalisation::Goalposts {
        lo: 100.0,
        hi: 75_000.0,
        log: true,
        cap: true,
        range: (0.0, 1.0),
    };
    let b = Bounds::Goalposts {
        lo: 100.0,
        hi: 75_000.0,
    };
    let gi = paired(&gni, b);
    // ln(1000/100) / ln(75000/100) = 2.302585 / 6.620073 = 0.347819
    let s = score(&gi, false, 1000.0, &NONE).unwrap().unwrap();
    assert!((s - 0.347_819).abs() < 1e-6, "{s}");
    assert_eq!(score(&gi, false, 90_000.0, &NONE), Ok(Some(1.0)));
    assert!(score(&gi, false, 0.0, &NONE).is_err());
}

#[test]
fn z_score_rescales_and_flips() {
    let z = Normalisation::ZScore {
        mean: 100.0,
        sd: 10.0,
    };
    let b = Bounds::ZScore {
        mean: 5.0,
        sd: 2.0,
        mean_lo: 0.0,
    };
    assert_eq!(score(&paired(&z, b), false, 8.0, &NONE), Ok(Some(115.0)));
    assert_eq!(score(&paired(&z, b), true, 8.0, &NONE), Ok(Some(85.0)));
}
