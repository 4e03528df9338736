//! Helpers shared by the end-to-end tests: the project root, scratch directories, running cwi.

#![allow(dead_code)]

use std::fs;
use std::path::PathBuf;
use std::process::{Command, Output};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fresh, empty scratch directory for one test.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cwi-test-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs the cwi binary from the project root.
pub fn cwi(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cwi"))
        .args(args)
        .current_dir(root())
        .output()
        .unwrap()
}

/// Runs a Python script that needs `module`, or says why not: `None` when python3 cannot
/// import it (a failure where the environment variable `require` is set, as `.ci/run` does).
pub fn python_with(
    module: &str,
    require: &str,
    script: &str,
    args: &[&std::path::Path],
) -> Option<Output> {
    let has = Command::new("python3")
        .args(["-c", &format!("import {module}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has {
        assert!(
            std::env::var_os(require).is_none(),
            "{require} is set but python3 cannot import {module}"
        );
        eprintln!("skipped: python3 with {module} is not installed (pip install {module})");
        return None;
    }
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "python failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(out)
}

/// Debian's Chromium, or `None` (then a test that needs it is skipped, unless CI requires it
/// with CWI_REQUIRE_BROWSER=1, when it fails).
pub fn chromium() -> Option<&'static str> {
    let found = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists());
    if found.is_none() {
        assert!(
            std::env::var("CWI_REQUIRE_BROWSER").is_err(),
            "CWI_REQUIRE_BROWSER is set but Chromium is not installed"
        );
        eprintln!("skipped: no Chromium (install the Debian package chromium to run it)");
    }
    found
}

/// `cwi report` of the shipped Kazakhstan spec on the whole sample (2021 to 2024) into a new
/// scratch directory, in `lang`, with `extra` options; the directory, once it succeeded.
pub fn kz_sample_report(name: &str, lang: &str, extra: &[&str]) -> PathBuf {
    let out = scratch(name);
    let mut args = vec![
        "report",
        "--spec",
        "indicators/kz-cwi.toml",
        "--lang",
        lang,
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ];
    args.extend_from_slice(extra);
    args.extend([
        "--data",
        "data-samples/kz/statistics.csv",
        "data-samples/kz/surveys.csv",
        "data-samples/kz/before-2022.csv",
    ]);
    let o = cwi(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    out
}
