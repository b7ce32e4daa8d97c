//! Identifier rules: spec names → Rust names (heck for case, escaping for keywords and symbols),
//! and a registry that keeps names unique.

use heck::{ToSnakeCase, ToUpperCamelCase};
use std::collections::BTreeSet;
use std::fmt;

/// The Rust name of a value (a field, parameter or method) as [`value_name`] made it. A keyword
/// is a raw identifier: written `r#type` in code, and `type` wherever the name is shown or
/// compared, so nobody downstream strips prefixes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RustName {
    name: String,
    raw: bool,
}

impl RustName {
    /// Reads a name as written in code (`r#type` is the raw identifier `type`).
    pub fn from_code(code: &str) -> Self {
        match code.strip_prefix("r#") {
            Some(name) => Self { name: name.to_owned(), raw: true },
            None => Self { name: code.to_owned(), raw: false },
        }
    }

    /// The name without `r#`: what users type after a `.` in docs and what serde compares.
    pub fn as_str(&self) -> &str {
        &self.name
    }

    /// The name must be written `r#name` in code.
    pub fn is_raw(&self) -> bool {
        self.raw
    }
}

/// The name as written in code (`r#type`).
impl fmt::Display for RustName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.raw {
            f.write_str("r#")?;
        }
        f.write_str(&self.name)
    }
}

/// Keywords that can be written as raw identifiers (`r#type`).
const RAW_KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn", "else",
    "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro",
    "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return", "static", "struct", "trait",
    "true", "try", "type", "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers; they get a trailing underscore instead.
const RESERVED: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Splits on anything that is not a letter or digit, so `foo.bar-baz@x` reads as four words.
fn words(raw: &str) -> String {
    raw.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' }).collect()
}

/// `message_batch` → `MessageBatch`; a leading digit gets `prefix` (`5m` → `V5m`), and so does
/// `Self`, the one keyword a camel-case name can be (`self` → `VSelf`).
fn camel(raw: &str, prefix: &str, empty: &str) -> String {
    let name = words(raw).to_upper_camel_case();
    if name.is_empty() {
        empty.to_owned()
    } else if name.starts_with(|c: char| c.is_ascii_digit()) || name == "Self" {
        format!("{prefix}{name}")
    } else {
        name
    }
}

/// A type name for a schema name.
pub fn type_name(raw: &str) -> String {
    camel(raw, "T", "Schema")
}

/// An enum or union variant name for a wire value.
pub fn variant_name(raw: &str) -> String {
    camel(raw, "V", "Empty")
}

/// A field, argument or method name: snake_case, keywords escaped.
pub fn value_name(raw: &str) -> String {
    let mut name = words(raw).to_snake_case();
    if name.is_empty() {
        name = "value".to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'n');
    }
    escape_keyword(name)
}

fn escape_keyword(name: String) -> String {
    if RESERVED.contains(&name.as_str()) {
        format!("{name}_")
    } else if RAW_KEYWORDS.contains(&name.as_str()) {
        format!("r#{name}")
    } else {
        name
    }
}

/// Hands out names that are unique within one scope (a module, a struct's fields, an enum's
/// variants), adding `2`, `3`… to later claimants of a taken name.
#[derive(Clone, Debug, Default)]
pub struct Scope {
    taken: BTreeSet<String>,
}

impl Scope {
    /// A scope where `reserved` names are already taken.
    pub fn with_reserved(reserved: &[&str]) -> Self {
        Self { taken: reserved.iter().map(|name| (*name).to_owned()).collect() }
    }

    /// `wanted`, or `wanted2`, `wanted3`… whichever is free first; the result is now taken.
    pub fn claim(&mut self, wanted: &str) -> String {
        let mut candidate = wanted.to_owned();
        let mut counter = 2;
        while self.taken.contains(candidate.trim_start_matches("r#")) {
            candidate = format!("{}{counter}", wanted.trim_start_matches("r#"));
            counter += 1;
        }
        self.taken.insert(candidate.trim_start_matches("r#").to_owned());
        candidate
    }

    /// A unique value name for a spec name: [`value_name`], then [`Scope::claim`].
    pub fn claim_value(&mut self, spec_name: &str) -> RustName {
        RustName::from_code(&self.claim(&value_name(spec_name)))
    }

    /// A unique value name built from a Rust name (`wait_until_` + a field), keeping it raw
    /// only where the result is a keyword.
    pub fn claim_code(&mut self, code: &str) -> RustName {
        RustName::from_code(&self.claim(code))
    }

    /// Whether a name is taken.
    pub fn contains(&self, name: &str) -> bool {
        self.taken.contains(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Tables of `assert_eq!(rule(input), output)` share their shape with every other such table;
    // each row is a case, not a copy.
    #[test]
    fn names_follow_rust_conventions() {
        assert_eq!(type_name("message_batch"), "MessageBatch");
        assert_eq!(type_name("web_search_20250305"), "WebSearch20250305");
        assert_eq!(type_name("2xx-thing"), "T2xxThing");
        assert_eq!(variant_name("image/jpeg"), "ImageJpeg");
        assert_eq!(variant_name("5m"), "V5m");
        assert_eq!(variant_name(""), "Empty");
        assert_eq!(variant_name("self"), "VSelf");
        assert_eq!(type_name("self"), "TSelf");
        assert_eq!(variant_name("crate"), "Crate");
        assert_eq!(value_name("type"), "r#type");
        assert_eq!(value_name("self"), "self_");
        assert_eq!(value_name("ephemeral_5m_input_tokens"), "ephemeral_5m_input_tokens");
        assert_eq!(value_name("x-api-key"), "x_api_key");
        assert_eq!(value_name("@id"), "id");
        assert_eq!(value_name("1h"), "n1h");
        assert_eq!(value_name("firstId"), "first_id");
    }

    #[test]
    fn scope_suffixes_repeated_names() {
        let mut scope = Scope::with_reserved(&["Client"]);
        assert_eq!(scope.claim("Client"), "Client2");
        assert_eq!(scope.claim("Item"), "Item");
        assert_eq!(scope.claim("Item"), "Item2");
        assert_eq!(scope.claim("r#type"), "r#type");
        assert_eq!(scope.claim("r#type"), "type2");
    }

    #[test]
    fn rust_names_know_they_are_raw() {
        let mut scope = Scope::default();
        let name = scope.claim_value("type");
        assert_eq!((name.as_str(), name.is_raw(), name.to_string()), ("type", true, "r#type".to_owned()));
        let again = scope.claim_value("type");
        assert_eq!((again.as_str(), again.is_raw()), ("type2", false));
        assert_eq!(scope.claim_value("firstId").to_string(), "first_id");
    }
}
