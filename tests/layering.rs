//! The shape of the code, checked: `domain` depends on nothing else of meedoen and does no I/O
//! and reads no clock; `store` never sees the terminal UI or the command line; `ui` returns no
//! command-line errors; and no two sibling modules depend on each other (a cycle), except the
//! ones still listed in `KNOWN_CYCLES`, which may only shrink: a new cycle fails, and so does a
//! listed one that is gone (take it off the list).
//!
//! Read from the sources (test code left out): every `crate::`, `super::` and `self::` path,
//! `use` groups included, resolved to the module it names.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Sibling modules that still depend on each other, as "parent: a <-> b" (a < b).
const KNOWN_CYCLES: &[&str] = &[
    // The registry of record kinds names each kind's type (some defined beside the code that
    // uses them) and is used by that code: the types belong in `records`, `Tree` apart.
    "store: changelog <-> registry",
    "store: numbers <-> registry",
    "store: privacy <-> registry",
    "store: registry <-> repo",
    "store: keys <-> rekey",
    "store: privacy <-> shred",
];

type ModPath = Vec<String>;

struct Source {
    module: ModPath,
    code: String,
}

fn sources() -> Vec<Source> {
    fn walk(dir: &Path, out: &mut Vec<Source>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let rel = path.strip_prefix(concat!(env!("CARGO_MANIFEST_DIR"), "/src")).unwrap();
            let mut module: ModPath =
                rel.iter().map(|s| s.to_string_lossy().trim_end_matches(".rs").to_string()).collect();
            if module == ["main"] || module.last().is_some_and(|m| m == "tests") {
                continue;
            }
            if module.last().is_some_and(|m| m == "mod" || m == "lib") {
                module.pop();
            }
            let text = std::fs::read_to_string(&path).unwrap();
            // Test code is left out: everything from the first `#[cfg(test)]` on.
            let code = match text.find("#[cfg(test)]") {
                Some(i) => &text[..i],
                None => &text,
            };
            // Comments (doc links name modules too) are left out.
            let code = code
                .lines()
                .map(|l| match l.match_indices("//").find(|(i, _)| *i == 0 || l.as_bytes()[i - 1] != b':') {
                    Some((i, _)) => &l[..i],
                    None => l,
                })
                .collect::<Vec<_>>()
                .join("\n");
            out.push(Source { module, code });
        }
    }
    let mut out = Vec::new();
    walk(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src")), &mut out);
    out
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The paths a use-tree or an expression path names, starting at `s` (just after `prefix::`).
fn paths_at(s: &str, prefix: &[String], out: &mut Vec<ModPath>) {
    let s = s.trim_start();
    if let Some(rest) = s.strip_prefix('{') {
        // A group: split at the commas of this level.
        let mut depth = 0;
        let mut start = 0;
        for (i, c) in rest.char_indices() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => {
                    paths_at(&rest[start..i], prefix, out);
                    return;
                }
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    paths_at(&rest[start..i], prefix, out);
                    start = i + 1;
                }
                _ => {}
            }
        }
        return;
    }
    let ident: String = s.chars().take_while(|c| is_ident(*c)).collect();
    if ident.is_empty() || ident == "self" {
        out.push(prefix.to_vec());
        return;
    }
    let mut path = prefix.to_vec();
    path.push(ident.clone());
    match s[ident.len()..].strip_prefix("::") {
        Some(rest) => paths_at(rest, &path, out),
        None => out.push(path),
    }
}

/// Every module path `code` (in `module`) refers to, resolved to absolute paths.
fn references(module: &ModPath, code: &str) -> Vec<ModPath> {
    let mut out = Vec::new();
    let bytes = code.as_bytes();
    let mut i = 0;
    while i < code.len() {
        let before_ok = i == 0 || !is_ident(bytes[i - 1] as char) && bytes[i - 1] != b':';
        if before_ok {
            let rest = &code[i..];
            let (base, after): (ModPath, &str) = if let Some(r) = rest.strip_prefix("crate::") {
                (Vec::new(), r)
            } else if rest.starts_with("super::") {
                // `super` of a file module is its parent; of a directory module (mod.rs), the
                // parent of that directory.
                let mut base = module.clone();
                let mut r = rest;
                while let Some(x) = r.strip_prefix("super::") {
                    base.pop();
                    r = x;
                }
                (base, r)
            } else if let Some(r) = rest.strip_prefix("self::") {
                (module.clone(), r)
            } else {
                i += rest.chars().next().map_or(1, char::len_utf8);
                continue;
            };
            paths_at(after, &base, &mut out);
            i += rest.len() - after.len();
            continue;
        }
        i += code[i..].chars().next().map_or(1, char::len_utf8);
    }
    out
}

struct Graph {
    modules: BTreeSet<ModPath>,
    /// For each module, the modules it refers to (longest known prefix of each path).
    edges: BTreeMap<ModPath, BTreeSet<ModPath>>,
}

fn graph() -> Graph {
    let srcs = sources();
    let modules: BTreeSet<ModPath> = srcs.iter().map(|s| s.module.clone()).collect();
    let mut edges: BTreeMap<ModPath, BTreeSet<ModPath>> = BTreeMap::new();
    for s in &srcs {
        for r in references(&s.module, &s.code) {
            let known = (0..=r.len()).rev().map(|n| r[..n].to_vec()).find(|p| modules.contains(p));
            if let Some(target) = known
                && target != s.module
            {
                edges.entry(s.module.clone()).or_default().insert(target);
            }
        }
    }
    Graph { modules, edges }
}

fn under(m: &ModPath, root: &ModPath) -> bool {
    m.len() >= root.len() && m[..root.len()] == root[..]
}

/// Pairs of sibling modules whose subtrees refer to each other.
fn cycles(g: &Graph) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for parent in &g.modules {
        let children: Vec<&ModPath> =
            g.modules.iter().filter(|m| m.len() == parent.len() + 1 && under(m, parent)).collect();
        let refers = |a: &ModPath, b: &ModPath| {
            g.edges.iter().filter(|(from, _)| under(from, a)).any(|(_, to)| to.iter().any(|t| under(t, b)))
        };
        for (i, a) in children.iter().enumerate() {
            for b in &children[i + 1..] {
                if refers(a, b) && refers(b, a) {
                    let name = if parent.is_empty() { "crate".to_string() } else { parent.join("::") };
                    out.insert(format!("{name}: {} <-> {}", a.last().unwrap(), b.last().unwrap()));
                }
            }
        }
    }
    out
}

#[test]
fn the_domain_depends_on_nothing_else_of_meedoen_and_does_no_io() {
    let mut wrong = Vec::new();
    for s in sources().iter().filter(|s| s.module.first().is_some_and(|m| m == "domain")) {
        for r in references(&s.module, &s.code) {
            if r.first().is_some_and(|m| m != "domain") {
                wrong.push(format!("{}: crate::{}", s.module.join("::"), r.join("::")));
            }
        }
        for banned in ["Utc::now", "Local::now", "std::fs", "sled::", "ratatui", "clap::", "std::env", "std::process"] {
            if s.code.contains(banned) {
                wrong.push(format!("{}: {banned}", s.module.join("::")));
            }
        }
    }
    assert!(wrong.is_empty(), "the domain reaches out: {wrong:#?}");
}

#[test]
fn the_store_sees_no_terminal_and_the_ui_no_command_line() {
    let mut wrong = Vec::new();
    for s in sources() {
        let refs = references(&s.module, &s.code);
        let top = s.module.first().map(String::as_str);
        let forbidden: &[&str] = match top {
            Some("store") => &["ui", "cli", "app", "safety", "unlock", "export", "reports", "demo"],
            Some("ui") => &["cli", "app"],
            _ => &[],
        };
        for r in refs {
            if r.first().is_some_and(|m| forbidden.contains(&m.as_str())) {
                wrong.push(format!("{}: crate::{}", s.module.join("::"), r.join("::")));
            }
        }
        if top == Some("store") && (s.code.contains("ratatui") || s.code.contains("clap::")) {
            wrong.push(format!("{}: terminal or command-line crate", s.module.join("::")));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

/// The sync server (`src/server/`, its own binary) names nothing of meedoen but the protocol
/// (`protocol`): no store, no UI, no command line, no terminal or storage crate.
#[test]
fn the_server_names_only_the_protocol() {
    let mut wrong = Vec::new();
    let mut seen = 0;
    for s in sources().iter().filter(|s| s.module.first().is_some_and(|m| m == "server")) {
        seen += 1;
        for r in references(&s.module, &s.code) {
            let allowed = r.first().is_some_and(|m| m == "server" || m == "protocol");
            if !allowed {
                wrong.push(format!("{}: crate::{}", s.module.join("::"), r.join("::")));
            }
        }
        for banned in ["ratatui", "sled::", "meedoen::"] {
            if s.code.contains(banned) {
                wrong.push(format!("{}: {banned}", s.module.join("::")));
            }
        }
    }
    assert!(seen >= 5, "the server's sources were not found");
    assert!(wrong.is_empty(), "{wrong:#?}");
}

/// No store test builds the terminal UI: the store's unit tests (test code included), the helpers
/// every integration test shares (`tests/common`; the UI tests' helpers are in `tests/ui_common`)
/// and the integration tests of the store name none of it.
#[test]
fn no_store_test_builds_the_terminal_ui() {
    fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                files(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut checked = Vec::new();
    files(&root.join("src/store"), &mut checked);
    files(&root.join("tests/common"), &mut checked);
    for t in [
        "store",
        "changelog",
        "restore",
        "erasure",
        "moved_record",
        "replayed_record",
        "device_copies",
        "damaged",
        "properties",
    ] {
        checked.push(root.join(format!("tests/{t}.rs")));
    }
    let mut wrong = Vec::new();
    for f in &checked {
        let code = std::fs::read_to_string(f).unwrap();
        for ui in ["crate::ui", "meedoen::ui", "ratatui", "ui_common", "meedoen::app", "crate::app"] {
            if code.contains(ui) {
                wrong.push(format!("{}: {ui}", f.strip_prefix(root).unwrap().display()));
            }
        }
    }
    assert!(checked.len() > 20, "the store's sources were not found");
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn no_new_module_cycles_and_the_known_ones_are_still_there() {
    let found = cycles(&graph());
    let known: BTreeSet<String> = KNOWN_CYCLES.iter().map(|s| s.to_string()).collect();
    let new: Vec<&String> = found.difference(&known).collect();
    let gone: Vec<&String> = known.difference(&found).collect();
    assert!(
        new.is_empty() && gone.is_empty(),
        "new cycles: {new:#?}\ncycles gone (take them off KNOWN_CYCLES): {gone:#?}"
    );
}

#[test]
fn the_reader_of_paths_resolves_groups_super_and_crate() {
    let m: ModPath = vec!["store".into(), "codec".into()];
    let refs =
        references(&m, "use super::{crypto::{KeyView, Keys}, StoreError};\nlet x = crate::domain::Participant::new();");
    let s: Vec<String> = refs.iter().map(|r| r.join("::")).collect();
    assert_eq!(s, ["store::crypto::KeyView", "store::crypto::Keys", "store::StoreError", "domain::Participant::new"]);
}
