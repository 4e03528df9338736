//! The uncertainty analysis at scale: shard files that carry their run (`cwi merge` needs
//! nothing but the shards, names the option or file that differs between shards of different
//! runs, and refuses a truncated, edited or foreign shard file before writing anything); rank
//! counts linear in the regions; the nodes summarised.

use std::fs;
use std::path::{Path, PathBuf};

use crate::common::{cwi, root, scratch};
use crate::uncertainty::ok;

/// Runs `cwi uncertainty` with `extra`, from the sample's copy in `dir`; the shard's file.
fn shard(dir: &Path, name: &str, k: usize, n: usize, extra: &[&str]) -> PathBuf {
    let out = dir.join(name);
    let spec = dir.join("kz-cwi.toml");
    let (data1, data2) = (dir.join("statistics.csv"), dir.join("surveys.csv"));
    let shard = format!("{k}/{n}");
    let mut args = vec![
        "uncertainty",
        "--spec",
        spec.to_str().unwrap(),
        "--data",
        data1.to_str().unwrap(),
        data2.to_str().unwrap(),
        "--replications",
        "40",
        "--quiet",
        "--shard",
        &shard,
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let o = cwi(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    out.join(format!("uncertainty/shard-{k}-of-{n}.json"))
}

fn merge(out: &Path, shards: &[&Path]) -> std::process::Output {
    let mut args = vec![
        "merge",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
        "--shards",
    ];
    args.extend(shards.iter().map(|s| s.to_str().unwrap()));
    cwi(&args)
}

#[test]
fn shards_carry_their_run_and_refuse_what_is_not_theirs() {
    let dir = scratch("shards-run");
    for f in ["indicators/kz-cwi.toml", "indicators/kz-regions.csv"] {
        fs::copy(root().join(f), dir.join(Path::new(f).file_name().unwrap())).unwrap();
    }
    for f in ["statistics.csv", "surveys.csv"] {
        fs::copy(root().join("data-samples/kz").join(f), dir.join(f)).unwrap();
    }
    let a = shard(&dir, "a", 1, 2, &[]);
    let b = shard(&dir, "b", 2, 2, &[]);
    // The single run, and the merge of the shards alone (no spec, data or options given).
    let single = dir.join("single");
    let o = cwi(&[
        "uncertainty",
        "--spec",
        dir.join("kz-cwi.toml").to_str().unwrap(),
        "--data",
        dir.join("statistics.csv").to_str().unwrap(),
        dir.join("surveys.csv").to_str().unwrap(),
        "--replications",
        "40",
        "--quiet",
        "--out",
        single.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let merged = dir.join("merged");
    let o = merge(&merged, &[&a, &b]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for file in ["uncertainty/ranks.csv", "charts/rank-intervals-2024.svg"] {
        assert_eq!(
            fs::read(single.join(file)).unwrap(),
            fs::read(merged.join(file)).unwrap(),
            "{file}"
        );
    }

    let refused = |shards: &[&Path], expected: &str| {
        let out = dir.join("refused");
        let o = merge(&out, shards);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!o.status.success(), "accepted: {expected}");
        assert!(err.contains(expected), "{expected}: {err}");
        assert!(!out.exists(), "{expected}: something was written");
    };
    // A shard of another run: the option that differs is named.
    let other = shard(&dir, "other", 2, 2, &["--weights", "0.1"]);
    refused(&[&a, &other], "are shards of different runs: --weights");
    // Truncated, edited, or written by another cwi.
    let text = fs::read_to_string(&b).unwrap();
    let truncated = dir.join("truncated.json");
    fs::write(&truncated, &text[..text.len() / 2]).unwrap();
    refused(&[&a, &truncated], "it may be truncated");
    let edited = dir.join("edited.json");
    let changed = text.replacen("\"failed\":[0", "\"failed\":[1", 1);
    assert_ne!(changed, text, "the shard has a failure count to edit");
    fs::write(&edited, changed).unwrap();
    refused(&[&a, &edited], "the file was edited or damaged");
    let older = dir.join("older.json");
    let version = format!("\"cwi\":\"{}\"", env!("CARGO_PKG_VERSION"));
    fs::write(&older, text.replacen(&version, "\"cwi\":\"0.0.1\"", 1)).unwrap();
    refused(&[&a, &older], "written by cwi 0.0.1");
    // Data changed since the shards ran.
    let stats = dir.join("statistics.csv");
    let data = fs::read_to_string(&stats).unwrap();
    let revised = data.replacen(
        "область Абай,2024,child_poverty,5.9",
        "область Абай,2024,child_poverty,6.1",
        1,
    );
    assert_ne!(revised, data, "the sample has the value to revise");
    fs::write(&stats, revised).unwrap();
    refused(
        &[&a, &b],
        "statistics.csv has changed since the shards read it",
    );
}

/// The spec of the synthetic tract panels: an index of four z-scored indicators, weights
/// +/-25%, `replications` replications.
fn tract_spec(replications: usize) -> String {
    let mut spec = format!(
        "[index]\nid = \"coi\"\nversion = \"1\"\nlanguages = [\"en\"]\nscale = [0, 100]\nname = {{ en = \"Tracts\" }}\n[units]\nfrom_data = true\n[defaults]\npooling = \"each-year\"\nnormalisation = {{ method = \"z-score\" }}\naggregation = {{ method = \"arithmetic\" }}\n[uncertainty]\nreplications = {replications}\nseed = 3\nweights = 0.25\n",
    );
    for k in 0..4 {
        spec.push_str(&format!(
            "[[indicator]]\nid = \"i{k}\"\nparent = \"coi\"\nname = {{ en = \"i{k}\" }}\nunit = \"z\"\ndirection = \"higher\"\nsource = \"synthetic\"\n"
        ));
    }
    spec
}

/// Many regions, as census tracts: a shard keeps for each region-year only the ranks that
/// came out (at most one per replication), so its file grows with the regions, not with
/// their square as a histogram with a bin per possible rank did (1,200 and 4,800 synthetic
/// tracts, above the 1,000 regions kept as histograms, 5 replications: 4 times the tracts,
/// about 4 times the bytes, where histograms would take 16 times). The rank-interval chart
/// draws 100 of them, evenly spaced by rank, and says so; the table keeps every one.
#[test]
fn many_regions_keep_rank_counts_linear_in_the_regions() {
    let dir = scratch("unc-tracts");
    let spec = tract_spec(5);
    fs::write(dir.join("coi.toml"), &spec).unwrap();
    let mut sizes = Vec::new();
    for n in [1200usize, 4800] {
        // Deterministic values without ties: each indicator a different permutation.
        let mut csv = String::from("region,year,i0,i1,i2,i3\n");
        for u in 0..n {
            let v: Vec<String> = (0..4)
                .map(|k| (((u * (2 * k + 7) + 13 * k) % n) as f64 + 0.1 * k as f64).to_string())
                .collect();
            csv.push_str(&format!("T{u:04},2024,{}\n", v.join(",")));
        }
        let data = dir.join(format!("tracts-{n}.csv"));
        fs::write(&data, csv).unwrap();
        let out = dir.join(format!("out-{n}"));
        let (spec_path, data_path, out_path) = (
            dir.join("coi.toml").to_str().unwrap().to_string(),
            data.to_str().unwrap().to_string(),
            out.to_str().unwrap().to_string(),
        );
        let args = |extra: &[&str]| {
            let mut a: Vec<String> = [
                "uncertainty",
                "--spec",
                &spec_path,
                "--data",
                &data_path,
                "--out",
                &out_path,
                "--quiet",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect();
            a.extend(extra.iter().map(|s| s.to_string()));
            a
        };
        let a = args(&["--shard", "1/1"]);
        ok(&a.iter().map(String::as_str).collect::<Vec<_>>());
        sizes.push(
            fs::metadata(out.join("uncertainty/shard-1-of-1.json"))
                .unwrap()
                .len() as f64,
        );
        if n == 4800 {
            let a = args(&[]);
            ok(&a.iter().map(String::as_str).collect::<Vec<_>>());
            let table = fs::read_to_string(out.join("uncertainty/ranks.csv")).unwrap();
            // The index and its top level (the four indicators): 5 nodes x 4,800 tracts.
            assert_eq!(table.lines().count(), 1 + 5 * 4800);
            let svg = fs::read_to_string(out.join("charts/rank-intervals-2024.svg")).unwrap();
            assert!(svg.contains("100 of 4800 regions, evenly spaced by rank"));
        }
    }
    let growth = sizes[1] / sizes[0];
    assert!(
        (3.0..5.0).contains(&growth),
        "{sizes:?}: grew {growth} times"
    );
}

/// The ranks summarised: by default the index and its top level (tiny: the index, health and
/// education), with `--nodes` any other node too (an indicator), each row naming its node;
/// a node the spec does not have is refused with the nearest id, before any replication.
#[test]
fn the_nodes_summarised_are_the_index_its_top_level_and_those_asked_for() {
    let out = scratch("unc-nodes");
    let run = |extra: &[&str]| {
        let mut args = vec![
            "uncertainty",
            "--spec",
            "tests/fixtures/tiny.toml",
            "--data",
            "tests/fixtures/tiny.csv",
            "--out",
            out.to_str().unwrap(),
            "--weights",
            "0.2",
            "--replications",
            "10",
            "--quiet",
        ];
        args.extend_from_slice(extra);
        cwi(&args)
    };
    let nodes = |text: &str| -> Vec<String> {
        let mut n: Vec<String> = text
            .lines()
            .skip(1)
            .map(|l| l.split(',').nth(1).unwrap().to_string())
            .collect();
        n.dedup();
        n
    };
    assert!(run(&[]).status.success());
    let text = fs::read_to_string(out.join("uncertainty/ranks.csv")).unwrap();
    assert!(text.starts_with("year,node_id,region_code,"));
    assert_eq!(nodes(&text), ["tiny", "health", "education"]);
    assert!(run(&["--nodes", "mortality"]).status.success());
    let text = fs::read_to_string(out.join("uncertainty/ranks.csv")).unwrap();
    assert_eq!(nodes(&text), ["tiny", "health", "mortality", "education"]);
    let json = fs::read_to_string(out.join("uncertainty/uncertainty.json")).unwrap();
    assert!(json.contains("\"nodes\": [\n    \"tiny\",\n    \"health\",\n    \"mortality\",\n    \"education\"\n  ]"), "{json}");
    let o = run(&["--nodes", "mortalty"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success());
    assert!(
        err.contains("no node \"mortalty\" in the spec; did you mean \"mortality\"?"),
        "{err}"
    );
}

/// A census-tract panel's analysis: above 100,000 rows of ranks (10,100 synthetic tracts x 5
/// nodes x 2 years = 101,000) the table is written as Parquet alone unless formats are asked
/// for, as compute does above a million score rows; an analysis or a merge that would need
/// more memory than it may use is refused before it starts, with the figures, and writes
/// nothing.
#[test]
fn a_census_tract_analysis_writes_parquet_and_refuses_what_exceeds_memory() {
    use polars::prelude::*;
    let dir = scratch("unc-large");
    let spec = tract_spec(2);
    let spec_path = dir.join("coi.toml");
    fs::write(&spec_path, &spec).unwrap();
    let n = 10_100usize;
    let mut csv = String::from("region,year,i0,i1,i2,i3\n");
    for year in [2023, 2024] {
        for u in 0..n {
            let v: Vec<String> = (0..4)
                .map(|k| {
                    (((u * (2 * k + 7) + 13 * k + year) % n) as f64 + 0.1 * k as f64).to_string()
                })
                .collect();
            csv.push_str(&format!("T{u:05},{year},{}\n", v.join(",")));
        }
    }
    let data = dir.join("tracts.csv");
    fs::write(&data, csv).unwrap();
    let out = dir.join("out");
    let run = |extra: &[&str]| {
        let mut a = vec![
            "uncertainty",
            "--spec",
            spec_path.to_str().unwrap(),
            "--data",
            data.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--quiet",
        ];
        a.extend_from_slice(extra);
        cwi(&a)
    };

    // Too little memory: refused with what the analysis holds, nothing written.
    let o = run(&["--max-memory", "1M"]);
    let err = String::from_utf8_lossy(&o.stderr);
    // The machine cannot give it: the command could not run.
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("this analysis would hold about ")
            && err.contains(
                "(the ranks of 10100 regions x 5 node(s) x 2 year(s) x 2 replications), more than the 1 MB given by --max-memory; nothing was run"
            ),
        "{err}"
    );
    assert!(!out.exists(), "something was written");

    let o = run(&[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(!out.join("uncertainty/ranks.csv").exists());
    assert!(!out.join("uncertainty/uncertainty.json").exists());
    let ranks = ParquetReader::new(fs::File::open(out.join("uncertainty/ranks.parquet")).unwrap())
        .finish()
        .unwrap();
    assert_eq!(ranks.height(), 5 * n * 2);
    // Asked for, CSV is written at any size.
    let o = run(&["--formats", "csv"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let table = fs::read_to_string(out.join("uncertainty/ranks.csv")).unwrap();
    assert_eq!(table.lines().count(), 1 + 5 * n * 2);

    // A merge that would not fit: refused before reading the shards.
    let o = run(&["--shard", "1/1"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let shard = out.join("uncertainty/shard-1-of-1.json");
    let merged = dir.join("merged");
    let o = cwi(&[
        "merge",
        "--quiet",
        "--out",
        merged.to_str().unwrap(),
        "--max-memory",
        "100K",
        "--shards",
        shard.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("1 shard file(s) of ")
            && err.contains("more than the 102 kB given by --max-memory"),
        "{err}"
    );
    assert!(!merged.exists());
}
