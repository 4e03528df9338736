//! Numeric accuracy: the statistics against the NIST StRD univariate sets and exact
//! references (tests/fixtures/accuracy/reference.py computes them with Python fractions; its
//! output is expected.txt), normalisation of 1e9 + small spreads, and scores that do not
//! depend on the order of the rows.

use std::collections::HashMap;
use std::fs;

use cwi::stats::{kurtosis, mean_sd, pearson, skewness};

use crate::common::{cwi, scratch};

/// Log relative error: the number of correct significant digits (17 when exact).
fn lre(got: f64, want: f64) -> f64 {
    if got == want {
        return 17.0;
    }
    let err = if want == 0.0 {
        (got - want).abs()
    } else {
        ((got - want) / want).abs()
    };
    -err.log10()
}

/// expected.txt: per set and view ("decimal" or "binary"), the named statistics.
fn expected() -> HashMap<(String, String), HashMap<String, Option<f64>>> {
    let text = fs::read_to_string("tests/fixtures/accuracy/expected.txt").unwrap();
    let mut out = HashMap::new();
    for line in text.lines() {
        let Some((head, rest)) = line.split_once(": ") else {
            continue;
        };
        let Some((set, view)) = head.split_once(' ') else {
            continue;
        };
        let words: Vec<&str> = rest.split(' ').collect();
        let stats = words
            .chunks(2)
            .filter(|c| c.len() == 2)
            .map(|c| (c[0].to_string(), c[1].parse::<f64>().ok()))
            .collect();
        out.insert((set.to_string(), view.to_string()), stats);
    }
    out
}

fn numacc(c: f64, centre: &str) -> Vec<f64> {
    let (below, above) = match centre {
        "1.2" => ("1.1", "1.3"),
        "1000000.2" => ("1000000.1", "1000000.3"),
        _ => ("10000000.1", "10000000.3"),
    };
    let mut x = vec![c];
    for _ in 0..500 {
        x.push(below.parse().unwrap());
        x.push(above.parse().unwrap());
    }
    x
}

fn pi_digits(n: usize) -> Vec<f64> {
    // Rabinowitz-Wagon spigot (independent of the Python script's Gibbons spigot).
    let len = n * 10 / 3 + 1;
    let mut a = vec![2u64; len];
    let mut digits = Vec::with_capacity(n + 1);
    let (mut nines, mut predigit) = (0, 0u64);
    for _ in 0..=n {
        let mut q = 0u64;
        for i in (0..len).rev() {
            let x = 10 * a[i] + q * (i as u64 + 1);
            a[i] = x % (2 * i as u64 + 1);
            q = x / (2 * i as u64 + 1);
        }
        a[0] = q % 10;
        q /= 10;
        if q == 9 {
            nines += 1;
        } else if q == 10 {
            digits.push(predigit + 1);
            digits.extend(std::iter::repeat_n(0, nines));
            predigit = 0;
            nines = 0;
        } else {
            digits.push(predigit);
            predigit = q;
            digits.extend(std::iter::repeat_n(9, nines));
            nines = 0;
        }
    }
    digits.push(predigit);
    // The first pushed digit is a placeholder 0.
    digits[1..=n].iter().map(|&d| d as f64).collect()
}

/// Mean and sd of the NIST StRD NumAcc sets to the digits the data's binary form allows:
/// every figure matches the exact statistics of the values as doubles to 14 digits or more,
/// and the certified (decimal) values to the digits left after reading the decimals
/// (NumAcc1 and the means exactly; the sd of NumAcc3 to 9 digits and of NumAcc4 to 8, the
/// most any double-precision program can give: 10000000.1 is not a double).
#[test]
fn nist_numacc_sets_to_their_attainable_digits() {
    let want = expected();
    let sets: Vec<(&str, Vec<f64>, f64, f64)> = vec![
        (
            "NumAcc1",
            vec![10000001.0, 10000003.0, 10000002.0],
            15.0,
            15.0,
        ),
        ("NumAcc2", numacc(1.2, "1.2"), 15.0, 14.0),
        ("NumAcc3", numacc(1000000.2, "1000000.2"), 15.0, 9.0),
        ("NumAcc4", numacc(10000000.2, "10000000.2"), 15.0, 8.0),
    ];
    for (name, x, mean_digits, sd_digits) in sets {
        let (m, s) = mean_sd(&x);
        let binary = &want[&(name.to_string(), "binary".to_string())];
        let certified = &want[&(name.to_string(), "decimal".to_string())];
        for (what, got, reference, digits) in [
            ("mean", m, binary["mean"].unwrap(), 14.0),
            ("sd", s, binary["sd"].unwrap(), 14.0),
            ("certified mean", m, certified["mean"].unwrap(), mean_digits),
            ("certified sd", s, certified["sd"].unwrap(), sd_digits),
        ] {
            eprintln!("accuracy: {name} {what}: {:.1} digits", lre(got, reference));
            assert!(
                lre(got, reference) >= digits,
                "{name} {what}: {got} against {reference}: {:.1} digits",
                lre(got, reference)
            );
        }
    }
}

/// Skewness and kurtosis (the JRC outlier rule's) and Pearson's correlation against exact
/// references: the first 5000 digits of pi (NIST's PiDigits construction) and a skewed set
/// offset by 1e9.
#[test]
fn higher_moments_and_correlation_without_cancellation() {
    let want = expected();
    let pi = pi_digits(5000);
    assert_eq!(&pi[..8], &[3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0]);
    let skewed: Vec<f64> = (1..=40).map(|k| 1e9 + f64::from(k * k) / 8.0).collect();
    for (name, x) in [("PiDigits", &pi), ("Skewed+1e9", &skewed)] {
        let r = &want[&(name.to_string(), "binary".to_string())];
        let (m, s) = mean_sd(x);
        for (what, got, reference, digits) in [
            ("mean", m, r["mean"].unwrap(), 15.0),
            ("sd", s, r["sd"].unwrap(), 14.0),
            (
                "skewness",
                skewness(x).unwrap(),
                r["skewness"].unwrap(),
                12.0,
            ),
            (
                "kurtosis",
                kurtosis(x).unwrap(),
                r["kurtosis"].unwrap(),
                12.0,
            ),
        ] {
            eprintln!("accuracy: {name} {what}: {:.1} digits", lre(got, reference));
            assert!(
                lre(got, reference) >= digits,
                "{name} {what}: {got} against {reference}: {:.1} digits",
                lre(got, reference)
            );
        }
    }
    // Eighths and sixteenths above 1e9: exact in binary, the same values as the script's.
    let noisy: Vec<f64> = (1..=40u64)
        .map(|k| 1e9 + k as f64 / 4.0 + ((k * 7919) % 13) as f64 / 16.0)
        .collect();
    let text = fs::read_to_string("tests/fixtures/accuracy/expected.txt").unwrap();
    let reference: f64 = text
        .lines()
        .find_map(|l| l.strip_prefix("Pearson(Skewed+1e9, Noisy+1e9) binary: "))
        .unwrap()
        .parse()
        .unwrap();
    let r = pearson(&skewed, &noisy).unwrap();
    eprintln!("accuracy: Pearson: {:.1} digits", lre(r, reference));
    assert!(lre(r, reference) >= 13.0, "{r} against {reference}");
}

fn scores_of(spec: &str, data: &str, name: &str) -> Vec<f64> {
    let dir = scratch(name);
    fs::write(dir.join("spec.toml"), spec).unwrap();
    fs::write(dir.join("data.csv"), data).unwrap();
    let o = cwi(&[
        "compute",
        "--spec",
        dir.join("spec.toml").to_str().unwrap(),
        "--data",
        dir.join("data.csv").to_str().unwrap(),
        "--out",
        dir.join("out").to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    fs::read_to_string(dir.join("out/scores.csv"))
        .unwrap()
        .lines()
        .filter(|l| l.contains(",x,"))
        .map(|l| l.split(',').nth(7).unwrap().parse().unwrap())
        .collect()
}

/// z-scores and min-max of 1e9 + 0.1, 0.2, 0.3, 0.7 through the whole pipeline equal the exact
/// normalisation of those doubles to 12 digits (the naive sum of squares loses about half).
#[test]
fn normalising_large_values_with_small_spreads() {
    let spec = |method: &str| {
        format!(
            "[index]\nid = \"big\"\nversion = \"1\"\nlanguages = [\"en\"]\nscale = [0, 100]\nname = {{ en = \"Big\" }}\n\n[units]\nfrom_data = true\n\n[defaults]\npooling = \"each-year\"\nnormalisation = {method}\naggregation = {{ method = \"arithmetic\" }}\n\n[[indicator]]\nid = \"x\"\nparent = \"big\"\nname = {{ en = \"X\" }}\nunit = \"u\"\ndirection = \"higher\"\nsource = \"test\"\n"
        )
    };
    let data = "region,year,x\nA,2024,1000000000.1\nB,2024,1000000000.2\nC,2024,1000000000.3\nD,2024,1000000000.7\n";
    let text = fs::read_to_string("tests/fixtures/accuracy/expected.txt").unwrap();
    let line = |prefix: &str| -> Vec<f64> {
        text.lines()
            .find_map(|l| l.strip_prefix(prefix))
            .unwrap()
            .split(' ')
            .map(|v| v.parse().unwrap())
            .collect()
    };
    for (method, prefix) in [
        (
            "{ method = \"z-score\" }",
            "z-scores of 1e9 + 0.1, 0.2, 0.3, 0.7: ",
        ),
        ("{ method = \"min-max\" }", "min-max [0, 100] of the same: "),
    ] {
        let got = scores_of(&spec(method), data, "accuracy-big");
        let want = line(prefix);
        assert_eq!(got.len(), want.len());
        for (g, w) in got.iter().zip(&want) {
            assert!(
                (g - w).abs() <= 1e-12 * w.abs().max(1.0),
                "{method}: {got:?} against {want:?}"
            );
        }
    }
}

/// The same rows in another order give the same bytes: sums run over the framework and the
/// registry of regions, never over the file's order.
#[test]
fn scores_do_not_depend_on_the_order_of_the_rows() {
    let dir = scratch("accuracy-order");
    let original = fs::read_to_string("data-samples/kz/statistics.csv").unwrap();
    // The comment lines at the top, the header, then the rows.
    let mut lines: Vec<&str> = original.lines().collect();
    let preamble = lines.iter().take_while(|l| l.starts_with('#')).count();
    let header = lines.drain(..=preamble).collect::<Vec<_>>().join("\n");
    // A fixed shuffle (multiplicative, coprime with the row count) and the reverse.
    let n = lines.len();
    let step = (1..n)
        .rev()
        .find(|s| gcd(*s, n) == 1 && *s > n / 3)
        .unwrap();
    let shuffled: Vec<&str> = (0..n).map(|k| lines[(k * step) % n]).collect();
    let reversed: Vec<&str> = lines.iter().rev().copied().collect();
    let mut outputs = Vec::new();
    for (name, rows) in [
        ("original", &lines),
        ("shuffled", &shuffled),
        ("reversed", &reversed),
    ] {
        let file = dir.join(format!("{name}.csv"));
        fs::write(&file, format!("{header}\n{}\n", rows.join("\n"))).unwrap();
        let out = dir.join(format!("out-{name}"));
        let o = cwi(&[
            "compute",
            "--spec",
            "indicators/kz-cwi.toml",
            "--data",
            file.to_str().unwrap(),
            "data-samples/kz/surveys.csv",
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        outputs.push(fs::read(out.join("scores.csv")).unwrap());
    }
    assert_eq!(outputs[0], outputs[1]);
    assert_eq!(outputs[0], outputs[2]);
}

fn gcd(a: usize, b: usize) -> usize {
    if b == 0 { a } else { gcd(b, a % b) }
}
