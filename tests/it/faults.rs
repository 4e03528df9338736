//! Faults: an output path that is a file, a directory that cannot be made, a full disk (an
//! injected one, and a real small filesystem where the machine lets the tests mount one), a
//! run killed by SIGTERM or SIGINT while writing, two runs writing to one directory at once.
//! Each time the previous outputs stay complete and untouched, no temporary file stays
//! behind (the next run removes a killed run's), and the message says what happened.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{cwi, root, scratch};

const TINY: [&str; 4] = [
    "--spec",
    "tests/fixtures/tiny.toml",
    "--data",
    "tests/fixtures/tiny.csv",
];

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Every file under `dir` with its bytes (the lock file aside), sorted by path.
fn contents(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if e.file_name() != ".cwi.lock" {
                out.push((p.clone(), fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

fn temporaries(dir: &Path) -> Vec<PathBuf> {
    contents(dir)
        .into_iter()
        .map(|(p, _)| p)
        .filter(|p| p.file_name().unwrap().to_str().unwrap().ends_with(".tmp"))
        .collect()
}

/// The tiny fixture's outputs in `dir`, as the previous run's.
fn previous_run(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut args = vec!["compute", "--out", dir.to_str().unwrap()];
    args.extend_from_slice(&TINY);
    let o = cwi(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    contents(dir)
}

#[test]
fn an_output_path_that_is_a_file_or_cannot_be_made_is_refused_by_name() {
    let dir = scratch("faults-file");
    let file = dir.join("out");
    fs::write(&file, "not a directory").unwrap();
    for out in [
        file.clone(),
        file.join("sub"),
        PathBuf::from("/proc/cwi-cannot-be-made"),
    ] {
        let mut args = vec!["compute", "--out", out.to_str().unwrap()];
        args.extend_from_slice(&TINY);
        let o = cwi(&args);
        assert!(!o.status.success());
        let message = stderr(&o);
        assert!(message.contains("cannot write"), "{message}");
        assert!(
            message.contains(out.to_str().unwrap()) || message.contains(file.to_str().unwrap()),
            "{message}"
        );
    }
    assert_eq!(fs::read_to_string(&file).unwrap(), "not a directory");
}

#[test]
fn a_full_disk_leaves_the_previous_outputs_whole() {
    let dir = scratch("faults-disk-full");
    let before = previous_run(&dir);
    // The Kazakhstan sample's outputs are 1.5 MB: the disk fills after 200 KB.
    let o = Command::new(env!("CARGO_BIN_EXE_cwi"))
        .args([
            "compute",
            "--spec",
            "indicators/kz-cwi.toml",
            "--data",
            "data-samples/kz/statistics.csv",
            "data-samples/kz/surveys.csv",
            "--out",
            dir.to_str().unwrap(),
        ])
        .env("CWI_FAULT_DISK_FULL_AFTER", "200000")
        .current_dir(root())
        .output()
        .unwrap();
    assert!(!o.status.success());
    let message = stderr(&o);
    assert!(message.contains("No space left on device"), "{message}");
    assert!(
        message.contains(".tmp"),
        "names the file it was writing: {message}"
    );
    assert_eq!(contents(&dir), before);
    assert!(temporaries(&dir).is_empty());
}

/// A full disk while a large file is written by its writer thread (after its first 8 MiB):
/// the error is the disk's, named with the file, and the previous outputs stay whole. Two
/// tables: one of twelve years (formatted a year per thread) and one of a single year of more
/// than a million rows (formatted straight into the file, whose writer goes on writing after
/// the error when it is dropped).
#[test]
fn a_full_disk_while_a_large_file_is_written_behind() {
    use std::fmt::Write as _;
    let dir = scratch("faults-disk-full-large");
    let mut spec = String::from(
        "[index]\nid = \"p\"\nversion = \"1\"\nlanguages = [\"en\"]\nscale = [0, 100]\nname = { en = \"P\" }\n[units]\nfrom_data = true\n[defaults]\npooling = \"each-year\"\nnormalisation = { method = \"min-max\" }\naggregation = { method = \"arithmetic\" }\n",
    );
    let mut data = String::from("region,year");
    for k in 0..20 {
        write!(
            spec,
            "[[indicator]]\nid = \"i{k}\"\nparent = \"p\"\nname = {{ en = \"I{k}\" }}\nunit = \"u\"\ndirection = \"higher\"\nsource = \"s\"\n"
        )
        .unwrap();
        write!(data, ",i{k}").unwrap();
    }
    data.push('\n');
    fs::write(dir.join("p.toml"), spec).unwrap();
    // 12 years x 1,200 regions x 21 nodes, and 1 year x 50,000 regions x 21 nodes.
    for (name, years, regions) in [("years", 12, 1200), ("one-year", 1, 50_000)] {
        let mut rows = data.clone();
        for y in 0..years {
            for r in 0..regions {
                write!(rows, "R{r:05},{}", 2000 + y).unwrap();
                for k in 0..20 {
                    write!(rows, ",{}", (r * (k + 7)) % 101 + y).unwrap();
                }
                rows.push('\n');
            }
        }
        let file = dir.join(format!("{name}.csv"));
        fs::write(&file, rows).unwrap();
        let out = dir.join(format!("out-{name}"));
        let run = |full_after: Option<&str>| {
            let mut c = Command::new(env!("CARGO_BIN_EXE_cwi"));
            c.args(["compute", "--formats", "csv", "--spec"])
                .arg(dir.join("p.toml"))
                .arg("--data")
                .arg(&file)
                .arg("--out")
                .arg(&out);
            if let Some(n) = full_after {
                c.env("CWI_FAULT_DISK_FULL_AFTER", n);
            }
            c.output().unwrap()
        };
        let o = run(None);
        assert!(o.status.success(), "{}", stderr(&o));
        let before = contents(&out);
        let csv = before
            .iter()
            .find(|(p, _)| p.ends_with("scores.csv"))
            .unwrap();
        // More than the 8 MiB written before the thread starts.
        assert!(csv.1.len() > 12 << 20, "{name}: {}", csv.1.len());
        let o = run(Some("10000000"));
        let message = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{name}: {message}");
        assert!(message.contains("No space left on device"), "{message}");
        assert!(message.contains("scores.csv"), "{message}");
        assert!(!message.contains("panicked"), "{message}");
        assert!(
            contents(&out) == before,
            "{name}: the previous outputs changed"
        );
        assert!(temporaries(&out).is_empty(), "{name}");
    }
}

/// A real full filesystem: a 256 KiB tmpfs, where the machine lets the tests mount one (as
/// root); otherwise the test says it could not and checks nothing more.
#[test]
fn a_real_small_filesystem_that_fills_up() {
    let dir = scratch("faults-tmpfs");
    let mounted = Command::new("mount")
        .args([
            "-t",
            "tmpfs",
            "-o",
            "size=256k",
            "tmpfs",
            dir.to_str().unwrap(),
        ])
        .output()
        .is_ok_and(|o| o.status.success());
    if !mounted {
        eprintln!(
            "note: cannot mount a tmpfs here (not root?): the injected full disk is tested instead"
        );
        return;
    }
    let result = std::panic::catch_unwind(|| {
        let before = previous_run(&dir);
        let mut args = vec!["compute", "--out", dir.to_str().unwrap()];
        args.extend_from_slice(&[
            "--spec",
            "indicators/kz-cwi.toml",
            "--data",
            "data-samples/kz/statistics.csv",
            "data-samples/kz/surveys.csv",
        ]);
        let o = cwi(&args);
        assert!(!o.status.success());
        assert!(
            stderr(&o).contains("No space left on device"),
            "{}",
            stderr(&o)
        );
        assert_eq!(contents(&dir), before);
        assert!(temporaries(&dir).is_empty());
    });
    let _ = Command::new("umount").arg(&dir).status();
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
}

/// A panel large enough that writing its score tables takes a while (1,000 regions, 40
/// indicators, 4 years), and its spec.
fn large(dir: &Path) -> (PathBuf, PathBuf) {
    let mut spec = String::from(
        "[index]\nid = \"big\"\nversion = \"1\"\nlanguages = [\"en\"]\nscale = [0, 100]\nname = { en = \"Big\" }\n\n[units]\nfrom_data = true\n\n[defaults]\npooling = \"each-year\"\nnormalisation = { method = \"min-max\" }\naggregation = { method = \"arithmetic\" }\n\n",
    );
    for i in 0..40 {
        spec.push_str(&format!(
            "[[indicator]]\nid = \"i{i}\"\nparent = \"big\"\nname = {{ en = \"I{i}\" }}\nunit = \"u\"\ndirection = \"higher\"\nsource = \"test\"\n\n"
        ));
    }
    let mut data = String::from("region,year,indicator,value\n");
    for y in 2021..2025 {
        for r in 0..1000 {
            for i in 0..40 {
                data.push_str(&format!("R{r},{y},i{i},{}\n", (r * 7 + i * 13 + y) % 101));
            }
        }
    }
    let (s, d) = (dir.join("big.toml"), dir.join("big.csv"));
    fs::write(&s, spec).unwrap();
    fs::write(&d, data).unwrap();
    (s, d)
}

fn start_large(spec: &Path, data: &Path, out: &Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_cwi"))
        .args([
            "compute",
            "--spec",
            spec.to_str().unwrap(),
            "--data",
            data.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--formats",
            "csv,json",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Waits until the run is writing (a temporary file exists in `out`).
fn wait_for_writing(run: &mut Child, out: &Path) {
    let start = Instant::now();
    while temporaries(out).is_empty() {
        assert!(
            run.try_wait().unwrap().is_none(),
            "the run ended before it was seen writing"
        );
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "never started writing"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn a_run_killed_while_writing_leaves_the_previous_outputs_and_the_next_run_cleans_up() {
    let dir = scratch("faults-killed");
    let (spec, data) = large(&dir);
    for signal in ["TERM", "INT"] {
        let out = dir.join(format!("out-{signal}"));
        let before = previous_run(&out);
        let mut run = start_large(&spec, &data, &out);
        wait_for_writing(&mut run, &out);
        let killed = Command::new("kill")
            .args([format!("-{signal}"), run.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        let status = run.wait().unwrap();
        assert!(!status.success(), "SIG{signal}: {status}");
        // The previous outputs are whole; the killed run's temporaries remain...
        let left = temporaries(&out);
        assert!(!left.is_empty(), "SIG{signal}: killed while writing");
        let now: Vec<_> = contents(&out)
            .into_iter()
            .filter(|(p, _)| !left.contains(p))
            .collect();
        assert_eq!(now, before, "SIG{signal}");
        // ...until the next run, which removes them and says so.
        let mut args = vec!["compute", "--out", out.to_str().unwrap()];
        args.extend_from_slice(&TINY);
        let o = cwi(&args);
        assert!(o.status.success(), "{}", stderr(&o));
        for t in &left {
            assert!(
                stderr(&o).contains(&format!("removed {}", t.display())),
                "{}",
                stderr(&o)
            );
        }
        assert!(temporaries(&out).is_empty());
        assert_eq!(contents(&out), before);
    }
}

#[test]
fn a_second_run_writing_to_the_same_directory_is_refused() {
    let dir = scratch("faults-concurrent");
    let (spec, data) = large(&dir);
    let out = dir.join("out");
    previous_run(&out);
    let mut first = start_large(&spec, &data, &out);
    wait_for_writing(&mut first, &out);
    let mut args = vec!["compute", "--out", out.to_str().unwrap()];
    args.extend_from_slice(&TINY);
    let second = cwi(&args);
    assert!(!second.status.success());
    let message = stderr(&second);
    assert!(
        message.contains("is being written by another cwi run"),
        "{message}"
    );
    // The first run finishes and its outputs are whole: every region and node, 4 years.
    assert!(first.wait().unwrap().success());
    let scores = fs::read_to_string(out.join("scores.csv")).unwrap();
    assert_eq!(scores.lines().count(), 1 + 4 * 1000 * 41);
    let manifest = fs::read_to_string(out.join("manifest.json")).unwrap();
    assert!(manifest.contains("big.csv"));
    assert!(temporaries(&out).is_empty());
}
