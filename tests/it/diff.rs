//! `cwi diff` on a four-region index whose ranks are worked out by hand: two indicators
//! normalised by min-max onto [0, 100], weighted 1:1 in the base spec and 3:1 in the new one.
//!
//!   region   x    y    old (1:1)  rank   new (3:1)  rank   change
//!   R1       0  100    50         2      25         3      -1
//!   R2     100    0    50         2      75         1      +1
//!   R3      50   60    55         1      52.5       2      -1
//!   R4      20   20    20         4      20         4       0
//!
//! Spearman's correlation of old ranks (2, 2, 1, 4; average ranks 2.5, 2.5, 1, 4) and new ranks
//! (3, 1, 2, 4): deviations (0, 0, -1.5, 1.5) and (0.5, -1.5, -0.5, 1.5), so r = 3 / sqrt(4.5 *
//! 5) = 0.632456.

use std::fs;
use std::path::Path;
use std::process::Command;

use crate::common::{root, scratch};

fn spec(x_weight: u32, extra: &str) -> String {
    let mut s = String::from(
        r#"[index]
id = "four"
version = "1"
languages = ["en", "kk"]
scale = [0, 100]
name = { en = "Four", kk = "Төрт" }

[units]
from_data = true

[data]
name_column = "name"

[defaults]
pooling = "each-year"
normalisation = { method = "min-max" }
aggregation = { method = "arithmetic" }

"#,
    );
    s.push_str(&format!(
        "[[indicator]]\nid = \"x\"\nparent = \"four\"\nweight = {x_weight}\nname = {{ en = \"Ex\", kk = \"Икс\" }}\nunit = \"%\"\ndirection = \"higher\"\nsource = \"s\"\n\n[[indicator]]\nid = \"y\"\nparent = \"four\"\nname = {{ en = \"Why\", kk = \"Игрек\" }}\nunit = \"%\"\ndirection = \"higher\"\nsource = \"s\"\n{extra}"
    ));
    s
}

const DATA: &str = "region,name,year,x,y,z
R1,One,2024,0,100,1
R2,Two,2024,100,0,2
R3,Three,2024,50,60,3
R4,Four,2024,20,20,4
";

fn cwi_in(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_cwi"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

/// `cwi diff ARGS --format json` in `dir`, which must succeed: its answer.
fn diff_json(dir: &Path, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["diff"];
    all.extend(args);
    all.extend(["--format", "json"]);
    let o = cwi_in(dir, &all);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

fn setup(name: &str) -> std::path::PathBuf {
    let dir = scratch(name);
    fs::write(dir.join("old.toml"), spec(1, "")).unwrap();
    fs::write(dir.join("new.toml"), spec(3, "")).unwrap();
    fs::write(dir.join("data.csv"), DATA).unwrap();
    dir
}

#[test]
fn two_specs_on_the_same_data() {
    let dir = setup("diff-specs");
    let v = diff_json(
        &dir,
        &[
            "--spec",
            "new.toml",
            "--base-spec",
            "old.toml",
            "--data",
            "data.csv",
            "--out",
            "out",
        ],
    );
    let index: Vec<&serde_json::Value> = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["node_id"] == "four")
        .collect();
    let expect = [
        ("R1", 50.0, 25.0, 2, 3, -1),
        ("R2", 50.0, 75.0, 2, 1, 1),
        ("R3", 55.0, 52.5, 1, 2, -1),
        ("R4", 20.0, 20.0, 4, 4, 0),
    ];
    assert_eq!(index.len(), 4);
    for (row, (code, old, new, old_rank, new_rank, change)) in index.iter().zip(expect) {
        assert_eq!(row["region_code"], code);
        assert!(
            (row["old_score"].as_f64().unwrap() - old).abs() < 1e-9,
            "{row}"
        );
        assert!(
            (row["new_score"].as_f64().unwrap() - new).abs() < 1e-9,
            "{row}"
        );
        assert_eq!(row["old_rank"], old_rank);
        assert_eq!(row["new_rank"], new_rank);
        assert_eq!(row["rank_change"], change);
    }
    let summary = v["summaries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["node_id"] == "four")
        .unwrap();
    assert_eq!(summary["moved"], 3);
    assert_eq!(summary["ranked"], 4);
    assert_eq!(summary["largest_move"], 1);
    assert!((summary["spearman"].as_f64().unwrap() - 3.0 / 22.5f64.sqrt()).abs() < 1e-12);
    // The indicators' own ranks do not change.
    let x = v["summaries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["node_id"] == "x")
        .unwrap();
    assert_eq!(x["moved"], 0);
    assert!(v["nodes_added"].as_array().unwrap().is_empty());
    for f in [
        "diff.csv",
        "diff.json",
        "diff.md",
        "charts/diff-slope.svg",
        "charts/diff-slope.png",
    ] {
        assert!(dir.join("out").join(f).is_file(), "{f}");
    }
    let csv = fs::read_to_string(dir.join("out/diff.csv")).unwrap();
    assert!(
        csv.contains("2024,R2,Two,four,Four,0,50,75,25,2,1,1\n"),
        "{csv}"
    );
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn markdown_github_and_the_rank_move_gate() {
    let dir = setup("diff-formats");
    let run = |extra: &[&str]| {
        let mut a = vec![
            "diff",
            "--spec",
            "new.toml",
            "--base-spec",
            "old.toml",
            "--data",
            "data.csv",
        ];
        a.extend(extra);
        cwi_in(&dir, &a)
    };
    let o = run(&["--format", "markdown"]);
    let md = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success());
    assert!(
        md.contains("Four, 2024: 3 of 4 regions changed rank, the largest move 1 places"),
        "{md}"
    );
    assert!(
        md.contains("| R2 Two | 50.00 | 75.00 | +25.00 | 2 | 1 | +1 |"),
        "{md}"
    );
    // Kazakh headings.
    let o = run(&["--format", "markdown", "--lang", "kk"]);
    let md = String::from_utf8_lossy(&o.stdout);
    assert!(
        md.contains("Өзгерістің индекске әсері") && md.contains("| Өңір |"),
        "{md}"
    );
    // No move is larger than 1 place: the gate at 1 passes, at 0 fails.
    assert_eq!(run(&["--fail-on-rank-move", "1"]).status.code(), Some(0));
    let o = run(&["--fail-on-rank-move", "0", "--format", "github"]);
    assert_eq!(o.status.code(), Some(1));
    let gh = String::from_utf8_lossy(&o.stdout);
    assert!(
        gh.starts_with("::notice title=Impact of the change on the index::Four, 2024"),
        "{gh}"
    );
    assert_eq!(
        gh.matches("::warning title=Rank change::").count(),
        3,
        "{gh}"
    );
    assert!(
        gh.contains("R2 Two: rank on Four 2 -> 1 (2024) (over the threshold)"),
        "{gh}"
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("more than --fail-on-rank-move 0"), "{err}");
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn nodes_added_and_the_same_spec_on_two_data_sets() {
    let dir = setup("diff-data");
    let with_z = spec(
        1,
        "\n[[indicator]]\nid = \"z\"\nparent = \"four\"\nname = { en = \"Zed\", kk = \"Зет\" }\nunit = \"%\"\ndirection = \"higher\"\nsource = \"s\"\n",
    );
    fs::write(dir.join("with-z.toml"), with_z).unwrap();
    let v = diff_json(
        &dir,
        &[
            "--spec",
            "with-z.toml",
            "--base-spec",
            "old.toml",
            "--data",
            "data.csv",
        ],
    );
    assert_eq!(v["nodes_added"], serde_json::json!(["z"]));
    // One spec, the data corrected: R4's x from 20 to 100 puts it first with R2's 1:1 score
    // of 50 -> R4 (100 + 20) / 2 = 60 is first, R3 55 second.
    fs::write(
        dir.join("corrected.csv"),
        DATA.replace("R4,Four,2024,20,20", "R4,Four,2024,100,20"),
    )
    .unwrap();
    let o = cwi_in(
        &dir,
        &[
            "diff",
            "--spec",
            "old.toml",
            "--base-data",
            "data.csv",
            "--data",
            "corrected.csv",
            "--format",
            "csv",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let csv = String::from_utf8_lossy(&o.stdout);
    assert!(
        csv.contains("2024,R4,Four,four,Four,0,20,60,40,4,1,3\n"),
        "{csv}"
    );
    assert!(
        csv.contains("2024,R3,Three,four,Four,0,55,55,0,1,2,-1\n"),
        "{csv}"
    );
    // A region in the new data only is named, not left out without a word.
    fs::write(
        dir.join("more.csv"),
        format!("{DATA}R5,Five,2024,50,50,5\n"),
    )
    .unwrap();
    let v = diff_json(
        &dir,
        &[
            "--spec",
            "old.toml",
            "--base-data",
            "data.csv",
            "--data",
            "more.csv",
        ],
    );
    assert_eq!(v["regions_added"], serde_json::json!(["R5"]));
    assert_eq!(v["regions_removed"], serde_json::json!([]));
    let o = cwi_in(
        &dir,
        &[
            "diff",
            "--spec",
            "old.toml",
            "--base-data",
            "more.csv",
            "--data",
            "data.csv",
        ],
    );
    assert!(String::from_utf8_lossy(&o.stdout).contains("Regions in the base version only: R5"));
    // A year in one version only is named as not compared.
    fs::write(
        dir.join("two-years.csv"),
        format!(
            "{DATA}{}",
            DATA.lines()
                .skip(1)
                .map(|l| l.replace(",2024,", ",2025,") + "\n")
                .collect::<String>()
        ),
    )
    .unwrap();
    let v = diff_json(
        &dir,
        &[
            "--spec",
            "old.toml",
            "--base-data",
            "data.csv",
            "--data",
            "two-years.csv",
        ],
    );
    assert_eq!(v["years"], serde_json::json!([2024]));
    assert_eq!(v["years_added"], serde_json::json!([2025]));
    let o = cwi_in(
        &dir,
        &[
            "diff",
            "--spec",
            "old.toml",
            "--base-data",
            "two-years.csv",
            "--data",
            "data.csv",
        ],
    );
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("Years in the base version only (not compared): 2025"),
        "{text}"
    );
    // Nothing to compare.
    let o = cwi_in(&dir, &["diff", "--spec", "old.toml", "--data", "data.csv"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("nothing to compare"));
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn the_base_spec_read_from_a_git_revision() {
    let dir = setup("diff-git");
    let git = |args: &[&str]| {
        let o = Command::new("git")
            .args(args)
            .current_dir(&dir)
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.org")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.org")
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    };
    git(&["init", "-q"]);
    fs::create_dir_all(dir.join("indicators")).unwrap();
    fs::write(dir.join("indicators/four.toml"), spec(1, "")).unwrap();
    git(&["add", "indicators/four.toml"]);
    git(&["commit", "-q", "-m", "base"]);
    // The working tree's spec changes the weights.
    fs::write(dir.join("indicators/four.toml"), spec(3, "")).unwrap();
    let o = cwi_in(
        &dir,
        &[
            "diff",
            "--spec",
            "indicators/four.toml",
            "--base-spec",
            "HEAD:indicators/four.toml",
            "--data",
            "data.csv",
            "--format",
            "csv",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let csv = String::from_utf8_lossy(&o.stdout);
    assert!(
        csv.contains("2024,R2,Two,four,Four,0,50,75,25,2,1,1\n"),
        "{csv}"
    );
    // The same from outside the repository: git reads the revision from the repository that
    // holds --spec, PATH from its top, as inside it.
    let outside = crate::common::scratch("diff-git-outside");
    let (spec_path, data_path) = (dir.join("indicators/four.toml"), dir.join("data.csv"));
    let o = cwi_in(
        &outside,
        &[
            "diff",
            "--spec",
            spec_path.to_str().unwrap(),
            "--base-spec",
            "HEAD:indicators/four.toml",
            "--data",
            data_path.to_str().unwrap(),
            "--format",
            "csv",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("2024,R2,Two,four,Four,0,50,75,25,2,1,1\n")
    );
    // A revision that does not exist.
    let o = cwi_in(
        &dir,
        &[
            "diff",
            "--spec",
            "indicators/four.toml",
            "--base-spec",
            "no-such-rev:indicators/four.toml",
            "--data",
            "data.csv",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("--base-spec no-such-rev:indicators/four.toml: git cannot read it"),
        "{err}"
    );
    let _ = fs::remove_dir_all(&dir);
    let _ = root();
}
