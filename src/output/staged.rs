//! Writing a run's files as one whole: each to a temporary file in the output directory,
//! hashed while written, renamed into place by the commit (the manifest last), under a lock
//! on the directory; the previous run's files that a new run does not write again removed.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{OutputError, behind};

/// Writes one file's body.
pub type Job<'a> = Box<dyn FnOnce(&mut dyn Write) -> std::io::Result<()> + Send + 'a>;

/// An output of a run as its manifest lists it: the path relative to the output directory
/// (with `/` between directories) and the SHA-256 of its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Output {
    pub path: String,
    pub sha256: String,
}

/// The manifest's name in an output directory.
pub const MANIFEST: &str = "manifest.json";

/// A file written under a temporary name, the SHA-256 of its bytes once written whole.
struct StagedFile {
    tmp: PathBuf,
    target: PathBuf,
    sha256: String,
}

/// Files written to temporary names in the output directory, renamed into place by `commit`;
/// dropped without a commit, they are removed and nothing in the directory changes.
///
/// A run holds an exclusive lock on `DIR/.cwi.lock` from `new` to the end: a second run
/// writing to the same directory at the same time is refused (`OutputError::Busy`) instead of
/// mixing its files with the first's. Holding the lock, `new` removes the temporary files a
/// killed run left behind (`.NAME.PID.tmp`), and lists them in `cleaned`.
///
/// A run that writes a manifest (`commit_with_manifest`) makes the directory one run's: the
/// files the previous manifest listed that this run does not write again are removed, and the
/// manifest, which lists every output with its SHA-256, is renamed last.
pub struct Staged {
    pub(super) dir: PathBuf,
    files: Vec<StagedFile>,
    /// Files of an earlier run that the new outputs replace, removed after the renames.
    pub(super) obsolete: Vec<PathBuf>,
    /// The outputs the directory's previous manifest listed (paths inside the directory).
    previous: Vec<String>,
    committed: bool,
    /// Whether `new` created the directory (removed again, with its lock file, when the run
    /// ends without a commit and nothing else was put there).
    created: bool,
    /// The open, locked lock file; `None` for the helpers of `write_each`.
    _lock: Option<fs::File>,
    cleaned: Vec<PathBuf>,
}

/// The lock file in an output directory.
pub const LOCK: &str = ".cwi.lock";

/// Whether a file name is one of `Staged`'s temporaries: `.NAME.PID.tmp`.
pub fn is_temporary(name: &str) -> bool {
    let Some(body) = name.strip_prefix('.').and_then(|n| n.strip_suffix(".tmp")) else {
        return false;
    };
    body.rsplit_once('.').is_some_and(|(file, pid)| {
        !file.is_empty() && !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit())
    })
}

/// Temporaries in `dir` and its subdirectories (charts/, audit/, ...), two levels deep.
fn temporaries(dir: &Path, depth: usize, found: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() && depth > 0 {
            temporaries(&path, depth - 1, found);
        } else if kind.is_file() && entry.file_name().to_str().is_some_and(is_temporary) {
            found.push(path);
        }
    }
}

/// Whether a path from a manifest stays inside the output directory: relative, with plain
/// names only (no `..`, no root), so a damaged or hostile manifest cannot name other files.
pub fn inside(path: &str) -> bool {
    let path = Path::new(path);
    !path.as_os_str().is_empty()
        && path
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)))
}

/// The outputs a manifest lists: objects with a `path` (this version) or plain names
/// (earlier versions); `None` when the manifest is missing or not a cwi manifest.
pub fn listed_outputs(manifest: &[u8]) -> Option<Vec<Output>> {
    let value: serde_json::Value = serde_json::from_slice(manifest).ok()?;
    let outputs = value.get("outputs")?.as_array()?;
    Some(
        outputs
            .iter()
            .filter_map(|o| match o {
                serde_json::Value::String(path) => Some(Output {
                    path: path.clone(),
                    sha256: String::new(),
                }),
                other => Some(Output {
                    path: other.get("path")?.as_str()?.to_string(),
                    sha256: other.get("sha256")?.as_str()?.to_string(),
                }),
            })
            .collect(),
    )
}

/// A staged file's path relative to `dir`, with `/` between directories.
fn relative(dir: &Path, target: &Path) -> String {
    let rel = target.strip_prefix(dir).unwrap_or(target);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

impl Staged {
    pub fn new(dir: &Path) -> Result<Staged, OutputError> {
        let fail = |path: &Path, source| OutputError::Write {
            path: path.to_path_buf(),
            source,
        };
        let created = !dir.exists();
        fs::create_dir_all(dir).map_err(|e| fail(dir, e))?;
        let lock_path = dir.join(LOCK);
        let lock = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| fail(&lock_path, e))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => {
                return Err(OutputError::Busy {
                    dir: dir.to_path_buf(),
                });
            }
            Err(fs::TryLockError::Error(e)) => return Err(fail(&lock_path, e)),
        }
        // Holding the lock, no other run is writing here: any temporary is a killed run's.
        let mut cleaned = Vec::new();
        temporaries(dir, 2, &mut cleaned);
        cleaned.retain(|t| fs::remove_file(t).is_ok());
        cleaned.sort();
        let previous = fs::read(dir.join(MANIFEST))
            .ok()
            .and_then(|bytes| listed_outputs(&bytes))
            .unwrap_or_default()
            .into_iter()
            .map(|o| o.path)
            .filter(|p| inside(p) && p != MANIFEST)
            .collect();
        Ok(Staged {
            dir: dir.to_path_buf(),
            files: Vec::new(),
            obsolete: Vec::new(),
            previous,
            committed: false,
            created,
            _lock: Some(lock),
            cleaned,
        })
    }

    /// The temporary files of an interrupted run that `new` removed.
    pub fn cleaned(&self) -> &[PathBuf] {
        &self.cleaned
    }

    /// The files staged so far, by path, with their SHA-256.
    pub fn outputs(&self) -> Vec<Output> {
        let mut out: Vec<Output> = self
            .files
            .iter()
            .map(|f| Output {
                path: relative(&self.dir, &f.target),
                sha256: f.sha256.clone(),
            })
            .collect();
        out.sort_by(|a, b| a.path.cmp(&b.path));
        out
    }

    /// Writes several files at once, each on its own thread (a few files: no pool needed);
    /// the first error (in the order given) is returned, and every file stays staged so that
    /// a failure removes them all.
    pub fn write_each(&mut self, jobs: Vec<(&str, Job<'_>)>) -> Result<(), OutputError> {
        let dir = &self.dir;
        let one = |(name, body): (&str, Job<'_>)| {
            let mut one = Staged {
                dir: dir.clone(),
                files: Vec::new(),
                obsolete: Vec::new(),
                previous: Vec::new(),
                committed: false,
                created: false,
                _lock: None,
                cleaned: Vec::new(),
            };
            let result = one.write(name, body);
            let staged = one.files.pop();
            // Handed over to `self`, which removes it unless committed.
            one.committed = true;
            (staged, result)
        };
        let done: Vec<(Option<StagedFile>, Result<(), OutputError>)> = std::thread::scope(|s| {
            let handles: Vec<_> = jobs
                .into_iter()
                .map(|job| s.spawn(move || one(job)))
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                })
                .collect()
        });
        let mut first = Ok(());
        for (staged, result) in done {
            self.files.extend(staged);
            if first.is_ok() {
                first = result;
            }
        }
        first
    }

    /// Writes one file (a path relative to the directory) through `body`.
    pub fn write(
        &mut self,
        name: &str,
        body: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<(), OutputError> {
        let target = self.dir.join(name);
        let parent = target.parent().unwrap_or(&self.dir).to_path_buf();
        let file_name = target
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tmp = parent.join(format!(".{file_name}.{}.tmp", std::process::id()));
        let fail = |path: &Path, source| OutputError::Write {
            path: path.to_path_buf(),
            source,
        };
        fs::create_dir_all(&parent).map_err(|e| fail(&parent, e))?;
        let file = fs::File::create(&tmp).map_err(|e| fail(&tmp, e))?;
        self.files.push(StagedFile {
            tmp: tmp.clone(),
            target,
            sha256: String::new(),
        });
        let mut out = behind::Behind::new(Disk {
            file,
            digest: sha2::Sha256::default(),
        });
        let disk = body(&mut out)
            .and_then(|_| out.finish())
            .and_then(|disk| disk.file.sync_all().map(|_| disk))
            .map_err(|e| fail(&tmp, e))?;
        if let Some(staged) = self.files.last_mut() {
            staged.sha256 = crate::digest::hex(&sha2::Digest::finalize(disk.digest));
        }
        Ok(())
    }

    /// Writes `manifest.json` from the outputs staged (every one with its SHA-256), then
    /// commits: the manifest is renamed last, after the files of the previous run that this
    /// one does not write again were removed.
    pub fn commit_with_manifest(
        mut self,
        manifest: impl FnOnce(&[Output]) -> Result<Vec<u8>, OutputError>,
    ) -> Result<usize, OutputError> {
        let bytes = manifest(&self.outputs())?;
        self.write(MANIFEST, |out| out.write_all(&bytes))?;
        self.commit()
    }

    /// Renames every staged file into place; a staged manifest last, after the previous
    /// run's outputs that were not written again were removed, so that a directory whose
    /// manifest is this run's holds this run's files and no other run's.
    pub fn commit(mut self) -> Result<usize, OutputError> {
        let mut files = std::mem::take(&mut self.files);
        let manifest_path = self.dir.join(MANIFEST);
        let with_manifest = files.iter().any(|f| f.target == manifest_path);
        // A stable sort: the other files keep their order, the manifest goes last.
        files.sort_by_key(|f| f.target == manifest_path);
        let fail = |path: &Path, source| OutputError::Write {
            path: path.to_path_buf(),
            source,
        };
        let remove = |stale: &Path| -> Result<(), OutputError> {
            match fs::remove_file(stale) {
                // Listed twice (a year file the previous manifest also lists): gone already.
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(fail(stale, e));
                }
                _ => {}
            }
            // A year's directory, then `scores/` (or `charts/`), while nothing else is in it.
            let mut parent = stale.parent();
            while let Some(p) = parent
                && p != self.dir
                && p.starts_with(&self.dir)
                && fs::remove_dir(p).is_ok()
            {
                parent = p.parent();
            }
            Ok(())
        };
        for (k, f) in files.iter().enumerate() {
            if with_manifest && f.target == manifest_path {
                // The previous run's outputs that this one does not write again.
                for stale in &self.previous {
                    let path = self.dir.join(stale);
                    if files.iter().any(|f| f.target == path) || !path.is_file() {
                        continue;
                    }
                    remove(&path)?;
                }
            }
            fault_before_rename(k);
            if let Err(source) = fs::rename(&f.tmp, &f.target) {
                for f in &files[k..] {
                    let _ = fs::remove_file(&f.tmp);
                }
                return Err(fail(&f.target, source));
            }
        }
        self.committed = true;
        for stale in std::mem::take(&mut self.obsolete) {
            remove(&stale)?;
        }
        Ok(files.len())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.committed {
            for f in &self.files {
                let _ = fs::remove_file(&f.tmp);
            }
            if self.created && self._lock.is_some() {
                // The run made the directory and wrote nothing into it: leave none behind.
                let _ = fs::remove_file(self.dir.join(LOCK));
                let _ = fs::remove_dir(&self.dir);
            }
        }
    }
}

/// A fault injection for the tests (built with the `fault-injection` feature): with the
/// environment variable `CWI_FAULT_ABORT_BEFORE_RENAME=N` the process aborts, as a `kill -9`
/// would stop it, just before the commit's rename number N (0-based).
#[cfg(feature = "fault-injection")]
fn fault_before_rename(k: usize) {
    static AT: std::sync::OnceLock<Option<usize>> = std::sync::OnceLock::new();
    let at = AT.get_or_init(|| {
        std::env::var("CWI_FAULT_ABORT_BEFORE_RENAME")
            .ok()
            .and_then(|v| v.parse().ok())
    });
    if *at == Some(k) {
        std::process::abort();
    }
}

/// Without the `fault-injection` feature, nothing.
#[cfg(not(feature = "fault-injection"))]
#[inline(always)]
fn fault_before_rename(_: usize) {}

/// Writes in-memory files atomically as a set (see `Staged`); returns the temporaries of an
/// interrupted run that were removed.
pub fn write_atomically<S: AsRef<str>>(
    dir: &Path,
    files: &[(S, Vec<u8>)],
) -> Result<Vec<PathBuf>, OutputError> {
    let mut staged = Staged::new(dir)?;
    for (name, bytes) in files {
        staged.write(name.as_ref(), |out| out.write_all(bytes))?;
    }
    let cleaned = staged.cleaned().to_vec();
    staged.commit()?;
    Ok(cleaned)
}

/// An output file, and the SHA-256 of what was written to it. Built with the
/// `fault-injection` feature, with the environment variable `CWI_FAULT_DISK_FULL_AFTER=N`
/// every write fails as a full disk does once the run has written N bytes in all.
struct Disk {
    file: fs::File,
    digest: sha2::Sha256,
}

#[cfg(feature = "fault-injection")]
static FAULT_BUDGET: std::sync::OnceLock<Option<std::sync::atomic::AtomicU64>> =
    std::sync::OnceLock::new();

impl Write for Disk {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        #[cfg(feature = "fault-injection")]
        let budget = FAULT_BUDGET.get_or_init(|| {
            std::env::var("CWI_FAULT_DISK_FULL_AFTER")
                .ok()
                .and_then(|v| v.parse().ok())
                .map(std::sync::atomic::AtomicU64::new)
        });
        #[cfg(feature = "fault-injection")]
        if let Some(left) = budget {
            let n = buf.len() as u64;
            let before = left
                .fetch_update(
                    std::sync::atomic::Ordering::SeqCst,
                    std::sync::atomic::Ordering::SeqCst,
                    |l| Some(l.saturating_sub(n)),
                )
                .unwrap_or(0);
            if before < n {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::StorageFull,
                    "No space left on device (injected by CWI_FAULT_DISK_FULL_AFTER)",
                ));
            }
        }
        let written = self.file.write(buf)?;
        sha2::Digest::update(&mut self.digest, &buf[..written]);
        Ok(written)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}
