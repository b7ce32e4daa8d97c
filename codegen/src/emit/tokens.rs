//! Token helpers every emitter shares: identifiers, type paths, setter arguments, parameter
//! text, and the output and error types of an operation.

use crate::model::*;
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

/// An identifier, raw (`r#type`) where the name says so.
pub fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// The identifier of a value name, raw (`r#type`) where the name is a keyword.
pub fn rust_ident(name: &RustName) -> Ident {
    if name.is_raw() {
        Ident::new_raw(name.as_str(), Span::call_site())
    } else {
        Ident::new(name.as_str(), Span::call_site())
    }
}

/// The Rust type for a type reference; `prefix` qualifies generated names (`crate::types::`).
pub fn type_tokens(ty: &TypeRef, prefix: &TokenStream) -> TokenStream {
    match ty {
        TypeRef::Named(name) => {
            let name = ident(name);
            quote! { #prefix #name }
        }
        TypeRef::String => quote! { String },
        TypeRef::DateTime => quote! { chrono::DateTime<chrono::Utc> },
        TypeRef::Date => quote! { chrono::NaiveDate },
        TypeRef::Uuid => quote! { uuid::Uuid },
        TypeRef::Base64 => quote! { crate::runtime::Base64Bytes },
        TypeRef::File => quote! { crate::runtime::FilePart },
        TypeRef::Bool => quote! { bool },
        TypeRef::Bytes => quote! { Vec<u8> },
        TypeRef::Array(item) => {
            let item = type_tokens(item, prefix);
            quote! { Vec<#item> }
        }
        TypeRef::Map(value) => {
            let value = type_tokens(value, prefix);
            quote! { std::collections::BTreeMap<String, #value> }
        }
        TypeRef::Nullable(inner) => {
            let inner = type_tokens(inner, prefix);
            quote! { Option<#inner> }
        }
        TypeRef::Json => quote! { serde_json::Value },
        TypeRef::JsonObject => quote! { serde_json::Map<String, serde_json::Value> },
        // The numbers, each its primitive.
        number => {
            let name = ident(number.number_name().unwrap_or("i64"));
            quote! { #name }
        }
    }
}

/// `GET /items?beta=true`: an operation's method and path, with the query its path key fixes
/// (escaped as a URL has it: `lang=en%20GB`).
pub fn request_line(op: &Operation) -> String {
    let escape = |text: &str| {
        text.chars()
            .map(|c| match c {
                ' ' | '%' | '&' | '=' | '+' | '#' | '`' => format!("%{:02X}", c as u32),
                _ => c.to_string(),
            })
            .collect::<String>()
    };
    let query: Vec<String> =
        op.fixed_query.iter().map(|(name, value)| format!("{}={}", escape(name), escape(value))).collect();
    let query = if query.is_empty() { String::new() } else { format!("?{}", query.join("&")) };
    format!("{} {}{query}", op.http_method, op.path)
}

/// `#[cfg(feature = "repos")]`, or `#[cfg(any(feature = "a", feature = "b"))]`: what compiles an
/// item of these [`Api::groups`]; nothing for an item of no group (always compiled).
pub fn feature_gate(api: &Api, groups: &[usize]) -> TokenStream {
    let features: Vec<&str> =
        groups.iter().filter_map(|at| Some(api.groups.get(*at)?.feature.as_str())).collect();
    match features.as_slice() {
        [] => TokenStream::new(),
        [one] => quote! { #[cfg(feature = #one)] },
        many => quote! { #[cfg(any(#(feature = #many),*))] },
    }
}

/// [`feature_gate`] of an operation's group.
pub fn operation_gate(api: &Api, op: &Operation) -> TokenStream {
    feature_gate(api, std::slice::from_ref(&op.group))
}

pub fn value_ident() -> Ident {
    ident("value")
}

pub fn types_prefix() -> TokenStream {
    quote! { types:: }
}

/// A setter's argument type and the expression that turns the argument `value` into the stored type.
pub fn setter_arg(ty: &TypeRef, value: &Ident) -> (TokenStream, TokenStream) {
    match ty {
        TypeRef::String => (quote! { impl Into<String> }, quote! { #value.into() }),
        TypeRef::Array(item) if **item == TypeRef::String => (
            quote! { impl IntoIterator<Item = impl Into<String>> },
            quote! { #value.into_iter().map(Into::into).collect() },
        ),
        TypeRef::Array(item) => {
            let item = type_tokens(item, &types_prefix());
            (quote! { impl IntoIterator<Item = #item> }, quote! { #value.into_iter().collect() })
        }
        other => (type_tokens(other, &types_prefix()), quote! { #value }),
    }
}

/// The runtime's name for a parameter style.
pub fn style_tokens(style: ParamStyle) -> TokenStream {
    match style {
        ParamStyle::Comma => quote! { runtime::ParamStyle::Comma },
        ParamStyle::SpaceDelimited => quote! { runtime::ParamStyle::SpaceDelimited },
        ParamStyle::PipeDelimited => quote! { runtime::ParamStyle::PipeDelimited },
        ParamStyle::DeepObject => quote! { runtime::ParamStyle::DeepObject },
        ParamStyle::Json => quote! { runtime::ParamStyle::Json },
    }
}

/// Expression that turns a parameter's value (`value`, a reference) into one text, for path
/// segments and headers.
pub fn param_text(param: &Param, value: TokenStream) -> TokenStream {
    let style = style_tokens(param.style);
    match param.encoding {
        ParamEncoding::Json => quote! {
            runtime::json_text(&serde_json::to_value(#value).unwrap_or_default(), #style)
        },
        ParamEncoding::List => quote! { runtime::join_values(#value, #style) },
        ParamEncoding::Scalar => quote! { runtime::ParamValue::param_value(#value) },
    }
}

pub fn error_type(op: &Operation) -> TokenStream {
    match &op.error {
        Some(ty) => type_tokens(ty, &types_prefix()),
        None => quote! { serde_json::Value },
    }
}

pub fn output_type(op: &Operation) -> TokenStream {
    let error = error_type(op);
    match &op.success {
        BodyKind::Json(ty) | BodyKind::ByStatus(ty) => type_tokens(ty, &types_prefix()),
        BodyKind::JsonOrEmpty(ty) => {
            let ty = type_tokens(ty, &types_prefix());
            quote! { Option<#ty> }
        }
        BodyKind::JsonLines(ty) => {
            let item = type_tokens(ty, &types_prefix());
            quote! { runtime::JsonlStream<#item, #error> }
        }
        BodyKind::Text => quote! { String },
        BodyKind::Binary => quote! { bytes::Bytes },
        BodyKind::Empty => quote! { () },
    }
}

pub fn location_name(location: ParamLocation) -> &'static str {
    match location {
        ParamLocation::Path => "path segment",
        ParamLocation::Query => "query parameter",
        ParamLocation::Header => "header",
        ParamLocation::Cookie => "cookie",
    }
}

/// `Box<ty>` for a value boxed to break a by-value cycle, else `ty`.
pub fn boxed_type(ty: TokenStream, boxed: bool) -> TokenStream {
    if boxed {
        quote! { Box<#ty> }
    } else {
        ty
    }
}

/// `Box::new(value)` where the type is boxed, else `value`.
pub fn boxed_value(value: TokenStream, boxed: bool) -> TokenStream {
    if boxed {
        quote! { Box::new(#value) }
    } else {
        value
    }
}
