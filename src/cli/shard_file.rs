//! A shard's file: what the shard computed, the run it belongs to (every option it ran with,
//! the spec and data files by absolute path with their SHA-256), the cwi that wrote it, and a
//! digest of the whole. `cwi merge SHARD...` needs nothing else; a truncated, edited or
//! foreign file is refused with its name and the reason, before anything is written.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize, de::DeserializeOwned};

use super::error::Error;

/// The format of shard files this cwi writes and reads. 3: ranks are kept in halves, so that
/// average ties (2.5) count exactly.
const FORMAT: u32 = 3;

/// The run a shard belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunRecord {
    /// Every option the shard ran with that decides its result, as (option, value), a flag's
    /// value empty, paths absolute: `cwi merge` runs with them.
    pub options: Vec<(String, String)>,
    /// The SHA-256 of the spec and of each data file the shard read, by absolute path.
    pub files: Vec<(String, String)>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ShardFile<P> {
    pub cwi: String,
    pub format: u32,
    pub run: RunRecord,
    pub partial: P,
    /// SHA-256 of the JSON of everything above, in this order.
    pub sha256: String,
}

fn digest<P: Serialize>(cwi: &str, format: u32, run: &RunRecord, partial: &P) -> String {
    let body = serde_json::to_vec(&(cwi, format, run, partial)).expect("a shard serialises");
    cwi::digest::sha256_hex(&body)
}

/// The file's bytes for a shard's result and run.
pub fn render<P: Serialize>(partial: &P, run: RunRecord) -> Vec<u8> {
    let cwi = env!("CARGO_PKG_VERSION").to_string();
    let sha256 = digest(&cwi, FORMAT, &run, partial);
    let file = ShardFile {
        cwi,
        format: FORMAT,
        run,
        partial,
        sha256,
    };
    let mut json = serde_json::to_vec(&file).expect("a shard serialises");
    json.push(b'\n');
    json
}

/// Reads a shard file, checked: JSON of a shard (not truncated), written by this cwi, and not
/// changed since.
pub fn read<P: Serialize + DeserializeOwned>(
    file: &Path,
    bytes: &[u8],
) -> Result<ShardFile<P>, Error> {
    let refuse = |why: String| {
        Error::Arguments(format!(
            "shard {}: {why}; nothing was written",
            file.display()
        ))
    };
    let head: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| {
        refuse(format!(
            "not a complete shard file ({e}): it may be truncated; run the shard again"
        ))
    })?;
    let cwi = head["cwi"].as_str().unwrap_or("an earlier version");
    if cwi != env!("CARGO_PKG_VERSION") || head["format"].as_u64() != Some(u64::from(FORMAT)) {
        return Err(refuse(format!(
            "written by cwi {cwi}, not by this cwi {}: run the shards and the merge with one cwi",
            env!("CARGO_PKG_VERSION")
        )));
    }
    let shard: ShardFile<P> = serde_json::from_value(head)
        .map_err(|e| refuse(format!("not a shard of this analysis ({e})")))?;
    if digest(&shard.cwi, shard.format, &shard.run, &shard.partial) != shard.sha256 {
        return Err(refuse(
            "its contents do not match the digest cwi wrote with them: the file was edited or damaged; run the shard again".into(),
        ));
    }
    Ok(shard)
}

/// The analysis a shard file holds (`uncertainty` or `sensitivity`), if it reads as one.
pub fn analysis(bytes: &[u8]) -> Option<String> {
    serde_json::from_slice::<serde_json::Value>(bytes)
        .ok()
        .and_then(|v| v["partial"]["analysis"].as_str().map(str::to_string))
}

/// An absolute path, for a record another directory's merge can read.
pub fn absolute(path: &Path) -> String {
    std::path::absolute(path)
        .unwrap_or_else(|_| PathBuf::from(path))
        .display()
        .to_string()
}

/// The first difference between two runs, as a sentence naming the option or file: `None`
/// when they are the same run.
pub fn difference(a: &RunRecord, b: &RunRecord) -> Option<String> {
    let options = |r: &RunRecord, name: &str| -> Vec<String> {
        r.options
            .iter()
            .filter(|(o, _)| o == name)
            .map(|(_, v)| if v.is_empty() { "on".into() } else { v.clone() })
            .collect()
    };
    let mut names: Vec<&str> = a.options.iter().map(|(o, _)| o.as_str()).collect();
    names.extend(b.options.iter().map(|(o, _)| o.as_str()));
    names.dedup();
    for name in names {
        let (x, y) = (options(a, name), options(b, name));
        if x != y {
            let show = |v: &[String]| {
                if v.is_empty() {
                    "without it".to_string()
                } else {
                    v.join(" ")
                }
            };
            return Some(format!("{name}: {} against {}", show(&x), show(&y)));
        }
    }
    for (path, sha) in &a.files {
        match b.files.iter().find(|(p, _)| p == path) {
            Some((_, other)) if other != sha => {
                return Some(format!(
                    "{path} had other contents (SHA-256 {sha} against {other})"
                ));
            }
            None => return Some(format!("{path} was read by one and not the other")),
            _ => {}
        }
    }
    (a.files.len() != b.files.len()).then(|| "they read different files".to_string())
}
