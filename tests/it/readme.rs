//! The README's commands, run as written on the repository as shipped: every line of the
//! README that runs `cargo run --release -- ...` is run with the cwi binary instead, in order
//! (a later command reads what an earlier one wrote), in a scratch copy of `indicators/` and
//! `data-samples/`, and must exit 0. Two changes keep the debug build quick, as the test
//! says: the uncertainty analysis's 100,000 replications become 2,000 and the sensitivity
//! analysis's 10,000 base samples 200. Commands that need what the repository does not hold
//! are listed below with the reason and must still be in the README (a stale entry fails),
//! as is the one whose documented exit status on the sample is 1.

use std::fs;
use std::path::Path;
use std::process::Command;

use crate::common::{root, scratch};

/// Commands not run here: (a piece of the command, why).
const NOT_RUN: [(&str, &str); 3] = [
    (
        "returned/*.xlsx",
        "the templates as regions return them, filled in by people (tests/it/template.rs fills them)",
    ),
    (
        "--base-spec origin/main:",
        "a git remote named origin (tests/it/diff.rs runs REV:PATH on a repository it makes)",
    ),
    (
        "diff --spec indicators/kz-cwi.toml\n",
        "the first line of the CI recipe's folded diff command, which runs in a pull request",
    ),
];

/// Commands whose documented exit status is not 0 on the sample: (a piece, status, why).
const STATUS: [(&str, i32, &str); 1] = [(
    "check --spec",
    1,
    "the sample leaves one value out (KZ-47's digital_skills) for check to find, and check exits 1 while values are missing",
)];

/// Quick counts for the debug build: (as written, as run).
const QUICKER: [(&str, &str); 2] = [
    ("--replications 100000", "--replications 2000"),
    ("--samples 10000", "--samples 200"),
];

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            copy_dir(&path, &to.join(entry.file_name()));
        } else {
            fs::copy(&path, to.join(entry.file_name())).unwrap();
        }
    }
}

#[test]
fn the_readme_commands_run_on_the_repository_as_shipped() {
    let readme = fs::read_to_string(root().join("README.md")).unwrap();
    let dir = scratch("readme");
    for d in ["indicators", "data-samples"] {
        copy_dir(&root().join(d), &dir.join(d));
    }
    let bin = Path::new(env!("CARGO_BIN_EXE_cwi")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut skipped = vec![false; NOT_RUN.len()];
    let mut ran = 0;
    for line in readme.lines() {
        let Some((_, rest)) = line.split_once("cargo run --release -- ") else {
            continue;
        };
        let with_end = format!("{rest}\n");
        if let Some(k) = NOT_RUN
            .iter()
            .position(|(piece, _)| with_end.contains(piece))
        {
            skipped[k] = true;
            continue;
        }
        let mut command = format!("cwi {rest}");
        for (from, to) in QUICKER {
            command = command.replace(from, to);
        }
        let o = Command::new("bash")
            .args(["-c", &command])
            .current_dir(&dir)
            .env("PATH", &path)
            .output()
            .unwrap();
        let expected = STATUS
            .iter()
            .find(|(piece, _, _)| rest.contains(piece))
            .map_or(0, |s| s.1);
        assert!(
            o.status.code() == Some(expected),
            "the README's `{rest}` exited {:?}, not {expected}:\n{}\n{}",
            o.status.code(),
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        ran += 1;
    }
    for (k, (piece, why)) in NOT_RUN.iter().enumerate() {
        assert!(
            skipped[k],
            "no README command has {piece:?} any more ({why}): remove it from NOT_RUN"
        );
    }
    assert!(ran >= 14, "only {ran} README commands ran");
}
