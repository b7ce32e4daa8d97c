//! The registry kept true to the runtime's sources, and what each kind of crate receives.

use super::registry::*;
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
            syn::Item::Macro(item) => item.ident.as_ref().map(ToString::to_string),
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
    let mut listed: Vec<String> =
        MODULES.iter().chain(TOOL_MODULES).map(|module| format!("{}.rs", module.name)).collect();
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
    let all = [BYTES, FUTURES_CORE, HTTPDATE, PERCENT_ENCODING, REQWEST, SERDE, SERDE_JSON, TOKIO, TRACING];
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
        assert!(manifest.contains(&format!("\n{}.workspace = true", dependency.name)), "{}", dependency.name);
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
            assert!(module.names.contains(name), "`{name}` of {}.rs is public but not listed", module.name);
        }
    }
}

#[test]
fn the_standalone_crate_declares_every_module_and_re_exports_every_name() {
    let lib = std::fs::read_to_string(runtime_dir().join("src/lib.rs")).expect("codegen/runtime/src/lib.rs");
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
    let listed: BTreeSet<String> =
        MODULES.iter().chain(TOOL_MODULES).map(|module| module.name.to_owned()).collect();
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

fn api(spec: &str) -> Api {
    crate::model(spec.as_bytes()).unwrap_or_else(|diagnostics| panic!("{diagnostics}"))
}

/// A spec with one operation and nothing else.
const ONE_CALL: &str = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /ping:\n    get:\n      \
                        operationId: ping\n      responses: {'204': {description: ok}}\n";

fn module_names(api: &Api) -> Vec<&'static str> {
    modules(api).iter().map(|module| module.name).collect()
}

#[test]
fn a_crate_gets_the_modules_its_operations_need() {
    let types_only = api("openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\n");
    assert_eq!(module_names(&types_only), ["wire"], "a crate of types needs no HTTP");
    assert!(!dependencies(&types_only).contains(&REQWEST));
    assert!(public_names(&types_only).is_empty());

    let one_call = api(ONE_CALL);
    assert_eq!(
        module_names(&one_call),
        ["retry", "error", "options", "builder", "wire", "encode", "credentials", "client", "raw", "request"]
    );
    assert!(!dependencies(&one_call).contains(&FUTURES_CORE));
    assert_eq!(
        public_names(&one_call),
        ["ApiError", "Client", "ClientBuilder", "ConfigError", "DecodeError", "Error", "Raw"]
    );

    let streams = api(
        "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /lines:\n    get:\n      operationId: lines\n      \
         responses:\n        '200':\n          description: ok\n          content:\n            \
         application/x-jsonl:\n              schema: {type: object}\n",
    );
    let names = module_names(&streams);
    assert!(names.contains(&"jsonl") && names.contains(&"lines"), "{names:?}");
    assert!(!names.contains(&"paging") && !names.contains(&"form"), "{names:?}");
    assert!(names.contains(&"builder") && !module_names(&types_only).contains(&"builder"), "{names:?}");
    assert!(dependencies(&streams).contains(&FUTURES_CORE));
    assert!(public_names(&streams).contains(&"JsonlStream"));

    let tokens = api(
        "openapi: 3.0.3\ninfo: {title: T, version: '1'}\nsecurity: [{oauth: []}]\npaths:\n  /me:\n    get:\n      \
         operationId: me\n      responses:\n        '204': {description: ok}\ncomponents:\n  securitySchemes:\n    \
         oauth: {type: oauth2, flows: {clientCredentials: {tokenUrl: 'https://auth.example.com/token', scopes: {}}}}\n",
    );
    assert!(module_names(&tokens).contains(&"token") && !module_names(&streams).contains(&"token"));
    assert!(
        public_names(&tokens).contains(&"TokenProvider")
            && !public_names(&streams).contains(&"TokenProvider")
    );

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
    let api = api(ONE_CALL);
    let used: BTreeSet<String> =
        ["Client", "ClientBuilder", "SpecInfo", "env_var", "wire"].map(str::to_owned).into();
    let text = mod_rs("cmd", &modules(&api), &used);
    assert!(text.contains("\nmod client;\n") && text.contains("\npub(crate) mod wire;\n"), "{text}");
    assert!(text.contains("\npub use client::{Client, ClientBuilder, ConfigError};\n"), "{text}");
    assert!(text.contains("\npub(crate) use client::{env_var, SpecInfo};\n"), "{text}");
    assert!(!text.contains("RequestParts") && !text.contains("jsonl"), "{text}");
}

/// The identifier a path starts with.
fn leading_name(path: &str) -> String {
    path.trim_start().chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect()
}
