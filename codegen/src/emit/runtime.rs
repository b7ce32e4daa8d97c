//! The runtime: plain Rust written, compiled and unit-tested in `codegen/runtime/` (a crate of its
//! own), and copied into a generated crate's `src/runtime/` in the parts that crate uses.
//!
//! [`MODULES`] is the registry: each runtime module, when a crate needs it, the runtime modules it
//! uses, the Cargo dependencies its code brings, and the names generated code reaches it by
//! (`crate::runtime::Name`). From it come the copies, the crate's `src/runtime/mod.rs` (the
//! modules the crate gets, re-exporting just the names its generated modules use, so nothing is
//! left unused), and, for `crate_files`, the manifest's dependencies and the root's re-exports.

use crate::diagnostics::Diagnostics;
use crate::model::{Api, BodyKind, Encoding};
use crate::GeneratedFile;
use std::collections::BTreeSet;

/// A Cargo dependency of a generated crate, as its manifest lists it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Dependency {
    /// The package name.
    pub name: &'static str,
    /// What follows `name = ` in `[dependencies]`.
    pub requirement: &'static str,
}

// The dependencies runtime modules and generated code use, as generated manifests list them.
pub const BYTES: Dependency = Dependency { name: "bytes", requirement: "\"1\"" };
pub const FUTURES_CORE: Dependency = Dependency { name: "futures-core", requirement: "\"0.3\"" };
pub const HTTPDATE: Dependency = Dependency { name: "httpdate", requirement: "\"1\"" };
pub const PERCENT_ENCODING: Dependency = Dependency { name: "percent-encoding", requirement: "\"2\"" };
pub const REQWEST: Dependency = Dependency {
    name: "reqwest",
    requirement: "{ version = \"0.12\", default-features = false, features = [\"rustls-tls\", \"stream\"] }",
};
pub const SERDE: Dependency =
    Dependency { name: "serde", requirement: "{ version = \"1\", features = [\"derive\"] }" };
pub const SERDE_JSON: Dependency = Dependency { name: "serde_json", requirement: "\"1\"" };
pub const TOKIO: Dependency =
    Dependency { name: "tokio", requirement: "{ version = \"1\", features = [\"time\"] }" };
pub const TRACING: Dependency = Dependency {
    name: "tracing",
    requirement: "{ version = \"0.1\", default-features = false, features = [\"std\", \"attributes\"] }",
};

/// One module of the runtime.
struct Module {
    /// `codegen/runtime/src/{name}.rs`, copied to `src/runtime/{name}.rs`.
    name: &'static str,
    source: &'static str,
    /// Whether a crate needs it for its own sake; the modules it uses come along (`uses`).
    needed: fn(&Api) -> bool,
    /// The runtime modules its code uses (`super::module::…`). Each comes earlier in
    /// [`MODULES`], so dependencies run one way.
    uses: &'static [&'static str],
    /// The Cargo dependencies its code uses.
    dependencies: &'static [Dependency],
    /// The names generated code may use as `crate::runtime::Name`.
    names: &'static [&'static str],
    /// Those of `names` the crate root re-exports.
    public: &'static [&'static str],
}

fn always(_: &Api) -> bool {
    true
}

fn streams(api: &Api) -> bool {
    api.operations.iter().any(|op| matches!(op.success, BodyKind::JsonLines(_)))
}

fn pages(api: &Api) -> bool {
    api.operations.iter().any(|op| op.pagination.is_some())
}

fn waits(api: &Api) -> bool {
    api.operations.iter().any(|op| !op.waiters.is_empty())
}

fn sends(api: &Api, encoding: Encoding) -> bool {
    api.operations.iter().any(|op| op.body.as_ref().is_some_and(|body| body.encoding == encoding))
}

/// Every runtime module, each after the modules it uses.
const MODULES: &[Module] = &[
    Module {
        name: "retry",
        source: include_str!("../../runtime/src/retry.rs"),
        needed: always,
        uses: &[],
        dependencies: &[HTTPDATE, REQWEST],
        names: &[],
        public: &[],
    },
    Module {
        name: "error",
        source: include_str!("../../runtime/src/error.rs"),
        needed: always,
        uses: &[],
        dependencies: &[REQWEST, SERDE_JSON],
        names: &["ApiError", "DecodeError", "Error", "FromResponse"],
        public: &["ApiError", "DecodeError", "Error"],
    },
    Module {
        name: "options",
        source: include_str!("../../runtime/src/options.rs"),
        needed: always,
        uses: &[],
        dependencies: &[SERDE_JSON],
        names: &["RequestOptions"],
        public: &[],
    },
    Module {
        name: "wire",
        source: include_str!("../../runtime/src/wire.rs"),
        needed: always,
        uses: &[],
        dependencies: &[SERDE, SERDE_JSON],
        names: &["ParamValue"],
        public: &[],
    },
    Module {
        name: "encode",
        source: include_str!("../../runtime/src/encode.rs"),
        needed: always,
        uses: &["wire"],
        dependencies: &[PERCENT_ENCODING, SERDE_JSON],
        names: &["ParamStyle", "join_values", "json_pairs", "json_text", "path_segment"],
        public: &[],
    },
    Module {
        name: "client",
        source: include_str!("../../runtime/src/client.rs"),
        needed: always,
        uses: &["retry"],
        dependencies: &[REQWEST],
        names: &["Client", "ClientBuilder", "ConfigError", "CredentialPlacement", "SpecInfo", "env_var"],
        public: &["Client", "ClientBuilder", "ConfigError"],
    },
    Module {
        name: "request",
        source: include_str!("../../runtime/src/request.rs"),
        needed: always,
        uses: &["client", "encode", "error", "options", "retry"],
        dependencies: &[BYTES, REQWEST, SERDE, SERDE_JSON, TOKIO, TRACING],
        names: &["ApiResponse", "RequestParts"],
        public: &[],
    },
    Module {
        name: "form",
        source: include_str!("../../runtime/src/form.rs"),
        needed: |api| sends(api, Encoding::Form),
        uses: &["encode", "error", "request"],
        dependencies: &[PERCENT_ENCODING, SERDE, SERDE_JSON],
        names: &[],
        public: &[],
    },
    Module {
        name: "multipart",
        source: include_str!("../../runtime/src/multipart.rs"),
        needed: |api| sends(api, Encoding::Multipart),
        uses: &["error", "request"],
        dependencies: &[SERDE, SERDE_JSON],
        names: &[],
        public: &[],
    },
    Module {
        name: "lines",
        source: include_str!("../../runtime/src/lines.rs"),
        needed: streams,
        uses: &[],
        dependencies: &[BYTES],
        names: &[],
        public: &[],
    },
    Module {
        name: "jsonl",
        source: include_str!("../../runtime/src/jsonl.rs"),
        needed: streams,
        uses: &["client", "error", "lines", "request"],
        dependencies: &[BYTES, FUTURES_CORE, REQWEST, SERDE, SERDE_JSON, TOKIO, TRACING],
        names: &["JsonlStream"],
        public: &["JsonlStream"],
    },
    Module {
        name: "paging",
        source: include_str!("../../runtime/src/paging.rs"),
        needed: pages,
        uses: &["error"],
        dependencies: &[FUTURES_CORE, SERDE_JSON],
        names: &["Page", "Paginator"],
        public: &[],
    },
    Module {
        name: "wait",
        source: include_str!("../../runtime/src/wait.rs"),
        needed: waits,
        uses: &["error"],
        dependencies: &[TOKIO, TRACING],
        names: &["WaitOptions", "wait_until"],
        public: &[],
    },
];

/// The modules a crate for `api` gets, in [`MODULES`] order.
fn modules(api: &Api) -> Vec<&'static Module> {
    let mut wanted: BTreeSet<&str> =
        MODULES.iter().filter(|module| (module.needed)(api)).map(|module| module.name).collect();
    // Later modules use earlier ones only, so one backward pass brings in everything used.
    for module in MODULES.iter().rev() {
        if wanted.contains(module.name) {
            wanted.extend(module.uses);
        }
    }
    MODULES.iter().filter(|module| wanted.contains(module.name)).collect()
}

/// The Cargo dependencies of the runtime modules a crate for `api` gets, sorted, each once.
pub fn dependencies(api: &Api) -> Vec<Dependency> {
    let mut dependencies: Vec<Dependency> =
        modules(api).iter().flat_map(|module| module.dependencies.iter().copied()).collect();
    dependencies.sort();
    dependencies.dedup();
    dependencies
}

/// The runtime names the crate root re-exports, sorted.
pub fn public_names(api: &Api) -> Vec<&'static str> {
    let mut names: Vec<&str> = modules(api).iter().flat_map(|module| module.public.iter().copied()).collect();
    names.sort_unstable();
    names
}

/// The runtime files of a crate for `api`: a copy of each module it gets, and the `mod.rs` that
/// declares them and re-exports the names `generated` (the crate's other files) uses. A name no
/// included module provides is an internal error: the table and the emitters disagree.
pub fn runtime_files(
    api: &Api,
    command: &str,
    generated: &[GeneratedFile],
) -> (Vec<GeneratedFile>, Diagnostics) {
    let modules = modules(api);
    let used = names_used(generated);
    let mut diagnostics = Diagnostics::default();
    for name in &used {
        if !modules.iter().any(|module| module.name == name || module.names.contains(&name.as_str())) {
            diagnostics.push(
                "",
                format!(
                    "internal error: the generated code uses `crate::runtime::{name}`, which none of the runtime \
                     modules this crate gets provides; please report this with the spec"
                ),
            );
        }
    }
    let mut files = vec![GeneratedFile {
        path: "src/runtime/mod.rs".to_owned(),
        contents: mod_rs(command, &modules, &used),
    }];
    files.extend(modules.iter().map(|module| {
        let (code, tests_left_out) = without_unit_tests(module.source);
        let note = if tests_left_out { " (its unit tests left out: they run there)" } else { "" };
        GeneratedFile {
            path: format!("src/runtime/{}.rs", module.name),
            contents: format!(
                "// @generated by `{command}`: a copy of codegen/runtime/src/{}.rs{note}.\n\
                 // Do not edit by hand: change the original and regenerate.\n\n{code}",
                module.name
            ),
        }
    }));
    (files, diagnostics)
}

/// A module's code without its `#[cfg(test)] mod tests { … }` (always the last item), and whether
/// it had one: the unit tests run in the runtime crate, with its dev-dependencies.
fn without_unit_tests(source: &str) -> (String, bool) {
    match source.split_once("\n#[cfg(test)]\nmod tests {") {
        Some((code, _tests)) => (format!("{}\n", code.trim_end()), true),
        None => (source.to_owned(), false),
    }
}

/// `src/runtime/mod.rs`: the modules, public re-exports for the crate root, and crate-wide ones
/// for exactly the names the generated code uses. Written as rustfmt would (`cargo fmt --check`
/// runs on generated crates): sorted modules and paths, snake_case names before CamelCase ones.
fn mod_rs(command: &str, modules: &[&Module], used: &BTreeSet<String>) -> String {
    let mut sorted = modules.to_vec();
    sorted.sort_by_key(|module| module.name);
    let mut text = format!(
        "// @generated by `{command}`: the runtime modules this crate uses (see codegen/src/emit/runtime.rs).\n\
         // Do not edit by hand: change the generator and regenerate.\n\n\
         //! The client runtime: HTTP with retries, errors, and parameter and body encoding, with JSON Lines\n\
         //! streaming, paging and waiters when the API has them. Written once as plain Rust (and tested) in\n\
         //! codegen/runtime/, copied here in the parts this crate uses; generated code only wires into it.\n\n"
    );
    for module in &sorted {
        let visibility = if used.contains(module.name) { "pub(crate) " } else { "" };
        text.push_str(&format!("{visibility}mod {};\n", module.name));
    }
    let uses = |visibility: &str, pick: &dyn Fn(&Module) -> Vec<&'static str>| -> String {
        let mut lines = String::new();
        for module in &sorted {
            let mut names = pick(module);
            if names.is_empty() {
                continue;
            }
            names.sort_by_key(|name| rustfmt_order(name));
            let list = match names.as_slice() {
                [one] => (*one).to_owned(),
                _ => format!("{{{}}}", names.join(", ")),
            };
            lines.push_str(&format!("{visibility}use {}::{list};\n", module.name));
        }
        lines
    };
    let public = uses("pub ", &|module| module.public.to_vec());
    let crate_wide = uses("pub(crate) ", &|module| {
        module
            .names
            .iter()
            .copied()
            .filter(|name| used.contains(*name) && !module.public.contains(name))
            .collect()
    });
    for block in [public, crate_wide] {
        if !block.is_empty() {
            text.push('\n');
            text.push_str(&block);
        }
    }
    text
}

/// rustfmt's order of names in a `use` list (style edition 2021): snake_case, then CamelCase, then
/// SCREAMING_CASE, each alphabetically.
fn rustfmt_order(name: &str) -> (bool, bool, &str) {
    let screaming = name.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    (name.starts_with(|c: char| c.is_ascii_uppercase()), screaming, name)
}

/// The names the files use as `runtime::Name` or `crate::runtime::Name` (`Name` alone, the first
/// segment of a longer path, or each item of a `{…}` list): what `mod.rs` must provide. Comment
/// lines are skipped, so spec prose that happens to mention a path asks for nothing.
fn names_used(files: &[GeneratedFile]) -> BTreeSet<String> {
    const PREFIX: &str = "runtime::";
    let mut names = BTreeSet::new();
    for file in files {
        let code: String = file
            .contents
            .lines()
            .filter(|line| !line.trim_start().starts_with("//"))
            .flat_map(|line| [line, "\n"])
            .collect();
        let text = close_paths(&code);
        let mut rest = text.as_str();
        while let Some(at) = rest.find(PREFIX) {
            // `runtime::` as a path of its own, not the tail of a longer name (`my_runtime::`).
            let starts_path = !rest[..at].ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_');
            rest = &rest[at + PREFIX.len()..];
            if !starts_path {
                continue;
            }
            match rest.strip_prefix('{') {
                Some(list) => names.extend(list_items(list).into_iter().map(leading_name)),
                None => {
                    names.insert(leading_name(rest));
                }
            }
        }
    }
    names.retain(|name| !name.is_empty() && name != "self");
    names
}

/// `text` without whitespace before or after `::`: tokens printed inside macros read
/// `crate ::runtime::path_segment(…)`, and a long line may break anywhere between tokens.
fn close_paths(text: &str) -> String {
    let mut closed = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(char::is_whitespace) {
        closed.push_str(&rest[..start]);
        let after = rest[start..].trim_start();
        if !closed.ends_with("::") && !after.starts_with("::") {
            closed.push_str(&rest[start..rest.len() - after.len()]);
        }
        rest = after;
    }
    closed.push_str(rest);
    closed
}

/// The top-level items of a `use` list, given the text after its `{`.
fn list_items(list: &str) -> Vec<&str> {
    let mut items = Vec::new();
    let (mut depth, mut start) = (0usize, 0);
    for (at, c) in list.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => {
                items.push(&list[start..at]);
                return items;
            }
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&list[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    items
}

/// The identifier a path starts with.
fn leading_name(path: &str) -> String {
    path.trim_start().chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn runtime_dir() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("runtime")
    }

    /// The names a Rust file defines at its top level.
    fn defined_names(source: &str) -> BTreeSet<String> {
        let file = syn::parse_file(source).expect("the runtime parses");
        file.items
            .iter()
            .filter_map(|item| match item {
                syn::Item::Fn(item) => Some(item.sig.ident.to_string()),
                syn::Item::Struct(item) => Some(item.ident.to_string()),
                syn::Item::Enum(item) => Some(item.ident.to_string()),
                syn::Item::Trait(item) => Some(item.ident.to_string()),
                syn::Item::Type(item) => Some(item.ident.to_string()),
                _ => None,
            })
            .collect()
    }

    /// `prefix::name` occurrences in `code`, where `prefix` is not the end of a longer name.
    fn paths_after(code: &str, prefix: &str) -> BTreeSet<String> {
        let mut found = BTreeSet::new();
        for (at, _) in code.match_indices(prefix) {
            let before = code[..at].chars().next_back();
            if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
                continue;
            }
            found.insert(leading_name(&code[at + prefix.len()..]));
        }
        found
    }

    #[test]
    fn every_runtime_source_is_in_the_table() {
        let mut on_disk: Vec<String> = std::fs::read_dir(runtime_dir().join("src"))
            .expect("codegen/runtime/src")
            .map(|entry| entry.expect("entry").file_name().to_string_lossy().into_owned())
            .filter(|name| name != "lib.rs")
            .collect();
        on_disk.sort();
        let mut listed: Vec<String> = MODULES.iter().map(|module| format!("{}.rs", module.name)).collect();
        listed.sort();
        assert_eq!(
            on_disk, listed,
            "codegen/runtime/src (but lib.rs) and emit::runtime::MODULES must list the same files"
        );
    }

    #[test]
    fn modules_use_what_the_table_says_and_only_modules_before_them() {
        for (index, module) in MODULES.iter().enumerate() {
            let (code, _) = without_unit_tests(module.source);
            let used = paths_after(&code, "super::");
            let declared: BTreeSet<String> = module.uses.iter().map(|name| (*name).to_owned()).collect();
            assert_eq!(used, declared, "the runtime modules `{}` uses", module.name);
            for name in module.uses {
                let position = MODULES.iter().position(|other| other.name == *name);
                assert!(
                    position.is_some_and(|position| position < index),
                    "`{}` uses `{name}`, listed later",
                    module.name
                );
            }
        }
    }

    #[test]
    fn modules_bring_the_dependencies_their_code_uses() {
        let all =
            [BYTES, FUTURES_CORE, HTTPDATE, PERCENT_ENCODING, REQWEST, SERDE, SERDE_JSON, TOKIO, TRACING];
        for module in MODULES {
            let (code, _) = without_unit_tests(module.source);
            let used: Vec<&str> = all
                .iter()
                .filter(|dependency| {
                    !paths_after(&code, &format!("{}::", dependency.name.replace('-', "_"))).is_empty()
                })
                .map(|dependency| dependency.name)
                .collect();
            let declared: Vec<&str> = module.dependencies.iter().map(|dependency| dependency.name).collect();
            assert_eq!(used, declared, "the dependencies of `{}` (in the order of `all`)", module.name);
        }
        // The runtime crate itself has them all.
        let manifest =
            std::fs::read_to_string(runtime_dir().join("Cargo.toml")).expect("codegen/runtime/Cargo.toml");
        for dependency in all {
            assert!(
                manifest.contains(&format!("\n{}.workspace = true", dependency.name)),
                "{}",
                dependency.name
            );
        }
    }

    #[test]
    fn the_names_of_the_table_are_defined_where_it_says() {
        for module in MODULES {
            let defined = defined_names(module.source);
            for name in module.names {
                assert!(defined.contains(*name), "`{name}` is not defined in {}.rs", module.name);
            }
            for name in module.public {
                assert!(
                    module.names.contains(name),
                    "`{name}` of {}.rs is public but not listed",
                    module.name
                );
            }
        }
    }

    #[test]
    fn the_standalone_crate_declares_every_module_and_re_exports_every_name() {
        let lib =
            std::fs::read_to_string(runtime_dir().join("src/lib.rs")).expect("codegen/runtime/src/lib.rs");
        let file = syn::parse_file(&lib).expect("lib.rs parses");
        let mut modules = BTreeSet::new();
        let mut exported = BTreeSet::new();
        for item in &file.items {
            match item {
                syn::Item::Mod(item) if item.content.is_none() => {
                    modules.insert(item.ident.to_string());
                }
                syn::Item::Use(item) => {
                    if let syn::UseTree::Path(path) = &item.tree {
                        let names = match &*path.tree {
                            syn::UseTree::Name(name) => vec![name.ident.to_string()],
                            syn::UseTree::Group(group) => group
                                .items
                                .iter()
                                .filter_map(|tree| match tree {
                                    syn::UseTree::Name(name) => Some(name.ident.to_string()),
                                    _ => None,
                                })
                                .collect(),
                            _ => Vec::new(),
                        };
                        exported.extend(names.into_iter().map(|name| format!("{}::{name}", path.ident)));
                    }
                }
                _ => {}
            }
        }
        let listed: BTreeSet<String> = MODULES.iter().map(|module| module.name.to_owned()).collect();
        assert_eq!(modules, listed);
        let names: BTreeSet<String> = MODULES
            .iter()
            .flat_map(|module| module.names.iter().map(move |name| format!("{}::{name}", module.name)))
            .collect();
        assert_eq!(exported, names, "lib.rs re-exports exactly the names of the table");
    }

    #[test]
    fn copies_leave_out_the_unit_tests_and_nothing_else() {
        for module in MODULES {
            let (code, left_out) = without_unit_tests(module.source);
            let whole = syn::parse_file(module.source).expect("the runtime parses");
            let copy = syn::parse_file(&code).expect("the copy parses");
            let mut items = whole.items;
            if left_out {
                let tests = items.pop();
                let is_test_module = matches!(&tests, Some(syn::Item::Mod(item)) if item.ident == "tests"
                    && item.attrs.iter().any(|attr| attr.path().is_ident("cfg")));
                assert!(is_test_module, "the unit tests of {}.rs are not its last item", module.name);
            }
            let text = |items: &[syn::Item]| -> Vec<String> {
                items.iter().map(|item| quote::ToTokens::to_token_stream(item).to_string()).collect()
            };
            assert_eq!(text(&copy.items), text(&items), "{}.rs", module.name);
            assert!(
                !code.contains("#[cfg(test)]"),
                "{}.rs has test code outside its `tests` module",
                module.name
            );
            assert!(
                copy.attrs.iter().all(|attr| attr.path().is_ident("doc")),
                "{}.rs has crate attributes",
                module.name
            );
        }
    }

    #[test]
    fn names_are_found_alone_in_paths_and_in_use_lists() {
        let file = GeneratedFile {
            path: "src/x.rs".to_owned(),
            contents: "use crate::runtime::{self, Client, Error as E, wire::{a, b}};\n\
                       #[serde(deserialize_with = \"crate::runtime::wire::nullable\")]\n\
                       let x = crate::runtime::ParamValue::param_value(&v);\n\
                       format!(\"/{}\", crate ::runtime::path_segment(\"id\", & crate ::runtime\n    ::join_values(v)));\n\
                       use runtime::{RequestParts};\n\
                       let p = runtime::Paginator::new(my_runtime::Other);\n\
                       /// See runtime::Mentioned in prose.\n"
                .to_owned(),
        };
        let names: Vec<String> = names_used(&[file]).into_iter().collect();
        assert_eq!(
            names,
            ["Client", "Error", "Paginator", "ParamValue", "RequestParts", "join_values", "path_segment", "wire"]
        );
    }

    fn api(spec: &str) -> Api {
        crate::model(spec.as_bytes()).unwrap_or_else(|diagnostics| panic!("{diagnostics}"))
    }

    fn module_names(api: &Api) -> Vec<&'static str> {
        modules(api).iter().map(|module| module.name).collect()
    }

    #[test]
    fn a_crate_gets_the_modules_its_operations_need() {
        let types_only = api("openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\n");
        assert_eq!(
            module_names(&types_only),
            ["retry", "error", "options", "wire", "encode", "client", "request"]
        );
        assert!(!dependencies(&types_only).contains(&FUTURES_CORE));
        assert_eq!(
            public_names(&types_only),
            ["ApiError", "Client", "ClientBuilder", "ConfigError", "DecodeError", "Error"]
        );

        let streams = api(
            "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /lines:\n    get:\n      operationId: lines\n      \
             responses:\n        '200':\n          description: ok\n          content:\n            \
             application/x-jsonl:\n              schema: {type: object}\n",
        );
        let names = module_names(&streams);
        assert!(names.contains(&"jsonl") && names.contains(&"lines"), "{names:?}");
        assert!(!names.contains(&"paging") && !names.contains(&"form"), "{names:?}");
        assert!(dependencies(&streams).contains(&FUTURES_CORE));
        assert!(public_names(&streams).contains(&"JsonlStream"));

        let form = api(
            "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /f:\n    post:\n      operationId: send\n      \
             requestBody:\n        content:\n          application/x-www-form-urlencoded:\n            \
             schema: {type: object, properties: {a: {type: string}}}\n      responses:\n        '204': {description: ok}\n",
        );
        let names = module_names(&form);
        assert!(
            names.contains(&"form") && !names.contains(&"multipart") && !names.contains(&"jsonl"),
            "{names:?}"
        );
    }

    #[test]
    fn mod_rs_re_exports_only_what_the_generated_code_uses() {
        let api = api("openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\n");
        let used: BTreeSet<String> =
            ["Client", "ClientBuilder", "SpecInfo", "env_var", "wire"].map(str::to_owned).into();
        let text = mod_rs("cmd", &modules(&api), &used);
        assert!(text.contains("\nmod client;\n") && text.contains("\npub(crate) mod wire;\n"), "{text}");
        assert!(text.contains("\npub use client::{Client, ClientBuilder, ConfigError};\n"), "{text}");
        assert!(text.contains("\npub(crate) use client::{env_var, SpecInfo};\n"), "{text}");
        assert!(!text.contains("RequestParts") && !text.contains("jsonl"), "{text}");
    }
}
