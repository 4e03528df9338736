//! Faults: an output path that is a file, a directory that cannot be made, a full disk (an
//! injected one, and a real small filesystem where the machine lets the tests mount one), a
//! run killed by SIGTERM or SIGINT while writing, two runs writing to one directory at once.
//! Each time the previous outputs stay complete and untouched, no temporary file stays
//! behind (the next run removes a killed run's), and the message says what happened. Also:
//! a directory holds one run (a run removes the previous run's files it does not write
//! again), the manifest renamed last and checked by `cwi verify` after a kill between two
//! renames, and an input that grows while it is read. The injected faults need the
//! `fault-injection` feature, which the README's test command enables.

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

#[cfg(feature = "fault-injection")]
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
#[cfg(feature = "fault-injection")]
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
        // Outputs that cannot be written: the command could not run.
        assert_eq!(o.status.code(), Some(2), "{name}: {message}");
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

fn verify(dir: &Path) -> (bool, String) {
    let o = cwi(&["verify", dir.to_str().unwrap()]);
    (
        o.status.success(),
        String::from_utf8_lossy(&o.stdout).into_owned() + &stderr(&o),
    )
}

fn compute_tiny(out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["compute", "--out", out.to_str().unwrap()];
    args.extend_from_slice(&TINY);
    args.extend_from_slice(extra);
    cwi(&args)
}

/// The manifest lists every output with its SHA-256 (checked against an independent digest
/// here) and `cwi verify` re-hashes them: an edited output, an edited input and a file that
/// is not the run's are each named.
#[test]
fn verify_checks_a_directory_against_its_manifest() {
    use sha2::{Digest, Sha256};
    let dir = scratch("faults-verify");
    let data = dir.join("tiny.csv");
    fs::copy(root().join("tests/fixtures/tiny.csv"), &data).unwrap();
    let out = dir.join("out");
    let o = cwi(&[
        "compute",
        "--spec",
        "tests/fixtures/tiny.toml",
        "--data",
        data.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let outputs = manifest["outputs"].as_array().unwrap();
    let paths: Vec<&str> = outputs
        .iter()
        .map(|o| o["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["scores.csv", "scores.json"]);
    for o in outputs {
        let bytes = fs::read(out.join(o["path"].as_str().unwrap())).unwrap();
        let hex: String = Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(o["sha256"].as_str().unwrap(), hex);
    }
    let (ok, text) = verify(&out);
    assert!(ok, "{text}");
    assert!(
        text.contains("verified: 2 of 2 outputs and 2 of 2 inputs"),
        "{text}"
    );

    let mut csv = fs::read_to_string(out.join("scores.csv")).unwrap();
    csv.push_str("2024,R9,X,tiny,Tiny index,0,index,1,1,,,,,\n");
    fs::write(out.join("scores.csv"), csv).unwrap();
    fs::write(out.join("notes.txt"), "mine").unwrap();
    fs::write(
        &data,
        fs::read_to_string(&data).unwrap().replace(",90\n", ",91\n"),
    )
    .unwrap();
    let (ok, text) = verify(&out);
    assert!(!ok, "{text}");
    assert!(text.contains("differs: output scores.csv"), "{text}");
    assert!(
        text.contains(&format!("differs: input {}", data.display())),
        "{text}"
    );
    assert!(text.contains("not in the manifest: notes.txt"), "{text}");
    fs::remove_file(out.join("scores.json")).unwrap();
    let (_, text) = verify(&out);
    assert!(text.contains("missing: output scores.json"), "{text}");
}

/// Two runs into one directory with other formats: the second removes the files of the
/// first that it does not write again, so the directory holds one run (scores.csv and
/// scores.parquet of the first run do not stay beside the second's scores.json); the same
/// for the year files of --parquet-by-year.
#[test]
fn a_directory_holds_one_run() {
    let out = scratch("faults-one-run");
    let o = compute_tiny(&out, &["--formats", "csv,parquet"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(out.join("scores.parquet").exists());
    let o = compute_tiny(&out, &["--formats", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!out.join("scores.csv").exists());
    assert!(!out.join("scores.parquet").exists());
    assert!(out.join("scores.json").exists());
    assert!(verify(&out).0);

    let o = compute_tiny(&out, &["--parquet-by-year"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(out.join("scores/year=2024/part-0.parquet").exists());
    let o = compute_tiny(&out, &["--formats", "csv"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        !out.join("scores").exists(),
        "the year files and their directories"
    );
    let files: Vec<PathBuf> = contents(&out).into_iter().map(|(p, _)| p).collect();
    assert_eq!(files, [out.join("manifest.json"), out.join("scores.csv")]);
    let (ok, text) = verify(&out);
    assert!(ok, "{text}");
}

/// A run killed between two renames of its commit (an abort, as `kill -9`, injected before
/// each rename in turn): the manifest is renamed last, so until it is, the directory's
/// manifest is the previous run's and `cwi verify` says which files are not that run's;
/// once it is, everything is the new run's. The next run leaves one whole run.
#[cfg(feature = "fault-injection")]
#[test]
fn a_kill_between_two_renames_is_detected_by_the_manifest() {
    let dir = scratch("faults-kill-renames");
    let data = dir.join("two-years.csv");
    let tiny = fs::read_to_string(root().join("tests/fixtures/tiny.csv")).unwrap();
    let later: String = tiny
        .lines()
        .skip(1)
        .map(|l| l.replace(",2024,", ",2025,") + "\n")
        .collect();
    fs::write(&data, format!("{tiny}{later}")).unwrap();
    let run = |out: &Path, fault: Option<usize>, reading: &str| {
        let data_now = dir.join(format!("data-{reading}.csv"));
        fs::write(
            &data_now,
            fs::read_to_string(&data)
                .unwrap()
                .replace("R3,2024,reading,4", &format!("R3,2024,reading,{reading}")),
        )
        .unwrap();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_cwi"));
        cmd.current_dir(root()).args([
            "compute",
            "--spec",
            "tests/fixtures/tiny.toml",
            "--data",
            data_now.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--formats",
            "csv,json,parquet",
            "--parquet-by-year",
        ]);
        if let Some(k) = fault {
            cmd.env("CWI_FAULT_ABORT_BEFORE_RENAME", k.to_string());
        }
        cmd.output().unwrap()
    };
    // The commit renames 5 files: scores.csv, scores.json, two year files, the manifest.
    for k in 0..5 {
        let out = dir.join(format!("out-{k}"));
        // R3's reading stays above R2's 3, so no education score is 0 under the geometric
        // index; each run's value changes the 2024 scores.
        assert!(run(&out, None, "4").status.success());
        let before = fs::read(out.join("manifest.json")).unwrap();
        let killed = run(&out, Some(k), "4.5");
        assert!(!killed.status.success(), "abort before rename {k}");
        assert_eq!(
            fs::read(out.join("manifest.json")).unwrap(),
            before,
            "rename {k}"
        );
        let (ok, text) = verify(&out);
        if k == 0 {
            assert!(ok, "nothing renamed yet: {text}");
        } else {
            assert!(
                !ok && text.contains("differs: output"),
                "rename {k}: {text}"
            );
        }
        let next = run(&out, None, "3.5");
        assert!(next.status.success(), "{}", stderr(&next));
        assert!(temporaries(&out).is_empty());
        let (ok, text) = verify(&out);
        assert!(ok, "after the next run: {text}");
    }
}

/// An input still being written while it is read (a writer appending rows) is refused with
/// its name, instead of being read with half a line at its end.
#[test]
fn an_input_that_changes_while_it_is_read_is_refused() {
    let dir = scratch("faults-growing");
    let data = dir.join("growing.csv");
    let mut text = String::from("region,year,indicator,value\n");
    // About 10 MB: reading it takes milliseconds, during which the writer appends.
    for y in 1000..170_000 {
        for (r, v) in [("R1", 1), ("R2", 2), ("R3", 3)] {
            text.push_str(&format!("{r},{y},reading,{v}.5\n"));
        }
    }
    fs::write(&data, &text).unwrap();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let (stop, data) = (stop.clone(), data.clone());
        std::thread::spawn(move || {
            use std::io::Write;
            let mut file = fs::OpenOptions::new().append(true).open(&data).unwrap();
            let mut y = 170_000;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                write!(file, "R1,{y},reading,1").unwrap();
                std::thread::sleep(Duration::from_micros(200));
                writeln!(file, "23.456").unwrap();
                y += 1;
            }
        })
    };
    let o = cwi(&[
        "validate",
        "tests/fixtures/tiny.toml",
        "--data",
        data.to_str().unwrap(),
    ]);
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    writer.join().unwrap();
    let out = String::from_utf8_lossy(&o.stdout).into_owned() + &stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.contains("growing.csv") && out.contains("the file changed while it was read"),
        "{out}"
    );
}
