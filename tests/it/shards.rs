//! Shard files that carry their run: `cwi merge` needs nothing but the shards, names the
//! option or file that differs between shards of different runs, and refuses a truncated,
//! edited or foreign shard file before writing anything.

use std::fs;
use std::path::{Path, PathBuf};

use crate::common::{cwi, root, scratch};

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
