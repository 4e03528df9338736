//! The uncertainty analysis at census-tract scale: a seeded synthetic panel of the shape of a
//! child-opportunity index (29 indicators in 3 domains, z-scores, 2 years, weights +/-25%) at
//! 36,000, 72,000 and 144,000 tracts, written on first run into target/bench-data/
//! (coi.toml, tracts-N.csv). Measured: 10 replications at each size, in process.
//!
//!     cargo bench --bench tracts
//!
//! The whole-process figures of docs/performance.md (1,000 replications, peak memory) run the
//! release binary on the same files:
//!
//!     /usr/bin/time -f "%e s %M KB" target/release/cwi uncertainty \
//!       --spec target/bench-data/coi.toml --data target/bench-data/tracts-72000.csv \
//!       --out /tmp/coi --replications 1000 --quiet

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use criterion::{Criterion, criterion_group, criterion_main};

const INDICATORS: usize = 29;
const DOMAINS: [(&str, usize); 3] = [("education", 10), ("health", 10), ("economic", 9)];
pub const SIZES: [usize; 3] = [36_000, 72_000, 144_000];

/// SplitMix64, as the other generators: fixed forever.
fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn uniform(state: &mut u64) -> f64 {
    (splitmix(state) >> 11) as f64 / (1u64 << 53) as f64
}

/// The spec and the panel of `tracts` tracts (written once), their paths.
pub fn tracts(tracts: usize) -> (PathBuf, PathBuf) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    std::fs::create_dir_all(&dir).unwrap();
    let spec = dir.join("coi.toml");
    let mut s = String::from(
        "# Synthetic, for benchmarks only: not any real index or statistics.\n[index]\nid = \"coi\"\nversion = \"1\"\nlanguages = [\"en\"]\nscale = [0, 100]\nname = { en = \"Synthetic child opportunity\" }\n\n[units]\nfrom_data = true\n\n[defaults]\npooling = \"each-year\"\nnormalisation = { method = \"z-score\" }\naggregation = { method = \"arithmetic\" }\n\n[uncertainty]\nseed = 7\nweights = 0.25\n\n",
    );
    let mut i = 0;
    for (domain, n) in DOMAINS {
        s.push_str(&format!(
            "[[group]]\nid = \"{domain}\"\nparent = \"coi\"\nname = {{ en = \"{domain}\" }}\n\n"
        ));
        for _ in 0..n {
            let direction = if i % 5 == 4 { "lower" } else { "higher" };
            s.push_str(&format!(
                "[[indicator]]\nid = \"i{i:02}\"\nparent = \"{domain}\"\nname = {{ en = \"Indicator {i}\" }}\nunit = \"u\"\ndirection = \"{direction}\"\nsource = \"synthetic\"\n\n"
            ));
            i += 1;
        }
    }
    std::fs::write(&spec, s).unwrap();
    let data = dir.join(format!("tracts-{tracts}.csv"));
    if data.exists() {
        return (spec, data);
    }
    let part = data.with_extension("csv.part");
    let mut out = BufWriter::new(std::fs::File::create(&part).unwrap());
    write!(out, "region,year").unwrap();
    for i in 0..INDICATORS {
        write!(out, ",i{i:02}").unwrap();
    }
    writeln!(out).unwrap();
    let mut state = 7u64;
    for year in [2023, 2024] {
        for t in 0..tracts {
            // A tract's opportunity (the same both years, plus noise) drives every indicator,
            // so ranks mean something and weights move them.
            let mut latent = 7u64 + t as u64;
            let level = uniform(&mut latent);
            write!(out, "T{t:06},{year}").unwrap();
            for i in 0..INDICATORS {
                let sign = if i % 5 == 4 { -1.0 } else { 1.0 };
                let x = splitmix(&mut state);
                if x % 500 == 0 {
                    write!(out, ",").unwrap();
                } else {
                    let v = 50.0 + sign * 30.0 * level + 20.0 * uniform(&mut state);
                    write!(out, ",{v:.3}").unwrap();
                }
            }
            writeln!(out).unwrap();
        }
    }
    out.flush().unwrap();
    drop(out);
    std::fs::rename(&part, &data).unwrap();
    (spec, data)
}

fn analysis(c: &mut Criterion) {
    let mut group = c.benchmark_group("census tracts, 29 indicators x 2 years");
    group.sample_size(10);
    for n in SIZES {
        let (spec, data) = tracts(n);
        let spec = cwi::spec::load(&spec).unwrap();
        let results = cwi::pipeline::run(spec, &[data]).unwrap();
        let mut settings = results.spec.uncertainty.clone();
        settings.replications = 10;
        group.bench_function(format!("uncertainty, 10 replications, {n} tracts"), |b| {
            b.iter(|| {
                cwi::uncertainty::monte_carlo(&results, &settings, &|| {})
                    .unwrap()
                    .ranks
                    .len()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, analysis);
criterion_main!(benches);
