//! `--max-memory`: an analysis whose footprint exceeds the memory it may use is refused before
//! it starts, with the figures and the ways out, instead of being killed by the kernel.

use super::error::Error;
use cwi::uncertainty::footprint::Footprint;

/// `--max-memory` of the analyses: the memory a run may use.
#[derive(Debug, clap::Args)]
pub struct Limit {
    /// The memory the analysis may use, as 3G, 500M or a number of bytes (K, M, G and T are
    /// powers of 1,024). Default: the memory available now (MemAvailable in /proc/meminfo, or
    /// less under a cgroup's limit, as in a Slurm job or a container). An analysis that would
    /// need more is refused before it starts, with the figures.
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    max_memory: Option<u64>,
}

fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let digits = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(digits);
    let number: f64 = number
        .parse()
        .map_err(|_| format!("\"{text}\" is not a size: write it as 3G, 500M or 1000000"))?;
    let power = match unit.trim().to_ascii_uppercase().as_str() {
        "" | "B" => 0,
        "K" | "KB" | "KIB" => 1,
        "M" | "MB" | "MIB" => 2,
        "G" | "GB" | "GIB" => 3,
        "T" | "TB" | "TIB" => 4,
        _ => {
            return Err(format!(
                "\"{text}\": the unit must be K, M, G or T (powers of 1,024)"
            ));
        }
    };
    Ok((number * 1024f64.powi(power)) as u64)
}

/// A size in words: "2.4 GB", "600 MB" (powers of 1,000, as `free -h --si` says them).
pub fn human(bytes: u64) -> String {
    let b = bytes as f64;
    if b >= 1e9 {
        format!("{:.1} GB", b / 1e9)
    } else if b >= 1e6 {
        format!("{:.0} MB", b / 1e6)
    } else {
        format!("{:.0} kB", b / 1e3)
    }
}

/// The memory free for this process now, and where the figure comes from: the machine's
/// available memory and, under a cgroup (v2) limit, what the limit leaves. `None` where
/// neither can be read (not Linux).
fn available() -> Option<(u64, &'static str)> {
    let machine = std::fs::read_to_string("/proc/meminfo").ok().and_then(|t| {
        let line = t.lines().find(|l| l.starts_with("MemAvailable:"))?;
        let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some((
            kb * 1024,
            "available on this machine (MemAvailable in /proc/meminfo)",
        ))
    });
    let read = |f: &str| -> Option<u64> {
        std::fs::read_to_string(format!("/sys/fs/cgroup/{f}"))
            .ok()?
            .trim()
            .parse()
            .ok()
    };
    let cgroup = read("memory.max").map(|max| {
        let used = read("memory.current").unwrap_or(0);
        (
            max.saturating_sub(used),
            "left under this cgroup's limit (/sys/fs/cgroup/memory.max)",
        )
    });
    match (machine, cgroup) {
        (Some(m), Some(c)) => Some(if c.0 < m.0 { c } else { m }),
        (m, c) => m.or(c),
    }
}

impl Limit {
    /// Refuses an analysis whose `footprint` exceeds the limit, naming what it holds, the
    /// figures and the ways out (`ways_out`: what the command can change).
    pub fn check(&self, footprint: &Footprint, ways_out: &str) -> Result<(), Error> {
        let (limit, source) = match self.max_memory {
            Some(m) => (m, "given by --max-memory"),
            None => match available() {
                Some(a) => a,
                None => return Ok(()),
            },
        };
        if footprint.bytes <= limit {
            return Ok(());
        }
        Err(Error::Resources(format!(
            "this analysis would hold about {} in memory ({}), more than the {} {source}; \
             nothing was run. {ways_out}, or give --max-memory if more will be free",
            human(footprint.bytes),
            footprint.holds,
            human(limit)
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::{human, parse_size};

    #[test]
    fn sizes_read_and_say() {
        assert_eq!(parse_size("3G"), Ok(3 * 1024 * 1024 * 1024));
        assert_eq!(parse_size("1.5 GiB"), Ok(1_610_612_736));
        assert_eq!(parse_size("500m"), Ok(524_288_000));
        assert_eq!(parse_size("4096"), Ok(4096));
        assert!(parse_size("3X").unwrap_err().contains("K, M, G or T"));
        assert!(parse_size("lots").unwrap_err().contains("not a size"));
        assert_eq!(human(2_377_728_000), "2.4 GB");
        assert_eq!(human(600_000_000), "600 MB");
    }
}
