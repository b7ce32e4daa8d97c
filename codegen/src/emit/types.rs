//! Stage 3a: model types → Rust items (structs, open enums, unions, aliases).

use super::docs::{attrs, prose};
use super::enums::{enum_def, int_enum_def};
use super::format::Chunk;
use super::tokens::{boxed_type, boxed_value, feature_gate, ident, rust_ident, type_tokens};
use super::tuples::tuple_def;
use crate::model::*;
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};
use std::collections::HashMap;

/// Every type of the API, in model order, then how error bodies decode: one group of items at a
/// time, so that the emitter formats each before the next is built (a large API's tokens never
/// all sit in memory at once).
pub fn types_module(api: &Api) -> impl Iterator<Item = Chunk> + '_ {
    let summaries: HashMap<&str, String> = api
        .types
        .iter()
        .filter_map(|def| Some((def.name.as_str(), summary(def.docs.as_deref()?)?)))
        .collect();
    api.types
        .iter()
        .map(move |def| Chunk {
            tokens: type_def(def, &summaries, !api.operations.is_empty()),
            gate: feature_gate(api, &def.groups),
        })
        .chain(std::iter::once_with(|| error_body_impls(api).into()))
}

/// The first paragraph of a type's docs: what a field of that type says when the spec describes
/// the type but not the field (a property that is only a `$ref`).
fn summary(docs: &str) -> Option<String> {
    let first = docs.trim().split("\n\n").next()?.trim();
    (!first.is_empty()).then(|| first.to_owned())
}

/// `FromResponse` for every type an operation uses as its only error body type: decoded as JSON
/// whatever the status. (Enums by status implement it themselves.)
fn error_body_impls(api: &Api) -> TokenStream {
    let mut names: Vec<&str> = api
        .operations
        .iter()
        .filter_map(|op| op.error.as_ref()?.named())
        .filter(|name| !api.type_def(name).is_some_and(|def| matches!(def.kind, TypeKind::StatusUnion(_))))
        .collect();
    names.sort_unstable();
    names.dedup();
    let impls = names.into_iter().map(|name| {
        let gate = api.type_def(name).map(|def| feature_gate(api, &def.groups));
        let name = ident(name);
        quote! {
            #gate
            impl runtime::FromResponse for #name {
                fn from_response(_status: reqwest::StatusCode, body: &[u8]) -> Option<Self> {
                    serde_json::from_slice(body).ok()
                }
            }
        }
    });
    quote! { #(#impls)* }
}

/// An error body type per status: the variant is picked by the response status, and a body that
/// matches no documented status (or does not decode as its type) is kept as `Other`.
fn status_union_def(name: &str, variants: &[StatusVariant], header: TokenStream) -> TokenStream {
    let name_ident = ident(name);
    let items = variants.iter().map(|variant| {
        let variant_ident = ident(&variant.variant);
        let ty = type_tokens(&variant.ty, &TokenStream::new());
        let listed: Vec<String> = variant
            .statuses
            .iter()
            .filter_map(|status| match status {
                StatusMatch::Code(code) => Some(code.to_string()),
                StatusMatch::Range(class) => Some(format!("{class}XX")),
                StatusMatch::Default => None,
            })
            .collect();
        let default = variant.statuses.contains(&StatusMatch::Default);
        let text = match (listed.is_empty(), default) {
            (true, _) => "The body of a response whose status the spec does not list separately.".to_owned(),
            (false, false) => format!("The body of a response with status {}.", listed.join(", ")),
            (false, true) => format!(
                "The body of a response with status {}, or with any status the spec does not list separately.",
                listed.join(", ")
            ),
        };
        let docs = attrs(&text);
        quote! { #docs #variant_ident(#ty), }
    });
    // Exact statuses first, then classes, then `default`: the most specific description wins.
    let mut arms: Vec<(StatusMatch, TokenStream)> = Vec::new();
    for variant in variants {
        let variant_ident = ident(&variant.variant);
        for status in &variant.statuses {
            let pattern = match status {
                StatusMatch::Code(code) => {
                    let code = proc_macro2::Literal::u16_unsuffixed(*code);
                    quote! { #code }
                }
                StatusMatch::Range(class) => {
                    let low = proc_macro2::Literal::u16_unsuffixed(class * 100);
                    let high = proc_macro2::Literal::u16_unsuffixed(class * 100 + 99);
                    quote! { #low..=#high }
                }
                StatusMatch::Default => quote! { _ },
            };
            arms.push((
                *status,
                quote! { #pattern => serde_json::from_slice(body).ok().map(Self::#variant_ident), },
            ));
        }
    }
    arms.sort_by_key(|(status, _)| match status {
        StatusMatch::Code(_) => 0,
        StatusMatch::Range(_) => 1,
        StatusMatch::Default => 2,
    });
    let has_default = arms.iter().any(|(status, _)| *status == StatusMatch::Default);
    let fallback = (!has_default).then(|| quote! { _ => None, });
    let arms = arms.into_iter().map(|(_, arm)| arm);
    quote! {
        #header
        #[derive(Clone, Debug, PartialEq)]
        #[non_exhaustive]
        #[allow(clippy::large_enum_variant)]
        pub enum #name_ident {
            #(#items)*
            /// A body of a status the spec does not describe, or that does not decode as the type
            /// it describes, kept as raw JSON (`null` for a success without a body).
            Other(serde_json::Value),
        }

        impl runtime::FromResponse for #name_ident {
            fn from_response(status: reqwest::StatusCode, body: &[u8]) -> Option<Self> {
                // A success without a body (a `204` beside `200`s with one) is still a success;
                // an error without one has no body to decode.
                if body.iter().all(u8::is_ascii_whitespace) {
                    return status.is_success().then_some(Self::Other(serde_json::Value::Null));
                }
                let decoded = match status.as_u16() {
                    #(#arms)*
                    #fallback
                };
                decoded.or_else(|| serde_json::from_slice(body).ok().map(Self::Other))
            }
        }
    }
}

/// One type; `parameters` when the crate has operations, whose parameters an enum may be.
fn type_def(def: &TypeDef, summaries: &HashMap<&str, String>, parameters: bool) -> TokenStream {
    let mut text = prose(def.docs.as_deref(), &format!("Generated from `{}`.", def.pointer));
    match &def.kind {
        TypeKind::Struct(Struct { tag: Some((property, value)), .. }) => {
            text.push_str(&format!("\n\nSerialized with `\"{property}\": \"{value}\"`."));
        }
        TypeKind::Tuple(tuple) => text.push_str(&format!(
            "\n\nA JSON array: one field per position{}.",
            if tuple.rest.is_some() { ", then the items after them" } else { "" }
        )),
        _ => {}
    }
    let docs = attrs(&text);
    let deprecated = def.deprecated.then(|| quote! { #[deprecated] });
    let header = quote! { #docs #deprecated };
    match &def.kind {
        TypeKind::Struct(structure) => struct_def(def, structure, header, summaries),
        TypeKind::Enum(values) => enum_def(&def.name, values, header, parameters),
        TypeKind::IntEnum(values) => int_enum_def(&def.name, values, header, parameters),
        TypeKind::TaggedUnion(union) => tagged_union_def(&def.name, union, header),
        TypeKind::UntaggedUnion(variants) => untagged_union_def(&def.name, variants, header),
        TypeKind::AnyOf(members) => any_of_def(&def.name, members, header),
        TypeKind::StatusUnion(variants) => status_union_def(&def.name, variants, header),
        TypeKind::Tuple(tuple) => tuple_def(&def.name, tuple, header),
        TypeKind::Alias(ty) => {
            let name = ident(&def.name);
            let target = type_tokens(ty, &TokenStream::new());
            quote! { #header pub type #name = #target; }
        }
    }
}

/// The field's full type: `Option` for absent or null, `Box` for cycles.
fn field_type(field: &Field) -> TokenStream {
    let ty = boxed_type(type_tokens(&field.ty, &TokenStream::new()), field.boxed);
    match (field.required, field.nullable) {
        (true, false) => ty,
        (true, true) | (false, false) => quote! { Option<#ty> },
        (false, true) => quote! { Option<Option<#ty>> },
    }
}

fn struct_def(
    def: &TypeDef,
    structure: &Struct,
    header: TokenStream,
    summaries: &HashMap<&str, String>,
) -> TokenStream {
    let name_ident = ident(&def.name);
    let has_constants = structure.fields.iter().any(|f| f.constant.is_some());
    let derive_default = (structure.has_default && !has_constants).then(|| quote! { Default, });
    let tag = structure.tag.as_ref().map(|(property, value)| {
        quote! { #[serde(tag = #property, rename = #value)] }
    });
    let fields = structure.fields.iter().map(|field| {
        let field_ident = rust_ident(&field.rust_name);
        let ty = field_type(field);
        let wire = &field.wire_name;
        let rename = (field.rust_name.as_str() != wire).then(|| quote! { #[serde(rename = #wire)] });
        let serde = match (field.required, field.nullable) {
            (true, _) => None,
            (false, false) => Some(quote! { #[serde(default, skip_serializing_if = "Option::is_none")] }),
            (false, true) => Some(quote! {
                #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::runtime::wire::nullable")]
            }),
        };
        let of_type = match &field.ty {
            TypeRef::Named(name) => summaries.get(name.as_str()).map(String::as_str),
            _ => None,
        };
        let described = [field.docs.as_deref(), of_type].into_iter().flatten().find(|docs| !docs.trim().is_empty());
        let mut text = match described {
            Some(docs) => prose(Some(docs), ""),
            None => format!("Generated from `{}`.", field.pointer),
        };
        if let Some(constant) = &field.constant {
            text.push_str(&format!("\n\nAlways `\"{constant}\"`; `Default` fills it in."));
        }
        if !field.required && field.nullable {
            text.push_str("\n\n`None`: absent; `Some(None)`: `null`; `Some(Some(_))`: a value.");
        }
        let docs = attrs(&text);
        let deprecated = field.deprecated.then(|| quote! { #[deprecated] });
        quote! { #docs #deprecated #rename #serde pub #field_ident: #ty, }
    });
    let extra = structure.extra.as_ref().map(|extra| {
        let extra_ident = rust_ident(&extra.rust_name);
        let value = type_tokens(&extra.ty, &TokenStream::new());
        quote! {
            /// Properties not listed in the schema, kept as they came.
            #[serde(flatten)]
            pub #extra_ident: std::collections::BTreeMap<String, #value>,
        }
    });
    let default_impl = (structure.has_default && has_constants).then(|| {
        let inits = structure.fields.iter().map(|field| {
            let field_ident = rust_ident(&field.rust_name);
            match &field.constant {
                Some(value) => quote! { #field_ident: #value.to_owned(), },
                None => quote! { #field_ident: Default::default(), },
            }
        });
        let extra_init = structure.extra.as_ref().map(|extra| {
            let extra_ident = rust_ident(&extra.rust_name);
            quote! { #extra_ident: Default::default(), }
        });
        quote! {
            impl Default for #name_ident {
                fn default() -> Self {
                    Self { #(#inits)* #extra_init }
                }
            }
        }
    });
    let deserialize = deserialize_impl(def, structure);
    quote! {
        #header
        #[derive(Clone, Debug, PartialEq, #derive_default serde::Serialize)]
        #tag
        pub struct #name_ident {
            #(#fields)*
            #extra
        }
        #default_impl
        #deserialize
    }
}

/// A struct's `Deserialize`, written out instead of derived: serde's derive expands to several
/// times as much code, most of a large crate's compile time. It decodes as the derive did with
/// the attributes [`struct_def`] writes (see `runtime/de.rs` for the one difference: no array
/// form). The tag of a tagged struct is not a field: serde ignores it on input, and so does this.
///
/// Keys are matched to fields by a `match` on the key (as the derive does), which rustc turns
/// into a few comparisons, rather than a search of the list of names.
///
/// Locals are the fields' own names (no two fields share one, and the struct literal needs them);
/// what the impl adds (`__map`, `__key`) cannot be a field's name, which never starts with `_`.
fn deserialize_impl(def: &TypeDef, structure: &Struct) -> TokenStream {
    let name_ident = ident(&def.name);
    let name = &def.name;
    let wire_names = structure.fields.iter().map(|field| &field.wire_name);
    let count = proc_macro2::Literal::usize_unsuffixed(structure.fields.len());
    let field_fn = if structure.fields.is_empty() {
        quote! { fn field(_: &str) -> usize { 0 } }
    } else {
        let keys = structure.fields.iter().enumerate().map(|(index, field)| {
            let wire = &field.wire_name;
            let index = proc_macro2::Literal::usize_unsuffixed(index);
            quote! { #wire => #index, }
        });
        quote! {
            fn field(key: &str) -> usize {
                match key {
                    #(#keys)*
                    _ => #count,
                }
            }
        }
    };
    let slots = structure.fields.iter().map(|field| {
        let field_ident = rust_ident(&field.rust_name);
        quote! { let mut #field_ident = None; }
    });
    let arms = structure.fields.iter().enumerate().map(|(index, field)| {
        let field_ident = rust_ident(&field.rust_name);
        let wire = &field.wire_name;
        let index = proc_macro2::Literal::usize_unsuffixed(index);
        let pattern = match structure.extra {
            Some(_) => quote! { runtime::de::Key::Field(#index) },
            None => quote! { #index },
        };
        quote! { #pattern => runtime::de::value(&mut __map, &mut #field_ident, #wire)?, }
    });
    // A required field that is not nullable must be there; any `Option` field (optional, or
    // nullable) is `None` when absent, and `null` is `None` too, except where optional and
    // nullable are kept apart (`Some(None)`).
    let inits = structure.fields.iter().map(|field| {
        let field_ident = rust_ident(&field.rust_name);
        let wire = &field.wire_name;
        match (field.required, field.nullable) {
            (true, false) => quote! { #field_ident: runtime::de::required(&__map, #field_ident, #wire)?, },
            (false, true) => quote! { #field_ident, },
            (true, true) | (false, false) => quote! { #field_ident: #field_ident.flatten(), },
        }
    });
    let (read_keys, extra_init) = match &structure.extra {
        Some(extra) => {
            let extra_ident = rust_ident(&extra.rust_name);
            let read = quote! {
                let mut #extra_ident = std::collections::BTreeMap::new();
                while let Some(__key) = __map.next_key_seed(runtime::de::FieldOrKey::<Self>::new())? {
                    match __key {
                        #(#arms)*
                        runtime::de::Key::Other(__key) => runtime::de::keep(&mut __map, &mut #extra_ident, __key)?,
                        runtime::de::Key::Field(_) => runtime::de::skip(&mut __map)?,
                    }
                }
            };
            (read, quote! { #extra_ident })
        }
        None if structure.fields.is_empty() => {
            let read = quote! {
                while __map.next_key_seed(runtime::de::Field::<Self>::new())?.is_some() {
                    runtime::de::skip(&mut __map)?;
                }
            };
            (read, TokenStream::new())
        }
        None => {
            let read = quote! {
                while let Some(__key) = __map.next_key_seed(runtime::de::Field::<Self>::new())? {
                    match __key {
                        #(#arms)*
                        _ => runtime::de::skip(&mut __map)?,
                    }
                }
            };
            (read, TokenStream::new())
        }
    };
    quote! {
        impl<'de> serde::Deserialize<'de> for #name_ident {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                runtime::de::object(deserializer)
            }
        }

        impl<'de> runtime::de::Object<'de> for #name_ident {
            const NAME: &'static str = #name;
            const FIELDS: &'static [&'static str] = &[#(#wire_names),*];

            #field_fn

            fn visit_map<A: serde::de::MapAccess<'de>>(mut __map: A) -> Result<Self, A::Error> {
                #(#slots)*
                #read_keys
                Ok(Self { #(#inits)* #extra_init })
            }
        }
    }
}

/// `From<Member> for Union` for the members the model marks (those whose Rust type no other
/// member has), so `Union::from(member)` works.
fn from_impls<'v>(union: &str, members: impl Iterator<Item = (&'v str, TokenStream, bool)>) -> TokenStream {
    let union_ident = ident(union);
    let impls = members.map(|(variant, ty, boxed)| {
        let variant = ident(variant);
        let value = boxed_value(quote! { value }, boxed);
        quote! {
            impl From<#ty> for #union_ident {
                fn from(value: #ty) -> Self {
                    Self::#variant(#value)
                }
            }
        }
    });
    quote! { #(#impls)* }
}

fn tagged_union_def(name: &str, union: &TaggedUnion, header: TokenStream) -> TokenStream {
    let name_ident = ident(name);
    let property = &union.property;
    let variants = union.variants.iter().map(|variant| {
        let variant_ident = ident(&variant.variant);
        let target = ident(&variant.type_name);
        let ty = boxed_type(quote! { #target }, variant.boxed);
        let docs = attrs(&format!("`\"{property}\": \"{}\"`", variant.tag));
        quote! { #docs #variant_ident(#ty), }
    });
    let arms = union.variants.iter().map(|variant| {
        let variant_ident = ident(&variant.variant);
        let tag = &variant.tag;
        let decode = boxed_value(quote! { runtime::wire::variant(value)? }, variant.boxed);
        quote! { Some(#tag) => Self::#variant_ident(#decode), }
    });
    let deserialize = if union.variants_ignore_tag {
        let known = union.variants.iter().map(|variant| &variant.tag);
        let fast_arms = union.variants.iter().map(|variant| {
            let variant_ident = ident(&variant.variant);
            let tag = &variant.tag;
            let decode = boxed_value(quote! { serde::Deserialize::deserialize(rest)? }, variant.boxed);
            quote! { #tag => Self::#variant_ident(#decode), }
        });
        quote! {
            impl runtime::wire::Tagged for #name_ident {
                const PROPERTY: &'static str = #property;

                fn is_known(tag: &str) -> bool {
                    matches!(tag, #(#known)|*)
                }

                fn decode_known<'de, D: serde::Deserializer<'de>>(tag: &str, rest: D) -> Result<Self, D::Error> {
                    Ok(match tag {
                        #(#fast_arms)*
                        other => return Err(serde::de::Error::custom(format_args!("unknown `{}`: {other}", #property))),
                    })
                }

                fn from_value<E: serde::de::Error>(value: serde_json::Value) -> Result<Self, E> {
                    Ok(match runtime::wire::tag_of(&value, #property).as_deref() {
                        #(#arms)*
                        _ => Self::Unknown(value),
                    })
                }
            }

            impl<'de> serde::Deserialize<'de> for #name_ident {
                fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    runtime::wire::tagged(deserializer)
                }
            }
        }
    } else {
        quote! {
            impl<'de> serde::Deserialize<'de> for #name_ident {
                fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
                    Ok(match runtime::wire::tag_of(&value, #property).as_deref() {
                        #(#arms)*
                        _ => Self::Unknown(value),
                    })
                }
            }
        }
    };
    let from = from_impls(
        name,
        union.variants.iter().filter(|v| v.from_impl).map(|v| {
            let target = ident(&v.type_name);
            (v.variant.as_str(), quote! { #target }, v.boxed)
        }),
    );
    quote! {
        #header
        #[derive(Clone, Debug, PartialEq, serde::Serialize)]
        #[serde(untagged)]
        #[non_exhaustive]
        #[allow(clippy::large_enum_variant)]
        pub enum #name_ident {
            #(#variants)*
            /// A variant this version of the client does not know, kept as raw JSON (it is also
            /// how to send one).
            Unknown(serde_json::Value),
        }

        #deserialize

        #from
    }
}

fn untagged_union_def(name: &str, variants: &[UntaggedVariant], header: TokenStream) -> TokenStream {
    let name_ident = ident(name);
    let rendered: Vec<(String, TokenStream, bool, bool)> = variants
        .iter()
        .map(|variant| {
            let ty = type_tokens(&variant.ty, &TokenStream::new());
            (variant.variant.clone(), ty, variant.boxed, variant.from_impl)
        })
        .collect();
    let last = variants.len().saturating_sub(1);
    let items = rendered.iter().enumerate().map(|(at, (variant, ty, boxed, _))| {
        let variant_ident = format_ident!("{}", variant);
        let ty = boxed_type(ty.clone(), *boxed);
        let docs = attrs(&if at == last && variants[at].ty == TypeRef::Json {
            "Any other value: one that matches none of the types above, kept as raw JSON (it is also \
             how to send one)."
                .to_owned()
        } else {
            format!("A value of type `{}`.", ty.to_string().replace(' ', ""))
        });
        quote! { #docs #variant_ident(#ty), }
    });
    let from = from_impls(
        name,
        rendered
            .iter()
            .filter(|(.., from_impl)| *from_impl)
            .map(|(variant, ty, boxed, _)| (variant.as_str(), ty.clone(), *boxed)),
    );
    quote! {
        #header
        #[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
        #[serde(untagged)]
        #[non_exhaustive]
        #[allow(clippy::large_enum_variant)]
        pub enum #name_ident {
            #(#items)*
        }

        #from
    }
}

/// An `anyOf` of objects: one optional field per member, set when the value matches it. Decoding
/// tries every member on the same value; encoding merges the members' properties.
fn any_of_def(name: &str, members: &[AnyOfMember], header: TokenStream) -> TokenStream {
    let name_ident = ident(name);
    let field_names: Vec<Ident> = members.iter().map(|member| rust_ident(&member.field)).collect();
    let fields = members.iter().zip(&field_names).map(|(member, field)| {
        let ty = boxed_type(type_tokens(&member.ty, &TokenStream::new()), member.boxed);
        let docs = attrs(&format!(
            "The value read as `{}`, when it matches that schema.",
            ty.to_string().replace(' ', "")
        ));
        quote! { #docs pub #field: Option<#ty>, }
    });
    let decodes = field_names.iter().map(|field| quote! { #field: runtime::wire::any_of_member(&value), });
    let encodes = field_names.iter().map(|field| {
        quote! { runtime::wire::merge_any_of_member(&mut object, &self.#field).map_err(serde::ser::Error::custom)?; }
    });
    let none_matched = format!(
        "the value matches none of {}",
        members.iter().map(|member| format!("`{}`", member.name)).collect::<Vec<_>>().join(", ")
    );
    quote! {
        #header
        #[derive(Clone, Debug, PartialEq, Default)]
        pub struct #name_ident {
            #(#fields)*
        }

        impl serde::Serialize for #name_ident {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut object = serde_json::Map::new();
                #(#encodes)*
                serde::Serialize::serialize(&object, serializer)
            }
        }

        impl<'de> serde::Deserialize<'de> for #name_ident {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
                let decoded = Self { #(#decodes)* };
                if decoded == Self::default() {
                    return Err(serde::de::Error::custom(#none_matched));
                }
                Ok(decoded)
            }
        }
    }
}
