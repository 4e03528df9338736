//! Published methods written as specs: the index's own direction, tie rules, weights as
//! given, and the refusals that go with them. Every expected number is derived by hand in the
//! comment above its test.

use std::fs;
use std::path::{Path, PathBuf};

use cwi::pipeline::{Results, run};
use cwi::spec;

use crate::common::scratch;

/// Four regions, R1 to R4.
const UNITS: &str = r#"
[[unit]]
code = "R1"
name = { en = "One" }

[[unit]]
code = "R2"
name = { en = "Two" }

[[unit]]
code = "R3"
name = { en = "Three" }

[[unit]]
code = "R4"
name = { en = "Four" }
"#;

/// An indicator table entry.
pub fn indicator(id: &str, parent: &str, direction: &str, extra: &str) -> String {
    format!(
        "[[indicator]]\nid = \"{id}\"\nparent = \"{parent}\"\nname = {{ en = \"{id}\" }}\nunit = \"%\"\ndirection = \"{direction}\"\nsource = \"test\"\n{extra}\n"
    )
}

/// A spec with the four regions: `index` is the `[index]` table's extra keys, `body` the
/// rest (defaults, groups, indicators).
pub fn spec_text(index: &str, body: &str) -> String {
    format!(
        "[index]\nid = \"ix\"\nversion = \"1\"\nlanguages = [\"en\"]\nscale = [0, 100]\nname = {{ en = \"Index\" }}\n{index}\n{UNITS}\n{body}"
    )
}

/// Writes the spec and a long CSV (`rows` of region, year, indicator, value) into a scratch
/// directory.
pub fn write(name: &str, spec: &str, rows: &[(&str, i32, &str, f64)]) -> (PathBuf, PathBuf) {
    let dir = scratch(name);
    let spec_path = dir.join("spec.toml");
    fs::write(&spec_path, spec).unwrap();
    let mut csv = String::from("region,year,indicator,value\n");
    for (r, y, i, v) in rows {
        // NaN writes an empty cell: a missing value.
        if v.is_nan() {
            csv.push_str(&format!("{r},{y},{i},\n"));
        } else {
            csv.push_str(&format!("{r},{y},{i},{v}\n"));
        }
    }
    let data = dir.join("data.csv");
    fs::write(&data, csv).unwrap();
    (spec_path, data)
}

pub fn compute(name: &str, spec: &str, rows: &[(&str, i32, &str, f64)]) -> Results {
    let (spec_path, data) = write(name, spec, rows);
    let s = spec::load(&spec_path).unwrap_or_else(|e| panic!("{e}"));
    run(s, &[&data]).unwrap_or_else(|e| panic!("{e}"))
}

/// The problems a spec text is refused with, as one text.
pub fn refusal(spec: &str) -> String {
    match spec::parse_str(spec, Path::new("m.toml")) {
        Ok(_) => panic!("the spec was accepted:\n{spec}"),
        Err(e) => e.to_string(),
    }
}

pub fn score(r: &Results, node: &str, year: usize, unit: usize) -> Option<f64> {
    let n = r.spec.framework.position(node).unwrap();
    r.scores.get(n, year, unit)
}

pub fn ranks(r: &Results, node: &str) -> Vec<Option<u32>> {
    let n = r.spec.framework.position(node).unwrap();
    (0..4)
        .map(|u| r.rank(n, 0, u).map(|k| k.as_whole().expect("a whole rank")))
        .collect()
}

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-12)
}

/// A deprivation index (lower is better): poverty is lower-is-better, the index's way, so it
/// is not flipped; preschool is higher-is-better, so it is. Percentile ranks, ties at the
/// minimum, onto [0, 1], summed with the weights as given.
///
/// poverty 10, 20, 20, 40: ranks (min) 1, 2, 2, 4 -> 0, 1/3, 1/3, 1.
/// preschool 90, 70, 60, 80, flipped (the higher value is the less deprived): 90 has none
/// "worse", 80 one, 70 two, 60 three -> 0, 2/3, 1, 1/3.
/// Sums: R1 0, R2 1, R3 4/3, R4 4/3. Ranked from the lowest, ties at the maximum: 1, 2, 4, 4;
/// at the minimum 1, 2, 3, 3; dense 1, 2, 3, 3.
#[test]
fn a_lower_is_better_index_ranks_from_its_lowest_score_with_its_tie_rule() {
    let body = |_: &str| {
        format!(
            "[defaults]\npooling = \"each-year\"\nnormalisation = {{ method = \"percentile-rank\", range = [0, 1], ties = \"min\" }}\naggregation = {{ method = \"weighted-sum\" }}\n{}{}",
            indicator("poverty", "ix", "lower", ""),
            indicator("preschool", "ix", "higher", "")
        )
    };
    let rows = [
        ("R1", 2024, "poverty", 10.0),
        ("R2", 2024, "poverty", 20.0),
        ("R3", 2024, "poverty", 20.0),
        ("R4", 2024, "poverty", 40.0),
        ("R1", 2024, "preschool", 90.0),
        ("R2", 2024, "preschool", 70.0),
        ("R3", 2024, "preschool", 60.0),
        ("R4", 2024, "preschool", 80.0),
    ];
    for (ties, expected) in [
        ("max", [1, 2, 4, 4]),
        ("min", [1, 2, 3, 3]),
        ("dense", [1, 2, 3, 3]),
    ] {
        let index = format!("direction = \"lower\"\nties = \"{ties}\"");
        let r = compute("lower-index", &spec_text(&index, &body(ties)), &rows);
        for (u, want) in [0.0, 1.0 / 3.0, 1.0 / 3.0, 1.0].into_iter().enumerate() {
            assert!(close(score(&r, "poverty", 0, u), want), "poverty {u}");
        }
        for (u, want) in [0.0, 2.0 / 3.0, 1.0, 1.0 / 3.0].into_iter().enumerate() {
            assert!(close(score(&r, "preschool", 0, u), want), "preschool {u}");
        }
        for (u, want) in [0.0, 1.0, 4.0 / 3.0, 4.0 / 3.0].into_iter().enumerate() {
            assert!(close(score(&r, "ix", 0, u), want), "index {u}");
        }
        let want: Vec<Option<u32>> = expected.iter().map(|&r| Some(r)).collect();
        assert_eq!(ranks(&r, "ix"), want, "ties {ties}");
    }
    // Dense ranks differ from min ones where a tie is followed by another value: the
    // poverty scores 0, 1/3, 1/3, 1 rank (from the lowest) 1, 2, 2, 3 dense, 1, 2, 2, 4 min.
    let r = compute(
        "lower-index-dense",
        &spec_text("direction = \"lower\"\nties = \"dense\"", &body("dense")),
        &rows,
    );
    assert_eq!(
        ranks(&r, "poverty"),
        vec![Some(1), Some(2), Some(2), Some(3)]
    );
}

/// `normalisation = "none"` keeps values as they are: accepted for an indicator going the
/// index's way, refused (E012, with the way out) for one going against it.
#[test]
fn normalisation_none_must_go_the_index_way() {
    let body = |direction: &str| {
        format!(
            "[defaults]\npooling = \"each-year\"\nnormalisation = {{ method = \"none\" }}\naggregation = {{ method = \"arithmetic\" }}\n{}",
            indicator("gap", "ix", direction, "")
        )
    };
    let lower = spec_text("direction = \"lower\"", &body("lower"));
    assert!(spec::parse_str(&lower, Path::new("m.toml")).is_ok());
    let e = refusal(&spec_text("direction = \"lower\"", &body("higher")));
    assert!(
        e.contains("E012") && e.contains("higher-is-better in a lower-is-better index"),
        "{e}"
    );
    let e = refusal(&spec_text("", &body("lower")));
    assert!(e.contains("declare [index] direction = \"lower\""), "{e}");
}

/// Unknown tie rules and penalty signs are refused with the choices.
#[test]
fn unknown_choices_are_refused_with_the_choices() {
    let body = |norm: &str, agg: &str| {
        format!(
            "[defaults]\npooling = \"each-year\"\nnormalisation = {norm}\naggregation = {agg}\n{}",
            indicator("a", "ix", "higher", "")
        )
    };
    let e = refusal(&spec_text(
        "",
        &body(
            r#"{ method = "rank", ties = "first" }"#,
            r#"{ method = "arithmetic" }"#,
        ),
    ));
    assert!(
        e.contains("unknown ties \"first\"") && e.contains("average, min, max, dense"),
        "{e}"
    );
    let e = refusal(&spec_text(
        "",
        &body(
            r#"{ method = "min-max" }"#,
            r#"{ method = "mpi", penalty = "minus" }"#,
        ),
    ));
    assert!(e.contains("positive, negative"), "{e}");
    let e = refusal(&spec_text(
        "ties = \"first\"",
        &body(r#"{ method = "min-max" }"#, r#"{ method = "arithmetic" }"#),
    ));
    assert!(e.contains("unknown index.ties \"first\""), "{e}");
    let e = refusal(&spec_text(
        "",
        &body(
            r#"{ method = "min-max", ties = "min" }"#,
            r#"{ method = "arithmetic" }"#,
        ),
    ));
    assert!(e.contains("does not take \"ties\""), "{e}");
}

/// The report of a lower-is-better index says so, beside the national score, in the method
/// section and in the ranking chart's title; its ranking lists the lowest score first.
#[test]
fn the_report_of_a_lower_is_better_index_says_so() {
    let body = format!(
        "[defaults]\npooling = \"each-year\"\nnormalisation = {{ method = \"none\" }}\naggregation = {{ method = \"arithmetic\" }}\n{}",
        indicator("gap", "ix", "lower", "")
    );
    let rows = [
        ("R1", 2024, "gap", 0.4),
        ("R2", 2024, "gap", 0.1),
        ("R3", 2024, "gap", 0.3),
        ("R4", 2024, "gap", 0.2),
    ];
    let (spec_path, data) = write(
        "lower-report",
        &spec_text("direction = \"lower\"", &body),
        &rows,
    );
    let out = spec_path.parent().unwrap().join("out");
    let o = crate::common::cwi(&[
        "report",
        "--spec",
        spec_path.to_str().unwrap(),
        "--data",
        data.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        html.matches("lower is better").count() >= 2,
        "the summary and the method section say it"
    );
    let svg = fs::read_dir(out.join("charts"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("ranking-ix")
                && p.extension().is_some_and(|e| e == "svg")
        })
        .map(|p| fs::read_to_string(p).unwrap())
        .expect("a ranking chart of the index");
    assert!(svg.contains("lower is better"), "the ranking chart's title");
    // Scores as computed, ranked from the lowest: R2 0.1, R4 0.2, R3 0.3, R1 0.4.
    let r = compute(
        "lower-report-ranks",
        &spec_text("direction = \"lower\"", &body),
        &rows,
    );
    assert_eq!(ranks(&r, "ix"), vec![Some(4), Some(1), Some(3), Some(2)]);
    assert!(close(score(&r, "ix", 0, 0), 0.4));
}

/// Compind 3.4's own `ci_mpi` example (tests/fixtures/compind/make.R ran it in R on the
/// package's EU_NUTS1 data): z-scores 100 +- 10 with roads "NEG", and the Mazziotta-Pareto
/// index with the "NEG" penalty and R's sample sd. The spec reproduces all 34 of Compind's
/// values to 1e-12; with the paper's population sd the two indicators' index differs by up to
/// 3.2 points.
#[test]
fn compind_mpi_example_is_reproduced_with_the_sample_sd() {
    let root = crate::common::root();
    let dir = root.join("tests/fixtures/compind");
    let data = dir.join("eu-nuts1.csv");
    let expected: Vec<(String, f64)> = fs::read_to_string(dir.join("ci-mpi.csv"))
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| {
            let (r, v) = l.split_once(',').unwrap();
            (r.to_string(), v.parse().unwrap())
        })
        .collect();
    assert_eq!(expected.len(), 34);
    let sample = run(spec::load(&dir.join("mpi.toml")).unwrap(), &[&data]).unwrap();
    for (region, want) in &expected {
        let u = sample.panel.units.find(region).unwrap();
        let got = sample.scores.get(0, 0, u).unwrap();
        assert!(
            (got - want).abs() <= 1e-12 * want.abs(),
            "{region}: {got} against {want}"
        );
    }
    let text = fs::read_to_string(dir.join("mpi.toml"))
        .unwrap()
        .replace(", dispersion = \"sample\"", "");
    let population = run(
        spec::parse_str(&text, &dir.join("mpi.toml")).unwrap(),
        &[&data],
    )
    .unwrap();
    let largest = (0..34)
        .map(|u| {
            (sample.scores.get(0, 0, u).unwrap() - population.scores.get(0, 0, u).unwrap()).abs()
        })
        .fold(0.0, f64::max);
    assert!((largest * 10.0).round() == 32.0, "{largest}");
}

/// A national value scored on the regions' scale without moving it (`pooled = false`).
/// x: regions 10, 20, 30, 50, the country 25; min-max from the regions (10 to 50): 0, 25, 50,
/// 100, the country (25 - 10)/40 = 37.5. y: regions 1, 2, 3 and R4 missing, imputed with the
/// regions' mean 2 (the country's 100 would make it 26.5); min-max from 1 to 3: 0, 50, 100,
/// 50, the country (100 - 1)/2 x 100 = 4950. Index means: 0, 37.5, 75, 75, the country
/// 2493.75. Ranks among the regions only: 4, 3, 1, 1; the country has none.
#[test]
fn a_unit_outside_the_regions_is_scored_on_their_scale_without_moving_it() {
    let national = "[[unit]]\ncode = \"KZ\"\nname = { en = \"Kazakhstan\" }\npooled = false\n";
    let body = |agg: &str| {
        format!(
            "{national}\n[defaults]\npooling = \"each-year\"\nnormalisation = {{ method = \"min-max\", range = [0, 100] }}\nimputation = {{ method = \"mean\" }}\naggregation = {{ method = \"{agg}\" }}\n{}{}",
            indicator("x", "ix", "higher", ""),
            indicator("y", "ix", "higher", ""),
        )
    };
    let nan = f64::NAN;
    let mut rows = Vec::new();
    for (r, x, y) in [
        ("R1", 10.0, 1.0),
        ("R2", 20.0, 2.0),
        ("R3", 30.0, 3.0),
        ("R4", 50.0, nan),
        ("KZ", 25.0, 100.0),
    ] {
        rows.push((r, 2024, "x", x));
        rows.push((r, 2024, "y", y));
    }
    let r = compute("unpooled", &spec_text("", &body("arithmetic")), &rows);
    let kz = r.panel.units.find("KZ").unwrap();
    let at = |id: &str, code: &str| score(&r, id, 0, r.panel.units.find(code).unwrap());
    for (code, x, y, ix) in [
        ("R1", 0.0, 0.0, 0.0),
        ("R2", 25.0, 50.0, 37.5),
        ("R3", 50.0, 100.0, 75.0),
        ("R4", 100.0, 50.0, 75.0),
        ("KZ", 37.5, 4950.0, 2493.75),
    ] {
        assert!(close(at("x", code), x), "x {code}");
        assert!(close(at("y", code), y), "y {code}");
        assert!(close(at("ix", code), ix), "ix {code}");
    }
    let rank = |code: &str| {
        r.rank(0, 0, r.panel.units.find(code).unwrap())
            .and_then(cwi::rank::Rank::as_whole)
    };
    assert_eq!(
        ["R1", "R2", "R3", "R4"].map(rank),
        [Some(4), Some(3), Some(1), Some(1)]
    );
    assert_eq!(r.rank(0, 0, kz), None);
    crate::engine::nominal_reproduces_compute(&r, "unpooled unit");
    // A method comparing regions would count the country among them: refused at its key.
    let text = spec_text("", &body("rank-mean"));
    let e = refusal(&text);
    assert!(
        e.contains("unit KZ is scored outside the regions (pooled = false), but \"ix\" aggregates with mean of ranks"),
        "{e}"
    );
    let line = text.lines().position(|l| l.starts_with("pooled")).unwrap() + 1;
    assert!(e.contains(&format!("m.toml:{line}:")), "{e}");
}

/// A spec using part of a shared long file lists the indicators it leaves out in `[data]
/// ignore_columns`: their rows are skipped without a warning, while an indicator neither in
/// the spec nor listed is still W110.
#[test]
fn a_long_files_indicators_can_be_declared_ignored() {
    let body = |ignore: &str| {
        format!(
            "[data]\nignore_columns = [{ignore}]\n[defaults]\npooling = \"each-year\"\nnormalisation = {{ method = \"min-max\" }}\naggregation = {{ method = \"arithmetic\" }}\n{}",
            indicator("a", "ix", "higher", "")
        )
    };
    let mut rows = Vec::new();
    for (u, r) in ["R1", "R2", "R3", "R4"].into_iter().enumerate() {
        rows.push((r, 2024, "a", u as f64));
        rows.push((r, 2024, "b", 1.0));
        rows.push((r, 2024, "c", 1.0));
    }
    let validate = |ignore: &str| {
        let (spec_path, data) = write("long-ignore", &spec_text("", &body(ignore)), &rows);
        let o = crate::common::cwi(&[
            "validate",
            spec_path.to_str().unwrap(),
            "--data",
            data.to_str().unwrap(),
        ]);
        String::from_utf8_lossy(&o.stdout).to_string() + &String::from_utf8_lossy(&o.stderr)
    };
    let out = validate("\"b\"");
    assert!(out.contains("indicator \"c\" is not in the spec"), "{out}");
    assert!(!out.contains("indicator \"b\""), "{out}");
    let out = validate("\"b\", \"c\"");
    assert!(out.contains("0 error(s), 0 warning(s)"), "{out}");
}

/// A method meeting the data stops the run with a coded error that names the node, region
/// and year, as spec and data diagnostics do. Values 5, 0, 2, 9 of "a": the log treatment of
/// R2's 0 is undefined (E201 at a, R2, 2024); with the log left out, a geometric mean of the
/// min-max scores (100 (5 - 0)/(9 - 0) = 55.6, 0, 22.2, 100) meets R2's 0 (E207 at the index,
/// R2, 2024). On the command line the code leads the message.
#[test]
fn compute_errors_carry_a_code_and_their_place() {
    let rows = [
        ("R1", 2024, "a", 5.0),
        ("R2", 2024, "a", 0.0),
        ("R3", 2024, "a", 2.0),
        ("R4", 2024, "a", 9.0),
    ];
    let text = |treatment: &str, aggregation: &str| {
        spec_text(
            "",
            &format!(
                "[defaults]\npooling = \"each-year\"\nnormalisation = {{ method = \"min-max\" }}\naggregation = {{ method = \"{aggregation}\" }}\ntreatment = {{ method = \"{treatment}\" }}\n{}",
                indicator("a", "ix", "higher", "")
            ),
        )
    };
    let failure = |name: &str, spec: &str| {
        let (spec_path, data) = write(name, spec, &rows);
        let s = spec::load(&spec_path).unwrap();
        match run(s, &[&data]) {
            Err(cwi::error::RunError::Compute(e)) => e,
            other => panic!("expected a compute error, got {:?}", other.map(|_| ())),
        }
    };
    // Code, node, region and year of an error.
    let place = |e: &cwi::error::ComputeError| (e.code, e.node.clone(), e.region.clone(), e.year);
    let at = |code, node: &str| {
        (
            code,
            Some(node.to_string()),
            Some("R2".to_string()),
            Some(2024),
        )
    };
    use cwi::diagnostic::Code;
    let e = failure("code-treatment", &text("log", "arithmetic"));
    assert_eq!(place(&e), at(Code::UndefinedTreatment, "a"));
    assert!(
        e.to_string().starts_with(
            "error[E201]: indicator \"a\", region R2, year 2024: the natural log of 0 is undefined"
        ),
        "{e}"
    );
    let e = failure("code-geometric", &text("none", "geometric"));
    assert_eq!(place(&e), at(Code::AggregationUndefined, "ix"));
    let (spec_path, data) = write("code-cli", &text("log", "arithmetic"), &rows);
    let out = crate::common::scratch("code-cli-out");
    let o = crate::common::cwi(&[
        "compute",
        "--spec",
        spec_path.to_str().unwrap(),
        "--data",
        data.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("error[E201]: indicator \"a\", region R2, year 2024"),
        "{stderr}"
    );
}
