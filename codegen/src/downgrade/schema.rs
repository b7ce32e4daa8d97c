//! One schema object, 3.1 → 3.0, with every schema inside it (the table in the parent module).
//!
//! The order of the steps in [`object`] matters: keywords are rewritten in place first, then the
//! child schemas (still at the pointers they have in the user's file), and only then may a `type`
//! list move keywords and children into `oneOf` branches.

use crate::diagnostics::{Diagnostics, Pointer};
use serde_yaml::{Mapping, Value};
use std::cmp::Ordering;

/// Keywords that only document a value. Beside a `$ref` they are dropped (3.0 ignores them there
/// too); a union member with nothing but these and a null type is the null alternative.
const ANNOTATIONS: [&str; 12] = [
    "title",
    "description",
    "summary",
    "default",
    "example",
    "examples",
    "deprecated",
    "readOnly",
    "writeOnly",
    "externalDocs",
    "xml",
    "$comment",
];

/// JSON Schema keywords that name or constrain a value without changing its Rust type: dropped,
/// as openapiv3 would silently skip them anyway. (`$defs` was moved to `components/schemas`
/// before, see `defs`; one left here is in a place no schema is read from.)
const DROPPED: [&str; 13] = [
    "$schema",
    "$id",
    "$comment",
    "$anchor",
    "$dynamicAnchor",
    "$vocabulary",
    "$defs",
    "contentSchema",
    "dependentRequired",
    "propertyNames",
    "contains",
    "minContains",
    "maxContains",
];

/// Keywords that shape a value in a way OpenAPI 3.0 cannot say, and what to write instead.
const REFUSED: [(&str, &str); 7] = [
    ("if", "conditional schemas (`if`/`then`/`else`) cannot become a Rust type; describe the alternatives as a `oneOf`"),
    ("then", "`then` (of a conditional schema) cannot become a Rust type; describe the alternatives as a `oneOf`"),
    ("else", "`else` (of a conditional schema) cannot become a Rust type; describe the alternatives as a `oneOf`"),
    ("dependentSchemas", "`dependentSchemas` has no OpenAPI 3.0 form; declare every property in `properties` (the dependency then goes unchecked)"),
    ("unevaluatedProperties", "`unevaluatedProperties` with a schema has no OpenAPI 3.0 form; use `additionalProperties`"),
    ("unevaluatedItems", "`unevaluatedItems` with a schema has no OpenAPI 3.0 form; use `items`"),
    ("$dynamicRef", "`$dynamicRef` has no OpenAPI 3.0 form; use a plain `$ref: '#/components/schemas/Name'`"),
];

/// The extension a tuple's positions (`prefixItems`, rewritten) are kept in: openapiv3 keeps
/// `x-` keywords of a schema, and the resolver reads this one as the elements of a tuple whose
/// further items are the array's `items`.
pub const PREFIX_ITEMS: &str = "x-codegen-prefix-items";

/// The `type` names whose keywords a `type` list distributes over its `oneOf` branches.
const TYPED: [&str; 4] = ["string", "number", "array", "object"];

/// Rewrites the schema at `at` (and every schema inside it) in place.
pub(super) fn schema(value: &mut Value, at: &Pointer, diagnostics: &mut Diagnostics) {
    match value {
        // In 3.1 a schema may be a boolean: `true` allows anything, as the empty schema does.
        Value::Bool(true) => *value = Value::Mapping(Mapping::new()),
        // Where no better reading exists (a property or a union member is left out instead, see
        // `children`), a schema no value matches reads as any value: decoding then loses nothing.
        Value::Bool(false) => {
            diagnostics.warn(
                at.as_str(),
                "a `false` schema allows no value at all, which no Rust type can hold; it is read as any JSON value (`serde_json::Value`)",
            );
            *value = Value::Mapping(Mapping::new());
        }
        Value::Mapping(map) if map.contains_key("$ref") => reference(map, at, diagnostics),
        Value::Mapping(map) => object(map, at, diagnostics),
        // Not a schema in either version; openapiv3 reports it at this pointer.
        _ => {}
    }
}

fn object(map: &mut Mapping, at: &Pointer, diagnostics: &mut Diagnostics) {
    map.retain(|key, value| !dropped(key, value));
    for (keyword, message) in REFUSED {
        if map.contains_key(keyword) {
            diagnostics.push(at.key(keyword).as_str(), message);
        }
    }
    examples(map);
    exclusive_bounds(map);
    content_format(map);
    constant(map, at, diagnostics);
    tuple(map, at, diagnostics);
    children(map, at, diagnostics);
    pattern_properties(map, at, diagnostics);
    types(map, at, diagnostics);
}

fn dropped(key: &Value, value: &Value) -> bool {
    let Some(key) = key.as_str() else { return false };
    // `unevaluatedProperties: false` closes an object, which a generated type does not check;
    // with a schema it adds properties, which is refused.
    DROPPED.contains(&key) || (matches!(key, "unevaluatedProperties" | "unevaluatedItems") && value.is_bool())
}

fn annotation(key: &Value) -> bool {
    key.as_str().is_some_and(|key| ANNOTATIONS.contains(&key) || key.starts_with("x-"))
}

/// A `$ref` with siblings: 3.1 applies both, 3.0 reads only the `$ref`. With annotations only,
/// the `$ref` stays where it is and they are dropped, as 3.0 would ignore them. Siblings that
/// constrain the value are kept beside the reference in an `allOf` (which the resolver merges),
/// and the annotations then document that `allOf`.
fn reference(map: &mut Mapping, at: &Pointer, diagnostics: &mut Diagnostics) {
    let mut constraints = Mapping::new();
    let mut annotations = Mapping::new();
    for (key, value) in std::mem::take(map) {
        if key.as_str() == Some("$ref") {
            map.insert(key, value);
        } else if annotation(&key) {
            annotations.insert(key, value);
        } else if !dropped(&key, &value) {
            constraints.insert(key, value);
        }
    }
    if constraints.is_empty() {
        return;
    }
    // The siblings sit at `at` in the user's file, so that is where their problems are.
    let mut constraints = Value::Mapping(constraints);
    schema(&mut constraints, at, diagnostics);
    let reference = Value::Mapping(std::mem::take(map));
    *map = annotations;
    map.insert("allOf".into(), Value::Sequence(vec![reference, constraints]));
}

/// 3.1 lists examples of a schema; 3.0 has one `example`.
fn examples(map: &mut Mapping) {
    let Some(Value::Sequence(examples)) = map.shift_remove("examples") else { return };
    if let (false, Some(first)) = (map.contains_key("example"), examples.into_iter().next()) {
        map.insert("example".into(), first);
    }
}

/// 3.1 gives an exclusive bound as a number; 3.0 as the bound plus a boolean flag. When both an
/// inclusive and an exclusive bound are given, the stricter one is kept.
fn exclusive_bounds(map: &mut Mapping) {
    let bounds =
        [("exclusiveMinimum", "minimum", Ordering::Greater), ("exclusiveMaximum", "maximum", Ordering::Less)];
    for (exclusive, inclusive, stricter) in bounds {
        let Some(Value::Number(bound)) = map.get(exclusive).cloned() else { continue };
        let inclusive_is_stricter = match (map.get(inclusive).and_then(Value::as_f64), bound.as_f64()) {
            (Some(current), Some(bound)) => current.partial_cmp(&bound) == Some(stricter),
            _ => false,
        };
        if inclusive_is_stricter {
            map.shift_remove(exclusive);
        } else {
            map.insert(inclusive.into(), Value::Number(bound));
            map.insert(exclusive.into(), Value::Bool(true));
        }
    }
}

/// 3.1 describes encoded and binary strings with `contentEncoding` and `contentMediaType`; 3.0
/// with `format: byte` (base64) and `format: binary` (raw bytes).
fn content_format(map: &mut Mapping) {
    let encoding = map.shift_remove("contentEncoding");
    let media = map.shift_remove("contentMediaType");
    let format = match (encoding.as_ref().and_then(Value::as_str), media.as_ref().and_then(Value::as_str)) {
        (Some("base64" | "base64url"), _) => "byte",
        (None, Some(media)) if !textual(media) => "binary",
        _ => return,
    };
    if !map.contains_key("format") {
        map.insert("format".into(), format.into());
    }
    // Both keywords only apply to strings.
    if !map.contains_key("type") {
        map.insert("type".into(), "string".into());
    }
}

/// A media type whose content is text (a string holding JSON is not bytes).
fn textual(media: &str) -> bool {
    let media = media.to_ascii_lowercase();
    media.starts_with("text/") || ["json", "xml", "yaml"].iter().any(|kind| media.contains(kind))
}

/// `const: v` → `enum: [v]`, which the resolver reads as a constant (a one-value string enum is
/// a struct's tag). A `const` without `type` gets the type of its value, since 3.0 reads an
/// untyped `enum` as any value. An object or array constant is read as any value of its kind
/// (a one-value enum of objects is not a Rust type), with a warning.
fn constant(map: &mut Mapping, at: &Pointer, diagnostics: &mut Diagnostics) {
    let Some(value) = map.get("const").cloned() else { return };
    // A value must match both, so a `const` beside an `enum` is all the `enum` can still allow.
    map.shift_remove("enum");
    if value.is_null() {
        map.shift_remove("const");
        set_nullable(map);
        return;
    }
    if let Some(kind) = match value {
        Value::Mapping(_) => Some("object"),
        Value::Sequence(_) => Some("array"),
        _ => None,
    } {
        map.shift_remove("const");
        if !map.contains_key("type") {
            map.insert("type".into(), kind.into());
        }
        diagnostics.warn(
            at.key("const").as_str(),
            format!("a constant {kind} is read as any JSON {kind}: the generated type does not check that the value is this one"),
        );
        return;
    }
    if let (false, Some(kind)) = (map.contains_key("type"), kind_of(&value)) {
        map.insert("type".into(), kind.into());
    }
    rename(map, "const", "enum", Value::Sequence(vec![value]));
}

/// The `type` a scalar value has.
fn kind_of(value: &Value) -> Option<&'static str> {
    match value {
        Value::String(_) => Some("string"),
        Value::Bool(_) => Some("boolean"),
        Value::Number(number) if number.is_f64() => Some("number"),
        Value::Number(_) => Some("integer"),
        _ => None,
    }
}

/// `prefixItems` (a tuple): the positions are rewritten where they are, then kept in
/// [`PREFIX_ITEMS`]; `items` stays the schema of the items after them, and `items: false` (no
/// more items) becomes `maxItems` of the tuple's length.
fn tuple(map: &mut Mapping, at: &Pointer, diagnostics: &mut Diagnostics) {
    let Some(positions) = map.shift_remove("prefixItems") else { return };
    let at = at.key("prefixItems");
    let Value::Sequence(mut positions) = positions else {
        diagnostics.push(at.as_str(), "`prefixItems` must be a list of schemas, one per position");
        return;
    };
    for (index, position) in positions.iter_mut().enumerate() {
        schema(position, &at.index(index), diagnostics);
    }
    if map.get("items") == Some(&Value::Bool(false)) {
        map.shift_remove("items");
        let length = positions.len() as u64;
        let max = map.get("maxItems").and_then(Value::as_u64).map_or(length, |max| max.min(length));
        map.insert("maxItems".into(), max.into());
    }
    if !map.contains_key("type") {
        map.insert("type".into(), "array".into());
    }
    map.insert(PREFIX_ITEMS.into(), Value::Sequence(positions));
}

/// `patternProperties` → `additionalProperties`: a map whose values have the pattern's schema
/// (the key patterns go unchecked, and no value is lost). Several patterns, or patterns beside
/// an `additionalProperties` schema, allow a value of any of them: a `oneOf` of the distinct
/// schemas. `additionalProperties: true` already allows every value and stays.
fn pattern_properties(map: &mut Mapping, at: &Pointer, diagnostics: &mut Diagnostics) {
    let Some(patterns) = map.shift_remove("patternProperties") else { return };
    let at = at.key("patternProperties");
    let Value::Mapping(patterns) = patterns else {
        diagnostics.push(at.as_str(), "`patternProperties` must be an object of schemas by key pattern");
        return;
    };
    let mut values: Vec<Value> = Vec::new();
    if let Some(additional @ Value::Mapping(_)) = map.get("additionalProperties") {
        values.push(additional.clone());
    } else if map.get("additionalProperties") == Some(&Value::Bool(true)) {
        return;
    }
    for (pattern, mut value) in patterns {
        schema(&mut value, &at.key(&super::key_text(&pattern)), diagnostics);
        if !values.contains(&value) {
            values.push(value);
        }
    }
    let value = match <[Value; 1]>::try_from(values) {
        Ok([only]) => only,
        Err(values) if values.is_empty() => return,
        Err(values) => {
            let mut union = Mapping::new();
            union.insert("oneOf".into(), Value::Sequence(values));
            Value::Mapping(union)
        }
    };
    map.insert("additionalProperties".into(), value);
    if !map.contains_key("type") {
        map.insert("type".into(), "object".into());
    }
}

/// Rewrites the schemas inside this one, each at the pointer it has in the user's file.
fn children(map: &mut Mapping, at: &Pointer, diagnostics: &mut Diagnostics) {
    if let Some(Value::Mapping(properties)) = map.get_mut("properties") {
        let at = at.key("properties");
        let mut never = Vec::new();
        for (name, property) in properties.iter_mut() {
            let name = super::key_text(name);
            if property == &Value::Bool(false) {
                diagnostics.warn(
                    at.key(&name).as_str(),
                    format!("a `false` schema allows no value, so `{name}` can never be present; the property is left out"),
                );
                never.push(name);
            } else {
                schema(property, &at.key(&name), diagnostics);
            }
        }
        properties.retain(|name, _| !never.contains(&super::key_text(name)));
        if let Some(Value::Sequence(required)) = map.get_mut("required") {
            required.retain(|name| !name.as_str().is_some_and(|name| never.iter().any(|n| n == name)));
        }
    }
    // No item at all: an array that is always empty.
    if map.get("items") == Some(&Value::Bool(false)) {
        map.shift_remove("items");
        map.insert("maxItems".into(), 0.into());
    }
    for keyword in ["items", "additionalProperties", "not"] {
        match map.get_mut(keyword) {
            // `additionalProperties: true/false` means the same in 3.0.
            Some(Value::Bool(_)) if keyword == "additionalProperties" => {}
            Some(child) => schema(child, &at.key(keyword), diagnostics),
            None => {}
        }
    }
    if let Some(Value::Sequence(members)) = map.get_mut("allOf") {
        let at = at.key("allOf");
        for (index, member) in members.iter_mut().enumerate() {
            schema(member, &at.index(index), diagnostics);
        }
    }
    for keyword in ["oneOf", "anyOf"] {
        alternatives(map, keyword, at, diagnostics);
    }
}

/// A `oneOf`/`anyOf`: 3.1 allows null by a `{type: "null"}` member, 3.0 by `nullable` on the
/// union. The null members are dropped; a union left with one member becomes that member.
fn alternatives(map: &mut Mapping, keyword: &str, at: &Pointer, diagnostics: &mut Diagnostics) {
    let Some(Value::Sequence(members)) = map.get_mut(keyword) else { return };
    let at = at.key(keyword);
    // A member no value matches (`false`) is no alternative; later members move up one.
    if members.contains(&Value::Bool(false)) {
        for (index, _) in members.iter().enumerate().filter(|(_, member)| **member == Value::Bool(false)) {
            diagnostics.warn(
                at.index(index).as_str(),
                "a `false` schema matches no value, so this member is left out of the union",
            );
        }
        members.retain(|member| *member != Value::Bool(false));
    }
    let nulls: Vec<bool> = members.iter().map(null_schema).collect();
    for ((index, member), null) in members.iter_mut().enumerate().zip(&nulls) {
        if !null {
            schema(member, &at.index(index), diagnostics);
        }
    }
    let mut null_flags = nulls.iter();
    members.retain(|_| !null_flags.next().copied().unwrap_or(false));
    let had_null = nulls.contains(&true);
    // A value matching a nullable member is null, which the union must then accept too.
    let nullable =
        had_null || members.iter().any(|member| member.get("nullable") == Some(&Value::Bool(true)));
    let left = members.len();
    if nullable {
        set_nullable(map);
    }
    match (had_null, left) {
        (true, 0) => {
            map.shift_remove(keyword);
        }
        (true, 1) => collapse(map, keyword),
        _ => {}
    }
}

/// A schema that allows only null: `{type: "null"}` (or `const: null`, `enum: [null]`), with
/// annotations at most.
fn null_schema(value: &Value) -> bool {
    let Value::Mapping(map) = value else { return false };
    let mut says_null = false;
    for (key, value) in map.iter().filter(|(key, _)| !annotation(key)) {
        let null = match key.as_str() {
            Some("type") => {
                is_null_name(value)
                    || matches!(value.as_sequence().map(Vec::as_slice), Some([only]) if is_null_name(only))
            }
            Some("const") => value.is_null(),
            Some("enum") => matches!(value.as_sequence().map(Vec::as_slice), Some([only]) if only.is_null()),
            _ => false,
        };
        if !null {
            return false;
        }
        says_null = true;
    }
    says_null
}

fn is_null_name(value: &Value) -> bool {
    value.as_str() == Some("null")
}

/// The one member left of a union once null was dropped stands for the union: a `$ref` as
/// `allOf: [{$ref}]` (the 3.0 idiom for a nullable reference), an inline schema merged into its
/// parent when their keywords do not overlap.
fn collapse(map: &mut Mapping, keyword: &str) {
    let Some(Value::Sequence(members)) = map.get(keyword) else { return };
    let [only] = members.as_slice() else { return };
    let only = only.clone();
    if let Value::Mapping(member) = &only {
        // `nullable` is on both when the member allowed null too (merged, it is still true), and
        // the union keyword itself goes away.
        let overlaps = member.iter().any(|(key, _)| {
            !annotation(key)
                && !matches!(key.as_str(), Some(k) if k == "nullable" || k == keyword)
                && map.contains_key(key)
        });
        if !member.contains_key("$ref") && !overlaps {
            map.shift_remove(keyword);
            for (key, value) in member {
                if !map.contains_key(key) {
                    map.insert(key.clone(), value.clone());
                }
            }
            return;
        }
    }
    // Beside an `allOf` the member joins it: a value must match all of them either way.
    if let Some(Value::Sequence(all_of)) = map.get_mut("allOf") {
        all_of.push(only);
        map.shift_remove(keyword);
    } else {
        rename(map, keyword, "allOf", Value::Sequence(vec![only]));
    }
}

/// `type` as a list (or `"null"`): 3.0 has one type name plus `nullable`, and a `oneOf` for more.
fn types(map: &mut Mapping, at: &Pointer, diagnostics: &mut Diagnostics) {
    let names = match map.get("type") {
        Some(name) if is_null_name(name) => vec!["null".to_owned()],
        Some(Value::Sequence(list)) => match type_names(list, &at.key("type"), diagnostics) {
            Some(names) => names,
            None => return,
        },
        _ => return,
    };
    let mut kinds: Vec<String> = Vec::new();
    for name in names.iter().filter(|name| *name != "null") {
        if !kinds.contains(name) {
            kinds.push(name.clone());
        }
    }
    // Every integer is a number, so the pair is just a number.
    if kinds.iter().any(|kind| kind == "number") {
        kinds.retain(|kind| kind != "integer");
    }
    if names.iter().any(|name| name == "null") {
        set_nullable(map);
    }
    match kinds.as_slice() {
        [] => {
            map.shift_remove("type");
        }
        [only] => {
            // `insert` on a present key keeps its place.
            map.insert("type".into(), only.as_str().into());
        }
        _ => split(map, &kinds, at, diagnostics),
    }
}

/// The names in a `type` list, or `None` (with a diagnostic) when one is not a string.
fn type_names(list: &[Value], at: &Pointer, diagnostics: &mut Diagnostics) -> Option<Vec<String>> {
    let mut names = Vec::new();
    for (index, entry) in list.iter().enumerate() {
        match entry.as_str() {
            Some(name) => names.push(name.to_owned()),
            None => {
                diagnostics.push(
                    at.index(index).as_str(),
                    "each entry of a `type` list must be a type name such as \"string\" or \"null\"",
                );
                return None;
            }
        }
    }
    Some(names)
}

/// Several types: a `oneOf` with one branch per type, each taking the keywords of its type (and
/// the `enum` values and `format` that fit it); annotations stay on the union.
fn split(map: &mut Mapping, kinds: &[String], at: &Pointer, diagnostics: &mut Diagnostics) {
    if let Some(keyword) =
        ["oneOf", "anyOf", "allOf", "not"].into_iter().find(|keyword| map.contains_key(*keyword))
    {
        diagnostics.push(
            at.key("type").as_str(),
            format!("a list of several types beside `{keyword}` has no OpenAPI 3.0 form; move the types into the `{keyword}` members, or write the alternatives as a `oneOf` of single-type schemas"),
        );
        return;
    }
    let values = map.shift_remove("enum");
    let format = map.shift_remove("format");
    let branches = kinds
        .iter()
        .map(|kind| Value::Mapping(branch(map, kind, values.as_ref(), format.as_ref())))
        .collect();
    for keyword in TYPED.iter().flat_map(|kind| keywords_of(kind)) {
        map.shift_remove(*keyword);
    }
    rename(map, "type", "oneOf", Value::Sequence(branches));
}

fn branch(map: &Mapping, kind: &str, values: Option<&Value>, format: Option<&Value>) -> Mapping {
    let mut branch = Mapping::new();
    branch.insert("type".into(), kind.into());
    for keyword in keywords_of(kind) {
        if let Some(value) = map.get(*keyword) {
            branch.insert((*keyword).into(), value.clone());
        }
    }
    if let Some(format) =
        format.filter(|format| format.as_str().is_some_and(|format| format_fits(format, kind)))
    {
        branch.insert("format".into(), format.clone());
    }
    if let Some(Value::Sequence(values)) = values {
        let fitting: Vec<Value> = values.iter().filter(|value| value_fits(value, kind)).cloned().collect();
        if !fitting.is_empty() {
            branch.insert("enum".into(), Value::Sequence(fitting));
        }
    }
    branch
}

/// The keywords that only apply to values of one type.
fn keywords_of(kind: &str) -> &'static [&'static str] {
    match kind {
        "string" => &["minLength", "maxLength", "pattern"],
        "integer" | "number" => &["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"],
        "array" => &["items", "minItems", "maxItems", "uniqueItems", PREFIX_ITEMS],
        "object" => &["properties", "required", "additionalProperties", "minProperties", "maxProperties"],
        _ => &[],
    }
}

fn format_fits(format: &str, kind: &str) -> bool {
    match format {
        "int32" | "int64" => matches!(kind, "integer" | "number"),
        "float" | "double" => kind == "number",
        _ => kind == "string",
    }
}

fn value_fits(value: &Value, kind: &str) -> bool {
    match kind {
        "string" => value.is_string(),
        "boolean" => value.is_bool(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "array" => value.is_sequence(),
        "object" => value.is_mapping(),
        _ => false,
    }
}

fn set_nullable(map: &mut Mapping) {
    map.insert("nullable".into(), Value::Bool(true));
}

/// Replaces the key `from` (and its value) with `to` and `value`, in the same place, so a rewritten
/// schema reads in the order the user wrote it.
fn rename(map: &mut Mapping, from: &str, to: &str, value: Value) {
    let mut value = Some(value);
    *map = std::mem::take(map)
        .into_iter()
        .filter_map(|(key, old)| match key.as_str() {
            Some(key) if key == from => value.take().map(|value| (Value::from(to), value)),
            _ => Some((key, old)),
        })
        .collect();
}
