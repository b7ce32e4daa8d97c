//! Stage 2: `openapiv3::OpenAPI` → [`crate::model::Api`]. Resolves `$ref`s, names every type, picks the
//! Rust shape of every schema, and reports what it cannot represent as diagnostics. The document
//! arrives repaired by [`crate::load`], so a schema is read here as the document wrote it.
//!
//! One file per concern:
//! - `lower`: schemas and references → type references, and the named types (structs, enums,
//!   aliases) that inline schemas define; a `$ref` to any place in the document gets the type
//!   made for that place, once;
//! - `unions`: `oneOf` / `anyOf`, discriminators, implied tags, the checks of discriminated unions;
//! - `all_of`: what the members of an `allOf` (or the definitions of one property) agree on: the
//!   facts they state, and the decision, a pure function of them; `merge` renders the decision;
//! - `docs`: doc text from schemas (title, description, constraints, default);
//! - `operations`: paths → operations, shared parameters; `parameters` (parameters, path
//!   templates and the fixed query of a path key) and `bodies` (request bodies, responses, media
//!   types) serve it;
//! - `security`: security schemes → the credentials a client takes, and what each operation
//!   requires of them;
//! - `webhooks`: the payload types of the requests the API sends;
//! - `tuples`: arrays with a schema per position (`prefixItems`);
//! - `links`: the operation extensions that link operations (pagination, waiters, URLs);
//! - `graph`: whole-model passes (unused schemas, cycles, defaults, `From` impls of unions);
//! - `features`: the Cargo feature of each group of operations, and the groups of each type.
//!
//! Imports run one way: `operations` / `webhooks` → `parameters` / `bodies` → `lower` → `merge` /
//! `tuples` → `unions` → `all_of` → `docs`, and every file may use `resolver` (the `Resolver`, its
//! type index, `$ref` following), which uses only `pointer` (local JSON pointers walked over the
//! document); this file only runs the passes in order. Lowering, unions and merging call each
//! other as methods of the resolver, because schemas nest.

mod all_of;
mod bodies;
mod docs;
mod features;
mod graph;
mod links;
mod lower;
mod merge;
mod operations;
mod parameters;
mod pointer;
mod resolver;
mod security;
mod tuples;
mod unions;
mod webhooks;

use crate::diagnostics::{Diagnostics, Pointer};
use crate::extensions;
use crate::load::Loaded;
use crate::model::*;
pub use features::UNUSED_SCHEMAS_FEATURE;
use resolver::Resolver;
pub use resolver::RESERVED_TYPE_NAMES;

/// Builds the model of a loaded document; the loader's warnings come first among the model's.
pub fn resolve(loaded: &Loaded, options: &crate::Options) -> Result<Api, Diagnostics> {
    let document = &loaded.document;
    let mut resolver = Resolver::new(document);
    resolver.diagnostics.0.extend(loaded.warnings.iter().cloned());
    let mut api = Api {
        title: document.info.title.clone(),
        version: document.info.version.clone(),
        description: document.info.description.clone(),
        openapi_version: loaded.version.clone(),
        base_url: document.servers.first().map(|server| server.url.trim_end_matches('/').to_owned()),
        ..Api::default()
    };
    let root_extensions = extensions::root(&document.extensions, &mut resolver.diagnostics);
    api.request_id_header = root_extensions.request_id_header;
    if let Some(server) = document.servers.first() {
        let at = Pointer::root().key("servers").index(0);
        api.base_url_env = extensions::env(&server.extensions, &at, &mut resolver.diagnostics);
    }
    api.error_message_pointer = root_extensions.error_message_pointer;
    resolver.define_components();
    api.operations = resolver.operations();
    api.webhooks = resolver.webhooks(&loaded.webhooks);
    resolver.adopt_implied_tags();
    resolver.check_unions();
    api.types = std::mem::take(&mut resolver.types);
    api.index_types();
    graph::param_encodings(&mut api);
    api.shared_params = operations::shared_params(&api.operations);
    // A shared parameter is also a setter of the client builder, whose own methods it must not
    // shadow (a query parameter `build`).
    let mut builder_scope = crate::names::Scope::with_reserved(security::BUILDER_METHODS);
    for param in &mut api.shared_params {
        param.rust_name = builder_scope.claim_code(param.rust_name.as_str());
    }
    let shared_setters: Vec<&str> = api.shared_params.iter().map(|param| param.rust_name.as_str()).collect();
    api.auth = resolver.security(&mut api.operations, &shared_setters);
    api.unused_schemas = graph::unused_schemas(
        &mut api.types,
        &api.operations,
        &api.shared_params,
        options.skip_unused_schemas,
    );
    api.index_types();
    // A webhook whose payload was left out with the unused schemas goes with it.
    let known = |ty: &TypeRef| ty.named().is_none_or(|name| api.type_index.contains_key(name));
    api.webhooks.retain(|webhook| webhook.payload.as_ref().is_none_or(known));
    resolver.types = std::mem::take(&mut api.types);
    resolver.type_index = std::mem::take(&mut api.type_index);
    resolver.break_cycles();
    resolver.compute_defaults();
    api.types = resolver.types;
    // Types and fields name where they are written in the user's file, not where loading moved
    // them (`$defs` hoisted into components).
    for def in &mut api.types {
        def.pointer = loaded.relocations.original(&def.pointer);
        if let TypeKind::Struct(structure) = &mut def.kind {
            for field in &mut structure.fields {
                field.pointer = loaded.relocations.original(&field.pointer);
            }
        }
    }
    api.index_types();
    unions::open_untagged_unions(&mut api);
    graph::from_impls(&mut api);
    let tag_descriptions =
        document.tags.iter().filter_map(|tag| Some((tag.name.clone(), tag.description.clone()?))).collect();
    features::assign(&mut api, &tag_descriptions);
    loaded.relocations.restore(&mut resolver.diagnostics.0);
    resolver.diagnostics.0.sort();
    resolver.diagnostics.0.dedup();
    if resolver.diagnostics.has_errors() {
        Err(resolver.diagnostics)
    } else {
        api.warnings = resolver.diagnostics.0;
        Ok(api)
    }
}
