//! Speed of the whole `compute` job on the shipped Kazakhstan sample: load both files, normalise,
//! aggregate, rank and render every output (without the disk write, which the OS dominates).
//!
//!     cargo bench --bench compute

use std::path::PathBuf;

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

criterion_group!(benches, kz_sample);
criterion_main!(benches);
