//! Submission checks (`cwi check`) on a small hand-made collection: three regions, two
//! indicators, two years; which values are missing and which changes are to be confirmed is
//! worked out by hand below.

use std::fs;

use crate::common::{cwi, scratch};

const SPEC: &str = r#"
[index]
id = "mini"
version = "1"
languages = ["en", "ru"]
scale = [0, 100]
name = { en = "Mini index", ru = "Мини-индекс" }

[[unit]]
code = "A"
name = { en = "Alpha", ru = "Альфа" }

[[unit]]
code = "B"
name = { en = "Beta", ru = "Бета" }

[[unit]]
code = "C"
name = { en = "Gamma", ru = "Гамма" }

[defaults]
pooling = "each-year"
normalisation = { method = "min-max" }
aggregation = { method = "arithmetic" }
missing = { min_share = 0.5 }

[validation]
max_change = 0.3

[[indicator]]
id = "x"
parent = "mini"
name = { en = "Ex", ru = "Икс" }
unit = "%"
direction = "higher"
source = "Agency X"

[[indicator]]
id = "y"
parent = "mini"
name = { en = "Why", ru = "Игрек" }
unit = "%"
direction = "higher"
source = "Agency Y"
max_change = 0.5
"#;

// x: A 100 -> 131 (+31% > 30%: to confirm), B 100 -> 129 (+29%: fine), C 100 -> 70 (-30%:
// exactly at the limit, fine). y (its own limit 50%): A 10 -> 14.9 (+49%: fine), B 10 -> 4
// (-60%: to confirm), C missing in 2024.
const DATA: &str = "region,year,indicator,value
A,2023,x,100
B,2023,x,100
C,2023,x,100
A,2023,y,10
B,2023,y,10
C,2023,y,10
A,2024,x,131
B,2024,x,129
C,2024,x,70
A,2024,y,14.9
B,2024,y,4
C,2024,y,
";

#[test]
fn missing_values_and_large_changes_per_region() {
    let dir = scratch("check");
    fs::write(dir.join("mini.toml"), SPEC).unwrap();
    fs::write(dir.join("data.csv"), DATA).unwrap();
    let (spec, data) = (dir.join("mini.toml"), dir.join("data.csv"));
    let out_dir = dir.join("lists");
    let o = cwi(&[
        "check",
        "--spec",
        spec.to_str().unwrap(),
        "--data",
        data.to_str().unwrap(),
        "--format",
        "json",
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    // A value is missing: exit 1.
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["year"], 2024);
    assert_eq!(v["previous_year"], 2023);
    let regions = v["regions"].as_array().unwrap();
    assert_eq!(regions.len(), 3);
    let (a, b, c) = (&regions[0], &regions[1], &regions[2]);
    assert_eq!(a["code"], "A");
    assert_eq!(a["missing"].as_array().unwrap().len(), 0);
    let jumps = a["jumps"].as_array().unwrap();
    assert_eq!(jumps.len(), 1);
    assert_eq!(jumps[0]["indicator"], "x");
    assert!((jumps[0]["change"].as_f64().unwrap() - 0.31).abs() < 1e-12);
    assert_eq!(jumps[0]["max_change"], 0.3);
    let jumps = b["jumps"].as_array().unwrap();
    assert_eq!(jumps.len(), 1);
    assert_eq!(jumps[0]["indicator"], "y");
    assert!((jumps[0]["change"].as_f64().unwrap() + 0.6).abs() < 1e-12);
    assert_eq!(jumps[0]["max_change"], 0.5);
    assert_eq!(c["jumps"].as_array().unwrap().len(), 0);
    assert_eq!(c["reported"], 1);
    assert_eq!(c["expected"], 2);
    assert_eq!(c["missing"][0]["indicator"], "y");
    assert_eq!(c["missing"][0]["source"], "Agency Y");
    // One list per region with something to report, to send to its office.
    let c_list = fs::read_to_string(out_dir.join("C.csv")).unwrap();
    assert_eq!(
        c_list,
        "Indicator id,Indicator,Status,Source,Previous year,Value,Change\ny,Why,missing,Agency Y,,,\n"
    );
    let a_list = fs::read_to_string(out_dir.join("A.csv")).unwrap();
    assert!(
        a_list.ends_with("x,Ex,to confirm,,100,131,+31.0%\n"),
        "{a_list}"
    );
    assert!(out_dir.join("check.json").exists());

    // Text, in Russian; the earlier year alone is complete: exit 0.
    let o = cwi(&[
        "check",
        "--spec",
        spec.to_str().unwrap(),
        "--data",
        data.to_str().unwrap(),
        "--lang",
        "ru",
        "--year",
        "2023",
    ]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{text}");
    assert!(text.contains("Проверка сдачи данных"), "{text}");
    assert!(text.contains("в данных нет предыдущего года"), "{text}");
    assert!(text.contains("A Альфа: сдано 2 / 2"), "{text}");

    // Changes to confirm fail the check only with --deny-warnings.
    let complete = DATA.replace("C,2024,y,\n", "C,2024,y,10\n");
    fs::write(dir.join("complete.csv"), complete).unwrap();
    let run = |deny: bool| {
        let mut a = vec!["check", "--spec", spec.to_str().unwrap(), "--data"];
        let complete = dir.join("complete.csv");
        let complete = complete.to_str().unwrap().to_string();
        a.push(&complete);
        if deny {
            a.push("--deny-warnings");
        }
        cwi(&a).status.code()
    };
    assert_eq!(run(false), Some(0));
    assert_eq!(run(true), Some(1));
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn a_region_that_sent_nothing_is_listed_with_everything_missing() {
    let dir = scratch("check-nothing");
    fs::write(dir.join("mini.toml"), SPEC).unwrap();
    let without_c: String = DATA
        .lines()
        .filter(|l| !l.starts_with("C,"))
        .map(|l| format!("{l}\n"))
        .collect();
    fs::write(dir.join("data.csv"), without_c).unwrap();
    let o = cwi(&[
        "check",
        "--spec",
        dir.join("mini.toml").to_str().unwrap(),
        "--data",
        dir.join("data.csv").to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let c = &v["regions"][2];
    assert_eq!(c["code"], "C");
    assert_eq!(c["reported"], 0);
    assert_eq!(c["missing"].as_array().unwrap().len(), 2);
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn data_errors_stop_the_check_with_their_place() {
    let dir = scratch("check-errors");
    fs::write(dir.join("mini.toml"), SPEC).unwrap();
    fs::write(
        dir.join("data.csv"),
        DATA.replace("A,2024,x,131", "A,2024,x,abc"),
    )
    .unwrap();
    let o = cwi(&[
        "check",
        "--spec",
        dir.join("mini.toml").to_str().unwrap(),
        "--data",
        dir.join("data.csv").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("error[E103]") && err.contains("data.csv"),
        "{err}"
    );
    assert!(o.stdout.is_empty());
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn a_language_the_spec_has_no_labels_in_is_refused_by_check_diff_and_template() {
    let dir = scratch("check-lang");
    fs::write(dir.join("mini.toml"), SPEC).unwrap();
    fs::write(dir.join("data.csv"), DATA).unwrap();
    let (spec, data) = (dir.join("mini.toml"), dir.join("data.csv"));
    let (spec, data) = (spec.to_str().unwrap(), data.to_str().unwrap());
    let out = dir.join("t");
    for args in [
        vec!["check", "--spec", spec, "--data", data, "--lang", "de"],
        vec![
            "diff",
            "--spec",
            spec,
            "--base-spec",
            spec,
            "--data",
            data,
            "--lang",
            "de",
        ],
        vec![
            "template",
            "--spec",
            spec,
            "--year",
            "2025",
            "--out",
            out.to_str().unwrap(),
            "--lang",
            "de",
        ],
    ] {
        let o = cwi(&args);
        assert!(!o.status.success(), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains(
                "language \"de\" has no labels in the spec (it declares [\"en\", \"ru\"])"
            ),
            "{args:?}: {err}"
        );
    }
    assert!(!out.exists(), "nothing written");
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn regions_that_did_not_exist_that_year_are_not_asked() {
    // The Kazakhstan sample's 2021 data are on the 17 regions before the 2022 split.
    let o = cwi(&[
        "check",
        "--spec",
        "indicators/kz-cwi.toml",
        "--data",
        "data-samples/kz/before-2022.csv",
        "--year",
        "2021",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let codes: Vec<&str> = v["regions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes.len(), 17, "{codes:?}");
    for absent in ["KZ-10", "KZ-33", "KZ-62"] {
        assert!(!codes.contains(&absent), "{absent}");
    }
}
