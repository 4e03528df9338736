//! Phase timings for profiling whole runs: built with the `timings` feature and run with the
//! environment variable `CWI_TIMINGS` set, each `mark` prints to stderr the time since the
//! previous mark (or the process start). Without the feature a mark is a constant `false`
//! test the compiler removes; with it and without the variable, one atomic load. Outputs never depend on it. On Linux a
//! mark also prints the memory resident and at its peak so far, and the memory faulted in
//! since the previous mark (minor page faults x 4 KiB): on a virtual machine where first
//! touches are slow, memory touched is time.

use std::sync::Mutex;
use std::sync::OnceLock;
use std::time::Instant;

static ENABLED: OnceLock<bool> = OnceLock::new();
static LAST: Mutex<Option<(Instant, u64)>> = Mutex::new(None);

/// Whether `CWI_TIMINGS` is set (and cwi was built with the `timings` feature; without it,
/// never: the tool as shipped reads no profiling switch).
pub fn enabled() -> bool {
    cfg!(feature = "timings") && *ENABLED.get_or_init(|| std::env::var_os("CWI_TIMINGS").is_some())
}

/// Ends the phase called `label`: prints its duration when timings are on.
pub fn mark(label: &str) {
    if !enabled() {
        return;
    }
    let now = Instant::now();
    let mut last = LAST.lock().unwrap_or_else(|e| e.into_inner());
    let since = last.map_or(0.0, |(l, _)| now.duration_since(l).as_secs_f64() * 1e3);
    let faults = minor_faults();
    let memory = match (status_kb("VmRSS:"), status_kb("VmHWM:"), faults) {
        (Some(rss), Some(peak), Some(f)) => format!(
            "  rss {:>6} MB  peak {:>6} MB  faulted {:>6} MB",
            rss / 1024,
            peak / 1024,
            (f - last.map_or(0, |(_, before)| before)) * 4 / 1024
        ),
        _ => String::new(),
    };
    eprintln!("timing: {label:<28} {since:>10.2} ms{memory}");
    *last = Some((now, faults.unwrap_or(0)));
}

/// A field of /proc/self/status in KiB (Linux only; `None` elsewhere).
fn status_kb(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line[field.len()..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

/// The process's minor page faults so far (field 10 of /proc/self/stat; Linux only).
fn minor_faults() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name (field 2) is in parentheses and may hold spaces.
    let rest = &stat[stat.rfind(')')? + 1..];
    rest.split_whitespace().nth(7)?.parse().ok()
}
