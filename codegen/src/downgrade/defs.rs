//! `$defs` → `components/schemas`. OpenAPI 3.0 has one place for named schemas; a 3.1 schema may
//! keep its own in `$defs` and refer to them (`$ref: '#/components/schemas/Order/$defs/Line'`).
//! Every `$defs` entry is moved to `components/schemas` under a name made from the component it
//! was defined in (`Order.Line`, a type `OrderLine`), every `$ref` into it is rewritten to match,
//! and the move is recorded, so that diagnostics and docs still name the place in the user's file.
//!
//! Runs first, on the document as written: the moved schemas are then rewritten with the other
//! components. A `$ref` that points into a `$defs` entry that does not exist is left as written,
//! and the resolver reports it.

use crate::diagnostics::{percent_decode, Pointer, Relocations};
use serde_yaml::{Mapping, Value};

/// Keys whose values are data (examples, defaults, constants), never schemas.
const DATA: [&str; 5] = ["example", "examples", "default", "enum", "const"];

/// Keys whose values are maps from names to schemas: a `$defs` key in them is a property name.
const NAMED_SCHEMAS: [&str; 3] = ["properties", "patternProperties", "dependentSchemas"];

/// One `$defs` entry, taken out of the tree.
struct Definition {
    /// Where the user wrote it.
    at: Pointer,
    /// The component schema it sits under, if any.
    component: Option<String>,
    name: String,
    schema: Value,
}

/// Moves every `$defs` entry of the document into `components/schemas` and rewrites the `$ref`s
/// into them.
pub(super) fn hoist(root: &mut Mapping, relocations: &mut Relocations) {
    let mut found = Vec::new();
    for (key, value) in root.iter_mut() {
        let key = super::key_text(key);
        if !key.starts_with("x-") {
            collect(value, &Pointer::root().key(&key), &mut found);
        }
    }
    if found.is_empty() {
        return;
    }
    let components = match root.entry("components".into()).or_insert_with(|| Value::Mapping(Mapping::new())) {
        Value::Mapping(components) => components,
        // Not an object: the typed read reports it; the definitions have nowhere to go.
        _ => return,
    };
    let schemas = match components.entry("schemas".into()).or_insert_with(|| Value::Mapping(Mapping::new())) {
        Value::Mapping(schemas) => schemas,
        _ => return,
    };
    let mut renames = Vec::new();
    for definition in found {
        let wanted = match &definition.component {
            Some(component) => format!("{component}.{}", definition.name),
            None => definition.name.clone(),
        };
        let mut name = wanted.clone();
        let mut counter = 2;
        while schemas.contains_key(name.as_str()) {
            name = format!("{wanted}.{counter}");
            counter += 1;
        }
        let moved = Pointer::root().key("components").key("schemas").key(&name);
        relocations.record(moved.as_str(), definition.at.as_str());
        renames.push((format!("#{}", definition.at), format!("#{moved}")));
        schemas.insert(name.into(), definition.schema);
    }
    // Longest first, so that a definition nested in another is matched before its parent.
    renames.sort_by_key(|(from, _)| std::cmp::Reverse(from.len()));
    for value in root.values_mut() {
        rewrite_refs(value, &renames);
    }
}

/// Takes every `$defs` out of `value` (a part of the document at `at`), nested ones included.
fn collect(value: &mut Value, at: &Pointer, found: &mut Vec<Definition>) {
    match value {
        Value::Mapping(map) => {
            if let Some(Value::Mapping(definitions)) = map.get("$defs") {
                let definitions = definitions.clone();
                map.shift_remove("$defs");
                for (name, mut schema) in definitions {
                    let name = super::key_text(&name);
                    let definition_at = at.key("$defs").key(&name);
                    // A definition comes before the ones nested in it.
                    let mut nested = Vec::new();
                    collect(&mut schema, &definition_at, &mut nested);
                    let component = component_of(&definition_at);
                    found.push(Definition { component, at: definition_at, name, schema });
                    found.append(&mut nested);
                }
            }
            for (key, child) in map.iter_mut() {
                let key = super::key_text(key);
                if DATA.contains(&key.as_str()) || key.starts_with("x-") {
                    continue;
                }
                let child_at = at.key(&key);
                match child {
                    Value::Mapping(named) if NAMED_SCHEMAS.contains(&key.as_str()) => {
                        for (name, schema) in named.iter_mut() {
                            collect(schema, &child_at.key(&super::key_text(name)), found);
                        }
                    }
                    _ => collect(child, &child_at, found),
                }
            }
        }
        Value::Sequence(items) => {
            for (index, item) in items.iter_mut().enumerate() {
                collect(item, &at.index(index), found);
            }
        }
        _ => {}
    }
}

/// The component schema a pointer lies under (`Order` for `/components/schemas/Order/$defs/Line`).
fn component_of(at: &Pointer) -> Option<String> {
    let rest = at.as_str().strip_prefix("/components/schemas/")?;
    let name = rest.split('/').next()?;
    Some(name.replace("~1", "/").replace("~0", "~"))
}

/// Rewrites every `$ref` that points into a moved definition (as written, or percent-encoded).
fn rewrite_refs(value: &mut Value, renames: &[(String, String)]) {
    match value {
        Value::Mapping(map) => {
            for (key, child) in map.iter_mut() {
                match (key.as_str(), child) {
                    (Some("$ref"), Value::String(target)) => {
                        let decoded = percent_decode(target);
                        let renamed = renames.iter().find_map(|(from, to)| {
                            let rest = decoded.strip_prefix(from.as_str())?;
                            (rest.is_empty() || rest.starts_with('/')).then(|| format!("{to}{rest}"))
                        });
                        if let Some(renamed) = renamed {
                            *target = renamed;
                        }
                    }
                    (Some(key), _) if DATA.contains(&key) || key.starts_with("x-") => {}
                    (_, child) => rewrite_refs(child, renames),
                }
            }
        }
        Value::Sequence(items) => items.iter_mut().for_each(|item| rewrite_refs(item, renames)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn definitions_move_to_components_and_references_follow() {
        let mut root: Mapping = serde_yaml::from_str(
            "components:\n  schemas:\n    Order:\n      properties:\n        $defs: {type: string}\n        line: {$ref: '#/components/schemas/Order/$defs/Line'}\n      $defs:\n        Line:\n          properties: {sku: {$ref: '#/components/schemas/Order/$defs/Line/$defs/Sku'}}\n          $defs: {Sku: {type: string}}\n",
        )
        .unwrap_or_else(|error| panic!("{error}"));
        let mut relocations = Relocations::default();
        hoist(&mut root, &mut relocations);
        let schemas = &root["components"]["schemas"];
        assert_eq!(
            schemas["Order"]["properties"]["line"]["$ref"].as_str(),
            Some("#/components/schemas/Order.Line")
        );
        assert!(schemas["Order"]["properties"]["$defs"].is_mapping(), "a property named `$defs` stays");
        assert_eq!(
            schemas["Order.Line"]["properties"]["sku"]["$ref"].as_str(),
            Some("#/components/schemas/Order.Sku")
        );
        assert_eq!(schemas["Order.Sku"]["type"].as_str(), Some("string"));
        assert_eq!(
            relocations.original("/components/schemas/Order.Sku/type"),
            "/components/schemas/Order/$defs/Line/$defs/Sku/type"
        );
    }
}
