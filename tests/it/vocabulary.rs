//! One command-line vocabulary: `--formats` names the files written, comma-separated, in
//! `compute` and `report` alike (html and xlsx being the report's); the report's old
//! `--format html xlsx` still works for one version and says what to write instead; and
//! `--deny-warnings` stops every computing command on a warning before anything is written.

use std::fs;

use crate::common::{cwi, scratch};

const KZ: [&str; 6] = [
    "--spec",
    "indicators/kz-cwi.toml",
    "--data",
    "data-samples/kz/statistics.csv",
    "data-samples/kz/surveys.csv",
    "--quiet",
];

fn names(dir: &std::path::Path) -> Vec<String> {
    let mut n: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    n.sort();
    n
}

#[test]
fn formats_name_the_files_and_the_old_report_spelling_warns() {
    let dir = scratch("vocabulary-formats");
    let run = |name: &str, extra: &[&str]| {
        let out = dir.join(name);
        let mut args = vec!["report", "--out", out.to_str().unwrap()];
        args.extend_from_slice(&KZ);
        args.extend_from_slice(extra);
        (cwi(&args), out)
    };
    // The report's and the score table's files in one list; a kind not named (here the
    // report's) takes its default, html.
    let (o, parquet) = run("parquet", &["--formats", "parquet"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let files = names(&parquet);
    assert!(files.contains(&"report.html".to_string()), "{files:?}");
    assert!(files.contains(&"scores.parquet".to_string()), "{files:?}");
    assert!(!files.contains(&"scores.csv".to_string()), "{files:?}");
    assert!(!files.contains(&"report.xlsx".to_string()), "{files:?}");
    // --formats xlsx,csv: the workbook without the HTML, and scores.csv alone.
    let (o, new) = run("new", &["--formats", "xlsx,csv"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        o.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let files = names(&new);
    assert!(
        files.contains(&"report.xlsx".to_string()) && !files.contains(&"report.html".to_string()),
        "{files:?}"
    );
    assert!(
        files.contains(&"scores.csv".to_string()) && !files.contains(&"scores.json".to_string()),
        "{files:?}"
    );
    // The old spelling: the same files, and a warning naming the new one.
    let (o, old) = run("old", &["--format", "xlsx", "--formats", "csv"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr).trim(),
        "warning: --format xlsx is deprecated and goes in the next version: write --formats xlsx (--format will mean what goes to standard output, as in validate and diff)"
    );
    assert_eq!(names(&old), names(&new));
    assert_eq!(
        fs::read(old.join("scores.csv")).unwrap(),
        fs::read(new.join("scores.csv")).unwrap()
    );
    // compute writes no report: html is refused before any work.
    let out = dir.join("compute");
    let mut args = vec![
        "compute",
        "--out",
        out.to_str().unwrap(),
        "--formats",
        "csv,html",
    ];
    args.extend_from_slice(&KZ[..5]);
    let o = cwi(&args);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&o.stderr)
            .contains("html and xlsx are the report's files, written by cwi report")
    );
    assert!(!out.exists());
}

/// A wide file whose header mistypes an indicator (W110, the column left out) computes with
/// exit status 0 as before, and stops with 1 and nothing written under --deny-warnings, in
/// compute, report and audit alike.
#[test]
fn deny_warnings_stops_every_computing_command() {
    let dir = scratch("vocabulary-deny");
    let typo = dir.join("typo.csv");
    fs::write(&typo, "region,year,child_povrty\nобласть Абай,2024,5.9\n").unwrap();
    let data = [
        "--spec",
        "indicators/kz-cwi.toml",
        "--data",
        "data-samples/kz/statistics.csv",
        "data-samples/kz/surveys.csv",
        typo.to_str().unwrap(),
    ];
    for command in ["compute", "report", "audit"] {
        let out = dir.join(command);
        let mut args = vec![command, "--out", out.to_str().unwrap()];
        args.extend_from_slice(&data);
        let o = cwi(&args);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{command}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(
            String::from_utf8_lossy(&o.stderr)
                .contains("warning[W110]: indicator \"child_povrty\" is not in the spec")
        );
        let denied = dir.join(format!("{command}-denied"));
        let mut args = vec![
            command,
            "--out",
            denied.to_str().unwrap(),
            "--deny-warnings",
        ];
        args.extend_from_slice(&data);
        let o = cwi(&args);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{command}: {err}");
        assert!(
            err.contains(
                "error: 1 warning(s) in the data and --deny-warnings: nothing was written"
            ),
            "{command}: {err}"
        );
        assert!(!denied.exists(), "{command}: something was written");
    }
    // diff says the warning of the version whose data have it, and --deny-warnings stops it
    // before anything is written.
    let out = dir.join("diff");
    let mut args = vec!["diff", "--base-data"];
    args.extend_from_slice(&data[3..5]);
    args.extend(["--out", out.to_str().unwrap()]);
    args.extend_from_slice(&data);
    let o = cwi(&args);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        err.contains("warning[W110]: indicator \"child_povrty\""),
        "{err}"
    );
    let denied = dir.join("diff-denied");
    let at = args.len() - data.len() - 1;
    args[at] = denied.to_str().unwrap();
    args.push("--deny-warnings");
    let o = cwi(&args);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("1 warning(s) in the specs or the data and --deny-warnings"),
        "{err}"
    );
    assert!(!denied.exists(), "diff: something was written");
}

/// `--json` folds into `--format json` (explain and compare): the same document, and the old
/// flag still works for one version with a warning.
#[test]
fn json_is_a_format_and_the_old_flag_warns() {
    let run = |flag: &[&str]| {
        let mut args = vec!["explain", "--region", "KZ-10", "--year", "2024"];
        args.extend_from_slice(flag);
        args.extend_from_slice(&KZ[..5]);
        cwi(&args)
    };
    let (new, old) = (run(&["--format", "json"]), run(&["--json"]));
    assert!(new.status.success() && old.status.success());
    assert!(
        new.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&new.stderr)
    );
    assert_eq!(new.stdout, old.stdout);
    let doc: serde_json::Value = serde_json::from_slice(&new.stdout).unwrap();
    assert_eq!(doc["region"], "KZ-10");
    assert_eq!(
        String::from_utf8_lossy(&old.stderr).trim(),
        "warning: --json is deprecated and goes in the next version: write --format json"
    );
}

/// Plain output is `text` in every command: `validate --format text` is the default, and the
/// old spelling `human` writes the same with a warning for one version.
#[test]
fn text_is_the_plain_style_everywhere_and_human_warns() {
    let run = |style: &str| cwi(&["validate", "tests/fixtures/tiny.toml", "--format", style]);
    let (default, text, human) = (
        cwi(&["validate", "tests/fixtures/tiny.toml"]),
        run("text"),
        run("human"),
    );
    assert!(default.status.success() && text.status.success() && human.status.success());
    assert_eq!(text.stdout, default.stdout);
    assert_eq!(human.stdout, default.stdout);
    assert!(
        text.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&text.stderr)
    );
    assert!(
        String::from_utf8_lossy(&human.stderr).contains(
            "warning: --format <FORMAT> human is deprecated and goes in the next version: write text"
        ),
        "{}",
        String::from_utf8_lossy(&human.stderr)
    );
}

/// One type names every file a command writes: `--formats html` is refused where no report
/// is written (compute: an option refused, status 1) and for an analysis's tables, whose
/// formats are csv, json and parquet (a command line that does not parse, status 2).
#[test]
fn formats_of_the_report_are_refused_where_no_report_is_written() {
    let dir = scratch("vocabulary-report-formats");
    let out = dir.join("out");
    let mut args = vec!["compute"];
    args.extend_from_slice(&KZ[..5]);
    args.extend(["--out", out.to_str().unwrap(), "--formats", "csv,html"]);
    let o = cwi(&args);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("html and xlsx are the report's files"));
    let mut args = vec!["audit"];
    args.extend_from_slice(&KZ[..5]);
    args.extend(["--out", out.to_str().unwrap(), "--formats", "xlsx"]);
    let o = cwi(&args);
    assert_eq!(o.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("invalid value 'xlsx'") && stderr.contains("csv, json, parquet"),
        "{stderr}"
    );
    assert!(!out.exists(), "nothing is written");
}

/// `--quiet` takes the summary off standard error in compute, audit, template, diff, check
/// and import as in report and the analyses: on the sample, which has no warning, nothing is
/// printed.
#[test]
fn quiet_means_nothing_on_stderr_but_problems() {
    let dir = scratch("vocabulary-quiet");
    for (command, extra) in [
        ("compute", vec![]),
        ("audit", vec![]),
        ("template", vec!["--year", "2025"]),
    ] {
        let out = dir.join(command);
        let mut args = vec![command, "--out", out.to_str().unwrap()];
        args.extend(extra.iter().copied());
        args.extend_from_slice(&KZ);
        let o = cwi(&args);
        assert!(
            o.status.success(),
            "{command}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(
            o.stderr.is_empty(),
            "{command}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(
            fs::read_dir(&out).unwrap().count() > 0,
            "{command} wrote nothing"
        );
    }
    // diff and check with --out say nothing but their answer on standard output; import
    // keeps its findings about the build (notes) and drops the summary.
    let diff = dir.join("diff");
    let mut args = vec!["diff", "--base-spec", "indicators/kz-cwi.toml", "--out"];
    args.push(diff.to_str().unwrap());
    args.extend_from_slice(&KZ);
    let check = dir.join("check");
    let mut check_args = vec!["check", "--year", "2024", "--out", check.to_str().unwrap()];
    check_args.extend_from_slice(&KZ);
    for (command, args) in [("diff", args), ("check", check_args)] {
        let o = cwi(&args);
        assert!(
            o.stderr.is_empty() && !o.stdout.is_empty(),
            "{command}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    assert!(diff.join("diff.csv").exists() && check.join("check.json").exists());
    let import = dir.join("import");
    let o = cwi(&[
        "import",
        "coinr",
        "--workbook",
        "tests/fixtures/coinr/asem/asem.xlsx",
        "--out",
        import.to_str().unwrap(),
        "--quiet",
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    assert!(stderr.contains("Impute: i_mean_grp"), "{stderr}");
    assert!(
        !stderr.contains("wrote") && !stderr.contains("checked:"),
        "{stderr}"
    );
    assert!(import.join("spec.toml").exists());
}
