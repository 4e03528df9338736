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
