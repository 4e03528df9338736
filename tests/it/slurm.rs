//! The Slurm job array of docs/scaling.md, run as written on a real one-node Slurm: Debian's
//! `slurm-wlm` and `munge`, started here in a scratch folder (their own munge key and socket,
//! a `slurm.conf` of one node, ports nobody listens on) and stopped by process id at the end.
//! `.ci/run` installs the packages and sets CWI_REQUIRE_SLURM=1, so CI fails where Slurm cannot
//! start; elsewhere the test is skipped with the reason.
//!
//! The page's two scripts are read from the page itself, with four documented changes for a
//! machine of 2 cores: 4 shards instead of 16, 400 replications, 1 CPU per task. The merged
//! results must equal a single run's byte for byte; a shard that fails must cancel the merge
//! (the configuration's `kill_invalid_depend`) rather than leave it pending.

use std::fs;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{cwi, root, scratch};

/// The daemons this test started, killed by process id when it ends, however it ends.
struct Cluster {
    conf: PathBuf,
    daemons: Vec<Child>,
}

impl Drop for Cluster {
    fn drop(&mut self) {
        for child in self.daemons.iter_mut().rev() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn output(program: &str, args: &[&str]) -> Option<String> {
    let o = Command::new(program).args(args).output().ok()?;
    o.status
        .success()
        .then(|| String::from_utf8_lossy(&o.stdout).trim().to_string())
}

/// A TCP port free on this machine now.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn wait_for(what: &str, timeout: Duration, mut ready: impl FnMut() -> bool) -> Result<(), String> {
    let start = Instant::now();
    while !ready() {
        if start.elapsed() > timeout {
            return Err(format!("{what} did not come up in {timeout:?}"));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    Ok(())
}

fn spawn(
    dir: &Path,
    name: &str,
    program: &str,
    args: &[&str],
    conf: &Path,
) -> Result<Child, String> {
    let log = fs::File::create(dir.join(format!("{name}.out"))).map_err(|e| e.to_string())?;
    Command::new(program)
        .args(args)
        .env("SLURM_CONF", conf)
        .stdin(Stdio::null())
        .stdout(log.try_clone().map_err(|e| e.to_string())?)
        .stderr(log)
        .spawn()
        .map_err(|e| format!("cannot start {program}: {e}"))
}

/// Starts munge and Slurm of one node in `dir`, or says why it cannot.
fn start(dir: &Path) -> Result<Cluster, String> {
    for program in ["munged", "slurmctld", "slurmd", "sbatch", "sinfo"] {
        let found = ["/usr/sbin", "/usr/bin"]
            .iter()
            .any(|d| Path::new(d).join(program).exists());
        if !found {
            return Err(format!(
                "{program} is not installed (Debian's slurm-wlm and munge packages)"
            ));
        }
    }
    // slurmd starts the jobs of the user who submits them, which takes root.
    if output("id", &["-u"]).as_deref() != Some("0") {
        return Err("slurmd must run as root to start jobs".into());
    }
    let host = output("hostname", &["-s"]).ok_or("no host name")?;
    let conf = dir.join("slurm.conf");
    let mut cluster = Cluster {
        conf: conf.clone(),
        daemons: Vec::new(),
    };

    // munge with its own key and socket, so nothing of the machine's is touched. munged wants
    // the key readable by its owner only and the socket's folder open to everyone.
    let keys = dir.join("munge");
    fs::create_dir(&keys).map_err(|e| e.to_string())?;
    let mut key = vec![0u8; 1024];
    use std::io::Read;
    fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut key))
        .map_err(|e| e.to_string())?;
    let key_file = keys.join("munge.key");
    fs::write(&key_file, key).map_err(|e| e.to_string())?;
    let chmod = |mode: &str, path: &Path| {
        Command::new("chmod")
            .arg(mode)
            .arg(path)
            .status()
            .map_err(|e| e.to_string())
    };
    chmod("600", &key_file)?;
    chmod("700", &keys)?;
    chmod("755", dir)?;
    let socket = dir.join("munge.sock");
    let arg = |flag: &str, path: &Path| format!("--{flag}={}", path.display());
    let munged = [
        "-F".to_string(),
        arg("socket", &socket),
        arg("key-file", &key_file),
        arg("pid-file", &keys.join("munged.pid")),
        arg("log-file", &keys.join("munged.log")),
        arg("seed-file", &keys.join("munged.seed")),
    ];
    let munged: Vec<&str> = munged.iter().map(String::as_str).collect();
    cluster
        .daemons
        .push(spawn(dir, "munged", "munged", &munged, &conf)?);
    wait_for("munged", Duration::from_secs(10), || socket.exists())?;

    let (state, spool) = (dir.join("state"), dir.join("spool"));
    fs::create_dir(&state).map_err(|e| e.to_string())?;
    fs::create_dir(&spool).map_err(|e| e.to_string())?;
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    let d = dir.display();
    fs::write(
        &conf,
        format!(
            "ClusterName=cwitest
SlurmctldHost={host}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket={socket}
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
StateSaveLocation={state}
SlurmdSpoolDir={spool}
SlurmctldPidFile={d}/slurmctld.pid
SlurmdPidFile={d}/slurmd.pid
SlurmctldLogFile={d}/slurmctld.log
SlurmdLogFile={d}/slurmd.log
SlurmctldPort={ctld}
SlurmdPort={slurmd}
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
JobCompType=jobcomp/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
DependencyParameters=kill_invalid_depend
NodeName={host} CPUs={cpus} State=UNKNOWN
PartitionName=main Nodes=ALL Default=YES MaxTime=INFINITE State=UP
",
            socket = socket.display(),
            state = state.display(),
            spool = spool.display(),
            ctld = free_port(),
            slurmd = free_port(),
        ),
    )
    .map_err(|e| e.to_string())?;
    let c = conf.to_str().unwrap();
    cluster.daemons.push(spawn(
        dir,
        "slurmctld",
        "slurmctld",
        &["-D", "-i", "-f", c],
        &conf,
    )?);
    cluster
        .daemons
        .push(spawn(dir, "slurmd", "slurmd", &["-D", "-f", c], &conf)?);
    wait_for("the Slurm node", Duration::from_secs(30), || {
        let o = Command::new("sinfo")
            .args(["-h", "-o", "%T"])
            .env("SLURM_CONF", &conf)
            .output();
        o.is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "idle")
    })?;
    Ok(cluster)
}

/// The `sh` block of docs/scaling.md that contains `marker`, with `changes` made (each must
/// be there: a page that drifts from the test fails it).
fn script(page: &str, marker: &str, changes: &[(&str, &str)]) -> String {
    let block = page
        .split("```sh\n")
        .skip(1)
        .map(|b| b.split("```").next().unwrap())
        .find(|b| b.contains(marker))
        .unwrap_or_else(|| panic!("docs/scaling.md has no sh block with {marker}"));
    let mut text = block.to_string();
    for (from, to) in changes {
        assert!(
            text.contains(from),
            "docs/scaling.md's script has no {from}"
        );
        text = text.replace(from, to);
    }
    text
}

/// Runs `script` with bash in `dir`, with cwi on the PATH and the cluster's configuration.
fn bash(cluster: &Cluster, dir: &Path, script: &str) -> std::process::Output {
    let bin = Path::new(env!("CARGO_BIN_EXE_cwi")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    Command::new("bash")
        .args(["-euo", "pipefail", "-c", script])
        .current_dir(dir)
        .env("PATH", path)
        .env("SLURM_CONF", &cluster.conf)
        .output()
        .unwrap()
}

#[test]
fn the_documented_job_array_runs_on_slurm_and_merges_to_a_single_run() {
    let dir = scratch("slurm");
    let cluster = match start(&mkdir(dir.join("cluster"))) {
        Ok(c) => c,
        Err(why) => {
            assert!(
                std::env::var_os("CWI_REQUIRE_SLURM").is_none(),
                "CWI_REQUIRE_SLURM is set but Slurm cannot start here: {why}"
            );
            eprintln!("skipped: Slurm cannot start here: {why}");
            return;
        }
    };
    // The index's folder as the page assumes it: the spec and the sample where it names them.
    let work = mkdir(dir.join("work"));
    for f in ["indicators/kz-cwi.toml", "indicators/kz-regions.csv"] {
        fs::create_dir_all(work.join("indicators")).unwrap();
        fs::copy(root().join(f), work.join(f)).unwrap();
    }
    fs::create_dir_all(work.join("data-samples/kz")).unwrap();
    for f in ["statistics.csv", "surveys.csv"] {
        let f = format!("data-samples/kz/{f}");
        fs::copy(root().join(&f), work.join(&f)).unwrap();
    }
    let page = fs::read_to_string(root().join("docs/scaling.md")).unwrap();
    let shards = script(
        &page,
        "#SBATCH --array",
        &[
            ("--array=1-16", "--array=1-4"),
            ("--cpus-per-task=8", "--cpus-per-task=1"),
            ("--replications 10000000", "--replications 400"),
            ("/16\"", "/4\""),
        ],
    );
    fs::write(work.join("shards.sbatch"), &shards).unwrap();
    let submit = script(&page, "sbatch --parsable", &[]);
    assert!(
        submit.contains("--wait"),
        "the page's merge job waits, so a script can go on with its results"
    );

    let o = bash(&cluster, &work, &submit);
    let logs = || -> String {
        let mut text = String::new();
        for entry in fs::read_dir(&work).unwrap().flatten() {
            let name = entry.file_name().to_string_lossy().to_string();
            if name.starts_with("slurm-") {
                text += &format!("--- {name}\n{}", fs::read_to_string(entry.path()).unwrap());
            }
        }
        text
    };
    assert!(
        o.status.success(),
        "{}\n{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr),
        logs()
    );
    for k in 1..=4 {
        let shard = work.join(format!("shards/{k}/uncertainty/shard-{k}-of-4.json"));
        assert!(shard.exists(), "shard {k} was not written:\n{}", logs());
    }

    // The same analysis in one run, here; the merged results must be its bytes.
    let single = dir.join("single");
    let o = cwi(&[
        "uncertainty",
        "--spec",
        work.join("indicators/kz-cwi.toml").to_str().unwrap(),
        "--data",
        work.join("data-samples/kz/statistics.csv")
            .to_str()
            .unwrap(),
        work.join("data-samples/kz/surveys.csv").to_str().unwrap(),
        "--replications",
        "400",
        "--quiet",
        "--out",
        single.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let results = work.join("results");
    let mut compared = 0;
    for file in ["uncertainty/ranks.csv", "uncertainty/uncertainty.json"] {
        assert_eq!(
            fs::read(single.join(file)).unwrap(),
            fs::read(results.join(file)).unwrap(),
            "{file}"
        );
        compared += 1;
    }
    for entry in fs::read_dir(single.join("charts")).unwrap().flatten() {
        let name = entry.file_name();
        assert_eq!(
            fs::read(entry.path()).unwrap(),
            fs::read(results.join("charts").join(&name)).unwrap(),
            "{name:?}"
        );
        compared += 1;
    }
    assert!(compared >= 3, "only {compared} files compared");

    // A shard that fails (its data gone) cancels the merge instead of leaving it pending:
    // the waiting sbatch returns a failure and nothing is merged.
    fs::remove_dir_all(work.join("shards")).unwrap();
    fs::remove_dir_all(&results).unwrap();
    fs::remove_file(work.join("data-samples/kz/surveys.csv")).unwrap();
    let started = Instant::now();
    let o = bash(&cluster, &work, &submit);
    let said = String::from_utf8_lossy(&o.stderr);
    assert!(
        !o.status.success() && said.contains("a shard failed"),
        "the merge ran after failed shards: {said}\n{}",
        logs()
    );
    let stdout = String::from_utf8_lossy(&o.stdout);
    let merge_job = stdout
        .trim()
        .strip_prefix("Submitted batch job ")
        .unwrap_or_else(|| panic!("no job id in {stdout:?}"));
    let job = Command::new("scontrol")
        .args(["show", "job", "-o", merge_job])
        .env("SLURM_CONF", &cluster.conf)
        .output()
        .unwrap();
    let job = String::from_utf8_lossy(&job.stdout);
    assert!(
        job.contains("JobState=CANCELLED") && job.contains("Reason=DependencyNeverSatisfied"),
        "{job}"
    );
    assert!(!results.exists(), "results were written from failed shards");
    assert!(
        started.elapsed() < Duration::from_secs(120),
        "the merge stayed pending"
    );
}

fn mkdir(dir: PathBuf) -> PathBuf {
    fs::create_dir_all(&dir).unwrap();
    dir
}
