//! The pipeline through the library API, against numbers derived by hand or published.

use std::path::{Path, PathBuf};

use crate::common::root;

use cwi::pipeline::{Results, run};
use cwi::spec;

fn compute(spec_file: &str, data: &[&str]) -> Results {
    let spec = spec::load(&root().join(spec_file)).unwrap();
    let data: Vec<PathBuf> = data.iter().map(|d| root().join(d)).collect();
    run(spec, &data).unwrap()
}

fn score(r: &Results, node: &str, region: &str, year: i32) -> Option<f64> {
    let n = r.spec.framework.position(node).unwrap();
    let y = r.panel.year_position(year).unwrap();
    let u = r.panel.units.find(region).unwrap();
    r.scores.get(n, y, u)
}

fn rank(r: &Results, node: &str, region: &str, year: i32) -> Option<u32> {
    let n = r.spec.framework.position(node).unwrap();
    let y = r.panel.year_position(year).unwrap();
    let u = r.panel.units.find(region).unwrap();
    r.rank(n, y, u).map(|k| k.as_whole().expect("a whole rank"))
}

fn close(actual: Option<f64>, expected: f64) {
    let a = actual.expect("a score");
    assert!((a - expected).abs() < 1e-9, "expected {expected}, got {a}");
}

/// tests/fixtures/tiny.{toml,csv}, derived by hand. Min-max onto [0, 100] within 2024:
///
/// vaccination (higher; 90, 80, 70; min 70, max 90): R1 100, R2 50, R3 0
/// mortality   (lower; 10, 30, 20; (30 - x) / 20):   R1 100, R2 0,  R3 50
/// enrolment   (higher; 60, 100, missing):           R1 0,   R2 100, R3 missing
/// reading     (higher; 5, 3, 4):                    R1 100, R2 0,  R3 50
///
/// health = (1 * vaccination + 3 * mortality) / 4:
///   R1 (100 + 300) / 4 = 100; R2 (50 + 0) / 4 = 12.5; R3 (0 + 150) / 4 = 37.5
/// education = mean(enrolment, reading); R3 has half the weight (0.5 >= min_share 0.5), so
/// its education is reading alone: R1 50, R2 50, R3 50 (a three-way tie: all rank 1)
/// index = geometric mean (level 0 override) of health and education:
///   R1 sqrt(100 * 50) = 70.71067811865476; R2 sqrt(12.5 * 50) = 25;
///   R3 sqrt(37.5 * 50) = 43.30127018922193
#[test]
fn tiny_fixture_matches_the_hand_calculation() {
    let r = compute("tests/fixtures/tiny.toml", &["tests/fixtures/tiny.csv"]);
    for (region, vacc, mort, enrol, read) in [
        ("R1", 100.0, 100.0, Some(0.0), 100.0),
        ("R2", 50.0, 0.0, Some(100.0), 0.0),
        ("R3", 0.0, 50.0, None, 50.0),
    ] {
        close(score(&r, "vaccination", region, 2024), vacc);
        close(score(&r, "mortality", region, 2024), mort);
        assert_eq!(
            score(&r, "enrolment", region, 2024).is_some(),
            enrol.is_some()
        );
        if let Some(e) = enrol {
            close(score(&r, "enrolment", region, 2024), e);
        }
        close(score(&r, "reading", region, 2024), read);
    }
    close(score(&r, "health", "R1", 2024), 100.0);
    close(score(&r, "health", "R2", 2024), 12.5);
    close(score(&r, "health", "R3", 2024), 37.5);
    for region in ["R1", "R2", "R3"] {
        close(score(&r, "education", region, 2024), 50.0);
        assert_eq!(rank(&r, "education", region, 2024), Some(1));
    }
    close(score(&r, "tiny", "R1", 2024), 5000f64.sqrt());
    close(score(&r, "tiny", "R2", 2024), 25.0);
    close(score(&r, "tiny", "R3", 2024), 1875f64.sqrt());
    assert_eq!(rank(&r, "tiny", "R1", 2024), Some(1));
    assert_eq!(rank(&r, "tiny", "R3", 2024), Some(2));
    assert_eq!(rank(&r, "tiny", "R2", 2024), Some(3));
    assert_eq!(rank(&r, "enrolment", "R3", 2024), None);
}

/// Effective weights of the tiny fixture: health and education 1/2 each; vaccination
/// 1/2 * 1/4 = 0.125, mortality 1/2 * 3/4 = 0.375, enrolment and reading 1/4.
#[test]
fn effective_weights_multiply_down_the_tree() {
    let spec = spec::load(&root().join("tests/fixtures/tiny.toml")).unwrap();
    let fw = &spec.framework;
    let weights = cwi::recipe::Weights(fw.nodes.iter().map(|n| n.weight).collect());
    let w = |id: &str| weights.effective(fw, fw.position(id).unwrap());
    assert_eq!(w("tiny"), 1.0);
    assert_eq!(w("vaccination"), 0.125);
    assert_eq!(w("mortality"), 0.375);
    assert_eq!(w("reading"), 0.25);
}

/// The UNDP HDI spec reproduces every published HDI of the shipped sample (HDR 2023/2024) to
/// 3 decimals, including capped values: life expectancy above 85 (Hong Kong 2021), expected
/// schooling above 18 (Australia, Ireland, Norway) and GNI per capita above 75,000 (Qatar,
/// Singapore, Ireland).
#[test]
fn hdi_spec_reproduces_published_values() {
    let r = compute(
        "indicators/hdi.toml",
        &["data-samples/hdi/hdi-components-2021-2022.csv"],
    );
    let published =
        std::fs::read_to_string(root().join("data-samples/hdi/hdi-published-2021-2022.csv"))
            .unwrap();
    let mut checked = 0;
    for line in published.lines().filter(|l| !l.starts_with('#')).skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let (iso3, year, hdi): (&str, i32, f64) =
            (f[0], f[1].parse().unwrap(), f[2].parse().unwrap());
        let ours = score(&r, "hdi", iso3, year).unwrap();
        assert!(
            ((ours * 1000.0).round() - hdi * 1000.0).abs() < 1e-6,
            "{iso3} {year}: published {hdi}, computed {ours}"
        );
        checked += 1;
    }
    assert_eq!(checked, 28);
    // A capped dimension is exactly 1: Qatar's GNI per capita 95,944 > 75,000.
    close(score(&r, "income", "QAT", 2022), 1.0);
}

/// Pooling decides the bounds. Two years of one indicator, higher is better:
/// 2023: A 10, B 20; 2024: A 20, B 40.
/// each-year: both years give A 0, B 100.
/// all-years (min 10, max 40): 2023 A 0, B 33.33; 2024 A 33.33, B 100.
/// reference-year 2023 (min 10, max 20): 2024 A 100, B 300 (not capped).
#[test]
fn pooling_chooses_the_years_bounds_come_from() {
    let dir = std::env::temp_dir().join(format!("cwi-pooling-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let data = dir.join("data.csv");
    std::fs::write(
        &data,
        "region,year,x\nA,2023,10\nB,2023,20\nA,2024,20\nB,2024,40\n",
    )
    .unwrap();
    let spec_text = |pooling: &str| {
        format!(
            r#"
[index]
id = "p"
version = "1"
languages = ["en"]
scale = [0, 100]
name = {{ en = "P" }}
[units]
from_data = true
[defaults]
{pooling}
normalisation = {{ method = "min-max" }}
aggregation = {{ method = "arithmetic" }}
[[indicator]]
id = "x"
parent = "p"
name = {{ en = "X" }}
unit = "u"
direction = "higher"
source = "test"
"#
        )
    };
    let results = |pooling: &str| {
        let spec = spec::parse_str(&spec_text(pooling), Path::new("p.toml")).unwrap();
        run(spec, &[&data]).unwrap()
    };
    let each = results("pooling = \"each-year\"");
    close(score(&each, "x", "A", 2024), 0.0);
    close(score(&each, "x", "B", 2024), 100.0);
    let all = results("pooling = \"all-years\"");
    close(score(&all, "x", "B", 2023), 100.0 / 3.0);
    close(score(&all, "x", "A", 2024), 100.0 / 3.0);
    close(score(&all, "x", "B", 2024), 100.0);
    let reference = results("pooling = \"reference-year\"\nreference_year = 2023");
    close(score(&reference, "x", "A", 2024), 100.0);
    close(score(&reference, "x", "B", 2024), 300.0);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// More methods end to end, on 3 regions and 2 years of one indicator x (higher is better):
/// 2023: A 10, B 20, C 40; 2024: A 15, B 20, C 50.
///
/// - `base` = base-year index (2023 = 100): A 2024 = 100 * 15/10 = 150, B 100, C 125.
/// - `ref` = 100 * x / B's value: A 2024 = 100 * 15/20 = 75, C 250.
/// - `pct` = percentile rank each year: A 0, B 50, C 100.
/// - index = minimum of the three (A 2024: min(150, 75, 0) = 0), and group `g` = power mean
///   p = 2 of base and ref: A 2024 = sqrt((150^2 + 75^2)/2) = sqrt(14062.5) = 118.585.
#[test]
fn base_year_reference_percentile_minimum_and_power_mean() {
    let dir = std::env::temp_dir().join(format!("cwi-methods-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let data = dir.join("data.csv");
    std::fs::write(
        &data,
        "region,year,base,ref,pct\nA,2023,10,10,10\nB,2023,20,20,20\nC,2023,40,40,40\nA,2024,15,15,15\nB,2024,20,20,20\nC,2024,50,50,50\n",
    )
    .unwrap();
    let text = r#"
[index]
id = "m"
version = "1"
languages = ["en"]
scale = [0, 100]
name = { en = "Methods" }
[units]
from_data = true
[defaults]
pooling = "each-year"
aggregation = { method = "minimum" }
[[group]]
id = "g"
parent = "m"
name = { en = "G" }
aggregation = { method = "power", p = 2 }
[[indicator]]
id = "base"
parent = "g"
name = { en = "Base" }
unit = "u"
direction = "higher"
source = "test"
normalisation = { method = "base-year", year = 2023 }
[[indicator]]
id = "ref"
parent = "g"
name = { en = "Ref" }
unit = "u"
direction = "higher"
source = "test"
normalisation = { method = "reference", region = "B" }
[[indicator]]
id = "pct"
parent = "m"
name = { en = "Pct" }
unit = "u"
direction = "higher"
source = "test"
normalisation = { method = "percentile-rank" }
"#;
    let spec = spec::parse_str(text, Path::new("m.toml")).unwrap();
    let r = run(spec, &[&data]).unwrap();
    close(score(&r, "base", "A", 2024), 150.0);
    close(score(&r, "base", "C", 2024), 125.0);
    close(score(&r, "base", "B", 2023), 100.0);
    close(score(&r, "ref", "A", 2024), 75.0);
    close(score(&r, "ref", "C", 2024), 250.0);
    close(score(&r, "pct", "A", 2024), 0.0);
    close(score(&r, "pct", "B", 2024), 50.0);
    close(score(&r, "g", "A", 2024), 14062.5f64.sqrt());
    close(score(&r, "m", "A", 2024), 0.0);
    // C 2024: g = sqrt((125^2 + 250^2)/2) = 197.64; pct 100; minimum 100.
    close(score(&r, "m", "C", 2024), 100.0);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Imputation and treatment before normalisation. tiny.toml with the year's mean imputed:
/// R3's missing enrolment becomes (60 + 100)/2 = 80, scored (80 - 60)/(100 - 60) = 50; its
/// education is then (50 + 50)/2 = 50 as before, but now from both children. With a square
/// root on reading, (5, 3, 4) become (2.2361, 1.7321, 2): min-max R3 = (2 - 1.7321)/(2.2361 -
/// 1.7321) = 0.53150 -> 53.150.
#[test]
fn imputed_and_treated_values_are_normalised_and_logged() {
    let text = std::fs::read_to_string(root().join("tests/fixtures/tiny.toml"))
        .unwrap()
        .replacen(
            "missing = { min_share = 0.5 }",
            "missing = { min_share = 0.5 }\nimputation = { method = \"mean\" }",
            1,
        )
        .replacen(
            "unit = \"points\"",
            "unit = \"points\"\ntreatment = { method = \"sqrt\" }",
            1,
        );
    let spec = spec::parse_str(&text, &root().join("tests/fixtures/tiny.toml")).unwrap();
    let r = run(spec, &[root().join("tests/fixtures/tiny.csv")]).unwrap();
    close(score(&r, "enrolment", "R3", 2024), 50.0);
    let expected = (2.0 - 3f64.sqrt()) / (5f64.sqrt() - 3f64.sqrt()) * 100.0;
    close(score(&r, "reading", "R3", 2024), expected);
    assert_eq!(r.log.imputed.len(), 1);
    assert_eq!(
        (r.log.imputed[0].region.as_str(), r.log.imputed[0].after),
        ("R3", 80.0)
    );
    assert_eq!(r.log.treated.len(), 3);
    // The raw panel keeps what was loaded.
    assert_eq!(r.panel.get(0, r.panel.units.find("R3").unwrap(), 2), None);
}

/// A derived indicator: offences per 10,000 children from two raw columns, per region and
/// year. A: 30 / 120,000 * 10,000 = 2.5; B: 12 / 40,000 * 10,000 = 3; min-max (lower is better)
/// gives A 100, B 0. A zero denominator is refused with the region and year.
#[test]
fn derived_indicators_are_computed_from_raw_columns() {
    let dir = std::env::temp_dir().join(format!("cwi-derived-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let text =
        std::fs::read_to_string(crate::common::root().join("tests/fixtures/derived.toml")).unwrap();
    let spec_path = dir.join("d.toml");
    let data = dir.join("data.csv");
    std::fs::write(&data, "region,year,indicator,value\nA,2024,offences,30\nA,2024,child_population,120000\nB,2024,offences,12\nB,2024,child_population,40000\n").unwrap();
    let r = run(spec::parse_str(&text, &spec_path).unwrap(), &[&data]).unwrap();
    let raw = |region: &str| r.panel.get(0, r.panel.units.find(region).unwrap(), 0);
    assert_eq!(raw("A"), Some(2.5));
    assert!((raw("B").unwrap() - 3.0).abs() < 1e-12);
    close(score(&r, "offence_rate", "A", 2024), 100.0);
    close(score(&r, "offence_rate", "B", 2024), 0.0);
    std::fs::write(&data, "region,year,indicator,value\nA,2024,offences,30\nA,2024,child_population,0\nB,2024,offences,12\nB,2024,child_population,40000\n").unwrap();
    let err = run(spec::parse_str(&text, &spec_path).unwrap(), &[&data])
        .unwrap_err()
        .to_string();
    assert!(
        err.contains(
            "the formula of \"offence_rate\" cannot be computed for region A, year 2024: division of 30 by zero"
        ),
        "{err}"
    );
    // A formula that does not parse is refused at its column.
    let broken = text.replace("* 10000\"", "* \"");
    let err = spec::parse_str(&broken, &spec_path)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("formula of \"offence_rate\": the formula ends where a value is expected"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Imputation within a group of regions: D (south) is missing; the south's other region C has
/// 30, so D gets 30 by group mean (the year's mean over all regions would be 20).
#[test]
fn group_mean_imputation_uses_the_regions_group() {
    let dir = std::env::temp_dir().join(format!("cwi-group-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let data = dir.join("data.csv");
    std::fs::write(
        &data,
        "region,year,x\nA,2024,10\nB,2024,20\nC,2024,30\nD,2024,\n",
    )
    .unwrap();
    let units: String = [
        ("A", "north"),
        ("B", "north"),
        ("C", "south"),
        ("D", "south"),
    ]
    .iter()
    .map(|(c, g)| format!("[[unit]]\ncode = \"{c}\"\nname = {{ en = \"{c}\" }}\ngroup = \"{g}\"\n"))
    .collect();
    let text = format!(
        "[index]\nid = \"g\"\nversion = \"1\"\nlanguages = [\"en\"]\nscale = [0, 100]\nname = {{ en = \"G\" }}\n{units}[defaults]\npooling = \"each-year\"\nnormalisation = {{ method = \"min-max\" }}\nimputation = {{ method = \"group-mean\" }}\naggregation = {{ method = \"arithmetic\" }}\n[[indicator]]\nid = \"x\"\nparent = \"g\"\nname = {{ en = \"X\" }}\nunit = \"u\"\ndirection = \"higher\"\nsource = \"t\"\n"
    );
    let r = run(
        spec::parse_str(&text, &dir.join("g.toml")).unwrap(),
        &[&data],
    )
    .unwrap();
    assert_eq!(r.log.imputed.len(), 1);
    assert_eq!(
        (r.log.imputed[0].region.as_str(), r.log.imputed[0].after),
        ("D", 30.0)
    );
    close(score(&r, "x", "D", 2024), 100.0);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// PCA weights: for two indicators the first component of their correlation matrix is
/// (1, 1)/sqrt(2) when they correlate positively and (1, -1)/sqrt(2) when negatively, so the
/// squared loadings give each a weight of 1/2; the negative case is reported in the manifest.
#[test]
fn pca_weights_from_the_first_component() {
    let dir = std::env::temp_dir().join(format!("cwi-pca-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let data = dir.join("data.csv");
    let spec_text = |second_direction: &str| {
        format!(
            "[index]\nid = \"p\"\nversion = \"1\"\nlanguages = [\"en\"]\nscale = [0, 100]\nname = {{ en = \"P\" }}\n[units]\nfrom_data = true\n[defaults]\npooling = \"each-year\"\nnormalisation = {{ method = \"min-max\" }}\naggregation = {{ method = \"arithmetic\" }}\n[[group]]\nid = \"g\"\nparent = \"p\"\nname = {{ en = \"G\" }}\nweighting = \"pca\"\n[[indicator]]\nid = \"a\"\nparent = \"g\"\nname = {{ en = \"A\" }}\nunit = \"u\"\ndirection = \"higher\"\nsource = \"t\"\n[[indicator]]\nid = \"b\"\nparent = \"g\"\nname = {{ en = \"B\" }}\nunit = \"u\"\ndirection = \"{second_direction}\"\nsource = \"t\"\n"
        )
    };
    std::fs::write(
        &data,
        "region,year,a,b\nR1,2024,1,2\nR2,2024,2,3\nR3,2024,3,5\nR4,2024,4,4\n",
    )
    .unwrap();
    for (direction, negative) in [("higher", false), ("lower", true)] {
        let r = run(
            spec::parse_str(&spec_text(direction), &dir.join("p.toml")).unwrap(),
            &[&data],
        )
        .unwrap();
        let fw = &r.spec.framework;
        for id in ["a", "b"] {
            assert!(
                (r.weights.relative(fw, fw.position(id).unwrap()) - 0.5).abs() < 1e-9,
                "{direction} {id}"
            );
        }
        assert_eq!(
            r.notes.iter().any(|n| n.contains("loads negatively")),
            negative,
            "{:?}",
            r.notes
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Imputation declared for a level applies to the indicators at that depth that declare none:
/// tiny's indicators are at depth 2, so R3's missing enrolment becomes (60 + 100)/2 = 80.
#[test]
fn imputation_declared_per_level() {
    let text = std::fs::read_to_string(root().join("tests/fixtures/tiny.toml")).unwrap().replacen(
        "[[group]]",
        "[[level]]\nname = { en = \"Group\", ru = \"Группа\" }\n\n[[level]]\nname = { en = \"Indicator\", ru = \"Показатель\" }\nimputation = { method = \"mean\" }\n\n[[group]]",
        1,
    );
    let spec = spec::parse_str(&text, &root().join("tests/fixtures/tiny.toml")).unwrap();
    let r = run(spec, &[root().join("tests/fixtures/tiny.csv")]).unwrap();
    assert_eq!(r.log.imputed.len(), 1);
    assert_eq!(
        (r.log.imputed[0].indicator.as_str(), r.log.imputed[0].after),
        ("enrolment", 80.0)
    );
}

/// The index takes every key a group takes. tiny with, in [index], an AHP matrix
/// [[1, 3], [1/3, 1]] over health and education (a consistent 2 x 2 matrix: weights 3/4 and
/// 1/4) and an arithmetic aggregation, which overrides level 0's geometric mean. By hand, from
/// the health and education scores above: R1 0.75 * 100 + 0.25 * 50 = 87.5;
/// R2 0.75 * 12.5 + 0.25 * 50 = 21.875; R3 0.75 * 37.5 + 0.25 * 50 = 40.625.
#[test]
fn the_index_takes_the_keys_of_a_group() {
    let dir = crate::common::scratch("index-keys");
    let text = std::fs::read_to_string(root().join("tests/fixtures/tiny.toml"))
        .unwrap()
        .replace(
            "scale = [0, 100]\n",
            "scale = [0, 100]\nahp = [[1, 3], [0.3333333333333333, 1]]\naggregation = { method = \"arithmetic\" }\nmissing = { min_share = 1 }\n",
        );
    let path = dir.join("tiny.toml");
    std::fs::write(&path, &text).unwrap();
    let r = run(
        spec::load(&path).unwrap(),
        &[root().join("tests/fixtures/tiny.csv")],
    )
    .unwrap();
    close(score(&r, "tiny", "R1", 2024), 87.5);
    close(score(&r, "tiny", "R2", 2024), 21.875);
    close(score(&r, "tiny", "R3", 2024), 40.625);
    let fw = &r.spec.framework;
    assert!(fw.consistency["tiny"].abs() < 1e-9);
    // A weighting the index's children (groups) cannot take is refused at its line.
    let bad = text.replace(
        "ahp = [[1, 3], [0.3333333333333333, 1]]\n",
        "weighting = \"pca\"\n",
    );
    let e = spec::parse_str(&bad, &path).unwrap_err().to_string();
    assert!(
        e.contains("weighting \"pca\" of \"tiny\" cannot apply"),
        "{e}"
    );
}

/// A formula reads the data columns as loaded: a column that is also an indicator
/// (Population), and the indicator's own column (Flights / Population, as COINr denominates).
/// And the air-quality score of a published regional index with normalisation "none", so the
/// formula is the score. By hand: Flights A 100 / 50 = 2, B 30 / 10 = 3; Population stays
/// 50 and 10; air quality A (x = 30) 1 - 30/100 = 0.7, B (x = 100) 0.5 e^-1.
#[test]
fn formulas_read_the_columns_as_loaded() {
    let dir = crate::common::scratch("formula-columns");
    let text = r#"
[index]
id = "f"
version = "1"
languages = ["en"]
scale = [0, 100]
name = { en = "F" }
[units]
from_data = true
[defaults]
pooling = "each-year"
normalisation = { method = "min-max" }
aggregation = { method = "arithmetic" }
[[indicator]]
id = "Flights"
parent = "f"
name = { en = "Flights per inhabitant" }
unit = "flights"
direction = "higher"
source = "test"
formula = "Flights / Population"
[[indicator]]
id = "Population"
parent = "f"
name = { en = "Population" }
unit = "people"
direction = "higher"
source = "test"
[[indicator]]
id = "air"
parent = "f"
name = { en = "Air quality" }
unit = "score"
direction = "higher"
source = "test"
formula = "if(air_pollution_index <= 50, 1 - air_pollution_index / 100, 0.5 * exp(-(air_pollution_index - 50) / 50))"
normalisation = { method = "none" }
"#;
    let spec_path = dir.join("f.toml");
    let data = dir.join("data.csv");
    std::fs::write(
        &data,
        "region,year,Flights,Population,air_pollution_index\nA,2024,100,50,30\nB,2024,30,10,100\n",
    )
    .unwrap();
    let r = run(spec::parse_str(&text, &spec_path).unwrap(), &[&data]).unwrap();
    let raw = |region: &str, i: usize| r.panel.get(0, r.panel.units.find(region).unwrap(), i);
    assert_eq!((raw("A", 0), raw("B", 0)), (Some(2.0), Some(3.0)));
    assert_eq!((raw("A", 1), raw("B", 1)), (Some(50.0), Some(10.0)));
    close(score(&r, "air", "A", 2024), 0.7);
    close(score(&r, "air", "B", 2024), 0.5 * (-1f64).exp());
    // A value outside a function's domain names the indicator, region and year.
    let ln = text.replace(
        "formula = \"if(",
        "formula = \"ln(air_pollution_index - 30) + if(",
    );
    let err = run(spec::parse_str(&ln, &spec_path).unwrap(), &[&data])
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("the formula of \"air\" cannot be computed for region A, year 2024: ln of 0"),
        "{err}"
    );
    // A JRC treatment's parameters are checked where they are written.
    let bad = text.replace(
        "normalisation = { method = \"none\" }",
        "normalisation = { method = \"none\" }\ntreatment = { method = \"jrc\", log_form = \"natural\" }",
    );
    let err = spec::parse_str(&bad, &spec_path).unwrap_err().to_string();
    assert!(
        err.contains("unknown log_form \"natural\"") && err.contains("coin-tool, coinr"),
        "{err}"
    );
    // "none" keeps values as they are: a lower-is-better indicator is refused.
    let lower = text.replace(
        "direction = \"higher\"\nsource = \"test\"\nformula = \"if(",
        "direction = \"lower\"\nsource = \"test\"\nformula = \"if(",
    );
    let err = spec::parse_str(&lower, &spec_path).unwrap_err().to_string();
    assert!(
        err.contains("normalisation \"none\" keeps its values"),
        "{err}"
    );
}

/// Screening (COINr's Screen). tiny, with an arithmetic index: R3 has 3 of the 4 indicators
/// (enrolment missing), a share of 0.75 below 0.8, so it is left out of 2024 before
/// imputation. By hand, min-max over R1 and R2 only: vaccination 100, 0; mortality (lower)
/// 100, 0; enrolment 0, 100; reading 100, 0; health (1:3) 100, 0; education 50, 50; index
/// (mean) 75, 25. After a mean imputation R3 has every indicator: screening after it keeps R3.
#[test]
fn screening_leaves_out_region_years_with_too_few_values() {
    let dir = crate::common::scratch("screening");
    let base = std::fs::read_to_string(root().join("tests/fixtures/tiny.toml"))
        .unwrap()
        .replace(
            "aggregation = { method = \"geometric\" }",
            "aggregation = { method = \"arithmetic\" }",
        );
    let path = dir.join("tiny.toml");
    let with = |defaults: &str| {
        std::fs::write(
            &path,
            base.replace("[defaults]\n", &format!("[defaults]\n{defaults}\n")),
        )
        .unwrap();
        run(
            spec::load(&path).unwrap(),
            &[root().join("tests/fixtures/tiny.csv")],
        )
        .unwrap()
    };
    let r = with("screening = { min_share = 0.8 }");
    close(score(&r, "tiny", "R1", 2024), 75.0);
    close(score(&r, "tiny", "R2", 2024), 25.0);
    assert_eq!(score(&r, "tiny", "R3", 2024), None);
    assert_eq!(rank(&r, "tiny", "R3", 2024), None);
    assert_eq!(r.log.screened.len(), 1);
    assert_eq!(
        (r.log.screened[0].region.as_str(), r.log.screened[0].share),
        ("R3", 0.75)
    );
    let r = with(
        "screening = { min_share = 0.8, when = \"after-imputation\" }\nimputation = { method = \"mean\" }",
    );
    assert!(r.log.screened.is_empty());
    assert!(score(&r, "tiny", "R3", 2024).is_some());
    // A share outside (0, 1] is refused at its place.
    std::fs::write(
        &path,
        base.replace(
            "[defaults]\n",
            "[defaults]\nscreening = { min_share = 1.5 }\n",
        ),
    )
    .unwrap();
    let e = spec::load(&path).unwrap_err().to_string();
    assert!(
        e.contains("screening.min_share must be in (0, 1], not 1.5"),
        "{e}"
    );
}
