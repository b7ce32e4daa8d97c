//! Descriptions split over several files: `$ref: schemas/pet.yaml` or
//! `$ref: common.yaml#/components/parameters/Limit`, relative to the file that holds the `$ref`.
//!
//! Every file such a reference reaches is read once, and what the reference names is copied into
//! this document's `components`, in the section its kind belongs to (a schema into `schemas`, a
//! parameter into `parameters`…; the kind is the one the place of the `$ref` asks for). The
//! references inside a copy are rewritten the same way, relative to the file it came from, so
//! the later stages see one document. A component that is nothing but such a reference
//! (`Pet: {$ref: schemas/pet.yaml}`) is replaced by what it names, keeping its name.
//!
//! Each copy is recorded as a relocation, so that a diagnostic about it names the file and the
//! place in it (`schemas/pet.yaml#/properties/id`). A reference to a URL is an error: the
//! generator never reads the network, and a description that changes with a server is not one
//! source of truth.

mod kinds;

use crate::diagnostics::{percent_decode, Diagnostics, Pointer, Relocations};
use kinds::{Child, Kind};
use serde_yaml::{Mapping, Value};
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::{Component, Path, PathBuf};

/// A place in some file: the file and a JSON pointer in it (`""` for the whole file).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Target {
    file: PathBuf,
    pointer: String,
}

/// A target still to be copied in.
struct Pending {
    target: Target,
    kind: Kind,
    /// Where the copy goes: its section of `components` and its name there.
    section: &'static str,
    name: String,
    /// The `$ref` that asked for it, as a diagnostic would name it.
    asked_at: String,
    reference: String,
}

/// Copies what every reference to another file names into the document's `components`, and
/// rewrites those references to point at the copies. `source` is the file the document was
/// read from; without it a reference to another file has nothing to be resolved against and is
/// an error. Returns where the copies came from, to report diagnostics there, and whether the
/// tree changed.
pub(super) fn bundle(
    tree: &mut Value,
    source: Option<&Path>,
    diagnostics: &mut Diagnostics,
) -> (Relocations, bool) {
    let mut relocations = Relocations::default();
    if !refers_elsewhere(tree) {
        return (relocations, false);
    }
    let Some(source) = source else {
        let mut sites = Vec::new();
        external_sites(tree, &Pointer::root(), &mut sites);
        for (at, reference) in sites {
            let message = url_problem(&reference).unwrap_or_else(|| format!("`$ref: {reference}` points to another file, but the description was not read from a file, so there is nothing to find it from; generate from the file on disk"));
            diagnostics.push(at.as_str(), message);
        }
        return (relocations, false);
    };
    let Value::Mapping(root) = tree else { return (relocations, false) };
    let main = normalize(source);
    let base = main.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut bundler = Bundler {
        main,
        base,
        files: BTreeMap::new(),
        placed: BTreeMap::new(),
        taken: BTreeSet::new(),
        pending: VecDeque::new(),
        diagnostics,
    };
    bundler.claim_existing(root);
    let mut main_root = Value::Mapping(std::mem::take(root));
    let main_file = bundler.main.clone();
    bundler.rewrite(&mut main_root, Kind::Document, &main_file, &Pointer::root(), &Shown::Main);
    let Value::Mapping(mut root) = main_root else { return (relocations, false) };
    let mut copies = Vec::new();
    while let Some(pending) = bundler.pending.pop_front() {
        if let Some(copy) = bundler.copy(&pending) {
            relocations.record(
                Pointer::root().key("components").key(pending.section).key(&pending.name).as_str(),
                format!("{}#{}", bundler.shown(&pending.target.file), pending.target.pointer),
            );
            copies.push((pending.section, pending.name, copy));
        }
    }
    let components = root.entry("components".into()).or_insert_with(|| Value::Mapping(Mapping::new()));
    if let Value::Mapping(components) = components {
        for (section, name, copy) in copies {
            let entries = components.entry(section.into()).or_insert_with(|| Value::Mapping(Mapping::new()));
            if let Value::Mapping(entries) = entries {
                entries.insert(name.into(), copy);
            }
        }
    }
    *tree = Value::Mapping(root);
    (relocations, true)
}

/// How a pointer into a file is shown in diagnostics.
enum Shown {
    Main,
    File(String),
}

impl Shown {
    fn at(&self, pointer: &Pointer) -> String {
        match self {
            Shown::Main => pointer.as_str().to_owned(),
            Shown::File(file) => format!("{file}#{pointer}"),
        }
    }
}

struct Bundler<'d> {
    /// The description's own file and its folder.
    main: PathBuf,
    base: PathBuf,
    /// Every file read so far, or why it could not be.
    files: BTreeMap<PathBuf, Result<Value, String>>,
    /// Where each target was copied to: a local `$ref`.
    placed: BTreeMap<Target, String>,
    /// Names taken in each section of `components`.
    taken: BTreeSet<(&'static str, String)>,
    pending: VecDeque<Pending>,
    diagnostics: &'d mut Diagnostics,
}

impl Bundler<'_> {
    /// Takes the names of `components` as written, and lets a component that is only a
    /// reference to another file take that file's content under its own name.
    fn claim_existing(&mut self, root: &Mapping) {
        let Some(Value::Mapping(components)) = root.get("components") else { return };
        for (section, entries) in components {
            let section = crate::downgrade::key_text(section);
            let (Some(kind), Value::Mapping(entries)) = (Kind::of_section(&section), entries) else {
                continue;
            };
            let section = kind.section();
            for (name, entry) in entries {
                let name = crate::downgrade::key_text(name);
                self.taken.insert((section, name.clone()));
                let only_ref = match entry {
                    Value::Mapping(entry) if entry.len() == 1 => entry.get("$ref").and_then(Value::as_str),
                    _ => None,
                };
                let Some(reference) = only_ref.filter(|reference| !reference.starts_with('#')) else {
                    continue;
                };
                let Ok(target) = self.target(reference, &self.main.clone()) else { continue };
                if self.placed.contains_key(&target) || target.file == self.main {
                    continue;
                }
                let local = format!("#{}", Pointer::root().key("components").key(section).key(&name));
                self.placed.insert(target.clone(), local);
                let asked_at = Pointer::root().key("components").key(section).key(&name).key("$ref");
                self.pending.push_back(Pending {
                    target,
                    kind,
                    section,
                    name,
                    asked_at: asked_at.as_str().to_owned(),
                    reference: reference.to_owned(),
                });
            }
        }
    }

    /// Rewrites every reference to another file in `value` (of kind `kind`, at `at` in `file`).
    fn rewrite(&mut self, value: &mut Value, kind: Kind, file: &Path, at: &Pointer, shown: &Shown) {
        if kind == Kind::Opaque {
            return;
        }
        if kind == Kind::Discriminator {
            return self.rewrite_mapping(value, file, at, shown);
        }
        match value {
            Value::Mapping(map) => {
                for (key, child) in map.iter_mut() {
                    let key = crate::downgrade::key_text(key);
                    if key == "$ref" {
                        if let Value::String(reference) = child {
                            self.redirect(reference, kind, file, shown, shown.at(&at.key("$ref")));
                        }
                        continue;
                    }
                    let at = at.key(&key);
                    match kind.child(&key) {
                        Child::One(kind) => self.rewrite(child, kind, file, &at, shown),
                        Child::Entries(kind) => self.rewrite_entries(child, kind, file, &at, shown),
                    }
                }
            }
            Value::Sequence(items) if kind == Kind::Schema => {
                for (index, item) in items.iter_mut().enumerate() {
                    self.rewrite(item, kind, file, &at.index(index), shown);
                }
            }
            _ => {}
        }
    }

    /// [`Bundler::rewrite`] over each entry of a map or list of `kind`s.
    fn rewrite_entries(&mut self, value: &mut Value, kind: Kind, file: &Path, at: &Pointer, shown: &Shown) {
        match value {
            Value::Mapping(map) => {
                for (key, entry) in map.iter_mut() {
                    let key = crate::downgrade::key_text(key);
                    let kind =
                        if key.starts_with("x-") && kind != Kind::Schema { Kind::Opaque } else { kind };
                    self.rewrite(entry, kind, file, &at.key(&key), shown);
                }
            }
            Value::Sequence(items) => {
                for (index, item) in items.iter_mut().enumerate() {
                    self.rewrite(item, kind, file, &at.index(index), shown);
                }
            }
            _ => {}
        }
    }

    /// A discriminator's `mapping`: its values are schema names or references, and a
    /// reference is relative to the file it is written in like any other.
    fn rewrite_mapping(&mut self, discriminator: &mut Value, file: &Path, at: &Pointer, shown: &Shown) {
        let Some(Value::Mapping(mapping)) = discriminator.get_mut("mapping") else { return };
        let at = at.key("mapping");
        for (key, value) in mapping.iter_mut() {
            let Value::String(reference) = value else { continue };
            let is_reference = reference.contains(['#', '/'])
                || [".yaml", ".yml", ".json"].iter().any(|end| reference.ends_with(end));
            if is_reference {
                let asked_at = shown.at(&at.key(&crate::downgrade::key_text(key)));
                self.redirect(reference, Kind::Schema, file, shown, asked_at);
            }
        }
    }

    /// Points `reference` (written in `file`) at the copy of what it names: a reference to
    /// another file always; a local one (`#/…`) when `file` is not the main description, since
    /// it points into that file.
    fn redirect(&mut self, reference: &mut String, kind: Kind, file: &Path, shown: &Shown, asked_at: String) {
        let local = match reference.strip_prefix('#') {
            None => self.place(reference, kind, file, asked_at),
            Some(_) if matches!(shown, Shown::Main) => None,
            Some(pointer) => {
                let target = Target { file: file.to_path_buf(), pointer: pointer.to_owned() };
                self.place_target(target, reference, kind, asked_at)
            }
        };
        if let Some(local) = local {
            *reference = local;
        }
    }

    /// The local reference that replaces `reference` (found in `file`), queuing the copy of
    /// its target; `None` (with a diagnostic) when it cannot be followed.
    fn place(&mut self, reference: &str, kind: Kind, file: &Path, asked_at: String) -> Option<String> {
        match self.target(reference, file) {
            Ok(target) => self.place_target(target, reference, kind, asked_at),
            Err(message) => {
                self.diagnostics.push(&asked_at, message);
                None
            }
        }
    }

    fn place_target(
        &mut self,
        target: Target,
        reference: &str,
        kind: Kind,
        asked_at: String,
    ) -> Option<String> {
        if target.file == self.main {
            return Some(format!("#{}", target.pointer));
        }
        if let Some(local) = self.placed.get(&target) {
            return Some(local.clone());
        }
        let section = kind.section();
        let name = self.free_name(section, &target);
        let local = format!("#{}", Pointer::root().key("components").key(section).key(&name));
        self.placed.insert(target.clone(), local.clone());
        let reference = reference.to_owned();
        self.pending.push_back(Pending { target, kind, section, name, asked_at, reference });
        Some(local)
    }

    /// A name for a copy in `section`: the last step of its pointer, else the file's stem,
    /// made unique.
    fn free_name(&mut self, section: &'static str, target: &Target) -> String {
        let last = target.pointer.rsplit('/').next().map(|step| step.replace("~1", "/").replace("~0", "~"));
        let wanted = match last.filter(|step| !step.is_empty() && step.parse::<usize>().is_err()) {
            Some(step) => step,
            None => {
                target.file.file_stem().map(|stem| stem.to_string_lossy().into_owned()).unwrap_or_default()
            }
        };
        let wanted = if wanted.is_empty() { "External".to_owned() } else { wanted };
        // A name this document already uses is qualified by the file the copy comes from
        // (`common.Error`, the type `CommonError`), which says more than a number.
        let stem =
            target.file.file_stem().map(|stem| stem.to_string_lossy().into_owned()).unwrap_or_default();
        let wanted = match self.taken.contains(&(section, wanted.clone())) {
            true if !stem.is_empty() && stem != wanted => format!("{stem}.{wanted}"),
            _ => wanted,
        };
        let mut name = wanted.clone();
        let mut counter = 2;
        while self.taken.contains(&(section, name.clone())) {
            name = format!("{wanted}.{counter}");
            counter += 1;
        }
        self.taken.insert((section, name.clone()));
        name
    }

    /// The file and pointer `reference` names, read from `file`.
    fn target(&self, reference: &str, file: &Path) -> Result<Target, String> {
        if let Some(problem) = url_problem(reference) {
            return Err(problem);
        }
        let (path, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        let path = percent_decode(path);
        let folder = file.parent().unwrap_or(Path::new(""));
        Ok(Target { file: normalize(&folder.join(path)), pointer: fragment.to_owned() })
    }

    /// The copy of a pending target, with the references inside it rewritten.
    fn copy(&mut self, pending: &Pending) -> Option<Value> {
        let Target { file, pointer } = &pending.target;
        if !self.files.contains_key(file) {
            let read = read_document(file);
            self.files.insert(file.clone(), read);
        }
        let shown_file = self.shown(file);
        let found = match &self.files[file] {
            Err(problem) => Err(format!(
                "`$ref: {}` points into `{shown_file}`, which cannot be read: {problem}",
                pending.reference
            )),
            Ok(document) => super::tree::lookup(document, pointer).cloned().ok_or_else(|| {
                format!(
                    "`$ref: {}` points to nothing: `{shown_file}` has no `{pointer}`; fix the reference",
                    pending.reference
                )
            }),
        };
        let mut copy = match found {
            Ok(copy) => copy,
            Err(message) => {
                self.diagnostics.push(&pending.asked_at, message);
                return None;
            }
        };
        let at = Pointer::from_fragment(&percent_decode(pointer));
        let shown = Shown::File(shown_file);
        self.rewrite(&mut copy, pending.kind, &file.clone(), &at, &shown);
        Some(copy)
    }

    /// A file as diagnostics name it: relative to the description's folder where it is inside.
    fn shown(&self, file: &Path) -> String {
        let relative = file.strip_prefix(&self.base).unwrap_or(file);
        relative.components().map(|part| part.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
    }
}

/// Why `reference` cannot be followed if it names a URL.
fn url_problem(reference: &str) -> Option<String> {
    let path = reference.split('#').next().unwrap_or_default();
    (path.contains("://") || path.starts_with("//")).then(|| format!("`$ref: {reference}` points to a URL; the generator reads no network, so download that document beside this one and refer to it by a relative path"))
}

/// A file's YAML or JSON, or why it cannot be had.
fn read_document(file: &Path) -> Result<Value, String> {
    let bytes = std::fs::read(file).map_err(|error| error.to_string())?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    serde_yaml::from_slice(bytes).map_err(|error| format!("not valid YAML or JSON: {error}"))
}

/// `a/./b/../c.yaml` → `a/c.yaml`, without asking the file system (the file may not exist, and
/// that is reported where it is read).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir if matches!(out.components().next_back(), Some(Component::Normal(_))) => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Whether any `$ref` in the tree points outside it.
fn refers_elsewhere(value: &Value) -> bool {
    match value {
        Value::Mapping(map) => map.iter().any(|(key, child)| match (key.as_str(), child) {
            (Some("$ref"), Value::String(reference)) => !reference.starts_with('#'),
            _ => refers_elsewhere(child),
        }),
        Value::Sequence(items) => items.iter().any(refers_elsewhere),
        _ => false,
    }
}

/// Every `$ref` to another file, with where it is.
fn external_sites(value: &Value, at: &Pointer, sites: &mut Vec<(Pointer, String)>) {
    match value {
        Value::Mapping(map) => {
            for (key, child) in map {
                let key = crate::downgrade::key_text(key);
                match child {
                    Value::String(reference) if key == "$ref" && !reference.starts_with('#') => {
                        sites.push((at.key(&key), reference.clone()));
                    }
                    _ => external_sites(child, &at.key(&key), sites),
                }
            }
        }
        Value::Sequence(items) => {
            for (index, item) in items.iter().enumerate() {
                external_sites(item, &at.index(index), sites);
            }
        }
        _ => {}
    }
}

/// Whether JSON text has a `"$ref"` whose value does not start with `#`: such a document is
/// read through the tree, where references to other files are followed.
pub(super) fn json_refers_elsewhere(bytes: &[u8]) -> bool {
    let mut rest = bytes;
    // Jumping from one `$` to the next keeps this a small share of reading a large document.
    while let Some(found) = rest.iter().position(|byte| *byte == b'$') {
        let (before, after) = rest.split_at(found);
        rest = &after[1..];
        if before.last() != Some(&b'"') || !rest.starts_with(b"ref\"") {
            continue;
        }
        let mut value = rest[4..].iter().skip_while(|byte| byte.is_ascii_whitespace());
        if value.next() != Some(&b':') {
            continue;
        }
        let mut value = value.skip_while(|byte| byte.is_ascii_whitespace());
        if value.next() == Some(&b'"') && value.next() != Some(&b'#') {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_normalized_without_the_file_system() {
        assert_eq!(normalize(Path::new("specs/./a/../b.yaml")), PathBuf::from("specs/b.yaml"));
        assert_eq!(normalize(Path::new("../shared/b.yaml")), PathBuf::from("../shared/b.yaml"));
    }

    #[test]
    fn json_text_with_a_reference_elsewhere_is_noticed() {
        assert!(json_refers_elsewhere(br##"{"a": {"$ref" : "pet.json#/Pet"}}"##));
        assert!(!json_refers_elsewhere(br##"{"a": {"$ref": "#/components/schemas/Pet"}}"##));
        assert!(!json_refers_elsewhere(br#"{"description": "see $ref"}"#));
    }
}
