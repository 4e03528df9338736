//! One engine: a Monte Carlo replication (or sensitivity sample) with nothing varied reproduces
//! `compute`'s scores bit for bit at every node, for every shipped spec and for specs that use
//! each imputation, treatment, normalisation, weighting and aggregation; and a replication's
//! choices enter at their own stage (draws before treatment, imputation of the loaded values).

use std::fs;
use std::path::{Path, PathBuf};

use cwi::pipeline::{Results, run};
use cwi::spec;
use cwi::uncertainty::model::{Choice, Model};

use crate::common::{root, scratch};

const KZ: [&str; 3] = [
    "data-samples/kz/statistics.csv",
    "data-samples/kz/surveys.csv",
    "data-samples/kz/before-2022.csv",
];

fn results(spec_path: &Path, data: &[&str]) -> Results {
    let spec = spec::load(spec_path).unwrap();
    let data: Vec<PathBuf> = data.iter().map(|d| root().join(d)).collect();
    run(spec, &data).unwrap_or_else(|e| panic!("{}: {e}", spec_path.display()))
}

/// The nominal replication's scores equal `compute`'s at every node, year and region, to the
/// bit, and its ranks are `compute`'s.
pub fn nominal_reproduces_compute(r: &Results, what: &str) {
    let model = Model::new(r);
    let nominal = model.nominal();
    let scores = model
        .scores(&nominal)
        .unwrap_or_else(|e| panic!("{what}: {e}"));
    let (n_years, n_units) = (r.panel.years.len(), r.panel.units.len());
    let mut compared = 0;
    for node in 0..r.spec.framework.nodes.len() {
        for y in 0..n_years {
            for u in 0..n_units {
                let (a, b) = (scores.get(node, y, u), r.scores.get(node, y, u));
                assert_eq!(
                    a.map(f64::to_bits),
                    b.map(f64::to_bits),
                    "{what}: node {} year {} region {}: {a:?} against {b:?}",
                    r.spec.framework.nodes[node].id,
                    r.panel.years[y],
                    r.panel.units.get(u).code
                );
                compared += usize::from(b.is_some());
            }
        }
    }
    assert!(compared > 0, "{what}: no score compared");
    let ranks = model.ranks(&nominal).unwrap();
    for y in 0..n_years {
        for u in 0..n_units {
            assert_eq!(
                ranks.ranks[y * n_units + u],
                r.rank(0, y, u).map_or(0, cwi::rank::Rank::halves),
                "{what}"
            );
        }
    }
}

#[test]
fn every_shipped_spec_is_reproduced_by_a_replication_with_nothing_varied() {
    for (spec, data) in [
        ("indicators/kz-cwi.toml", KZ.to_vec()),
        ("indicators/kz-base-year.toml", KZ.to_vec()),
        ("indicators/kz-ampi.toml", KZ.to_vec()),
        (
            "indicators/hdi.toml",
            vec!["data-samples/hdi/hdi-components-2021-2022.csv"],
        ),
        (
            "indicators/kids-count.toml",
            vec!["data-samples/kids-count/states-2023-2024.csv"],
        ),
        (
            "indicators/gii.toml",
            vec!["data-samples/gii/gii-components-2021.csv"],
        ),
        (
            "indicators/kz-deprivation.toml",
            vec!["data-samples/kz/statistics.csv"],
        ),
        (
            "indicators/kz-thriving.toml",
            vec!["data-samples/kz/statistics.csv"],
        ),
        ("tests/fixtures/tiny.toml", vec!["tests/fixtures/tiny.csv"]),
    ] {
        nominal_reproduces_compute(&results(&root().join(spec), &data), spec);
    }
}

/// A replication that varies only weights, the weighting or the aggregation starts from
/// compute's treated and normalised values instead of making them again: its scores equal,
/// bit for bit, those of every stage run afresh from the loaded values with its recipe (the
/// Kazakhstan spec, and a spec with an imputation and a treatment, whose treated values
/// differ from the loaded ones).
#[test]
fn a_replication_keeping_the_values_equals_every_stage_run_afresh() {
    let dir = scratch("engine-keeps");
    let kz = results(&root().join("indicators/kz-cwi.toml"), &KZ);
    let tiny = treated_tiny(&dir);
    for (what, r) in [("kz-cwi", &kz), ("treated tiny", &tiny)] {
        let model = Model::new(r);
        let fw = &r.spec.framework;
        let mut choices = Vec::new();
        let mut perturbed = model.nominal();
        for (k, w) in perturbed.weights.iter_mut().enumerate() {
            *w = 0.75 + 0.5 * ((k * 7 + 3) % 11) as f64 / 10.0;
        }
        choices.push(perturbed.clone());
        perturbed.aggregation = Some(cwi::spec::Aggregation::ShiftedGeometric { offset: 1.0 });
        choices.push(perturbed.clone());
        perturbed.weighting = Some(cwi::spec::Weighting::Equal);
        choices.push(perturbed);
        for (c, choice) in choices.iter().enumerate() {
            let kept = model.scores(choice).unwrap();
            let afresh = cwi::pipeline::stages(fw, &model.recipe(choice), &r.panel)
                .unwrap()
                .scores;
            let mut compared = 0;
            for node in 0..fw.nodes.len() {
                for y in 0..r.panel.years.len() {
                    for u in 0..r.panel.units.len() {
                        let (a, b) = (kept.get(node, y, u), afresh.get(node, y, u));
                        assert_eq!(
                            a.map(f64::to_bits),
                            b.map(f64::to_bits),
                            "{what}, choice {c}: node {}",
                            fw.nodes[node].id
                        );
                        compared += usize::from(b.is_some());
                    }
                }
            }
            assert!(compared > 0);
        }
        assert!(
            r.treated.is_some() || what == "kz-cwi",
            "{what}: the spec treats its values"
        );
    }
}

/// The Kazakhstan spec with an edit, written beside a copy of its units table.
fn kz_variant(dir: &Path, name: &str, edit: impl Fn(&mut toml::Table)) -> PathBuf {
    let mut spec: toml::Table = fs::read_to_string(root().join("indicators/kz-cwi.toml"))
        .unwrap()
        .parse()
        .unwrap();
    edit(&mut spec);
    let path = dir.join(format!("{name}.toml"));
    fs::write(&path, toml::to_string(&spec).unwrap()).unwrap();
    path
}

fn method(text: &str) -> toml::Value {
    toml::Value::Table(
        format!("m = {text}").parse::<toml::Table>().unwrap()["m"]
            .as_table()
            .unwrap()
            .clone(),
    )
}

fn set_default(key: &'static str, text: &'static str) -> impl Fn(&mut toml::Table) {
    move |spec| {
        spec["defaults"]
            .as_table_mut()
            .unwrap()
            .insert(key.into(), method(text));
    }
}

#[test]
fn every_method_family_is_reproduced_by_a_replication_with_nothing_varied() {
    let dir = scratch("engine-methods");
    fs::copy(
        root().join("indicators/kz-regions.csv"),
        dir.join("kz-regions.csv"),
    )
    .unwrap();
    let mut variants: Vec<(String, Box<dyn Fn(&mut toml::Table)>)> = Vec::new();
    for m in [
        r#"{ method = "none" }"#,
        r#"{ method = "mean" }"#,
        r#"{ method = "median" }"#,
        r#"{ method = "group-mean" }"#,
        r#"{ method = "group-median" }"#,
        r#"{ method = "interpolate" }"#,
        r#"{ method = "carry", years = 2 }"#,
    ] {
        variants.push((
            format!("imputation {m}"),
            Box::new(set_default("imputation", m)),
        ));
    }
    for m in [
        r#"{ method = "jrc", points = 3 }"#,
        r#"{ method = "jrc", points = 1, log_form = "coinr", skewness = 1, kurtosis = 1 }"#,
        r#"{ method = "winsorise", points = 2 }"#,
        r#"{ method = "sqrt" }"#,
    ] {
        variants.push((
            format!("treatment {m}"),
            Box::new(set_default("treatment", m)),
        ));
    }
    for m in [
        r#"{ method = "min-max", range = [1, 100] }"#,
        r#"{ method = "z-score", mean = 50, sd = 10 }"#,
        r#"{ method = "goalposts", lo = 0, hi = 100 }"#,
        r#"{ method = "rank" }"#,
        r#"{ method = "rank", ties = "dense" }"#,
        r#"{ method = "percentile-rank" }"#,
        r#"{ method = "percentile-rank", ties = "min" }"#,
        r#"{ method = "percentile-rank", ties = "max" }"#,
        r#"{ method = "borda" }"#,
        r#"{ method = "target", target = 50 }"#,
        r#"{ method = "best" }"#,
        r#"{ method = "reference", region = "KZ-71" }"#,
        r#"{ method = "fraction-max" }"#,
        r#"{ method = "base-year", year = 2022 }"#,
        r#"{ method = "piecewise", breakpoints = [[0, 0], [50, 80], [100, 100]] }"#,
        r#"{ method = "ampi", reference = 50, delta = 40 }"#,
    ] {
        variants.push((
            format!("normalisation {m}"),
            Box::new(set_default("normalisation", m)),
        ));
    }
    // Aggregations over scores onto [1, 100], so that means needing positive scores apply.
    for m in [
        r#"{ method = "arithmetic" }"#,
        r#"{ method = "geometric" }"#,
        r#"{ method = "geometric", offset = 1 }"#,
        r#"{ method = "harmonic" }"#,
        r#"{ method = "power", p = 2 }"#,
        r#"{ method = "minimum" }"#,
        r#"{ method = "sum" }"#,
        r#"{ method = "mpi" }"#,
        r#"{ method = "mpi", penalty = "negative", dispersion = "sample" }"#,
        r#"{ method = "weighted-sum" }"#,
        r#"{ method = "product" }"#,
        r#"{ method = "rank-mean" }"#,
        r#"{ method = "copeland" }"#,
    ] {
        variants.push((
            format!("aggregation {m}"),
            Box::new(move |spec: &mut toml::Table| {
                set_default(
                    "normalisation",
                    r#"{ method = "min-max", range = [1, 100] }"#,
                )(spec);
                set_default("aggregation", m)(spec);
            }),
        ));
    }
    // A lower-is-better index with dense ranks, also through methods comparing regions.
    for m in [r#"{ method = "arithmetic" }"#, r#"{ method = "copeland" }"#] {
        variants.push((
            format!("index direction lower, {m}"),
            Box::new(move |spec: &mut toml::Table| {
                let index = spec["index"].as_table_mut().unwrap();
                index.insert("direction".into(), "lower".into());
                index.insert("ties".into(), "dense".into());
                set_default("aggregation", m)(spec);
            }),
        ));
    }
    // Screening before and after imputation.
    variants.push((
        "screening before imputation".into(),
        Box::new(set_default("screening", r#"{ min_share = 0.95 }"#)),
    ));
    variants.push((
        "screening after imputation".into(),
        Box::new(|spec: &mut toml::Table| {
            set_default(
                "screening",
                r#"{ min_share = 0.95, when = "after-imputation" }"#,
            )(spec);
            set_default("imputation", r#"{ method = "carry", years = 1 }"#)(spec);
        }),
    ));
    // Weightings: PCA and an AHP matrix on groups of indicators.
    variants.push((
        "weighting pca".into(),
        Box::new(|spec: &mut toml::Table| {
            for g in spec["group"].as_array_mut().unwrap() {
                if g["id"].as_str() == Some("psychological") {
                    g.as_table_mut()
                        .unwrap()
                        .insert("weighting".into(), "pca".into());
                }
            }
        }),
    ));
    variants.push((
        "weighting ahp".into(),
        Box::new(|spec: &mut toml::Table| {
            let ahp = "m = [[1, 3, 5], [0.3333333333, 1, 2], [0.2, 0.5, 1]]"
                .parse::<toml::Table>()
                .unwrap()["m"]
                .clone();
            for g in spec["group"].as_array_mut().unwrap() {
                let g = g.as_table_mut().unwrap();
                if g["id"].as_str() == Some("child") {
                    g.insert("ahp".into(), ahp.clone());
                }
                if g["parent"].as_str() == Some("child") {
                    g.remove("weight");
                }
            }
        }),
    ));
    for (k, (what, edit)) in variants.iter().enumerate() {
        let path = kz_variant(&dir, &format!("v{k}"), edit);
        nominal_reproduces_compute(&results(&path, &KZ), what);
    }
}

/// A spec that imputes and treats, on data with standard errors: R3's missing enrolment, and
/// `reading` (values 5, 3, 4, standard errors 0.5, 0.2, 0.4) normalised after a square root.
fn treated_tiny(dir: &Path) -> Results {
    let spec = fs::read_to_string(root().join("tests/fixtures/tiny.toml"))
        .unwrap()
        .replace(
            "[defaults]\n",
            "[defaults]\nimputation = { method = \"mean\" }\ntreatment = { method = \"sqrt\" }\n",
        );
    let spec_path = dir.join("tiny.toml");
    fs::write(&spec_path, spec).unwrap();
    let data = dir.join("tiny.csv");
    fs::write(
        &data,
        "region,year,indicator,value,se\nR1,2024,vaccination,90,\nR2,2024,vaccination,80,\nR3,2024,vaccination,70,\nR1,2024,mortality,10,\nR2,2024,mortality,30,\nR3,2024,mortality,20,\nR1,2024,enrolment,60,\nR2,2024,enrolment,100,\nR3,2024,enrolment,,\nR1,2024,reading,5,0.5\nR2,2024,reading,3,0.2\nR3,2024,reading,4,0.4\n",
    )
    .unwrap();
    run(spec::load(&spec_path).unwrap(), &[&data]).unwrap()
}

/// Survey values are drawn from their sampling error as loaded, then treated: the score of
/// `reading` is min-max of the square roots of the drawn values (0 for the lowest, 100 for the
/// highest), not min-max of drawn square roots.
#[test]
fn sampling_draws_come_before_the_treatment() {
    let dir = scratch("engine-draws");
    let r = treated_tiny(&dir);
    let model = Model::new(&r);
    assert!(model.has_sampling_error());
    let reading = r.spec.framework.indicator_column("reading").unwrap();
    let node = r.spec.framework.position("reading").unwrap();
    let choice = Choice {
        sampling: Some(42),
        ..model.nominal()
    };
    let drawn = model.values(&choice);
    let x: Vec<f64> = (0..3).map(|u| drawn.get(0, u, reading).unwrap()).collect();
    // Every value moved, by less than 5 standard errors.
    for (u, (v, (orig, se))) in x
        .iter()
        .zip([(5.0, 0.5), (3.0, 0.2), (4.0, 0.4)])
        .enumerate()
    {
        assert!(*v != orig && (v - orig).abs() < 5.0 * se, "region {u}: {v}");
    }
    let roots: Vec<f64> = x.iter().map(|v| v.sqrt()).collect();
    let (lo, hi) = (
        roots.iter().copied().fold(f64::INFINITY, f64::min),
        roots.iter().copied().fold(f64::NEG_INFINITY, f64::max),
    );
    let scores = model.scores(&choice).unwrap();
    for u in 0..3 {
        let expected = 100.0 * (roots[u] - lo) / (hi - lo);
        let got = scores.get(node, 0, u).unwrap();
        assert!(
            (got - expected).abs() < 1e-9,
            "region {u}: {got} against {expected}"
        );
    }
}

/// An imputation alternative imputes the loaded values: where the spec imputes R3's missing
/// enrolment with the mean (60 + 100)/2 = 80, the alternative "carry" finds no other year and
/// leaves it missing, and "median" of two values is again 80. The imputed value is then
/// treated like the others: min-max of the square roots puts R3 at
/// 100 (sqrt 80 - sqrt 60)/(sqrt 100 - sqrt 60) = 53.16.
#[test]
fn an_imputation_alternative_imputes_the_loaded_values() {
    let dir = scratch("engine-impute");
    let r = treated_tiny(&dir);
    let model = Model::new(&r);
    let node = r.spec.framework.position("enrolment").unwrap();
    let expected = 100.0 * (80f64.sqrt() - 60f64.sqrt()) / (10.0 - 60f64.sqrt());
    let close = |v: Option<f64>| (v.unwrap() - expected).abs() < 1e-9;
    assert!(
        close(r.scores.get(node, 0, 2)),
        "{:?}",
        r.scores.get(node, 0, 2)
    );
    let with = |imputation| {
        model
            .scores(&Choice {
                imputation: Some(imputation),
                ..model.nominal()
            })
            .unwrap()
            .get(node, 0, 2)
    };
    assert_eq!(with(spec::Impute::Carry { years: 1 }), None);
    assert_eq!(with(spec::Impute::None), None);
    assert!(close(with(spec::Impute::Median)));
}

/// A replication in which a mean meets a score it cannot take fails those region-years (no
/// rank, counted) instead of stopping: tiny's min-max scores reach 0 in every region (R1
/// enrolment, R2 mortality, R3 vaccination), so a geometric mean everywhere fails all three.
/// `compute` with the same choice stops, naming the node, region and year.
#[test]
fn a_mean_meeting_zero_fails_the_region_year_in_a_replication() {
    let r = results(
        &root().join("tests/fixtures/tiny.toml"),
        &["tests/fixtures/tiny.csv"],
    );
    let model = Model::new(&r);
    let choice = Choice {
        aggregation: Some(spec::Aggregation::Geometric),
        ..model.nominal()
    };
    let run = model.ranks(&choice).unwrap();
    assert_eq!(run.ranks, vec![0, 0, 0]);
    assert_eq!(run.failed, vec![true, true, true]);
    let mut recipe = model.recipe(&choice);
    recipe.lenient = false;
    let e = cwi::pipeline::stages(&r.spec.framework, &recipe, &r.panel)
        .unwrap_err()
        .to_string();
    assert!(e.contains("(geometric) meets 0"), "{e}");
}

/// Writes `p.toml` and `p.csv` into `dir`: 300 regions x 20 indicators x 12 years, indicator
/// k's value for region r in year y being (r * (k + 7)) mod 101 + y; min-max by year. The
/// indicators are the index's children, or with `groups` those of two geometric groups (g1:
/// i0-i9, g2: i10-i19).
fn write_large_panel(dir: &Path, groups: bool) {
    use std::fmt::Write as _;
    let mut spec = String::from(
        "[index]\nid = \"p\"\nversion = \"1\"\nlanguages = [\"en\"]\nscale = [0, 100]\nname = { en = \"P\" }\n[units]\nfrom_data = true\n[defaults]\npooling = \"each-year\"\nnormalisation = { method = \"min-max\" }\naggregation = { method = \"arithmetic\" }\n",
    );
    for g in (1..=2).filter(|_| groups) {
        write!(
            spec,
            "[[group]]\nid = \"g{g}\"\nparent = \"p\"\nname = {{ en = \"G{g}\" }}\naggregation = {{ method = \"geometric\" }}\n"
        )
        .unwrap();
    }
    for k in 0..20 {
        let parent = if groups {
            format!("g{}", 1 + k / 10)
        } else {
            "p".to_string()
        };
        write!(
            spec,
            "[[indicator]]\nid = \"i{k}\"\nparent = \"{parent}\"\nname = {{ en = \"I{k}\" }}\nunit = \"u\"\ndirection = \"higher\"\nsource = \"s\"\n"
        )
        .unwrap();
    }
    fs::write(dir.join("p.toml"), spec).unwrap();
    let mut data = String::from("region,year");
    for k in 0..20 {
        write!(data, ",i{k}").unwrap();
    }
    data.push('\n');
    for y in 0..12 {
        for r in 0..300 {
            write!(data, "R{r:03},{}", 2000 + y).unwrap();
            for k in 0..20 {
                write!(data, ",{}", (r * (k + 7)) % 101 + y).unwrap();
            }
            data.push('\n');
        }
    }
    fs::write(dir.join("p.csv"), data).unwrap();
}

/// A panel large enough for the indicators to be normalised in parallel (300 regions x 20
/// indicators x 12 years): the same scores.csv, byte for byte, on one thread and on two, and
/// min-max scores as derived here: indicator k's value for region r in year y is
/// (r * (k + 7)) mod 101 + y, so each year's minimum and maximum are y and 100 + y (r = 0 and
/// a region with r * (k + 7) = 100 mod 101), and region r scores ((r * (k + 7)) mod 101) / 100 *
/// 100.
#[test]
fn a_large_panel_normalises_the_same_on_any_number_of_threads() {
    let dir = crate::common::scratch("engine-parallel-normalise");
    write_large_panel(&dir, false);
    let run = |threads: &str| {
        let out = dir.join(format!("out-{threads}"));
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_cwi"))
            .args(["compute", "--spec"])
            .arg(dir.join("p.toml"))
            .arg("--data")
            .arg(dir.join("p.csv"))
            .arg("--out")
            .arg(&out)
            .args(["--formats", "csv,parquet"])
            .env("RAYON_NUM_THREADS", threads)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        (
            std::fs::read_to_string(out.join("scores.csv")).unwrap(),
            std::fs::read(out.join("scores.parquet")).unwrap(),
        )
    };
    // 75,600 score rows: scores.parquet encodes its years as many at a time as there are
    // threads.
    let ((one, parquet), (two, parquet_two), (_, parquet_three)) = (run("1"), run("2"), run("3"));
    assert!(one == two, "one and two threads differ");
    assert!(
        parquet == parquet_two && parquet == parquet_three,
        "the Parquet files differ"
    );
    use polars::prelude::SerReader as _;
    let table = polars::prelude::ParquetReader::new(std::io::Cursor::new(parquet))
        .finish()
        .unwrap();
    assert_eq!(table.height(), 12 * 300 * 21);
    assert_eq!(table.height(), one.lines().count() - 1);
    // Region R010, indicator i3, year 2005: (10 * 10) mod 101 = 100, the maximum: 100.
    // Region R020, indicator i3, year 2005: (20 * 10) mod 101 = 99: 99.
    assert!(
        one.contains("\n2005,R010,R010,i3,I3,1,indicator,100,"),
        "{:.300}",
        one
    );
    assert!(one.contains("\n2005,R020,R020,i3,I3,1,indicator,99,"));
    // The index, the mean of its 20 indicators: R001 scores (k + 7) mod 101 = k + 7 on
    // indicator k, so 7 + 9.5 = 16.5 in every year; R000 scores 0 on all.
    let index = |y: i32, region: &str| -> f64 {
        let start = format!("{y},{region},{region},p,P,0,index,");
        let line = one.lines().find(|l| l.starts_with(&start)).unwrap();
        line[start.len()..]
            .split(',')
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    for y in 2000..2012 {
        assert!((index(y, "R001") - 16.5).abs() < 1e-9, "{y}");
        assert!(index(y, "R000").abs() < 1e-9, "{y}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A panel large enough for its years to be aggregated in parallel (300 regions x 12 years
/// x 23 nodes), with two geometric groups whose min-max scores reach 0: indicator k's value
/// for region r in year y is (r * (k + 7)) mod 101 + y, which is the year's minimum for
/// r = 0, 101 and 202 only. `compute` stops at the error a node-by-node pass meets first:
/// the last group (g2, children last in pre-order) in the first year, at region R000 and
/// g2's first child. A replication instead fails those three regions in every year, for g2
/// and then g1, in that order.
#[test]
fn a_large_panel_aggregates_its_years_as_one_pass_would() {
    let dir = crate::common::scratch("engine-parallel-aggregate");
    write_large_panel(&dir, true);
    let spec = spec::load(&dir.join("p.toml")).unwrap();
    let panel = cwi::load::load(&spec, &[dir.join("p.csv")]).unwrap();
    let fw = &spec.framework;
    assert_eq!(fw.nodes.len() * 12 * 300, 82_800);
    let g = |id: &str| fw.nodes.iter().position(|n| n.id == id).unwrap();
    assert!(g("g2") > g("i9") && g("i10") > g("g2"), "pre-order");
    for threads in [1, 2, 3] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let mut recipe = cwi::recipe::Recipe::of(&spec);
        let e = pool
            .install(|| cwi::pipeline::stages(fw, &recipe, &panel))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("\"g2\" (geometric) meets 0 from \"i10\" (region R000, year 2000)"),
            "{threads} threads: {e}"
        );
        recipe.lenient = true;
        let scores = pool
            .install(|| cwi::pipeline::stages(fw, &recipe, &panel))
            .unwrap()
            .scores;
        let mut expected = Vec::new();
        for _group in ["g2", "g1"] {
            for y in 0..12 {
                expected.extend([(y, 0), (y, 101), (y, 202)]);
            }
        }
        assert_eq!(scores.failed, expected, "{threads} threads");
        // R001 on g1 (indicators 0-9): the geometric mean of k + 7, k = 0..9.
        let by_hand = ((7..17).map(|v| f64::from(v).ln()).sum::<f64>() / 10.0).exp();
        let got = scores.get(g("g1"), 5, 1).unwrap();
        assert!((got - by_hand).abs() < 1e-9, "{got} against {by_hand}");
        assert_eq!(scores.get(g("g1"), 5, 0), None);
    }
    let _ = fs::remove_dir_all(&dir);
}
