//! The statistics the stages and the analyses share: moments in the forms the JRC rule and
//! COINr use, correlations, ranks with ties, percentiles, the symmetric eigen solver and the
//! first principal component. A leaf: it imports nothing of cwi.

use statrs::distribution::{ContinuousCDF, StudentsT};

/// A sum with Neumaier's compensation: the rounding error of every addition is carried and
/// added back, so the result is as if summed in about twice the precision, whatever the order
/// and the size of the terms.
pub fn sum(x: impl IntoIterator<Item = f64>) -> f64 {
    let (mut s, mut c) = (0.0f64, 0.0f64);
    for v in x {
        let t = s + v;
        c += if s.abs() >= v.abs() {
            (s - t) + v
        } else {
            (v - t) + s
        };
        s = t;
    }
    s + c
}

/// The mean as an unevaluated sum `hi + lo` (`lo` below the last bit of `hi`): a compensated
/// sum, refined by the mean of the residuals. Deviations taken as `(x - hi) - lo` are then
/// exact to the last bit even for 1e9 + small spreads, where the mean itself, rounded to one
/// double, is off by a quarter of the spread's last digits.
pub fn mean_parts(x: &[f64]) -> (f64, f64) {
    let n = x.len() as f64;
    let m = sum(x.iter().copied()) / n;
    let correction = sum(x.iter().map(|v| v - m)) / n;
    let hi = m + correction;
    (hi, (m - hi) + correction)
}

/// Arithmetic mean (see `mean_parts`); NaN for no values.
pub fn mean(x: &[f64]) -> f64 {
    let (hi, lo) = mean_parts(x);
    hi + lo
}

/// The deviations from the mean, `(x - hi) - lo`.
fn deviations(x: &[f64]) -> impl Iterator<Item = f64> + Clone + '_ {
    let (hi, lo) = mean_parts(x);
    x.iter().map(move |v| (v - hi) - lo)
}

/// Sample mean and standard deviation (n - 1), by the corrected two-pass algorithm (Chan,
/// Golub and LeVeque 1983) on the deviations from the two-part mean, with compensated sums:
/// accurate to the last digits the data's binary representation allows (tested against the
/// NIST StRD univariate sets).
pub fn mean_sd(x: &[f64]) -> (f64, f64) {
    let n = x.len() as f64;
    let d = deviations(x);
    let residual = sum(d.clone());
    let squares = sum(d.map(|v| v * v));
    let var = (squares - residual * residual / n) / (n - 1.0);
    (mean(x), var.max(0.0).sqrt())
}

/// Adjusted Fisher-Pearson skewness (Excel's SKEW): n/((n-1)(n-2)) * sum(z^3), z with the
/// sample sd. Needs n >= 3 and some spread.
pub fn skewness(x: &[f64]) -> Option<f64> {
    let n = x.len() as f64;
    let (_, sd) = mean_sd(x);
    (x.len() >= 3 && sd > 0.0)
        .then(|| n / ((n - 1.0) * (n - 2.0)) * sum(deviations(x).map(|d| (d / sd).powi(3))))
}

/// Bias-corrected excess kurtosis (Excel's KURT). Needs n >= 4 and some spread.
pub fn kurtosis(x: &[f64]) -> Option<f64> {
    let n = x.len() as f64;
    let (_, sd) = mean_sd(x);
    (x.len() >= 4 && sd > 0.0).then(|| {
        let s4 = sum(deviations(x).map(|d| (d / sd).powi(4)));
        n * (n + 1.0) / ((n - 1.0) * (n - 2.0) * (n - 3.0)) * s4
            - 3.0 * (n - 1.0).powi(2) / ((n - 2.0) * (n - 3.0))
    })
}

/// Pearson's correlation of paired values; `None` without spread. Deviations from accurate
/// means, compensated sums.
pub fn pearson(a: &[f64], b: &[f64]) -> Option<f64> {
    if a.len() < 2 {
        return None;
    }
    let pairs = || deviations(a).zip(deviations(b));
    let sab = sum(pairs().map(|(x, y)| x * y));
    let saa = sum(pairs().map(|(x, _)| x * x));
    let sbb = sum(pairs().map(|(_, y)| y * y));
    (saa > 0.0 && sbb > 0.0).then(|| (sab / (saa * sbb).sqrt()).clamp(-1.0, 1.0))
}

/// Ranks with ties sharing their average rank (for Spearman's correlation).
pub fn average_ranks(x: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..x.len()).collect();
    order.sort_by(|&i, &j| x[i].total_cmp(&x[j]));
    let mut ranks = vec![0.0; x.len()];
    let mut k = 0;
    while k < order.len() {
        let mut end = k;
        while end + 1 < order.len() && x[order[end + 1]] == x[order[k]] {
            end += 1;
        }
        let rank = (k + end) as f64 / 2.0 + 1.0;
        for &i in &order[k..=end] {
            ranks[i] = rank;
        }
        k = end + 1;
    }
    ranks
}

/// Spearman's rank correlation: Pearson's correlation of the average ranks.
pub fn spearman(a: &[f64], b: &[f64]) -> Option<f64> {
    pearson(&average_ranks(a), &average_ranks(b))
}

/// Two-sided p-value of a Pearson correlation r over n pairs.
pub fn p_value(r: f64, n: usize) -> Option<f64> {
    if n < 3 {
        return None;
    }
    if r.abs() >= 1.0 {
        return Some(0.0);
    }
    let df = (n - 2) as f64;
    let t = r * (df / (1.0 - r * r)).sqrt();
    let dist = StudentsT::new(0.0, 1.0, df).ok()?;
    Some(2.0 * (1.0 - dist.cdf(t.abs())))
}

/// Cronbach's alpha of k items over the same cases: k/(k-1) * (1 - sum(var_i)/var(total)).
pub fn cronbach_alpha(items: &[Vec<f64>]) -> Option<f64> {
    let k = items.len();
    if k < 2 || items[0].len() < 2 {
        return None;
    }
    let var = |x: &[f64]| mean_sd(x).1.powi(2);
    let total: Vec<f64> = (0..items[0].len())
        .map(|i| items.iter().map(|it| it[i]).sum())
        .collect();
    let vt = var(&total);
    (vt > 0.0).then(|| {
        k as f64 / (k as f64 - 1.0) * (1.0 - items.iter().map(|it| var(it)).sum::<f64>() / vt)
    })
}

/// Eigenvalues (descending) and eigenvectors (columns) of a symmetric matrix, by Jacobi
/// rotations (Golub & Van Loan, Matrix Computations, 8.5).
pub fn symmetric_eigen(m: &[Vec<f64>]) -> (Vec<f64>, Vec<Vec<f64>>) {
    let n = m.len();
    let mut a = m.to_vec();
    let mut v: Vec<Vec<f64>> = (0..n)
        .map(|i| (0..n).map(|j| f64::from(u8::from(i == j))).collect())
        .collect();
    for _sweep in 0..100 {
        let off: f64 = (0..n)
            .flat_map(|i| (0..n).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| a[i][j].powi(2))
            .sum();
        if off < 1e-22 {
            break;
        }
        for p in 0..n {
            for q in p + 1..n {
                if a[p][q].abs() < 1e-300 {
                    continue;
                }
                let theta = (a[q][q] - a[p][p]) / (2.0 * a[p][q]);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for k in 0..n {
                    let (akp, akq) = (a[k][p], a[k][q]);
                    a[k][p] = c * akp - s * akq;
                    a[k][q] = s * akp + c * akq;
                }
                for k in 0..n {
                    let (apk, aqk) = (a[p][k], a[q][k]);
                    a[p][k] = c * apk - s * aqk;
                    a[q][k] = s * apk + c * aqk;
                }
                for row in v.iter_mut() {
                    let (vkp, vkq) = (row[p], row[q]);
                    row[p] = c * vkp - s * vkq;
                    row[q] = s * vkp + c * vkq;
                }
            }
        }
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&i, &j| a[j][j].total_cmp(&a[i][i]));
    let values = order.iter().map(|&i| a[i][i]).collect();
    let vectors = order
        .iter()
        .map(|&i| (0..n).map(|k| v[k][i]).collect())
        .collect();
    (values, vectors)
}

/// A float's place in `f64::total_cmp`'s order, as an unsigned integer: `a.total_cmp(&b)` is
/// `order_key(a).cmp(&order_key(b))`, and the key maps back to the same bits.
pub fn order_key(x: f64) -> u64 {
    let bits = x.to_bits();
    // Negative floats count down as their bits count up: flip all of them; positive ones only
    // need the sign bit set to sort above the negatives.
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | 1 << 63
    }
}

/// The float whose `order_key` is `key`.
pub fn from_order_key(key: u64) -> f64 {
    f64::from_bits(if key >> 63 == 1 {
        key & !(1 << 63)
    } else {
        !key
    })
}

/// Sorts as `sort_by(f64::total_cmp)` does, with the same result bit for bit (floats equal
/// under `total_cmp` have the same bits), comparing integers.
pub fn sort_total(values: &mut [f64]) {
    let mut keys: Vec<u64> = values.iter().map(|&x| order_key(x)).collect();
    keys.sort_unstable();
    for (v, k) in values.iter_mut().zip(keys) {
        *v = from_order_key(k);
    }
}

/// Percentile of sorted values with linear interpolation (R's type 7).
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * p;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// Median of sorted values (the 50th percentile of R's type 7: the middle value, or the mean
/// of the two middle values).
pub fn median(sorted: &[f64]) -> f64 {
    percentile(sorted, 0.5)
}

/// Eigenvalues of a correlation matrix (descending) and the loadings of its variables on the
/// first principal component (eigenvector times the square root of its eigenvalue). The sign
/// of an eigenvector is arbitrary: it is chosen so that the loadings sum to a positive value.
pub fn first_component(corr: &[Vec<f64>]) -> (Vec<f64>, Vec<f64>) {
    let (values, vectors) = symmetric_eigen(corr);
    let first = &vectors[0];
    let sign = if first.iter().sum::<f64>() < 0.0 {
        -1.0
    } else {
        1.0
    };
    let loadings = first
        .iter()
        .map(|v| sign * v * values[0].max(0.0).sqrt())
        .collect();
    (values, loadings)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: Option<f64>, b: f64, tol: f64) {
        let a = a.expect("a value");
        assert!((a - b).abs() < tol, "{a} against {b}");
    }

    #[test]
    fn integer_keys_order_floats_as_total_cmp_and_sort_to_the_same_bits() {
        let specials = [
            0.0,
            -0.0,
            1.0,
            -1.0,
            f64::MIN_POSITIVE,
            -f64::MIN_POSITIVE,
            5e-324,
            -5e-324,
            f64::MAX,
            f64::MIN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            -f64::NAN,
            0.1 + 0.2,
            0.3,
        ];
        for a in specials {
            for b in specials {
                assert_eq!(order_key(a).cmp(&order_key(b)), a.total_cmp(&b), "{a} {b}");
            }
        }
        // Seeded values with repeats, both zeros and every sign, against the standard sort.
        let mut state = 7u64;
        let mut values: Vec<f64> = (0..2000)
            .map(|k| {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                match k % 5 {
                    0 => specials[(state >> 60) as usize],
                    1 => ((state >> 40) % 7) as f64 - 3.0,
                    _ => f64::from_bits(state),
                }
            })
            .collect();
        let mut expected = values.clone();
        expected.sort_by(f64::total_cmp);
        sort_total(&mut values);
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&values), bits(&expected));
    }

    /// x = 1, 2, 3, 4, 10: mean 4, deviations -3 -2 -1 0 6, sum of squares 50, sd sqrt(12.5).
    /// sum z^3 = (-27 - 8 - 1 + 0 + 216) / 12.5^1.5 = 180 / 44.19417 = 4.07294;
    /// SKEW = 5/(4*3) * 4.07294 = 1.69706.
    /// sum z^4 = (81 + 16 + 1 + 0 + 1296) / 156.25 = 8.9216;
    /// KURT = 5*6/(4*3*2) * 8.9216 - 3*16/(3*2) = 11.152 - 8 = 3.152.
    #[test]
    fn skewness_and_kurtosis_by_hand() {
        let x = [1.0, 2.0, 3.0, 4.0, 10.0];
        close(skewness(&x), 1.697056, 1e-6);
        close(kurtosis(&x), 3.152, 1e-9);
    }

    /// a = 1, 2, 3, 4; b = 2, 4, 5, 9: deviations a -1.5 -0.5 0.5 1.5, b -3 -1 0 4;
    /// sab = 4.5 + 0.5 + 0 + 6 = 11, saa = 5, sbb = 26; r = 11 / sqrt(130) = 0.964764.
    /// The ranks of b are those of a, so Spearman's rho is 1.
    #[test]
    fn correlations_by_hand() {
        let (a, b) = ([1.0, 2.0, 3.0, 4.0], [2.0, 4.0, 5.0, 9.0]);
        close(pearson(&a, &b), 11.0 / 130f64.sqrt(), 1e-12);
        close(spearman(&a, &b), 1.0, 1e-12);
        assert_eq!(
            average_ranks(&[10.0, 20.0, 20.0, 5.0]),
            vec![2.0, 3.5, 3.5, 1.0]
        );
        // r = 0.5 over 10 pairs: t = 0.5 * sqrt(8 / 0.75) = 1.63299, two-sided p = 0.14121
        // (t table, 8 degrees of freedom).
        close(p_value(0.5, 10), 0.14121, 1e-4);
    }

    /// Items (1,2,3) and (2,4,6): variances 1 and 4, totals (3,6,9) variance 9;
    /// alpha = 2 * (1 - 5/9) = 0.8889.
    #[test]
    fn cronbach_alpha_by_hand() {
        close(
            cronbach_alpha(&[vec![1.0, 2.0, 3.0], vec![2.0, 4.0, 6.0]]),
            8.0 / 9.0,
            1e-12,
        );
    }

    /// The correlation matrix [[1, r], [r, 1]] has eigenvalues 1 + r and 1 - r, with the first
    /// eigenvector (1, 1)/sqrt(2).
    /// Type 7 percentiles of 1, 2, 3, 4: h = 3p; p = 0.5 gives 2.5, p = 0.1 gives
    /// 1 + 0.3 * 1 = 1.3.
    #[test]
    fn percentiles_and_median_by_hand() {
        let v = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(percentile(&v, 0.5), 3.0);
        assert_eq!(percentile(&v, 0.05), 1.2);
        assert_eq!(percentile(&v, 0.95), 4.8);
        close(Some(percentile(&[1.0, 2.0, 3.0, 4.0], 0.1)), 1.3, 1e-12);
        close(Some(median(&[1.0, 2.0, 3.0, 4.0])), 2.5, 1e-12);
        close(Some(median(&[1.0, 2.0, 7.0])), 2.0, 1e-12);
    }

    /// [[1, 0.6], [0.6, 1]]: first eigenvalue 1.6, loadings sqrt(1.6) / sqrt(2) = sqrt(0.8),
    /// both positive whatever sign the solver gives the eigenvector.
    #[test]
    fn first_component_loadings_by_hand() {
        let (values, loadings) = first_component(&[vec![1.0, 0.6], vec![0.6, 1.0]]);
        close(Some(values[0]), 1.6, 1e-12);
        close(Some(loadings[0]), 0.8f64.sqrt(), 1e-12);
        close(Some(loadings[1]), 0.8f64.sqrt(), 1e-12);
    }

    #[test]
    fn eigenvalues_of_a_two_by_two_correlation_matrix() {
        let (values, vectors) = symmetric_eigen(&[vec![1.0, 0.6], vec![0.6, 1.0]]);
        close(Some(values[0]), 1.6, 1e-12);
        close(Some(values[1]), 0.4, 1e-12);
        close(Some(vectors[0][0].abs()), 0.5f64.sqrt(), 1e-12);
        close(Some(vectors[0][1].abs()), 0.5f64.sqrt(), 1e-12);
        // A 3x3 case: trace and determinant are kept.
        let m = vec![
            vec![4.0, 1.0, 2.0],
            vec![1.0, 3.0, 0.5],
            vec![2.0, 0.5, 5.0],
        ];
        let (values, _) = symmetric_eigen(&m);
        close(Some(values.iter().sum()), 12.0, 1e-9);
        // det = 4(15 - 0.25) - 1(5 - 1) + 2(0.5 - 6) = 59 - 4 - 11 = 44
        close(Some(values.iter().product()), 44.0, 1e-9);
    }
}
