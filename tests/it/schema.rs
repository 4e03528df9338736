//! The published JSON Schema (docs/spec.schema.json) read the same way by the two validators
//! editors and CI pipelines use most: Python's `jsonschema` and JavaScript's `ajv`. Every
//! shipped spec is valid for both; specs with one mistake each (an id with a space, an id
//! starting with `_`, an unknown top-level table, an unknown normalisation, a negative weight)
//! are invalid for both, and cwi refuses each of them too. `.ci/run` installs both
//! (CWI_REQUIRE_JSONSCHEMA=1, CWI_REQUIRE_AJV=1); elsewhere the part whose validator is
//! missing is skipped with a message.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{cwi, root, scratch};

/// The mistakes, each made in a copy of tests/fixtures/tiny.toml: (name, from, to).
const MISTAKES: [(&str, &str, &str); 5] = [
    (
        "space-in-id",
        "id = \"vaccination\"",
        "id = \"vacc ination\"",
    ),
    (
        "underscore-first",
        "id = \"vaccination\"",
        "id = \"_vaccination\"",
    ),
    (
        "unknown-table",
        "[defaults]",
        "[defaultz]\npooling = \"each-year\"\n[defaults]",
    ),
    (
        "unknown-normalisation",
        "normalisation = { method = \"min-max\" }",
        "normalisation = { method = \"min_max\" }",
    ),
    ("negative-weight", "weight = 1\n", "weight = -1\n"),
];

/// Every shipped spec and every mistaken copy, as TOML paths, and what each should be.
fn cases(dir: &Path) -> Vec<(String, PathBuf, bool)> {
    let mut out = Vec::new();
    for entry in fs::read_dir(root().join("indicators")).unwrap().flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "toml") {
            let name = path.file_stem().unwrap().to_string_lossy().to_string();
            out.push((name, path, true));
        }
    }
    let tiny = fs::read_to_string(root().join("tests/fixtures/tiny.toml")).unwrap();
    for (name, from, to) in MISTAKES {
        assert!(tiny.contains(from), "{name}: tiny.toml has no {from}");
        let path = dir.join(format!("{name}.toml"));
        fs::write(&path, tiny.replacen(from, to, 1)).unwrap();
        out.push((name.to_string(), path, false));
    }
    out.sort();
    out
}

/// Each case's TOML as JSON (Python's tomllib), written beside it for ajv.
fn as_json(cases: &[(String, PathBuf, bool)]) {
    let script = "import json, sys, tomllib\nfor p in sys.argv[1:]:\n    with open(p, 'rb') as f:\n        doc = tomllib.load(f)\n    with open(p[:-5] + '.json', 'w') as f:\n        json.dump(doc, f)\n";
    let o = Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(cases.iter().map(|c| &c.1))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

fn json_of(toml: &Path) -> PathBuf {
    toml.with_extension("json")
}

fn verdicts(stdout: &[u8]) -> Vec<(String, bool)> {
    String::from_utf8_lossy(stdout)
        .lines()
        .map(|l| {
            let (name, verdict) = l.split_once(' ').unwrap();
            (name.to_string(), verdict == "valid")
        })
        .collect()
}

fn expected(cases: &[(String, PathBuf, bool)]) -> Vec<(String, bool)> {
    cases.iter().map(|(n, _, v)| (n.clone(), *v)).collect()
}

#[test]
fn python_jsonschema_and_ajv_read_the_schema_alike() {
    let dir = scratch("schema-validators");
    let cases = cases(&dir);
    // The shipped specs copied beside the mistaken ones, so that the JSON goes to scratch.
    let cases: Vec<(String, PathBuf, bool)> = cases
        .into_iter()
        .map(|(name, path, valid)| {
            let copy = dir.join(format!("{name}.toml"));
            if !copy.exists() {
                fs::copy(&path, &copy).unwrap();
            }
            (name, copy, valid)
        })
        .collect();
    as_json(&cases);
    let schema = root().join("docs/spec.schema.json");

    // cwi refuses every mistaken spec too.
    for (name, path, valid) in &cases {
        if !valid {
            let o = cwi(&["validate", path.to_str().unwrap()]);
            assert_eq!(o.status.code(), Some(1), "{name}: cwi validate accepted it");
        }
    }

    let has_jsonschema = Command::new("python3")
        .args(["-c", "import jsonschema"])
        .output()
        .is_ok_and(|o| o.status.success());
    if has_jsonschema {
        let script = "import json, sys, jsonschema\nschema = json.load(open(sys.argv[1]))\njsonschema.Draft7Validator.check_schema(schema)\nv = jsonschema.Draft7Validator(schema)\nfor p in sys.argv[2:]:\n    doc = json.load(open(p))\n    name = p.rsplit('/', 1)[1][:-5]\n    print(name, 'valid' if v.is_valid(doc) else 'invalid')\n";
        let o = Command::new("python3")
            .arg("-c")
            .arg(script)
            .arg(&schema)
            .args(cases.iter().map(|c| json_of(&c.1)))
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        assert_eq!(verdicts(&o.stdout), expected(&cases), "Python's jsonschema");
    } else {
        assert!(
            std::env::var_os("CWI_REQUIRE_JSONSCHEMA").is_none(),
            "CWI_REQUIRE_JSONSCHEMA is set but python3 cannot import jsonschema"
        );
        eprintln!("skipped: Python's jsonschema is not installed (pip install jsonschema)");
    }

    // ajv from the folder .ci/run installs it into (or CWI_AJV_DIR).
    let ajv_dir = std::env::var_os("CWI_AJV_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target/ajv"));
    if ajv_dir.join("node_modules/ajv").exists() {
        let script = "const Ajv = require('ajv');\nconst fs = require('fs');\nconst [schemaPath, ...docs] = process.argv.slice(1);\nconst validate = new Ajv({ allErrors: true }).compile(JSON.parse(fs.readFileSync(schemaPath, 'utf8')));\nfor (const p of docs) {\n  const name = p.split('/').pop().slice(0, -5);\n  console.log(name, validate(JSON.parse(fs.readFileSync(p, 'utf8'))) ? 'valid' : 'invalid');\n}\n";
        let o = Command::new("node")
            .arg("-e")
            .arg(script)
            .arg(&schema)
            .args(cases.iter().map(|c| json_of(&c.1)))
            .env("NODE_PATH", ajv_dir.join("node_modules"))
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        assert_eq!(verdicts(&o.stdout), expected(&cases), "ajv");
    } else {
        assert!(
            std::env::var_os("CWI_REQUIRE_AJV").is_none(),
            "CWI_REQUIRE_AJV is set but ajv is not installed in {}",
            ajv_dir.display()
        );
        eprintln!(
            "skipped: ajv is not installed (npm install --prefix {} ajv)",
            ajv_dir.display()
        );
    }
}

/// docs/spec.md's method tables are what `cwi schema --methods` prints from the code (every
/// method of every family with its parameters), and every key the schema knows in each
/// table of the spec is named in docs/spec.md: the reference cannot drift from the code.
#[test]
fn the_spec_reference_lists_every_method_and_key() {
    let doc = fs::read_to_string(root().join("docs/spec.md")).unwrap();
    let o = cwi(&["schema", "--methods"]);
    assert!(o.status.success());
    let tables = String::from_utf8(o.stdout).unwrap();
    // Every normalisation and aggregation is there (14 and 11 today).
    assert!(
        tables.contains("| `ampi` | `reference`, `delta` |"),
        "{tables}"
    );
    assert!(tables.contains("| `copeland` |  |"), "{tables}");
    let block = doc
        .split("<!-- generated by cwi schema --methods -->\n")
        .nth(1)
        .and_then(|rest| rest.split("<!-- end of generated tables -->").next())
        .expect("docs/spec.md has the generated block");
    assert_eq!(
        block, tables,
        "docs/spec.md's method tables differ from the code: paste `cwi schema --methods` between the markers"
    );

    let schema: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(root().join("docs/spec.schema.json")).unwrap())
            .unwrap();
    let mut missing = Vec::new();
    for (table, sub) in schema["properties"].as_object().unwrap() {
        let keys = sub["properties"]
            .as_object()
            .or_else(|| sub["items"]["properties"].as_object());
        for key in keys.into_iter().flat_map(|k| k.keys()) {
            let named = [
                format!("`{key}`"),
                format!("`{key} ="),
                format!("[{table}] {key}"),
                format!("[[{table}.{key}]]"),
            ]
            .iter()
            .any(|form| doc.contains(form.as_str()));
            if !named {
                missing.push(format!("{table}.{key}"));
            }
        }
    }
    assert!(missing.is_empty(), "docs/spec.md does not name {missing:?}");
}
