//! Uncertainty and sensitivity analysis on the Kazakhstan sample, as its spec declares them
//! (weights +/-25%, three imputations, one indicator left out, survey sampling error).
//!
//!     cargo bench --bench uncertainty

use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};

fn kz() -> cwi::pipeline::Results {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let spec = cwi::spec::load(&root.join("indicators/kz-cwi.toml")).unwrap();
    cwi::pipeline::run(
        spec,
        &[
            root.join("data-samples/kz/statistics.csv"),
            root.join("data-samples/kz/surveys.csv"),
        ],
    )
    .unwrap()
}

fn analyses(c: &mut Criterion) {
    let results = kz();
    let mut group = c.benchmark_group("kz sample");
    group.sample_size(10);
    let mut settings = results.spec.uncertainty.clone();
    settings.replications = 100_000;
    group.bench_function("uncertainty, 100,000 replications", |b| {
        b.iter(|| {
            cwi::uncertainty::monte_carlo(&results, &settings, &|| {})
                .unwrap()
                .ranks
                .len()
        })
    });
    settings.samples = 10_000;
    group.bench_function("sensitivity, 10,000 base samples", |b| {
        b.iter(|| {
            cwi::uncertainty::sensitivity(&results, &settings, &|| {})
                .unwrap()
                .rows
                .len()
        })
    });
    group.finish();
}

criterion_group!(benches, analyses);
criterion_main!(benches);
