//! Stage 1: bytes → `openapiv3::OpenAPI`. Every problem is a diagnostic at the JSON pointer of
//! the wrong node, with its line and column where the text has them (`locate`), found in time
//! linear in the size of the document whatever is wrong with it:
//! - the text is read into a loose tree by `serde_yaml` (JSON is YAML), or, for a document nested
//!   deeper than its 128 levels, by `deep` from libyaml's events (`events`), up to 512 levels of
//!   objects and lists and a diagnostic at the exact place past them;
//! - `shape` checks the whole tree against the OpenAPI 3.0 objects before openapiv3 reads it:
//!   openapiv3 tries each alternative of a `$ref`-or-object in turn and reads a failed one again
//!   for its message, which doubled the time per level of nested schemas; after the check it
//!   never meets a failure. The JSON fast path runs the same check on the text as it streams.
//!
//! `openapiv3` reads OpenAPI 3.0. A 3.0 document is read straight from its text; a 3.1 document
//! is first read loosely into a tree, which [`crate::downgrade`] rewrites into the equivalent
//! 3.0 tree (keeping nodes at their pointers, so later diagnostics still point into the user's
//! file), and openapiv3 then reads that tree. Either way [`Loaded::version`] is the version the
//! file declares.
//!
//! Before the typed read, `tree` settles what needs the loose tree: defaults (and warnings) for a
//! missing `info`, its `title` or `version`; path items given by `$ref`; the `webhooks`, read
//! apart into [`Loaded::webhooks`]. A 3.0 document none of this changed is still read from its
//! text. Then `repair` rewrites, once over the whole document, what openapiv3 reads differently
//! from what the document says, so that the later stages see every schema as written.

mod deep;
mod events;
mod external;
mod locate;
mod repair;
mod shape;
mod tree;

use crate::diagnostics::{Diagnostic, Diagnostics, Pointer, Relocations};
use indexmap::IndexMap;
use openapiv3::{PathItem, ReferenceOr};
use serde_path_to_error::Segment;
use serde_yaml::Value;
use std::panic::UnwindSafe;
use std::path::Path;

/// A parsed spec: the typed document and what was read beside it.
pub struct Loaded {
    /// The typed document, in OpenAPI 3.0 form (a 3.1 document is rewritten into it).
    pub document: openapiv3::OpenAPI,
    /// The `openapi` version string the file declares.
    pub version: String,
    /// The `webhooks` (OpenAPI 3.1): requests the API sends, by name, each a path item in 3.0
    /// form. A client never makes them; their payloads still get types.
    pub webhooks: IndexMap<String, PathItem>,
    /// What was read loosely (a default for a missing `info.version`, say), in document order;
    /// resolving adds its own.
    pub warnings: Vec<Diagnostic>,
    /// Schemas that moved on the way to [`Loaded::document`] (`$defs` hoisted into
    /// `components/schemas`): later diagnostics are reported where the user wrote them.
    pub relocations: Relocations,
}

/// The OpenAPI versions this loader reads.
#[derive(Clone, Copy)]
enum Family {
    V3_0,
    V3_1,
}

impl Family {
    fn of(version: &str) -> Option<Self> {
        let in_family = |family: &str| version == family || version.starts_with(&format!("{family}."));
        if in_family("3.0") {
            Some(Self::V3_0)
        } else if in_family("3.1") {
            Some(Self::V3_1)
        } else {
            None
        }
    }

    fn label(self) -> &'static str {
        match self {
            Self::V3_0 => "3.0",
            Self::V3_1 => "3.1",
        }
    }
}

/// Parses a YAML or JSON OpenAPI 3.0 or 3.1 document (JSON is a subset of YAML, so one parser
/// reads both), and repairs how openapiv3 read its schemas.
pub fn load(bytes: &[u8]) -> Result<Loaded, Diagnostics> {
    load_named(bytes, None)
}

/// [`load`], naming the file the bytes come from (`specs/petstore.yaml`): a document without
/// `info.title` is titled after it (`petstore`).
pub fn load_named(bytes: &[u8], source_name: Option<&str>) -> Result<Loaded, Diagnostics> {
    let mut loaded = parse(bytes, source_name)?;
    let mut warnings = Diagnostics(std::mem::take(&mut loaded.warnings));
    repair::repair(&mut loaded.document, &mut warnings);
    let at = Pointer::root().key("webhooks");
    for (name, item) in &mut loaded.webhooks {
        repair::path_item(item, &at.key(name), &mut warnings);
    }
    loaded.relocations.restore(&mut warnings.0);
    loaded.warnings = warnings.0;
    Ok(loaded)
}

/// Repairs a schema the loader did not see as one (a tuple position, kept by the downgrade in an
/// extension) as it repairs the document's: see `repair`.
pub(crate) fn repair_schema(schema: &mut openapiv3::Schema, at: &Pointer, warnings: &mut Diagnostics) {
    repair::schema(schema, at, warnings);
}

/// The typed read of a document, as openapiv3 gives it.
fn parse(bytes: &[u8], source_name: Option<&str>) -> Result<Loaded, Diagnostics> {
    // A UTF-8 byte order mark is allowed by editors, not by the YAML parser.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(one("", "the file is empty; expected an OpenAPI 3.0 document"));
    }
    if let Some(loaded) = json_3_0(bytes) {
        return Ok(loaded);
    }
    // A loose first read, to check the version: the typed read would report a 2.0 document as a
    // pile of unrelated field errors. It is also the tree a 3.1 document is rewritten from, and
    // the one the shape check walks. (serde_yaml's own `Value` also refuses duplicate keys,
    // which openapiv3 cannot report.)
    // serde_yaml stops at 128 levels of nesting, where the deep reader goes on.
    let mut too_deep = false;
    let tree: Value = match serde_yaml::from_slice(bytes) {
        Ok(tree) => tree,
        Err(error) if error.to_string().starts_with("recursion limit exceeded") => {
            too_deep = true;
            deep::read(bytes).map_err(|diagnostic| Diagnostics(vec![diagnostic]))?
        }
        Err(error) => {
            let place = error
                .location()
                .map(|at| format!(" (line {}, column {})", at.line(), at.column()))
                .unwrap_or_default();
            return Err(one("", format!("the file is not valid YAML or JSON{place}: {error}")));
        }
    };
    let version = declared_version(&tree)?;
    let Some(family) = Family::of(&version) else { return Err(one("/openapi", unsupported(&version))) };
    let mut diagnostics = Diagnostics::default();
    let mut tree = tree;
    let (copied, bundled) = external::bundle(&mut tree, source_name.map(Path::new), &mut diagnostics);
    let (mut tree, relocations) = match family {
        Family::V3_0 => (tree, copied),
        Family::V3_1 => {
            let downgraded = crate::downgrade::downgrade(tree).map_err(|mut problems| {
                copied.restore(&mut problems.0);
                problems
            })?;
            diagnostics.0.extend(downgraded.warnings);
            (downgraded.tree, downgraded.relocations.then_from(copied))
        }
    };
    let mut prepared =
        tree::prepare(&mut tree, matches!(family, Family::V3_0), source_name, &mut diagnostics);
    // Shape errors are found before the typed read, which then never meets one.
    let mut shape_problems = Diagnostics::default();
    let reshaped = shape::document(&mut tree, &mut shape_problems);
    if let Some(webhooks) = &mut prepared.webhooks {
        shape::webhooks(webhooks, &mut shape_problems);
    }
    // Problems found past this point are reported with the warnings so far, where the user
    // wrote them.
    let failed = |mut problems: Diagnostics, mut so_far: Diagnostics| {
        so_far.0.append(&mut problems.0);
        relocations.restore(&mut so_far.0);
        so_far
    };
    if diagnostics.has_errors() || !shape_problems.is_empty() {
        let found = shape_problems.0.len();
        let mut all = failed(shape_problems, diagnostics);
        let first = all.0.len() - found;
        locate::annotate(bytes, &mut all.0[first..]);
        return Err(all);
    }
    let document = match family {
        // Straight from the text, as before 3.1 was read.
        Family::V3_0 if !prepared.changed && !bundled && !reshaped && !too_deep => typed(
            || serde_path_to_error::deserialize(serde_yaml::Deserializer::from_slice(bytes)),
            family,
            &Pointer::root(),
        ),
        // From the settled tree; `serde_yaml::Value` keeps the order of properties and paths
        // (a `serde_json::Value` would sort them).
        _ => typed(move || serde_path_to_error::deserialize(tree), family, &Pointer::root()),
    };
    let document = match document {
        Ok(document) => document,
        Err(problems) => return Err(failed(problems, diagnostics)),
    };
    let webhooks = match prepared.webhooks.map(|webhooks| self::webhooks(webhooks, family)).transpose() {
        Ok(webhooks) => webhooks.unwrap_or_default(),
        Err(problems) => return Err(failed(problems, diagnostics)),
    };
    Ok(Loaded { document, version, webhooks, warnings: diagnostics.0, relocations })
}

/// The typed read of `webhooks`, by name (`x-` entries are extensions, not webhooks).
fn webhooks(value: Value, family: Family) -> Result<IndexMap<String, PathItem>, Diagnostics> {
    let at = Pointer::root().key("webhooks");
    let Value::Mapping(mut entries) = value else {
        return Err(one(at.as_str(), "`webhooks` must be an object with one path item per webhook name"));
    };
    entries.retain(|key, _| !crate::downgrade::key_text(key).starts_with("x-"));
    let read: IndexMap<String, ReferenceOr<PathItem>> =
        typed(move || serde_path_to_error::deserialize(Value::Mapping(entries)), family, &at)?;
    // References were replaced by their targets before the read (or reported).
    Ok(read
        .into_iter()
        .filter_map(|(name, item)| match item {
            ReferenceOr::Item(item) => Some((name, item)),
            ReferenceOr::Reference { .. } => None,
        })
        .collect())
}

/// The fast path for the common large case, a JSON 3.0 document: serde_json reads the version,
/// the shape check passes the text as it streams past, and the typed document is read straight
/// from the text, several times faster than through the YAML parser and without a tree. `None`
/// sends anything else (YAML, 3.1, broken JSON, no version, a document with problems or with
/// what the tree settles) down the general path, which also gives the diagnostics, with lines
/// and columns.
fn json_3_0(bytes: &[u8]) -> Option<Loaded> {
    #[derive(serde::Deserialize)]
    struct Head {
        openapi: Option<String>,
    }
    if bytes.iter().find(|byte| !byte.is_ascii_whitespace()) != Some(&b'{') {
        return None;
    }
    let version = serde_json::from_slice::<Head>(bytes).ok()?.openapi?;
    let family @ Family::V3_0 = Family::of(&version)? else { return None };
    // References to other files are copied in on the general path.
    if external::json_refers_elsewhere(bytes) || !shape::clean_json(bytes) {
        return None;
    }
    let read = || serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_slice(bytes));
    let document: openapiv3::OpenAPI = typed(read, family, &Pointer::root()).ok()?;
    let (webhooks, warnings, relocations) = Default::default();
    Some(Loaded { document, version, webhooks, warnings, relocations })
}

/// The `openapi` version string, or why there is none.
fn declared_version(tree: &Value) -> Result<String, Diagnostics> {
    let Some(root) = tree.as_mapping() else {
        return Err(one("", "the document must be an object with `openapi`, `info` and `paths`"));
    };
    match (root.get("openapi"), root.get("swagger")) {
        (Some(Value::String(version)), _) => Ok(version.clone()),
        (None, Some(_)) => Err(one(
            "/swagger",
            "this is a Swagger 2.0 document; convert it to OpenAPI 3.0 (for example with swagger2openapi) and generate from that",
        )),
        (Some(other), _) => Err(one(
            "/openapi",
            format!("`openapi` must be a version string such as \"3.0.3\" (quoted), found {}", shape::describe(other)),
        )),
        (None, None) => Err(one("", "missing the `openapi` field; add `openapi: 3.0.3` at the top")),
    }
}

/// Why a declared version is refused, naming the ones that are read.
fn unsupported(version: &str) -> String {
    format!("OpenAPI {version} is not supported; this generator reads OpenAPI 3.0.x and 3.1.x documents")
}

/// The typed read of what sits at `at`, with its failures as diagnostics.
fn typed<T, E: std::fmt::Display>(
    read: impl FnOnce() -> Result<T, serde_path_to_error::Error<E>> + UnwindSafe,
    family: Family,
    at: &Pointer,
) -> Result<T, Diagnostics> {
    match std::panic::catch_unwind(read) {
        Ok(Ok(document)) => Ok(document),
        // openapiv3 re-reads a failed `$ref`-or-schema and asserts it fails again; a document
        // serde reads inconsistently (such as one with odd duplicate keys) trips that assertion.
        Err(_) => Err(one(
            at.as_str(),
            "openapiv3 could not read this document consistently (a key given twice in one object is the usual cause); check the file with a YAML linter",
        )),
        Ok(Err(error)) => {
            let pointer = pointer_of(at, error.path());
            Err(one(
                pointer.as_str(),
                format!("not a valid OpenAPI {} object here: {}", family.label(), error.inner()),
            ))
        }
    }
}

/// Diagnostics holding one error.
fn one(pointer: &str, message: impl Into<String>) -> Diagnostics {
    let mut diagnostics = Diagnostics::default();
    diagnostics.push(pointer, message);
    diagnostics
}

fn pointer_of(at: &Pointer, path: &serde_path_to_error::Path) -> Pointer {
    path.iter().fold(at.clone(), |pointer, segment| match segment {
        Segment::Seq { index } => pointer.index(*index),
        Segment::Map { key } => pointer.key(key),
        Segment::Enum { .. } | Segment::Unknown => pointer,
    })
}

#[cfg(test)]
mod tests {
    use super::load;

    #[test]
    fn a_byte_order_mark_is_ignored() {
        let spec = b"\xEF\xBB\xBFopenapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\n";
        let loaded = load(spec).unwrap_or_else(|diagnostics| panic!("{diagnostics}"));
        assert_eq!(loaded.version, "3.0.3");
    }

    #[test]
    fn a_3_1_document_is_read_and_keeps_its_declared_version() {
        let spec = b"openapi: 3.1.0\ninfo: {title: T, version: '1'}\ncomponents:\n  schemas:\n    A: {type: [string, 'null']}\n";
        let loaded = load(spec).unwrap_or_else(|diagnostics| panic!("{diagnostics}"));
        assert_eq!(loaded.version, "3.1.0");
        let schemas = loaded.document.components.map(|components| components.schemas).unwrap_or_default();
        let Some(openapiv3::ReferenceOr::Item(a)) = schemas.get("A") else { panic!("no schema A") };
        assert!(a.schema_data.nullable);
    }

    #[test]
    fn versions_past_3_1_are_refused() {
        let Err(diagnostics) = load(b"openapi: 3.2.0\ninfo: {title: T, version: '1'}\npaths: {}\n") else {
            panic!("3.2 was accepted")
        };
        assert_eq!(
            diagnostics.to_string(),
            "error at /openapi: OpenAPI 3.2.0 is not supported; this generator reads OpenAPI 3.0.x and 3.1.x documents"
        );
    }

    #[test]
    fn a_duplicate_key_deep_inside_is_a_diagnostic_with_its_line() {
        let spec = b"openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A:\n      type: object\n      type: string\n";
        let Err(diagnostics) = load(spec) else { panic!("a duplicate key was accepted") };
        let text = diagnostics.to_string();
        assert!(text.contains("duplicate entry with key \"type\""), "{text}");
        assert!(text.contains("components.schemas.A") && text.contains("line 7"), "{text}");
    }
}
