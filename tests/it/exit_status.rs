//! One exit status in every command: 0 done, 1 problems found or input refused, 2 the command
//! could not run (a command line that cannot be parsed, a file given that does not exist).
//! Each command is run three times on the tiny fixture (or what the command reads), once for
//! each status.

use std::fs;
use std::path::Path;

use crate::common::{cwi, root, scratch};

const SPEC: &str = "tests/fixtures/tiny.toml";
const DATA: &str = "tests/fixtures/tiny.csv";

fn status(args: &[&str]) -> i32 {
    cwi(args).status.code().expect("exited, not killed")
}

#[test]
fn every_command_exits_0_1_or_2_by_one_rule() {
    let dir = scratch("exit-status");
    let d = |name: &str| dir.join(name).to_str().unwrap().to_string();
    // A spec refused (an unknown method), and a file that does not exist.
    let bad = d("bad.toml");
    fs::write(
        &bad,
        fs::read_to_string(root().join(SPEC)).unwrap().replacen(
            "method = \"min-max\"",
            "method = \"min_max\"",
            1,
        ),
    )
    .unwrap();
    let gone = d("gone.csv");
    let (out, out2) = (d("out"), d("out2"));
    let mut failures = Vec::new();
    let mut expect = |command: &str, want: i32, args: &[&str]| {
        let got = status(args);
        if got != want {
            failures.push(format!("{command}: {args:?} exited {got}, not {want}"));
        }
    };

    // compute, report, audit, explain, uncertainty, sensitivity: a spec and data.
    for command in ["compute", "report", "audit", "uncertainty", "sensitivity"] {
        let extra: &[&str] = match command {
            "uncertainty" => &["--replications", "4", "--weights", "0.2", "--quiet"],
            "sensitivity" => &["--samples", "4", "--weights", "0.2", "--quiet"],
            _ => &[],
        };
        let run = |spec: &str, data: &str, o: &str| {
            let mut a = vec![command, "--spec", spec, "--data", data, "--out", o];
            a.extend_from_slice(extra);
            a.into_iter().map(String::from).collect::<Vec<_>>()
        };
        for (want, spec, data) in [
            (0, SPEC, DATA),
            (1, bad.as_str(), DATA),
            (2, SPEC, gone.as_str()),
        ] {
            let args = run(spec, data, &out);
            expect(
                command,
                want,
                &args.iter().map(String::as_str).collect::<Vec<_>>(),
            );
        }
    }
    let explain = |spec: &str, data: &str, region: &str| {
        vec![
            "explain", "--spec", spec, "--data", data, "--region", region, "--year", "2024",
        ]
        .into_iter()
        .map(String::from)
        .collect::<Vec<_>>()
    };
    for (want, args) in [
        (0, explain(SPEC, DATA, "North")),
        (1, explain(SPEC, DATA, "Atlantis")),
        (2, explain(SPEC, &gone, "North")),
    ] {
        expect(
            "explain",
            want,
            &args.iter().map(String::as_str).collect::<Vec<_>>(),
        );
    }

    // validate: problems found in a spec, a path that does not exist.
    expect("validate", 0, &["validate", SPEC]);
    expect("validate", 1, &["validate", &bad]);
    expect("validate", 2, &["validate", &gone]);
    // check: tiny leaves one value out, found (1); the same year complete (0) is written
    // here; a data file that does not exist.
    let complete = d("complete.csv");
    fs::write(
        &complete,
        fs::read_to_string(root().join(DATA))
            .unwrap()
            .replace("R3,2024,enrolment,\n", "R3,2024,enrolment,80\n"),
    )
    .unwrap();
    expect("check", 0, &["check", "--spec", SPEC, "--data", &complete]);
    expect("check", 1, &["check", "--spec", SPEC, "--data", DATA]);
    expect("check", 2, &["check", "--spec", SPEC, "--data", &gone]);
    // diff: a spec against itself; a refused spec; data that do not exist.
    expect(
        "diff",
        0,
        &["diff", "--spec", SPEC, "--base-spec", SPEC, "--data", DATA],
    );
    expect(
        "diff",
        1,
        &["diff", "--spec", &bad, "--base-spec", SPEC, "--data", DATA],
    );
    expect(
        "diff",
        2,
        &["diff", "--spec", SPEC, "--base-spec", SPEC, "--data", &gone],
    );
    // template: a year's workbooks; a language the spec lacks; a spec that does not exist.
    expect(
        "template",
        0,
        &["template", "--spec", SPEC, "--year", "2025", "--out", &out2],
    );
    expect(
        "template",
        1,
        &[
            "template", "--spec", SPEC, "--year", "2025", "--lang", "fr", "--out", &out2,
        ],
    );
    expect(
        "template",
        2,
        &[
            "template", "--spec", &gone, "--year", "2025", "--out", &out2,
        ],
    );
    // verify the compute run's directory; edited; a directory that does not exist.
    assert_eq!(
        status(&[
            "compute", "--spec", SPEC, "--data", DATA, "--out", &out, "--quiet"
        ]),
        0
    );
    expect("verify", 0, &["verify", &out]);
    let scores = Path::new(&out).join("scores.csv");
    let text = fs::read_to_string(&scores).unwrap();
    fs::write(&scores, text.replacen("North", "Nord", 1)).unwrap();
    expect("verify", 1, &["verify", &out]);
    expect("verify", 2, &["verify", &d("no-such-dir")]);
    fs::write(&scores, text).unwrap();
    // compare scores with themselves; with one changed; with a table that does not exist.
    let changed = d("changed.csv");
    let original = fs::read_to_string(&scores).unwrap();
    let lines: Vec<&str> = original.lines().collect();
    let mut edited: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    edited[1] = edited[1].replacen(",70.7", ",71.7", 1);
    assert_ne!(edited[1], lines[1], "the first row has the score to change");
    fs::write(&changed, edited.join("\n") + "\n").unwrap();
    let s = scores.to_str().unwrap();
    expect("compare", 0, &["compare", "--scores", s, "--expected", s]);
    expect(
        "compare",
        1,
        &["compare", "--scores", s, "--expected", &changed],
    );
    expect(
        "compare",
        2,
        &["compare", "--scores", s, "--expected", &gone],
    );
    // merge: two shards; the same shard twice (refused); a shard that does not exist.
    let shard = |k: &str, o: &str| {
        assert_eq!(
            status(&[
                "uncertainty",
                "--spec",
                SPEC,
                "--data",
                DATA,
                "--replications",
                "4",
                "--weights",
                "0.2",
                "--quiet",
                "--shard",
                &format!("{k}/2"),
                "--out",
                o
            ]),
            0
        );
        Path::new(o)
            .join(format!("uncertainty/shard-{k}-of-2.json"))
            .to_str()
            .unwrap()
            .to_string()
    };
    let (a, b) = (shard("1", &d("s1")), shard("2", &d("s2")));
    expect(
        "merge",
        0,
        &[
            "merge",
            "--quiet",
            "--out",
            &d("merged"),
            "--shards",
            &a,
            &b,
        ],
    );
    expect(
        "merge",
        1,
        &[
            "merge",
            "--quiet",
            "--out",
            &d("merged2"),
            "--shards",
            &a,
            &a,
        ],
    );
    expect(
        "merge",
        2,
        &[
            "merge",
            "--quiet",
            "--out",
            &d("merged3"),
            "--shards",
            &a,
            &gone,
        ],
    );
    // import: COINr's tables; iMeta naming a column iData lacks (refused); a file not there.
    let fx = |f: &str| {
        root()
            .join("tests/fixtures/coinr")
            .join(f)
            .to_str()
            .unwrap()
            .to_string()
    };
    let (idata, imeta) = (fx("iData.csv"), fx("iMeta.csv"));
    expect(
        "import",
        0,
        &[
            "import",
            "coinr",
            "--idata",
            &idata,
            "--imeta",
            &imeta,
            "--out",
            &d("imported"),
        ],
    );
    expect(
        "import",
        1,
        &[
            "import",
            "coinr",
            "--idata",
            &idata,
            "--imeta",
            &idata,
            "--out",
            &d("imported2"),
        ],
    );
    expect(
        "import",
        2,
        &[
            "import",
            "coinr",
            "--idata",
            &gone,
            "--imeta",
            &imeta,
            "--out",
            &d("imported3"),
        ],
    );
    // Outputs that cannot be written (--out is a file): the command could not run.
    let file = d("a-file");
    fs::write(&file, "not a directory").unwrap();
    expect(
        "compute",
        2,
        &["compute", "--spec", SPEC, "--data", DATA, "--out", &file],
    );
    // schema; and a command line that cannot be parsed, in any command.
    expect("schema", 0, &["schema"]);
    expect("schema", 2, &["schema", "--no-such-option"]);
    expect("compute", 2, &["compute", "--spec", SPEC]);

    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
