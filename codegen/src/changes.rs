//! What a regeneration changes for the users of the generated crate: the difference of two
//! [`Surface`]s, each change marked breaking or not, and the version that follows from it.
//!
//! The rules (Rust's semver, for a crate whose enums are `#[non_exhaustive]` and whose structs
//! are built with `..Default::default()`):
//! - removing anything, changing a type, or making a field or parameter required is breaking;
//! - adding an operation, a type, an optional field or parameter, an enum value or a union variant
//!   is not (enums and unions are non-exhaustive, and unknown values already decode);
//! - adding a required field or a required parameter (a new method argument) is breaking.

use crate::surface::{FieldSurface, OperationSurface, Surface, TypeSurface};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;

/// One change of the public API. As JSON (`cargo xtask diff --json`):
/// `{"breaking": true, "subject": "type Thing", "what": "removed"}`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Change {
    /// Code written against the old crate may stop compiling or behave differently.
    pub breaking: bool,
    /// What changed: `operation listThings`, `type Thing`, `type Thing, field name`.
    pub subject: String,
    /// How.
    pub what: String,
}

/// Every change between two surfaces, breaking ones first. As JSON: `{"changes": [...]}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ChangeReport {
    /// The changes, sorted.
    pub changes: Vec<Change>,
}

impl ChangeReport {
    /// Whether any change is breaking.
    pub fn is_breaking(&self) -> bool {
        self.changes.iter().any(|change| change.breaking)
    }

    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// The version after `current` for these changes: the next breaking version (the minor one
    /// below 1.0), the next compatible one, or `current` when nothing changed.
    pub fn next_version(&self, current: &str) -> String {
        let mut parts = current.split(['.', '-', '+']).take(3).map(|part| part.parse::<u64>().unwrap_or(0));
        let (major, minor, patch) =
            (parts.next().unwrap_or(0), parts.next().unwrap_or(0), parts.next().unwrap_or(0));
        match (self.is_empty(), self.is_breaking(), major) {
            (true, _, _) => current.to_owned(),
            (false, true, 0) => format!("0.{}.0", minor + 1),
            (false, true, _) => format!("{}.0.0", major + 1),
            (false, false, 0) => format!("0.{minor}.{}", patch + 1),
            (false, false, _) => format!("{major}.{}.0", minor + 1),
        }
    }

    /// The report under a heading that names what was compared and what the changes amount to:
    /// `API changes (0.3.1 → 0.4.0, breaking):` then a line a change, as the commands print it.
    pub fn titled(&self, from: &str, to: &str) -> String {
        let kind = match (self.is_empty(), self.is_breaking()) {
            (true, _) => "unchanged",
            (false, true) => "breaking",
            (false, false) => "compatible",
        };
        format!("API changes ({from} → {to}, {kind}):\n{self}")
    }

    /// A `CHANGELOG.md` section for `version`.
    pub fn changelog_entry(&self, version: &str) -> String {
        let mut text = format!("## {version}\n");
        for (breaking, heading) in [(true, "Breaking"), (false, "Added and compatible")] {
            let lines: Vec<&Change> = self.changes.iter().filter(|c| c.breaking == breaking).collect();
            if lines.is_empty() {
                continue;
            }
            text.push_str(&format!("\n### {heading}\n\n"));
            for change in lines {
                text.push_str(&format!("- {}: {}\n", change.subject, change.what));
            }
        }
        text
    }
}

impl fmt::Display for ChangeReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.changes.is_empty() {
            return writeln!(f, "no change to the public API");
        }
        for change in &self.changes {
            let mark = if change.breaking { "breaking    " } else { "non-breaking" };
            writeln!(f, "{mark}  {}: {}", change.subject, change.what)?;
        }
        Ok(())
    }
}

struct Collector(Vec<Change>);

impl Collector {
    fn add(&mut self, breaking: bool, subject: impl Into<String>, what: impl Into<String>) {
        self.0.push(Change { breaking, subject: subject.into(), what: what.into() });
    }
}

/// What changes from `before` to `after`.
pub fn compare(before: &Surface, after: &Surface) -> ChangeReport {
    let mut out = Collector(Vec::new());
    keyed(&before.operations, &after.operations, |key, old, new| {
        let subject = format!("operation {key}");
        match (old, new) {
            (None, Some(new)) => {
                out.add(false, subject, format!("added (`Client::{}`, {})", new.method, new.request))
            }
            (Some(old), None) => out.add(true, subject, format!("removed (`Client::{}`)", old.method)),
            (Some(old), Some(new)) => operation(&mut out, &subject, old, new),
            (None, None) => {}
        }
    });
    keyed(&before.types, &after.types, |key, old, new| {
        let subject = format!("type {key}");
        match (old, new) {
            (None, Some(new)) => out.add(false, subject, format!("added ({})", new.kind)),
            (Some(_), None) => out.add(true, subject, "removed"),
            (Some(old), Some(new)) => type_change(&mut out, &subject, old, new),
            (None, None) => {}
        }
    });
    let mut changes = out.0;
    changes.sort_by(|a, b| {
        b.breaking.cmp(&a.breaking).then_with(|| (&a.subject, &a.what).cmp(&(&b.subject, &b.what)))
    });
    ChangeReport { changes }
}

/// Calls `visit` for every key of either map, in order.
fn keyed<V>(
    before: &BTreeMap<String, V>,
    after: &BTreeMap<String, V>,
    mut visit: impl FnMut(&str, Option<&V>, Option<&V>),
) {
    let mut keys: Vec<&String> = before.keys().chain(after.keys()).collect();
    keys.sort();
    keys.dedup();
    for key in keys {
        visit(key, before.get(key), after.get(key));
    }
}

fn operation(out: &mut Collector, subject: &str, old: &OperationSurface, new: &OperationSurface) {
    if old.method != new.method {
        out.add(true, subject, format!("client method renamed `{}` → `{}`", old.method, new.method));
    }
    if old.request != new.request {
        out.add(false, subject, format!("now sent as {} (was {})", new.request, old.request));
    }
    for (what, old_value, new_value) in [
        ("request body", old.body.as_deref(), new.body.as_deref()),
        ("error body", old.error.as_deref(), new.error.as_deref()),
        ("result", Some(old.returns.as_str()), Some(new.returns.as_str())),
    ] {
        if old_value != new_value {
            let show = |value: Option<&str>| value.map_or("none".to_owned(), |v| format!("`{v}`"));
            out.add(true, subject, format!("{what} type {} → {}", show(old_value), show(new_value)));
        }
    }
    keyed(&old.params, &new.params, |name, old, new| match (old, new) {
        (None, Some(new)) if new.argument => {
            out.add(true, subject, format!("required parameter `{name}` added (a new method argument)"))
        }
        (None, Some(new)) => {
            out.add(false, subject, format!("optional {} parameter `{name}` added", new.location))
        }
        (Some(_), None) => out.add(true, subject, format!("parameter `{name}` removed")),
        (Some(old), Some(new)) => {
            if old.ty != new.ty {
                out.add(true, subject, format!("parameter `{name}` type `{}` → `{}`", old.ty, new.ty));
            }
            if old.argument != new.argument {
                let how = if new.argument { "optional → required" } else { "required → optional" };
                out.add(true, subject, format!("parameter `{name}` {how}"));
            }
            if old.location != new.location {
                out.add(
                    false,
                    subject,
                    format!("parameter `{name}` moved from {} to {}", old.location, new.location),
                );
            }
        }
        (None, None) => {}
    });
}

fn type_change(out: &mut Collector, subject: &str, old: &TypeSurface, new: &TypeSurface) {
    if old.kind != new.kind {
        out.add(true, subject, format!("changed from {} to {}", old.kind, new.kind));
        return;
    }
    if old.alias != new.alias {
        out.add(
            true,
            subject,
            format!(
                "now stands for `{}` (was `{}`)",
                new.alias.as_deref().unwrap_or("?"),
                old.alias.as_deref().unwrap_or("?")
            ),
        );
    }
    keyed(&old.fields, &new.fields, |name, old, new| field(out, subject, name, old, new));
    let what = if new.kind == "enum" { "value" } else { "variant" };
    for variant in new.variants.iter().filter(|v| !old.variants.contains(v)) {
        out.add(false, subject, format!("{what} `{variant}` added"));
    }
    for variant in old.variants.iter().filter(|v| !new.variants.contains(v)) {
        out.add(true, subject, format!("{what} `{variant}` removed"));
    }
}

fn field(
    out: &mut Collector,
    subject: &str,
    name: &str,
    old: Option<&FieldSurface>,
    new: Option<&FieldSurface>,
) {
    match (old, new) {
        (None, Some(new)) if new.required => {
            out.add(true, subject, format!("required field `{name}: {}` added", new.ty))
        }
        (None, Some(new)) => out.add(false, subject, format!("optional field `{name}: {}` added", new.ty)),
        (Some(_), None) => out.add(true, subject, format!("field `{name}` removed")),
        (Some(old), Some(new)) => {
            if old.required != new.required {
                let how = if new.required { "optional → required" } else { "required → optional" };
                out.add(true, subject, format!("field `{name}` {how} (`{}` → `{}`)", old.ty, new.ty));
            } else if old.ty != new.ty {
                out.add(true, subject, format!("field `{name}` type `{}` → `{}`", old.ty, new.ty));
            }
        }
        (None, None) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::{Change, ChangeReport};

    fn report(breaking: &[bool]) -> ChangeReport {
        let changes = breaking
            .iter()
            .map(|&breaking| Change { breaking, subject: "s".to_owned(), what: "w".to_owned() })
            .collect();
        ChangeReport { changes }
    }

    #[test]
    fn versions_follow_semver() {
        assert_eq!(report(&[]).next_version("0.3.1"), "0.3.1");
        assert_eq!(report(&[false]).next_version("0.3.1"), "0.3.2");
        assert_eq!(report(&[false, true]).next_version("0.3.1"), "0.4.0");
        assert_eq!(report(&[false]).next_version("1.2.3"), "1.3.0");
        assert_eq!(report(&[true]).next_version("1.2.3"), "2.0.0");
    }

    #[test]
    fn the_heading_says_whether_anything_breaks() {
        assert_eq!(
            report(&[false, true]).titled("0.3.1", "0.4.0").lines().next(),
            Some("API changes (0.3.1 → 0.4.0, breaking):")
        );
        assert_eq!(
            report(&[false]).titled("a", "b"),
            "API changes (a → b, compatible):\nnon-breaking  s: w\n"
        );
        assert_eq!(
            report(&[]).titled("a", "b"),
            "API changes (a → b, unchanged):\nno change to the public API\n"
        );
    }
}
