//! A large synthetic panel: 3,000 regions x 200 indicators x 20 years (12 million rows of long
//! CSV, 275 MB), made by a seeded generator on first run into target/bench-data/, with the same
//! panel as Parquet. Measured side by side in one run:
//!
//! - polars alone reading the CSV, and cwi's whole job on it (load with every check, compute,
//!   write the outputs) writing Parquet (the default at this size) and writing CSV;
//! - polars alone reading the Parquet file, and cwi's whole job on it writing Parquet;
//! - the floor: polars alone writing the score table cwi writes (read back from cwi's
//!   scores.parquet), as Parquet and as CSV.
//!
//!     cargo bench --bench large
//!
//! Peak memory is not measured by criterion: see docs/performance.md for the command.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use criterion::{Criterion, criterion_group, criterion_main};
use cwi::output::Format;
use polars::prelude::*;

const REGIONS: usize = 3000;
const INDICATORS: usize = 200;
const GROUPS: usize = 10;
const YEARS: usize = 20;

/// SplitMix64, as the sample generator: fixed forever.
fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Writes the spec and the panel (once) and returns their paths.
pub fn large_panel() -> (PathBuf, PathBuf) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    let (spec, data) = (dir.join("large.toml"), dir.join("large.csv"));
    if spec.exists() && data.exists() {
        return (spec, data);
    }
    let _ = std::fs::remove_file(dir.join("large.parquet"));
    std::fs::create_dir_all(&dir).unwrap();
    let mut s = String::from(
        "[index]\nid = \"large\"\nversion = \"1\"\nlanguages = [\"en\"]\nscale = [0, 100]\nname = { en = \"Large synthetic index\" }\n\n[units]\nfrom_data = true\n\n[defaults]\npooling = \"each-year\"\nnormalisation = { method = \"min-max\" }\naggregation = { method = \"arithmetic\" }\nmissing = { min_share = 0.5 }\n\n",
    );
    for g in 0..GROUPS {
        s.push_str(&format!(
            "[[group]]\nid = \"g{g:02}\"\nparent = \"large\"\nname = {{ en = \"Group {g}\" }}\n\n"
        ));
    }
    for i in 0..INDICATORS {
        let direction = if i % 4 == 0 { "lower" } else { "higher" };
        s.push_str(&format!(
            "[[indicator]]\nid = \"i{i:03}\"\nparent = \"g{:02}\"\nname = {{ en = \"Indicator {i}\" }}\nunit = \"u\"\ndirection = \"{direction}\"\nsource = \"synthetic\"\n\n",
            i % GROUPS
        ));
    }
    std::fs::write(&spec, s).unwrap();
    let mut out = BufWriter::new(std::fs::File::create(&data).unwrap());
    writeln!(out, "region,year,indicator,value").unwrap();
    let mut state = 42u64;
    for y in 0..YEARS {
        for r in 0..REGIONS {
            for i in 0..INDICATORS {
                let x = splitmix(&mut state);
                // One value in a thousand missing.
                if x % 1000 == 0 {
                    writeln!(out, "R{r:04},{},i{i:03},", 2005 + y).unwrap();
                } else {
                    let v = (x >> 11) as f64 / (1u64 << 53) as f64 * 100.0;
                    writeln!(out, "R{r:04},{},i{i:03},{v:.3}", 2005 + y).unwrap();
                }
            }
        }
    }
    out.flush().unwrap();
    (spec, data)
}

/// The same panel as Parquet (typed: text region and indicator, integer year, float value),
/// written once from the CSV.
pub fn large_parquet(csv: &Path) -> PathBuf {
    let path = csv.with_extension("parquet");
    if !path.exists() {
        let mut frame = polars_read(csv);
        ParquetWriter::new(std::fs::File::create(&path).unwrap())
            .finish(&mut frame)
            .unwrap();
    }
    path
}

fn polars_read_parquet(data: &Path) -> DataFrame {
    ParquetReader::new(std::fs::File::open(data).unwrap())
        .finish()
        .unwrap()
}

fn polars_read(data: &Path) -> DataFrame {
    CsvReadOptions::default()
        .with_has_header(true)
        .try_into_reader_with_file_path(Some(data.to_path_buf()))
        .unwrap()
        .finish()
        .unwrap()
}

/// `cwi compute` as the command runs it: `formats` `None` for the defaults.
fn cwi_job(spec: &Path, data: &Path, out: &Path, formats: Option<&[Format]>) -> usize {
    let spec = cwi::spec::load(spec).unwrap();
    let results = cwi::pipeline::run(spec, &[data]).unwrap();
    let mut staged = cwi::output::Staged::new(out).unwrap();
    let formats = formats.map_or_else(|| Format::defaults(&results), <[Format]>::to_vec);
    cwi::output::stage_outputs(&mut staged, &results, "en", Default::default(), &formats).unwrap();
    staged.commit().unwrap()
}

/// The score table cwi writes from `data`, read back by polars: the floor's output.
fn scores_frame(spec: &Path, data: &Path, out: &Path) -> DataFrame {
    cwi_job(spec, data, out, None);
    polars_read_parquet(&out.join("scores.parquet"))
}

/// polars alone writing `frame` as Parquet with its default options (zstd, statistics), as
/// `scores.parquet` is written.
fn polars_write_parquet(frame: &mut DataFrame, path: &Path) -> u64 {
    ParquetWriter::new(std::fs::File::create(path).unwrap())
        .finish(frame)
        .unwrap()
}

/// polars alone writing `frame` as CSV.
fn polars_write_csv(frame: &mut DataFrame, path: &Path) -> u64 {
    let mut file = BufWriter::new(std::fs::File::create(path).unwrap());
    CsvWriter::new(&mut file).finish(frame).unwrap();
    file.flush().unwrap();
    file.get_ref().metadata().unwrap().len()
}

fn large(c: &mut Criterion) {
    let (spec, data) = large_panel();
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-data/out");
    let mut group = c.benchmark_group("large panel 3000 x 200 x 20");
    group.sample_size(10);
    let parquet = large_parquet(&data);
    group.bench_function("polars read CSV", |b| {
        b.iter(|| polars_read(&data).height())
    });
    group.bench_function("cwi CSV in, Parquet out (default)", |b| {
        b.iter(|| cwi_job(&spec, &data, &out, None))
    });
    group.bench_function("cwi CSV in, CSV out", |b| {
        b.iter(|| cwi_job(&spec, &data, &out, Some(&[Format::Csv])))
    });
    group.bench_function("polars read Parquet", |b| {
        b.iter(|| polars_read_parquet(&parquet).height())
    });
    group.bench_function("cwi Parquet in, Parquet out", |b| {
        b.iter(|| cwi_job(&spec, &parquet, &out, None))
    });
    // The floor: polars alone writing the score table cwi writes (12.7 million rows, the same
    // columns and types), once as Parquet and once as CSV. No tool that writes this table
    // with polars' writer can take less than reading the input plus this.
    let mut frame = scores_frame(&spec, &parquet, &out);
    let floor = out.with_file_name("floor");
    std::fs::create_dir_all(&floor).unwrap();
    group.bench_function("polars write the score table as Parquet", |b| {
        b.iter(|| polars_write_parquet(&mut frame, &floor.join("scores.parquet")))
    });
    group.bench_function("polars write the score table as CSV", |b| {
        b.iter(|| polars_write_csv(&mut frame, &floor.join("scores.csv")))
    });
    group.finish();
}

criterion_group!(benches, large);
criterion_main!(benches);
