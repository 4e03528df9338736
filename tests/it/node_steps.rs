//! A node's steps: groups normalised after aggregation (under each pooling), what a parent
//! takes of them, formulas over children (with missing inputs), rounding; each reproduced by a
//! replication with nothing varied, and each refusal located. Expected numbers are derived by
//! hand in the comments.

use std::fs;

use cwi::spec;

use crate::engine::nominal_reproduces_compute;
use crate::methods::{compute, indicator, refusal, score, spec_text, write};

fn close(a: Option<f64>, b: f64, what: &str) {
    assert!(
        a.is_some_and(|a| (a - b).abs() < 1e-9),
        "{what}: {a:?} against {b}"
    );
}

fn group(id: &str, parent: &str, extra: &str) -> String {
    format!(
        "[[group]]\nid = \"{id}\"\nparent = \"{parent}\"\nname = {{ en = \"{id}\" }}\n{extra}\n"
    )
}

/// A vulnerability index written as its technical documentation writes it: each indicator's
/// percentile rank ((rank - 1)/(n - 1), ties at the lowest rank, 4 decimals), summed per
/// theme; each theme's sum ranked the same way; the themes' sums (not their ranks) summed and
/// ranked again. Higher values are more vulnerable: a lower-is-better index.
///
/// a 10, 20, 30, 40 -> 0, .3333, .6667, 1; b 5, 5, 8, 1 -> .3333, .3333, 1, 0 (two 5s share
/// rank 2). Theme 1 sums: R1 .3333, R2 .6666, R3 1.6667, R4 1. c 3, 1, 2, 4 -> .6667, 0,
/// .3333, 1; d 7, 9, 8, 6 -> .3333, 1, .6667, 0; theme 2 sums 1, 1, 1, 1 (rounded to 4
/// decimals: equal). Theme 1 ranks: R1 0, R2 .3333, R4 .6667, R3 1; theme 2 all tie at the
/// lowest rank: 0. Overall sums of the themes' sums: 1.3333, 1.6666, 2.6667, 2; their
/// percentile ranks 0, .3333, 1, .6667; ranked from the lowest: 1, 2, 4, 3.
#[test]
fn a_vulnerability_index_ranks_sums_of_ranks() {
    let pr = r#"{ method = "percentile-rank", range = [0, 1], ties = "min" }"#;
    let themes = format!("normalisation = {pr}\nparent_takes = \"aggregate\"");
    let body = format!(
        "[defaults]\npooling = \"each-year\"\nnormalisation = {pr}\naggregation = {{ method = \"weighted-sum\" }}\nround = 4\n{}{}{}{}{}{}",
        group("t1", "ix", &themes),
        group("t2", "ix", &themes),
        indicator("a", "t1", "lower", ""),
        indicator("b", "t1", "lower", ""),
        indicator("c", "t2", "lower", ""),
        indicator("d", "t2", "lower", ""),
    );
    let spec = spec_text(
        &format!("direction = \"lower\"\nnormalisation = {pr}"),
        &body,
    );
    let mut rows = Vec::new();
    for (id, values) in [
        ("a", [10.0, 20.0, 30.0, 40.0]),
        ("b", [5.0, 5.0, 8.0, 1.0]),
        ("c", [3.0, 1.0, 2.0, 4.0]),
        ("d", [7.0, 9.0, 8.0, 6.0]),
    ] {
        for (u, v) in values.into_iter().enumerate() {
            rows.push((["R1", "R2", "R3", "R4"][u], 2024, id, v));
        }
    }
    let r = compute("vulnerability", &spec, &rows);
    for (id, want) in [
        ("a", [0.0, 0.3333, 0.6667, 1.0]),
        ("b", [0.3333, 0.3333, 1.0, 0.0]),
        ("t1", [0.0, 0.3333, 1.0, 0.6667]),
        ("t2", [0.0, 0.0, 0.0, 0.0]),
        ("ix", [0.0, 0.3333, 1.0, 0.6667]),
    ] {
        for (u, w) in want.into_iter().enumerate() {
            // Rounded scores are exactly the 4-decimal numbers.
            assert_eq!(score(&r, id, 0, u), Some(w), "{id} R{}", u + 1);
        }
    }
    let n = |id: &str| r.spec.framework.position(id).unwrap();
    for (id, want) in [
        ("t1", [0.3333, 0.6666, 1.6667, 1.0]),
        ("t2", [1.0, 1.0, 1.0, 1.0]),
        ("ix", [1.3333, 1.6666, 2.6667, 2.0]),
    ] {
        for (u, w) in want.into_iter().enumerate() {
            assert_eq!(
                r.scores.aggregate(n(id), 0, u),
                Some(w),
                "{id} sum R{}",
                u + 1
            );
        }
    }
    let ranks: Vec<Option<u32>> = (0..4)
        .map(|u| r.rank(0, 0, u).and_then(cwi::rank::Rank::as_whole))
        .collect();
    assert_eq!(ranks, vec![Some(1), Some(2), Some(4), Some(3)]);
    nominal_reproduces_compute(&r, "vulnerability index");

    // The outputs keep both values: aggregates.csv beside the scores, and the manifest
    // records the steps.
    let (spec_path, data) = write("vulnerability-out", &spec, &rows);
    let out = spec_path.parent().unwrap().join("out");
    let o = crate::common::cwi(&[
        "compute",
        "--spec",
        spec_path.to_str().unwrap(),
        "--data",
        data.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let aggregates = fs::read_to_string(out.join("aggregates.csv")).unwrap();
    assert!(aggregates.starts_with("year,region_code,node_id,aggregate,score\n"));
    assert!(aggregates.contains("2024,R3,ix,2.6667,1\n"), "{aggregates}");
    assert!(
        aggregates.contains("2024,R2,t1,0.6666,0.3333\n"),
        "{aggregates}"
    );
    let manifest = fs::read_to_string(out.join("manifest.json")).unwrap();
    assert!(
        manifest.contains("\"parent_takes\": \"aggregate\""),
        "{manifest}"
    );
    assert!(manifest.contains("\"round\": 4"), "{manifest}");
}

/// A group normalised after aggregation, under each pooling. Arithmetic means of x and y:
/// 2023 x 10, 20, 30, 40 and y 30, 40, 50, 60 -> 20, 30, 40, 50; 2024 x 20..50, y 40..70 ->
/// 30, 40, 50, 60. Min-max onto [0, 100]:
/// each year: 0, 33.33, 66.67, 100 in both years;
/// all years (20 to 60): 2023 0, 25, 50, 75; 2024 25, 50, 75, 100;
/// reference year 2024 (30 to 60): 2023 -33.33, 0, 33.33, 66.67; 2024 0, 33.33, 66.67, 100.
#[test]
fn a_group_is_normalised_under_each_pooling() {
    let body = |pooling: &str| {
        format!(
            "[defaults]\n{pooling}\nnormalisation = {{ method = \"none\" }}\naggregation = {{ method = \"arithmetic\" }}\n{}{}{}",
            group(
                "g",
                "ix",
                "normalisation = { method = \"min-max\", range = [0, 100] }"
            ),
            indicator("x", "g", "higher", ""),
            indicator("y", "g", "higher", ""),
        )
    };
    let mut rows = Vec::new();
    for (year, x0, y0) in [(2023, 10.0, 30.0), (2024, 20.0, 40.0)] {
        for u in 0..4 {
            let r = ["R1", "R2", "R3", "R4"][u];
            rows.push((r, year, "x", x0 + 10.0 * u as f64));
            rows.push((r, year, "y", y0 + 10.0 * u as f64));
        }
    }
    let third = 100.0 / 3.0;
    for (pooling, y2023, y2024) in [
        (
            "pooling = \"each-year\"",
            [0.0, third, 2.0 * third, 100.0],
            [0.0, third, 2.0 * third, 100.0],
        ),
        (
            "pooling = \"all-years\"",
            [0.0, 25.0, 50.0, 75.0],
            [25.0, 50.0, 75.0, 100.0],
        ),
        (
            "pooling = \"reference-year\"\nreference_year = 2024",
            [-third, 0.0, third, 2.0 * third],
            [0.0, third, 2.0 * third, 100.0],
        ),
    ] {
        let r = compute("group-pooling", &spec_text("", &body(pooling)), &rows);
        for (y, want) in [y2023, y2024].into_iter().enumerate() {
            for (u, w) in want.into_iter().enumerate() {
                close(score(&r, "g", y, u), w, pooling);
                // The index (the mean of its one child) takes the normalised score.
                close(score(&r, "ix", y, u), w, pooling);
            }
        }
        nominal_reproduces_compute(&r, pooling);
    }
    // Aggregates the pooling cannot fit stop the run with an error naming the group: one
    // region (refused as the data are read, E113), or means without spread (x 10..40 and y
    // 40..10 average 25 everywhere).
    let run = |name: &str, rows: &[(&str, i32, &str, f64)]| {
        let (spec_path, data) = write(name, &spec_text("", &body("pooling = \"each-year\"")), rows);
        let s = spec::load(&spec_path).unwrap();
        cwi::pipeline::run(s, &[&data]).unwrap_err().to_string()
    };
    let one: Vec<_> = rows.iter().filter(|r| r.0 == "R1").cloned().collect();
    let e = run("group-one-region", &one);
    assert!(e.contains("E113") && e.contains("needs at least 2"), "{e}");
    let mut flat = Vec::new();
    for u in 0..4 {
        let r = ["R1", "R2", "R3", "R4"][u];
        flat.push((r, 2024, "x", 10.0 + 10.0 * u as f64));
        flat.push((r, 2024, "y", 40.0 - 10.0 * u as f64));
    }
    let e = run("group-no-spread", &flat);
    assert!(
        e.contains(
            "group \"g\": the 4 value(s) in year 2024 cannot be normalised: min-max has no spread"
        ),
        "{e}"
    );
}

/// A productivity index for children: survival x exp(0.08 (years x score / 625 - 14)) x
/// exp(health), health the mean of the available health terms. Computed here with the
/// formula written out in Rust:
/// R1 0.99, 12, 500, h -0.1 and -0.05 -> health -0.075;
/// R2 0.98, 10, 400, h -0.2 and missing -> health -0.2 (the available one);
/// R3 both health terms missing -> no score;
/// R4 0.95, 8, 450, h 0 and 0.1 -> health 0.05.
/// `coalesce(b, a) + 1`: the first present value, so R2 (no b) takes a.
#[test]
fn formulas_over_children_state_what_a_missing_input_means() {
    let none = "normalisation = { method = \"none\" }";
    let body = format!(
        "[defaults]\npooling = \"each-year\"\n{none}\naggregation = {{ method = \"arithmetic\" }}\n{}{}{}{}{}{}",
        group("health", "ix", "formula = \"mean_available(h1, h2)\""),
        indicator("survival", "ix", "higher", ""),
        indicator("years", "ix", "higher", ""),
        indicator("test", "ix", "higher", ""),
        indicator("h1", "health", "higher", ""),
        indicator("h2", "health", "higher", ""),
    );
    let index = "formula = \"survival * exp(0.08 * (years * test / 625 - 14)) * exp(health)\"";
    let nan = f64::NAN;
    let data = [
        ("R1", [0.99, 12.0, 500.0, -0.1, -0.05]),
        ("R2", [0.98, 10.0, 400.0, -0.2, nan]),
        ("R3", [0.97, 11.0, 480.0, nan, nan]),
        ("R4", [0.95, 8.0, 450.0, 0.0, 0.1]),
    ];
    let mut rows = Vec::new();
    for (r, values) in data {
        for (id, v) in ["survival", "years", "test", "h1", "h2"]
            .into_iter()
            .zip(values)
        {
            rows.push((r, 2024, id, v));
        }
    }
    let r = compute("productivity", &spec_text(index, &body), &rows);
    let hci = |s: f64, y: f64, t: f64, h: f64| s * (0.08 * (y * t / 625.0 - 14.0)).exp() * h.exp();
    close(score(&r, "health", 0, 0), -0.075, "health R1");
    close(score(&r, "health", 0, 1), -0.2, "health R2");
    assert_eq!(score(&r, "health", 0, 2), None, "health R3");
    close(score(&r, "ix", 0, 0), hci(0.99, 12.0, 500.0, -0.075), "R1");
    close(score(&r, "ix", 0, 1), hci(0.98, 10.0, 400.0, -0.2), "R2");
    assert_eq!(score(&r, "ix", 0, 2), None, "R3 has no health score");
    close(score(&r, "ix", 0, 3), hci(0.95, 8.0, 450.0, 0.05), "R4");
    nominal_reproduces_compute(&r, "productivity index");

    let body = format!(
        "[defaults]\npooling = \"each-year\"\n{none}\naggregation = {{ method = \"arithmetic\" }}\n{}{}",
        indicator("a", "ix", "higher", ""),
        indicator("b", "ix", "higher", ""),
    );
    let rows = [
        ("R1", 2024, "a", 1.0),
        ("R1", 2024, "b", 5.0),
        ("R2", 2024, "a", 2.0),
        ("R2", 2024, "b", nan),
        ("R3", 2024, "a", 3.0),
        ("R3", 2024, "b", 7.0),
        ("R4", 2024, "a", 4.0),
        ("R4", 2024, "b", 8.0),
    ];
    let r = compute(
        "coalesce",
        &spec_text("formula = \"coalesce(b, a) + 1\"", &body),
        &rows,
    );
    let got: Vec<Option<f64>> = (0..4).map(|u| score(&r, "ix", 0, u)).collect();
    assert_eq!(got, vec![Some(6.0), Some(3.0), Some(8.0), Some(9.0)]);
}

/// `explain` attributes a formula group's score to its children by each child's value times
/// the formula's slope in it: for `a * b` with a = 2, b = 5 (score 10) each gets 10, so each
/// contributes half (5); for `a + 2 * b` (score 12) a gets 2 and b 10.
#[test]
fn explain_attributes_a_formula_to_its_children() {
    let body = format!(
        "[defaults]\npooling = \"each-year\"\nnormalisation = {{ method = \"none\" }}\naggregation = {{ method = \"arithmetic\" }}\n{}{}",
        indicator("a", "ix", "higher", ""),
        indicator("b", "ix", "higher", ""),
    );
    let mut rows = Vec::new();
    for (u, r) in ["R1", "R2", "R3", "R4"].into_iter().enumerate() {
        rows.push((r, 2024, "a", 2.0 + u as f64));
        rows.push((r, 2024, "b", 5.0));
    }
    for (formula, want) in [("a * b", [5.0, 5.0]), ("a + 2 * b", [2.0, 10.0])] {
        let r = compute(
            "explain-formula",
            &spec_text(&format!("formula = \"{formula}\""), &body),
            &rows,
        );
        let c = cwi::explain::contributions(&r, 0, 0);
        let n = |id: &str| r.spec.framework.position(id).unwrap();
        close(c[n("a")], want[0], formula);
        close(c[n("b")], want[1], formula);
    }
}

/// Rounding before ranking makes a tie: 0.33331 and 0.33334 rank 2 and 1 as they are, and
/// share rank 1 rounded to 4 decimals (0.3333 both).
#[test]
fn rounding_before_ranking_changes_a_tie() {
    let body = |round: &str| {
        format!(
            "[defaults]\npooling = \"each-year\"\nnormalisation = {{ method = \"none\" }}\naggregation = {{ method = \"arithmetic\" }}\n{}",
            indicator("a", "ix", "higher", round),
        )
    };
    let rows = [
        ("R1", 2024, "a", 0.33331),
        ("R2", 2024, "a", 0.33334),
        ("R3", 2024, "a", 0.2),
        ("R4", 2024, "a", 0.1),
    ];
    let ranks = |r: &cwi::pipeline::Results| {
        (0..4)
            .map(|u| r.rank(0, 0, u).and_then(cwi::rank::Rank::as_whole))
            .collect::<Vec<_>>()
    };
    let r = compute("round-none", &spec_text("", &body("")), &rows);
    assert_eq!(ranks(&r), vec![Some(2), Some(1), Some(3), Some(4)]);
    let r = compute("round-4", &spec_text("", &body("round = 4")), &rows);
    assert_eq!(ranks(&r), vec![Some(1), Some(1), Some(3), Some(4)]);
    assert_eq!(score(&r, "a", 0, 0), Some(0.3333));
}

/// A formula naming a node that is not a child, itself, an unknown id, or a function with
/// the wrong number of arguments; `round` outside 0 to 15; `parent_takes` without a
/// normalisation, a formula beside an aggregation: refused at the spec's line and column
/// before any data is read.
#[test]
fn bad_node_steps_are_refused_where_they_are_written() {
    let base = |g: &str| {
        format!(
            "[defaults]\npooling = \"each-year\"\nnormalisation = {{ method = \"min-max\" }}\naggregation = {{ method = \"arithmetic\" }}\n{}{}{}{}",
            group("g", "ix", g),
            indicator("a", "g", "higher", ""),
            indicator("b", "g", "higher", ""),
            indicator("c", "ix", "higher", ""),
        )
    };
    for (g, key, expected) in [
        (
            "formula = \"a * c\"",
            "formula",
            "reads \"c\", which is not one of its children",
        ),
        (
            "formula = \"a * g\"",
            "formula",
            "reads its own score (a cycle)",
        ),
        (
            "formula = \"a * zz\"",
            "formula",
            "reads \"zz\", which is no node of the spec",
        ),
        (
            "formula = \"pow(a)\"",
            "formula",
            "pow takes two arguments: base, exponent, not 1",
        ),
        (
            "round = 16",
            "round",
            "round of \"g\" must be a whole number of decimals from 0 to 15",
        ),
        (
            "parent_takes = \"aggregate\"",
            "parent_takes",
            "has parent_takes but no normalisation",
        ),
        (
            "formula = \"a\"\naggregation = { method = \"geometric\" }",
            "aggregation",
            "declares both a formula and an aggregation",
        ),
        (
            "normalisation = { method = \"min-max\" }\nparent_takes = \"sum\"",
            "parent_takes",
            "use one of: score, aggregate",
        ),
    ] {
        let text = spec_text("", &base(g));
        let e = refusal(&text);
        assert!(e.contains(expected), "{g}: {e}");
        assert!(e.contains("E012"), "{g}: {e}");
        // Located: the line of the key in the spec text.
        let line = text
            .lines()
            .collect::<Vec<_>>()
            .into_iter()
            .rposition(|l| l.starts_with(&format!("{key} =")))
            .map(|k| k + 1)
            .unwrap();
        assert!(
            e.contains(&format!("m.toml:{line}:")),
            "{g}: line {line}: {e}"
        );
    }
}

/// UNDP's Gender Inequality Index written as the technical notes write it
/// (`indicators/gii.toml`: formulas over the sexes' dimensions, a lower-is-better index,
/// inputs kept as they are) reproduces the 181 values the HDR 2021/2022 publishes, exactly at
/// their 3 decimals; Denmark, the lowest (0.013), ranks first.
#[test]
fn the_gender_inequality_index_reproduces_its_published_values() {
    let root = crate::common::root();
    let s = spec::load(&root.join("indicators/gii.toml")).unwrap();
    let r =
        cwi::pipeline::run(s, &[root.join("data-samples/gii/gii-components-2021.csv")]).unwrap();
    let published =
        fs::read_to_string(root.join("data-samples/gii/gii-published-2021.csv")).unwrap();
    let mut checked = 0;
    for line in published.lines().filter(|l| !l.starts_with('#')).skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let u = r.panel.units.find(f[0]).unwrap();
        let gii: f64 = f[2].parse().unwrap();
        assert_eq!(r.scores.get(0, 0, u), Some(gii), "{}", f[0]);
        checked += 1;
    }
    assert_eq!(checked, 181);
    let dnk = r.panel.units.find("DNK").unwrap();
    assert_eq!(r.scores.get(0, 0, dnk), Some(0.013));
    assert_eq!(r.rank(0, 0, dnk), Some(cwi::rank::Rank::whole(1)));
    nominal_reproduces_compute(&r, "gii");
}

/// A name a formula cannot read is located in a multi-line formula too: GII's index formula
/// with `lfpr_x` for `lfpr_m` is refused at that name's line and column.
#[test]
fn a_bad_name_in_a_multi_line_formula_is_located() {
    let text = fs::read_to_string(crate::common::root().join("indicators/gii.toml"))
        .unwrap()
        .replace(
            "+ 1 / (empowerment_m * lfpr_m / 100)",
            "+ 1 / (empowerment_m * lfpr_x / 100)",
        );
    let (line, column) = text
        .lines()
        .enumerate()
        .find_map(|(k, l)| l.find("lfpr_x").map(|c| (k + 1, c + 1)))
        .unwrap();
    let e = refusal(&text);
    assert!(
        e.contains(&format!(
            "m.toml:{line}:{column}: error[E012]: the formula of \"gii\" reads \"lfpr_x\""
        )),
        "{e}"
    );
}

/// UNDP's Gender Development Index as one spec (`indicators/gdi.toml`: the index a formula,
/// `hdi_f / hdi_m`, over the two sexes' HDIs with their own life-expectancy goalposts)
/// reproduces the 183 values the HDR 2021/2022 publishes, exactly at their 3 decimals.
#[test]
fn the_gender_development_index_reproduces_its_published_values() {
    let root = crate::common::root();
    let s = spec::load(&root.join("indicators/gdi.toml")).unwrap();
    let r =
        cwi::pipeline::run(s, &[root.join("data-samples/gdi/gdi-components-2021.csv")]).unwrap();
    let published =
        fs::read_to_string(root.join("data-samples/gdi/gdi-published-2021.csv")).unwrap();
    let mut checked = 0;
    for line in published.lines().filter(|l| !l.starts_with('#')).skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let u = r.panel.units.find(f[0]).unwrap();
        let gdi: f64 = f[2].parse().unwrap();
        assert_eq!(r.scores.get(0, 0, u), Some(gdi), "{}", f[0]);
        checked += 1;
    }
    assert_eq!(checked, 183);
    nominal_reproduces_compute(&r, "gdi");
}
