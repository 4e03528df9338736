//! Speed of `compute` on small indices:
//!
//! - in the library, on the shipped Kazakhstan sample: load both files, normalise, aggregate,
//!   rank and render every output (without the disk write, which the OS dominates);
//! - as whole processes, side by side: `cwi --version` (the floor: starting the program), then
//!   `cwi compute` writing its default outputs on the Kazakhstan sample (20 regions x 3 years,
//!   44 nodes, 2 files) and on a COINr-sized index (51 units, 60 nodes, one wide file, the
//!   size of COINr's ASEM example), made by a seeded generator into target/bench-data/.
//!
//!     cargo bench --bench compute

use std::path::{Path, PathBuf};
use std::process::Command;

use criterion::{Criterion, criterion_group, criterion_main};

use cwi::output::{Format, for_each_row};
use cwi::pipeline::run;
use cwi::spec;

fn kz_sample(c: &mut Criterion) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let spec_path = root.join("indicators/kz-cwi.toml");
    let data = [
        root.join("data-samples/kz/statistics.csv"),
        root.join("data-samples/kz/surveys.csv"),
    ];
    c.bench_function("compute kz sample (spec + load + compute + render)", |b| {
        b.iter(|| {
            let spec = spec::load(&spec_path).unwrap();
            let results = run(spec, &data).unwrap();
            let mut sink = Vec::new();
            for format in [Format::Csv, Format::Json] {
                format
                    .write(&results, "kk", Default::default(), &mut sink)
                    .unwrap();
            }
            let mut rows = 0;
            for_each_row(&results, "kk", &mut |_| {
                rows += 1;
                Ok(())
            })
            .unwrap();
            (sink.len(), rows)
        })
    });
}

/// SplitMix64, as the sample generator: fixed forever.
fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A COINr-sized index: 51 units, 49 indicators in 8 pillars under 2 sub-indices (60 nodes),
/// one wide CSV for one year, a value in fifty missing. Returns the spec and data paths.
fn coinr_sized() -> (PathBuf, PathBuf) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-data/coinr-sized");
    let (spec, data) = (dir.join("spec.toml"), dir.join("data.csv"));
    std::fs::create_dir_all(&dir).unwrap();
    let mut s = String::from(
        "[index]\nid = \"index\"\nversion = \"1\"\nlanguages = [\"en\"]\nscale = [0, 100]\nname = { en = \"COINr-sized synthetic index\" }\n\n[units]\nfrom_data = true\n\n[defaults]\npooling = \"each-year\"\nnormalisation = { method = \"min-max\" }\naggregation = { method = \"arithmetic\" }\nmissing = { min_share = 0.5 }\n\n",
    );
    for sub in 0..2 {
        s.push_str(&format!(
            "[[group]]\nid = \"sub{sub}\"\nparent = \"index\"\nname = {{ en = \"Sub-index {sub}\" }}\n\n"
        ));
    }
    for p in 0..8 {
        s.push_str(&format!(
            "[[group]]\nid = \"p{p}\"\nparent = \"sub{}\"\nname = {{ en = \"Pillar {p}\" }}\n\n",
            p / 4
        ));
    }
    for i in 0..49 {
        let direction = if i % 5 == 0 { "lower" } else { "higher" };
        s.push_str(&format!(
            "[[indicator]]\nid = \"i{i:02}\"\nparent = \"p{}\"\nname = {{ en = \"Indicator {i}\" }}\nunit = \"u\"\ndirection = \"{direction}\"\nsource = \"synthetic\"\n\n",
            i % 8
        ));
    }
    std::fs::write(&spec, s).unwrap();
    let mut csv = String::from("region,year");
    for i in 0..49 {
        csv.push_str(&format!(",i{i:02}"));
    }
    csv.push('\n');
    let mut state = 2018u64;
    for u in 0..51 {
        csv.push_str(&format!("U{u:02},2018"));
        for _ in 0..49 {
            let x = splitmix(&mut state);
            if x % 50 == 0 {
                csv.push(',');
            } else {
                csv.push_str(&format!(
                    ",{:.4}",
                    (x >> 11) as f64 / (1u64 << 53) as f64 * 1000.0
                ));
            }
        }
        csv.push('\n');
    }
    std::fs::write(&data, csv).unwrap();
    (spec, data)
}

fn processes(c: &mut Criterion) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let cwi = env!("CARGO_BIN_EXE_cwi");
    let out = root.join("target/bench-data/out-small");
    let run = |args: &[&str]| {
        let status = Command::new(cwi)
            .args(args)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .unwrap();
        assert!(status.success(), "{args:?}");
    };
    let (coinr_spec, coinr_data) = coinr_sized();
    let path = |p: &Path| p.to_str().unwrap().to_string();
    let kz = [
        "compute".to_string(),
        "--spec".into(),
        path(&root.join("indicators/kz-cwi.toml")),
        "--data".into(),
        path(&root.join("data-samples/kz/statistics.csv")),
        path(&root.join("data-samples/kz/surveys.csv")),
        "--out".into(),
        path(&out),
    ];
    let coinr = [
        "compute".to_string(),
        "--spec".into(),
        path(&coinr_spec),
        "--data".into(),
        path(&coinr_data),
        "--out".into(),
        path(&out),
    ];
    fn args(a: &[String]) -> Vec<&str> {
        a.iter().map(String::as_str).collect()
    }
    let mut group = c.benchmark_group("whole process");
    group.bench_function("cwi --version", |b| b.iter(|| run(&["--version"])));
    group.bench_function("cwi compute, Kazakhstan sample", |b| {
        b.iter(|| run(&args(&kz)))
    });
    group.bench_function("cwi compute, COINr-sized index", |b| {
        b.iter(|| run(&args(&coinr)))
    });
    group.finish();
}

criterion_group!(benches, kz_sample, processes);
criterion_main!(benches);
