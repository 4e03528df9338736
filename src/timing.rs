//! Phase timings for profiling whole runs: with the environment variable `CWI_TIMINGS` set,
//! each `mark` prints to stderr the time since the previous mark (or the process start).
//! Without it, a mark costs one relaxed atomic load. Outputs never depend on it.

use std::sync::Mutex;
use std::sync::OnceLock;
use std::time::Instant;

static ENABLED: OnceLock<bool> = OnceLock::new();
static LAST: Mutex<Option<Instant>> = Mutex::new(None);

/// Whether `CWI_TIMINGS` is set.
pub fn enabled() -> bool {
    *ENABLED.get_or_init(|| std::env::var_os("CWI_TIMINGS").is_some())
}

/// Ends the phase called `label`: prints its duration when timings are on.
pub fn mark(label: &str) {
    if !enabled() {
        return;
    }
    let now = Instant::now();
    let mut last = LAST.lock().unwrap_or_else(|e| e.into_inner());
    let since = last.map_or(0.0, |l| now.duration_since(l).as_secs_f64() * 1e3);
    eprintln!("timing: {label:<28} {since:>10.2} ms");
    *last = Some(now);
}
