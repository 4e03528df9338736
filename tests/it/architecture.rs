//! The layers, checked on the source text: the library declares no command-line module and
//! never names the binary's, its top-level modules and its files import each other without a
//! cycle, the output writers and the loader stay beneath the report and the template writer,
//! and no source file grows past 800 lines.

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

/// A cycle in `graph` (as the names along it, the first repeated at the end), if any:
/// depth-first search with colours, grey (1) = on the current path.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
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
        if let Some(cycle) = visit(node, graph, &mut colour, &mut path) {
            return Some(cycle);
        }
    }
    None
}

#[test]
fn library_modules_import_each_other_without_a_cycle() {
    let graph = graph();
    if let Some(cycle) = find_cycle(&graph) {
        panic!("import cycle: {}", cycle.join(" -> "));
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

/// The text of a library file as code: its tests (from the first `#[cfg(test)]`), line
/// comments and string literals taken out, so that a message naming `crate::x` is not an
/// import.
fn code_of(text: &str) -> String {
    let text = text.split("#[cfg(test)]").next().unwrap_or("");
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let mut in_string = false;
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\\' if in_string => {
                    chars.next();
                }
                '"' => in_string = !in_string,
                '/' if !in_string && chars.peek() == Some(&'/') => break,
                c if !in_string => out.push(c),
                _ => {}
            }
        }
        out.push('\n');
    }
    out
}

/// The paths a text names from `crate`, `super` or `self`, grouped imports expanded:
/// `use super::{a::b, c}` names `super::a::b` and `super::c`.
fn named_paths(code: &str) -> Vec<Vec<String>> {
    fn ident(s: &str) -> &str {
        let end = s
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(s.len());
        &s[..end]
    }
    /// Reads the path at the start of `s` after `prefix` into `out`.
    fn read(s: &str, mut prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
        let mut rest = s.trim_start();
        loop {
            if let Some(group) = rest.strip_prefix('{') {
                let (mut depth, mut start) = (0, 0);
                for (k, c) in group.char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' if depth == 0 => {
                            read(&group[start..k], prefix.clone(), out);
                            return;
                        }
                        '}' => depth -= 1,
                        ',' if depth == 0 => {
                            read(&group[start..k], prefix.clone(), out);
                            start = k + 1;
                        }
                        _ => {}
                    }
                }
                return;
            }
            let name = ident(rest);
            if name.is_empty() {
                break;
            }
            prefix.push(name.to_string());
            rest = &rest[name.len()..];
            match rest.strip_prefix("::") {
                Some(r) => rest = r,
                None => break,
            }
        }
        if prefix.len() > 1 {
            out.push(prefix);
        }
    }
    let mut out = Vec::new();
    for root in ["crate", "super", "self"] {
        let mut from = 0;
        while let Some(at) = code[from..].find(&format!("{root}::")) {
            let at = from + at;
            from = at + root.len();
            let before = code[..at].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            read(&code[at..], Vec::new(), &mut out);
        }
    }
    out
}

/// The library's file graph: each file (by module path, `load/read`; `lib` for the crate
/// root) -> the files it names. A directory module's `mod.rs` and its own files are one
/// module's face and parts, so the edges between them are left out; every other pair of
/// files, siblings included, must not name each other both ways, directly or round a loop.
fn file_graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = root().join("src");
    let mut paths = Vec::new();
    rust_files(&src, &mut paths);
    let module_of = |file: &Path| -> Vec<String> {
        let rel = file.strip_prefix(&src).unwrap().with_extension("");
        let mut parts: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_str().unwrap().to_string())
            .collect();
        if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
            parts.pop();
        }
        parts
    };
    let files: BTreeMap<Vec<String>, String> = paths
        .iter()
        .map(|p| (module_of(p), fs::read_to_string(p).unwrap()))
        .filter(|(m, _)| !m.first().is_some_and(|t| t == "cli" || t == "main"))
        .collect();
    let name = |m: &[String]| {
        if m.is_empty() {
            "lib".to_string()
        } else {
            m.join("/")
        }
    };
    let mut graph = BTreeMap::new();
    for (module, text) in &files {
        let code = code_of(text);
        let mut named = BTreeSet::new();
        let mut add = |target: Vec<String>| {
            let parent_or_child = target.len() + 1 == module.len() && module.starts_with(&target)
                || module.len() + 1 == target.len() && target.starts_with(module);
            if target != *module && !parent_or_child {
                named.insert(name(&target));
            }
        };
        for path in named_paths(&code) {
            let mut base: Vec<String> = if path[0] == "crate" {
                Vec::new()
            } else {
                module.clone()
            };
            let mut rest = &path[usize::from(path[0] == "crate")..];
            while let Some(first) = rest.first() {
                match first.as_str() {
                    "super" => {
                        base.pop();
                    }
                    "self" => {}
                    _ => break,
                }
                rest = &rest[1..];
            }
            // The longest module the path goes through is the file it names.
            let mut target = base.clone();
            for segment in rest {
                let mut next = target.clone();
                next.push(segment.clone());
                if !files.contains_key(&next) {
                    break;
                }
                target = next;
            }
            add(target);
        }
        graph.insert(name(module), named);
    }
    graph
}

#[test]
fn library_files_import_each_other_without_a_cycle() {
    let graph = file_graph();
    // The graph is read: the loader's reader names the row readers, and they name the
    // records the reader fills, which sit in a leaf of their own.
    assert!(
        graph["load/read"].contains("load/rows"),
        "{:?}",
        graph["load/read"]
    );
    assert!(
        graph["load/rows"].contains("load/gathered"),
        "{:?}",
        graph["load/rows"]
    );
    assert!(
        graph["load/gathered"].is_empty(),
        "{:?}",
        graph["load/gathered"]
    );
    if let Some(cycle) = find_cycle(&graph) {
        panic!(
            "import cycle between files: {}; move what both need into a leaf file",
            cycle.join(" -> ")
        );
    }
}

/// The cycle search finds a loop through three files, and none in a chain.
#[test]
fn a_cycle_is_found() {
    let graph = |edges: &[(&str, &str)]| {
        let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (a, b) in edges {
            g.entry(a.to_string()).or_default().insert(b.to_string());
            g.entry(b.to_string()).or_default();
        }
        g
    };
    let cyclic = graph(&[
        ("load/read", "load/rows"),
        ("load/rows", "load/text"),
        ("load/text", "load/read"),
    ]);
    assert_eq!(
        find_cycle(&cyclic),
        Some(
            ["load/read", "load/rows", "load/text", "load/read"]
                .map(String::from)
                .to_vec()
        )
    );
    let chain = graph(&[("load/read", "load/rows"), ("load/rows", "load/gathered")]);
    assert_eq!(find_cycle(&chain), None);
}

/// Paths are read through grouped imports, nested groups and renames, and not out of
/// comments or strings.
#[test]
fn named_paths_expand_groups() {
    let code = code_of(
        "use super::{a::{b, c as d}, e};\nlet x = crate::f::g(); // crate::h\nlet s = \"self::i\";\n",
    );
    let paths: Vec<String> = named_paths(&code).iter().map(|p| p.join("::")).collect();
    assert_eq!(
        paths,
        ["crate::f::g", "super::a::b", "super::a::c", "super::e"]
    );
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

/// The indentation of a line that starts a function (`fn`, with `pub`, `pub(crate)`,
/// `const` or `unsafe` before it), if it does.
fn function_start(line: &str) -> Option<&str> {
    let rest = line.trim_start();
    let indent = &line[..line.len() - rest.len()];
    let mut words = rest;
    loop {
        if let Some(r) = words.strip_prefix("pub(") {
            words = r.split_once(')')?.1.trim_start();
        } else if let Some(r) = ["pub ", "const ", "unsafe ", "async "]
            .iter()
            .find_map(|w| words.strip_prefix(w))
        {
            words = r.trim_start();
        } else {
            break;
        }
    }
    words.starts_with("fn ").then_some(indent)
}

/// The functions of `text` (before its test module) over `limit` lines whose doc comment
/// does not say why they are one piece: (first line, length).
fn long_functions(text: &str, limit: usize) -> Vec<(usize, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (k, line) in lines.iter().enumerate() {
        if line.trim() == "#[cfg(test)]"
            && lines
                .get(k + 1)
                .is_some_and(|l| l.trim_start().starts_with("mod "))
        {
            break;
        }
        let Some(indent) = function_start(line) else {
            continue;
        };
        // A declaration without a body (in a trait) ends with `;` before any `{`.
        let Some(open) = (k..lines.len()).find(|&e| {
            let t = lines[e].trim_end();
            t.ends_with('{') || t.ends_with(';')
        }) else {
            continue;
        };
        if lines[open].trim_end().ends_with(';') {
            continue;
        }
        let close = format!("{indent}}}");
        let Some(end) = (open..lines.len()).find(|&e| lines[e] == close) else {
            continue;
        };
        let length = end - k + 1;
        let says_why = lines[..k]
            .iter()
            .rev()
            .take_while(|l| {
                let t = l.trim_start();
                t.starts_with("///") || t.starts_with("#[")
            })
            .any(|l| l.contains("One piece:"));
        if length > limit && !says_why {
            out.push((k + 1, length));
        }
    }
    out
}

/// No function of the library or the binary is over 120 lines unless its doc comment says
/// why it must be one piece ("One piece: ..."); past that, a reader cannot hold it.
#[test]
fn long_functions_say_why_they_are_one_piece() {
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    let mut long = Vec::new();
    for file in &files {
        for (line, length) in long_functions(&fs::read_to_string(file).unwrap(), 120) {
            long.push(format!("{}:{line} ({length} lines)", file.display()));
        }
    }
    assert!(
        long.is_empty(),
        "split into named steps, or say in the doc comment why it is one piece: {long:?}"
    );
}

/// The reader of functions finds a long one, skips a trait's declarations and the test
/// module, and takes the reason where one is given.
#[test]
fn long_functions_are_found() {
    let body = |n: usize| "    let x = 1;\n".repeat(n);
    let text = format!(
        "trait T {{\n    fn f(&self);\n}}\n\n/// Short.\npub(crate) fn short() {{\n{}}}\n\n/// Long.\npub fn long() {{\n{}}}\n\n/// Long.\n///\n/// One piece: a reason.\nfn kept() {{\n{}}}\n\n#[cfg(test)]\nmod tests {{\n    fn in_tests() {{\n{}    }}\n}}\n",
        body(3),
        body(5),
        body(5),
        body(9)
    );
    assert_eq!(long_functions(&text, 5), vec![(13, 7)]);
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
