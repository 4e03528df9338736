//! Limits: a framework 1,000 levels deep and one of 10,000 nodes, 100,000 regions, a single
//! very long line, thousands of input files, a 50 MB spec. Each runs to its answer, or stops
//! with a clear error at a documented limit, in bounded time and memory (no stack overflow).
//! `cargo test` runs them at full size except the long line (64 MiB) and the file count
//! (1,000); `CWI_LIMITS_FULL=1 cargo test --release --test it limits` runs a 1 GiB line and
//! 10,000 files. The figures are in docs/reliability.md.

use std::fs;
use std::path::Path;
use std::time::Instant;

use crate::common::{cwi, scratch};

fn full() -> bool {
    std::env::var_os("CWI_LIMITS_FULL").is_some()
}

const HEAD: &str = "[index]\nid = \"limits\"\nversion = \"1\"\nlanguages = [\"en\"]\nscale = [0, 100]\nname = { en = \"Limits\" }\n\n[units]\nfrom_data = true\n\n[defaults]\npooling = \"each-year\"\nnormalisation = { method = \"min-max\" }\naggregation = { method = \"arithmetic\" }\nmissing = { min_share = 0.5 }\n\n";

fn indicator(id: &str, parent: &str) -> String {
    format!(
        "[[indicator]]\nid = \"{id}\"\nparent = \"{parent}\"\nname = {{ en = \"{id}\" }}\nunit = \"u\"\ndirection = \"higher\"\nsource = \"test\"\n\n"
    )
}

fn group(id: &str, parent: &str) -> String {
    format!("[[group]]\nid = \"{id}\"\nparent = \"{parent}\"\nname = {{ en = \"{id}\" }}\n\n")
}

/// Runs `cwi compute`; returns whether it succeeded, its stderr and the seconds it took.
fn compute(dir: &Path, spec: &str, data: &[&Path]) -> (bool, String, f64) {
    let spec_path = dir.join("spec.toml");
    fs::write(&spec_path, spec).unwrap();
    let out = dir.join("out");
    let mut args = vec!["compute", "--spec", spec_path.to_str().unwrap(), "--data"];
    args.extend(data.iter().map(|p| p.to_str().unwrap()));
    args.extend(["--out", out.to_str().unwrap(), "--formats", "csv"]);
    let t = Instant::now();
    let o = cwi(&args);
    (
        o.status.success(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
        t.elapsed().as_secs_f64(),
    )
}

#[test]
fn a_framework_1000_levels_deep_computes() {
    let dir = scratch("limits-deep");
    let mut spec = String::from(HEAD);
    let mut parent = "limits".to_string();
    for level in 0..1000 {
        let id = format!("g{level}");
        spec.push_str(&group(&id, &parent));
        parent = id;
    }
    spec.push_str(&indicator("x", &parent));
    spec.push_str(&indicator("y", "g0"));
    let data = dir.join("data.csv");
    fs::write(
        &data,
        "region,year,x,y\nA,2024,1,4\nB,2024,2,5\nC,2024,3,6\n",
    )
    .unwrap();
    let (ok, err, secs) = compute(&dir, &spec, &[&data]);
    assert!(ok, "{err}");
    let scores = fs::read_to_string(dir.join("out/scores.csv")).unwrap();
    // 1 index + 1000 groups + 2 indicators, for 3 regions.
    assert_eq!(scores.lines().count(), 1 + 3 * 1003);
    eprintln!("limits: 1,000 levels deep: {secs:.2} s");
}

#[test]
fn a_framework_of_10000_nodes_computes() {
    let dir = scratch("limits-nodes");
    let mut spec = String::from(HEAD);
    let mut header = String::from("region,year");
    let mut rows = vec![
        String::from("A,2024"),
        String::from("B,2024"),
        String::from("C,2024"),
    ];
    for g in 0..100 {
        spec.push_str(&group(&format!("g{g}"), "limits"));
        for i in 0..99 {
            let id = format!("i{g}_{i}");
            spec.push_str(&indicator(&id, &format!("g{g}")));
            header.push_str(&format!(",{id}"));
            for (r, row) in rows.iter_mut().enumerate() {
                row.push_str(&format!(",{}", (r * 7 + i + g) % 10));
            }
        }
    }
    let data = dir.join("data.csv");
    fs::write(&data, format!("{header}\n{}\n", rows.join("\n"))).unwrap();
    let (ok, err, secs) = compute(&dir, &spec, &[&data]);
    assert!(ok, "{err}");
    let scores = fs::read_to_string(dir.join("out/scores.csv")).unwrap();
    assert_eq!(scores.lines().count(), 1 + 3 * (1 + 100 + 9900));
    eprintln!(
        "limits: 10,001 nodes ({} KB spec): {secs:.2} s",
        spec.len() / 1024
    );
}

#[test]
fn a_panel_of_100000_regions_computes() {
    let dir = scratch("limits-regions");
    let mut spec = String::from(HEAD);
    spec.push_str(&indicator("x", "limits"));
    spec.push_str(&indicator("y", "limits"));
    let mut data = String::from("region,year,x,y\n");
    for r in 0..100_000 {
        data.push_str(&format!("R{r},2024,{},{}\n", r % 997, r % 101));
    }
    let path = dir.join("data.csv");
    fs::write(&path, data).unwrap();
    let (ok, err, secs) = compute(&dir, &spec, &[&path]);
    assert!(ok, "{err}");
    let scores = fs::read_to_string(dir.join("out/scores.csv")).unwrap();
    assert_eq!(scores.lines().count(), 1 + 100_000 * 3);
    eprintln!("limits: 100,000 regions: {secs:.2} s");
}

/// A data line of 64 MiB (1 GiB with CWI_LIMITS_FULL): refused at its line, the file read
/// once (memory about the file's size).
#[test]
fn a_single_enormous_line_is_refused_at_its_line() {
    let dir = scratch("limits-line");
    let mut spec = String::from(HEAD);
    spec.push_str(&indicator("x", "limits"));
    let size: usize = if full() { 1 << 30 } else { 64 << 20 };
    let path = dir.join("data.csv");
    {
        use std::io::Write;
        let mut f = std::io::BufWriter::new(fs::File::create(&path).unwrap());
        f.write_all(b"region,year,x\nA,2024,1\nB,2024,").unwrap();
        let chunk = vec![b'9'; 1 << 20];
        for _ in 0..size >> 20 {
            f.write_all(&chunk).unwrap();
        }
        f.write_all(b",5\nC,2024,3\n").unwrap();
    }
    let (ok, err, secs) = compute(&dir, &spec, &[&path]);
    assert!(!ok);
    assert!(
        err.contains("line 3: 4 field(s) where the header has 3"),
        "{}",
        &err[..err.len().min(2000)]
    );
    eprintln!("limits: a {} MiB line refused: {secs:.2} s", size >> 20);
    fs::remove_file(&path).unwrap();
}

/// 1,000 input files (10,000 with CWI_LIMITS_FULL), one region-year each.
#[test]
fn thousands_of_input_files_load() {
    let dir = scratch("limits-files");
    let n = if full() { 10_000 } else { 1_000 };
    let mut spec = String::from(HEAD);
    spec.push_str(&indicator("x", "limits"));
    let files: Vec<_> = (0..n)
        .map(|k| {
            let path = dir.join(format!("f{k}.csv"));
            fs::write(
                &path,
                format!("region,year,x\nR{},{},{}\n", k % 100, 2000 + k / 100, k % 7),
            )
            .unwrap();
            path
        })
        .collect();
    let refs: Vec<&Path> = files.iter().map(|p| p.as_path()).collect();
    let (ok, err, secs) = compute(&dir, &spec, &refs);
    assert!(ok, "{}", &err[..err.len().min(2000)]);
    let scores = fs::read_to_string(dir.join("out/scores.csv")).unwrap();
    assert_eq!(scores.lines().count(), 1 + n * 2);
    eprintln!("limits: {n} input files: {secs:.2} s");
}

/// A 50 MB spec is refused before parsing, with the limit in the message.
#[test]
fn a_50_mb_spec_is_refused_with_the_limit() {
    let dir = scratch("limits-spec");
    let mut spec = String::from(HEAD);
    spec.push_str(&indicator("x", "limits"));
    while spec.len() < 50_000_000 {
        spec.push_str("# padding padding padding padding padding padding padding padding\n");
    }
    let data = dir.join("data.csv");
    fs::write(&data, "region,year,x\nA,2024,1\n").unwrap();
    let (ok, err, secs) = compute(&dir, &spec, &[&data]);
    assert!(!ok);
    assert!(
        err.contains("specs over 4194304 bytes are refused"),
        "{err}"
    );
    assert!(secs < 30.0);
}
