//! What is settled on the loosely read tree, before the typed read: the leniencies where nothing
//! is lost (a missing `info`, `info.title`, `info.version` or 3.0 `paths` gets a default and a
//! warning), path items given by `$ref` (replaced by a copy of the path item they point to), and
//! the `webhooks` (taken out: openapiv3 has no place for them; [`super::load`] reads them apart).
//!
//! Each step says whether it changed the tree: a 3.0 document nothing changed is read straight
//! from its text, whose errors carry a line and column.

use crate::diagnostics::{percent_decode, Diagnostics, Pointer};
use serde_yaml::{Mapping, Value};
use std::collections::BTreeSet;

/// The version a document without `info.version` is given.
const DEFAULT_VERSION: &str = "0.0.0";

/// The title a document without `info.title` is given when its file name says nothing.
const DEFAULT_TITLE: &str = "API";

/// The tree after [`prepare`]: whether it changed, and the `webhooks` taken out of it.
pub(super) struct Prepared {
    pub(super) changed: bool,
    pub(super) webhooks: Option<Value>,
}

/// Settles the tree of a document (3.1 already rewritten into 3.0 form). Problems that stop
/// generation (a `$ref` that does not lead to a path item) are errors in `diagnostics`.
pub(super) fn prepare(
    tree: &mut Value,
    requires_paths: bool,
    source_name: Option<&str>,
    diagnostics: &mut Diagnostics,
) -> Prepared {
    let Value::Mapping(root) = tree else { return Prepared { changed: false, webhooks: None } };
    let mut changed = info(root, source_name, diagnostics);
    if !root.contains_key("paths") {
        if requires_paths {
            diagnostics.warn(
                "",
                "`paths` is missing (OpenAPI 3.0 requires it); read as `paths: {}`, so the crate has the types of `components` and no operations",
            );
        }
        root.insert("paths".into(), Value::Mapping(Mapping::new()));
        changed = true;
    }
    changed |= path_item_refs(root, diagnostics);
    let webhooks = root.shift_remove("webhooks");
    changed |= webhooks.is_some();
    Prepared { changed, webhooks }
}

/// A missing `info`, or a missing (or unquoted) `title` or `version` in it, gets a default.
fn info(root: &mut Mapping, source_name: Option<&str>, diagnostics: &mut Diagnostics) -> bool {
    let title = title_from(source_name);
    match root.get_mut("info") {
        None | Some(Value::Null) => {
            let mut info = Mapping::new();
            info.insert("title".into(), title.as_str().into());
            info.insert("version".into(), DEFAULT_VERSION.into());
            root.insert("info".into(), Value::Mapping(info));
            diagnostics.warn(
                "",
                format!("`info` is missing; the API is called \"{title}\", version {DEFAULT_VERSION}: add `info: {{title: …, version: …}}` to name it"),
            );
            true
        }
        Some(Value::Mapping(info)) => {
            let title = text_field(info, "title", &title, diagnostics);
            let version = text_field(info, "version", DEFAULT_VERSION, diagnostics);
            title || version
        }
        // Not an object: the typed read reports it.
        Some(_) => false,
    }
}

/// The file stem of the spec (`petstore` for `specs/petstore.yaml`), else "API".
fn title_from(source_name: Option<&str>) -> String {
    source_name
        .map(|name| name.rsplit(['/', '\\']).next().unwrap_or(name))
        .map(|file| file.split_once('.').map_or(file, |(stem, _)| stem))
        .map(str::trim)
        .filter(|stem| !stem.is_empty())
        .unwrap_or(DEFAULT_TITLE)
        .to_owned()
}

/// `info.<key>` as text: a default when missing, the text of a number or boolean (YAML reads an
/// unquoted `version: 1.0` as a number).
fn text_field(info: &mut Mapping, key: &str, default: &str, diagnostics: &mut Diagnostics) -> bool {
    let at = Pointer::root().key("info");
    let text = match info.get(key) {
        None | Some(Value::Null) => {
            diagnostics.warn(
                at.as_str(),
                format!("`{key}` is missing; read as \"{default}\": add `{key}` to `info` to set it"),
            );
            default.to_owned()
        }
        Some(Value::Number(number)) => {
            let text = number.to_string();
            diagnostics.warn(
                at.key(key).as_str(),
                format!("`{key}` must be a string; the number is read as \"{text}\": quote it to keep it exactly as written"),
            );
            text
        }
        Some(Value::Bool(flag)) => {
            diagnostics.warn(at.key(key).as_str(), format!("`{key}` must be a string; read as \"{flag}\""));
            flag.to_string()
        }
        // Text, or a list or object the typed read reports.
        Some(_) => return false,
    };
    info.insert(key.into(), text.into());
    true
}

/// Replaces every path item given by `$ref` (under `paths` and `webhooks`) with a copy of the
/// path item it leads to, which may be another path (`#/paths/~1items`) or an entry of
/// `components/pathItems`; `summary` and `description` beside the `$ref` win over the target's.
/// `components/pathItems` is then removed (openapiv3 has no place for it). Moves: the copied
/// operations are reported at the path that refers to them.
fn path_item_refs(root: &mut Mapping, diagnostics: &mut Diagnostics) -> bool {
    let sections = ["paths", "webhooks"];
    let refers = |root: &Mapping, section: &str| match root.get(section) {
        Some(Value::Mapping(items)) => items.values().any(|item| item.get("$ref").is_some()),
        _ => false,
    };
    let any_ref = sections.iter().any(|section| refers(root, section));
    let removed = match root.get_mut("components") {
        Some(Value::Mapping(components)) if !any_ref => components.shift_remove("pathItems").is_some(),
        _ => false,
    };
    if !any_ref {
        return removed;
    }
    // Targets are read from the document as written, so that a chain of references works
    // whatever order the paths come in.
    let original = Value::Mapping(root.clone());
    for section in sections {
        let Some(Value::Mapping(items)) = root.get_mut(section) else { continue };
        let at = Pointer::root().key(section);
        for (key, item) in items.iter_mut() {
            let Some(reference) = item.get("$ref").and_then(Value::as_str).map(str::to_owned) else {
                continue;
            };
            let key = crate::downgrade::key_text(key);
            match follow(&original, &reference) {
                Ok(target) => {
                    let mut copy = target.clone();
                    if let Value::Mapping(siblings) = item {
                        for (name, value) in siblings.iter() {
                            if name.as_str() != Some("$ref") {
                                copy.insert(name.clone(), value.clone());
                            }
                        }
                    }
                    *item = Value::Mapping(copy);
                }
                Err(message) => diagnostics.push(at.key(&key).key("$ref").as_str(), message),
            }
        }
    }
    if let Some(Value::Mapping(components)) = root.get_mut("components") {
        components.shift_remove("pathItems");
    }
    true
}

/// The path item a `$ref` leads to, through any chain of references, or why there is none.
fn follow<'t>(tree: &'t Value, reference: &str) -> Result<&'t Mapping, String> {
    let mut current = reference.to_owned();
    let mut seen = BTreeSet::new();
    loop {
        if !seen.insert(current.clone()) {
            return Err(format!("`$ref: {reference}` leads back to itself; point it to a path item"));
        }
        let Some(fragment) = current.strip_prefix('#') else {
            return Err(format!("`$ref: {current}` points outside this document; only local references (`#/components/pathItems/Name` or `#/paths/…`) are read, so bundle the spec first"));
        };
        match lookup(tree, fragment) {
            Some(Value::Mapping(target)) => match target.get("$ref").and_then(Value::as_str) {
                Some(next) => current = next.to_owned(),
                None => return Ok(target),
            },
            Some(_) => return Err(format!("`$ref: {current}` does not point to a path item (an object of operations)")),
            None => {
                return Err(format!("`$ref: {current}` does not point to anything in this document; fix the reference or add the path item (under `components/pathItems` in OpenAPI 3.1)"))
            }
        }
    }
}

/// The node at a JSON pointer given as a URI fragment (`/paths/~1items%7Bid%7D`).
pub(super) fn lookup<'t>(tree: &'t Value, fragment: &str) -> Option<&'t Value> {
    if fragment.is_empty() {
        return Some(tree);
    }
    let fragment = percent_decode(fragment.strip_prefix('/')?);
    fragment.split('/').try_fold(tree, |node, token| {
        let token = token.replace("~1", "/").replace("~0", "~");
        match node {
            Value::Mapping(map) => {
                map.iter().find(|(key, _)| crate::downgrade::key_text(key) == token).map(|(_, v)| v)
            }
            Value::Sequence(items) => items.get(token.parse::<usize>().ok()?),
            _ => None,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prepared(yaml: &str, source_name: Option<&str>) -> (Value, Diagnostics) {
        let mut tree: Value = serde_yaml::from_str(yaml).unwrap_or_else(|error| panic!("{error}"));
        let mut diagnostics = Diagnostics::default();
        prepare(&mut tree, true, source_name, &mut diagnostics);
        (tree, diagnostics)
    }

    #[test]
    fn a_missing_info_is_titled_after_the_file() {
        let (tree, diagnostics) = prepared("openapi: 3.0.3\npaths: {}\n", Some("specs/pet-store.v2.yaml"));
        assert_eq!(tree["info"]["title"].as_str(), Some("pet-store"));
        assert_eq!(tree["info"]["version"].as_str(), Some(DEFAULT_VERSION));
        assert_eq!(diagnostics.0.len(), 1);
        assert!(!diagnostics.has_errors());
    }

    #[test]
    fn an_unquoted_version_is_read_as_its_text() {
        let (tree, diagnostics) = prepared("openapi: 3.0.3\ninfo: {title: T, version: 2}\npaths: {}\n", None);
        assert_eq!(tree["info"]["version"].as_str(), Some("2"));
        assert_eq!(diagnostics.0[0].pointer, "/info/version");
    }

    #[test]
    fn a_path_item_may_point_to_another_path_through_a_chain() {
        let (tree, diagnostics) = prepared(
            "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /a: {$ref: '#/paths/~1b', summary: A}\n  /b: {$ref: '#/components/pathItems/B'}\ncomponents:\n  pathItems:\n    B: {summary: B, get: {responses: {}}}\n",
            None,
        );
        assert!(diagnostics.is_empty(), "{diagnostics}");
        assert_eq!(tree["paths"]["/a"]["summary"].as_str(), Some("A"));
        assert!(tree["paths"]["/a"]["get"].is_mapping());
        assert!(tree["paths"]["/b"]["get"].is_mapping());
        assert!(tree["components"].get("pathItems").is_none());
    }

    #[test]
    fn a_path_item_reference_that_leads_nowhere_is_an_error() {
        let (_, diagnostics) = prepared(
            "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /a: {$ref: '#/paths/~1a'}\n  /b: {$ref: '#/paths/~1c'}\n  /d: {$ref: 'other.yaml#/paths/~1d'}\n",
            None,
        );
        let text = diagnostics.to_string();
        assert!(
            text.contains("error at /paths/~1a/$ref: `$ref: #/paths/~1a` leads back to itself"),
            "{text}"
        );
        assert!(
            text.contains("error at /paths/~1b/$ref: `$ref: #/paths/~1c` does not point to anything"),
            "{text}"
        );
        assert!(
            text.contains("error at /paths/~1d/$ref: `$ref: other.yaml#/paths/~1d` points outside"),
            "{text}"
        );
    }
}
