//! Cargo features per group of operations: which group each operation is in, and which groups
//! each type is compiled for. A user of a large API turns on the groups they call and compiles
//! only the types those groups send and receive.
//!
//! A group is the operations sharing their first tag, or, for operations without tags, the
//! first segment of their path (a version segment such as `v1` skipped). A type belongs to every
//! group that reaches it through parameters, bodies, responses and errors; the types of the
//! parameters every operation takes (the client builder's setters) are always compiled. Component
//! schemas no operation reaches (kept unless `skip_unused_schemas`) form a group of their own,
//! [`UNUSED_SCHEMAS_FEATURE`].

use super::graph::{operation_types, referenced};
use crate::model::*;
use crate::names::Scope;
use std::collections::HashMap;

/// The feature of the component schemas no operation uses.
pub const UNUSED_SCHEMAS_FEATURE: &str = "other-schemas";

/// Features every crate with operations has (or that Cargo reserves), which no group may take.
const RESERVED_FEATURES: [&str; 4] = ["default", "full", "cli", UNUSED_SCHEMAS_FEATURE];

/// Up to how many types and how many operations every group is on by default. A crate of this
/// size checks in well under a minute on two cores (the bundled spec's 189 types take a few
/// seconds; about 3,000 types took 100 s); above either, no group is on by default.
const DEFAULT_ON_TYPES: usize = 600;
const DEFAULT_ON_OPERATIONS: usize = 200;

/// Sets [`Api::groups`], each operation's group and each type's groups, and whether the groups
/// are on by default. `tag_descriptions` are the document's `tags`.
pub(super) fn assign(api: &mut Api, tag_descriptions: &HashMap<String, String>) {
    if api.operations.is_empty() {
        return;
    }
    let mut scope = Scope::with_reserved(&RESERVED_FEATURES);
    let mut by_origin: HashMap<GroupOrigin, usize> = HashMap::new();
    for op in &mut api.operations {
        let (origin, name) = match &op.tag {
            Some(tag) => (GroupOrigin::Tag(tag.clone()), tag.clone()),
            None => {
                let segment = first_segment(&op.path);
                let name = segment.clone().unwrap_or_else(|| "root".to_owned());
                (GroupOrigin::PathSegment(segment), name)
            }
        };
        op.group = *by_origin.entry(origin.clone()).or_insert_with(|| {
            api.groups.push(FeatureGroup {
                feature: scope.claim(&feature_name(&name)),
                description: op.tag.as_ref().and_then(|tag| tag_descriptions.get(tag)).cloned(),
                origin,
                requires: Vec::new(),
            });
            api.groups.len() - 1
        });
    }
    // An operation whose URL comes from another operation's result calls that one first.
    let group_of: HashMap<&str, usize> =
        api.operations.iter().map(|op| (op.method_name.as_str(), op.group)).collect();
    for op in &api.operations {
        let Some(called) = op.url_from.as_ref().and_then(|from| group_of.get(from.method_name.as_str()))
        else {
            continue;
        };
        let requires = &mut api.groups[op.group].requires;
        if *called != op.group && !requires.contains(called) {
            requires.push(*called);
        }
    }
    for group in &mut api.groups {
        group.requires.sort_unstable();
    }
    type_groups(api);
    api.all_groups_by_default =
        api.types.len() <= DEFAULT_ON_TYPES && api.operations.len() <= DEFAULT_ON_OPERATIONS;
}

/// Each type's groups: the operation groups that reach it, then the unused-schemas group for
/// what no operation reaches; none for the types of the client builder's setters.
fn type_groups(api: &mut Api) {
    let index: HashMap<&str, usize> =
        api.types.iter().enumerate().map(|(at, def)| (def.name.as_str(), at)).collect();
    let mut groups: Vec<Vec<usize>> = vec![Vec::new(); api.types.len()];
    let mut roots: Vec<Vec<usize>> = vec![Vec::new(); api.groups.len()];
    for op in &api.operations {
        let types = operation_types(op, &api.shared_params);
        roots[op.group].extend(types.filter_map(|ty| index.get(ty.named()?)));
    }
    let types = &api.types;
    let spread = |group: usize, mut pending: Vec<usize>, groups: &mut Vec<Vec<usize>>| {
        while let Some(at) = pending.pop() {
            if groups[at].last() == Some(&group) {
                continue;
            }
            groups[at].push(group);
            for ty in referenced(&types[at].kind) {
                pending.extend(ty.named().and_then(|name| index.get(name)));
            }
        }
    };
    for (group, root) in roots.into_iter().enumerate() {
        spread(group, root, &mut groups);
    }
    let unused: Vec<usize> = (0..types.len()).filter(|at| groups[*at].is_empty()).collect();
    if !unused.is_empty() {
        let group = api.groups.len();
        spread(group, unused, &mut groups);
        // Reserved for it: no group of operations took the name.
        api.groups.push(FeatureGroup {
            feature: UNUSED_SCHEMAS_FEATURE.to_owned(),
            origin: GroupOrigin::UnusedSchemas,
            description: None,
            requires: Vec::new(),
        });
    }
    // The types of the parameters every operation takes are the client builder's (its setters
    // are always there), and so are the types they use: always compiled.
    let mut pending: Vec<usize> =
        api.shared_params.iter().filter_map(|param| index.get(param.ty.named()?).copied()).collect();
    while let Some(at) = pending.pop() {
        if std::mem::take(&mut groups[at]).is_empty() {
            continue;
        }
        for ty in referenced(&types[at].kind) {
            pending.extend(ty.named().and_then(|name| index.get(name)));
        }
    }
    for (def, groups) in api.types.iter_mut().zip(groups) {
        def.groups = groups;
    }
}

/// The first segment of a path that names something (`/users/{id}` → `users`): not a parameter,
/// not a version (`v1`, `v2.1`).
fn first_segment(path: &str) -> Option<String> {
    let is_version = |segment: &str| {
        segment
            .strip_prefix(['v', 'V'])
            .is_some_and(|rest| !rest.is_empty() && rest.chars().all(|c| c.is_ascii_digit() || c == '.'))
    };
    path.split(['/', '?'])
        .find(|segment| !segment.is_empty() && !segment.contains('{') && !is_version(segment))
        .map(str::to_owned)
}

/// A Cargo feature name for a tag or path segment: its ASCII letters and digits in lower case,
/// words joined by `-` (`Message Batches` → `message-batches`, `gitRefs` → `git-refs`, `APIs` →
/// `apis`), `group` when none is left. A word starts where a lower-case letter or digit is
/// followed by an upper-case one, so acronyms stay whole.
fn feature_name(raw: &str) -> String {
    let mut name = String::with_capacity(raw.len());
    let mut previous_lower = false;
    for c in raw.chars() {
        if !c.is_ascii_alphanumeric() {
            if !name.is_empty() && !name.ends_with('-') {
                name.push('-');
            }
            previous_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && previous_lower {
            name.push('-');
        }
        previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        name.push(c.to_ascii_lowercase());
    }
    let name = name.trim_end_matches('-');
    if name.is_empty() {
        "group".to_owned()
    } else {
        name.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::{feature_name, first_segment};

    #[test]
    fn feature_names_are_kebab_case_letters_and_digits() {
        assert_eq!(feature_name("Message Batches"), "message-batches");
        assert_eq!(feature_name("git/refs"), "git-refs");
        assert_eq!(feature_name("Über APIs!"), "ber-apis");
        assert_eq!(feature_name("✓"), "group");
        assert_eq!(feature_name("OAuth2 tokens"), "oauth2-tokens");
        assert_eq!(feature_name("messageBatches"), "message-batches");
    }

    #[test]
    fn the_first_segment_skips_parameters_and_versions() {
        assert_eq!(first_segment("/v1/messages/batches").as_deref(), Some("messages"));
        assert_eq!(first_segment("/{org}/users").as_deref(), Some("users"));
        assert_eq!(first_segment("/v2.1/{id}"), None);
        assert_eq!(first_segment("/"), None);
        assert_eq!(first_segment("/vault/x").as_deref(), Some("vault"));
    }
}
