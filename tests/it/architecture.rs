//! The layers, checked on the source text: the library declares no command-line module and
//! never names the binary's, its top-level modules import each other without a cycle, the
//! output writers and the loader stay beneath the report and the template writer, and no
//! source file grows past 800 lines.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use crate::common::root;

/// Every `.rs` file under `dir`, recursively.
fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The library's top-level modules a text refers to as `crate::name`, including inside
/// `use crate::{a, b::c}` groups.
fn references(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = text;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for item in group[..end].split(',') {
                let name: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    out.insert(name);
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            out.insert(name);
        }
    }
    out
}

/// The library's module graph: top-level module -> the top-level modules it names.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = root().join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in files {
        let rel = file.strip_prefix(&src).unwrap();
        let top = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_str()
            .unwrap()
            .trim_end_matches(".rs")
            .to_string();
        if top == "main" || top == "cli" || top == "lib" {
            continue;
        }
        let refs = references(&fs::read_to_string(&file).unwrap());
        let entry = graph.entry(top.clone()).or_default();
        entry.extend(refs.into_iter().filter(|r| *r != top));
    }
    graph
}

#[test]
fn the_library_does_not_contain_the_command_line() {
    let lib = fs::read_to_string(root().join("src/lib.rs")).unwrap();
    assert!(!lib.contains("mod cli"), "src/lib.rs declares the CLI");
    let main = fs::read_to_string(root().join("src/main.rs")).unwrap();
    assert!(main.contains("mod cli;"), "the CLI is the binary's module");
    for (module, refs) in graph() {
        assert!(!refs.contains("cli"), "{module} names crate::cli");
    }
}

#[test]
fn library_modules_import_each_other_without_a_cycle() {
    let graph = graph();
    // Depth-first search with colours: grey = on the current path.
    fn visit<'a>(
        node: &'a str,
        graph: &'a BTreeMap<String, BTreeSet<String>>,
        colour: &mut BTreeMap<&'a str, u8>,
        path: &mut Vec<&'a str>,
    ) -> Option<Vec<String>> {
        match colour.get(node) {
            Some(1) => {
                let start = path.iter().position(|n| *n == node).unwrap();
                let mut cycle: Vec<String> = path[start..].iter().map(|s| s.to_string()).collect();
                cycle.push(node.to_string());
                return Some(cycle);
            }
            Some(2) => return None,
            _ => {}
        }
        colour.insert(node, 1);
        path.push(node);
        for next in graph.get(node).into_iter().flatten() {
            if graph.contains_key(next.as_str())
                && let Some(c) = visit(next, graph, colour, path)
            {
                return Some(c);
            }
        }
        path.pop();
        colour.insert(node, 2);
        None
    }
    let mut colour = BTreeMap::new();
    for node in graph.keys() {
        let mut path = Vec::new();
        if let Some(cycle) = visit(node, &graph, &mut colour, &mut path) {
            panic!("import cycle: {}", cycle.join(" -> "));
        }
    }
    // The statistics and the words of the outputs are leaves; the workbook layout rests on
    // the spec alone.
    for leaf in ["stats", "i18n"] {
        assert!(graph[leaf].is_empty(), "{leaf} imports {:?}", graph[leaf]);
    }
    assert!(
        graph["sheet_layout"].iter().all(|m| m == "spec"),
        "sheet_layout imports {:?}",
        graph["sheet_layout"]
    );
    // Writing outputs does not reach into the report, nor reading data into the template
    // writer: what both need sits beneath them (i18n, audit's chart, sheet_layout).
    for (module, not) in [
        ("output", "report"),
        ("load", "template"),
        ("load", "report"),
    ] {
        assert!(
            !graph[module].contains(not),
            "{module} imports {not}: {:?}",
            graph[module]
        );
    }
}

/// The reader of references sees the modules named inside grouped imports.
#[test]
fn references_are_read_inside_grouped_imports() {
    let refs = references("use crate::{audit::pearson, spec};\nlet x = crate::treat::Log;");
    assert_eq!(
        refs.into_iter().collect::<Vec<_>>(),
        vec!["audit", "spec", "treat"]
    );
}

/// No source file of the library, the binary, the tests or the benches grows past 800 lines:
/// past that, a file owns more than one thing.
#[test]
fn no_source_file_is_over_800_lines() {
    let mut files = Vec::new();
    for dir in ["src", "tests", "benches"] {
        rust_files(&root().join(dir), &mut files);
    }
    let long: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let lines = fs::read_to_string(f).unwrap().lines().count();
            (lines > 800).then(|| format!("{} ({lines} lines)", f.display()))
        })
        .collect();
    assert!(long.is_empty(), "split along their seams: {long:?}");
}
