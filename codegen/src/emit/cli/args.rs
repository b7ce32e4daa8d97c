//! A parameter on the command line: how its value is read (a flag alone, one of some values,
//! several, one), its `Arg`, and the code that reads it into its Rust type.

use crate::emit::docs::prose;
use crate::emit::tokens::{type_tokens, types_prefix};
use crate::model::{Api, Param, TypeDef, TypeKind, TypeRef};
use proc_macro2::TokenStream;
use quote::quote;

/// How a parameter's value is read from the command line.
pub(super) enum ValueKind {
    /// `--flag` alone means true.
    Bool,
    /// One of these values.
    Choice(Vec<String>),
    /// Several values (repeated, or comma-separated), each read as this type.
    List(TypeRef),
    /// Text read as this type.
    One,
}

pub(super) fn value_kind(api: &Api, ty: &TypeRef) -> ValueKind {
    match ty {
        TypeRef::Bool => ValueKind::Bool,
        TypeRef::Array(inner) => ValueKind::List((**inner).clone()),
        TypeRef::Named(name) => match api.type_def(name) {
            Some(TypeDef { kind: TypeKind::Enum(values), .. }) => {
                ValueKind::Choice(values.iter().map(|value| value.wire.clone()).collect())
            }
            _ => ValueKind::One,
        },
        _ => ValueKind::One,
    }
}

/// The `Arg` of a parameter: a positional argument for a path parameter, else a flag.
pub(super) fn flag_arg(api: &Api, flag: &str, param: &Param, global: bool) -> TokenStream {
    let help = param.docs.as_deref().map(first_sentence).unwrap_or_else(|| {
        format!("The {} `{}`", crate::emit::tokens::location_name(param.location), param.wire_name)
    });
    let long_help = param.docs.as_deref().map(|text| prose(Some(text), "")).unwrap_or_else(|| help.clone());
    let value_name = param.wire_name.to_uppercase().replace(|c: char| !c.is_ascii_alphanumeric(), "_");
    let positional = param.location == crate::model::ParamLocation::Path;
    let mut arg = if positional {
        quote! { Arg::new(#flag).required(true).value_name(#value_name) }
    } else {
        quote! { Arg::new(#flag).long(#flag).value_name(#value_name) }
    };
    if !positional && param.is_argument() {
        arg = quote! { #arg.required(true) };
    }
    if global {
        arg = quote! { #arg.global(true) };
    }
    arg = match value_kind(api, &param.ty) {
        ValueKind::Bool => quote! {
            #arg.value_parser(clap::value_parser!(bool)).num_args(0..=1).default_missing_value("true")
        },
        ValueKind::Choice(values) => quote! { #arg.value_parser([#(#values),*]) },
        ValueKind::List(_) => quote! { #arg.action(ArgAction::Append).value_delimiter(',') },
        ValueKind::One => arg,
    };
    quote! { #arg.help(#help).long_help(#long_help) }
}

/// The first sentence of a description, on one line, for short help.
pub(super) fn first_sentence(text: &str) -> String {
    let line = text.split("\n\n").next().unwrap_or_default().split_whitespace().collect::<Vec<_>>().join(" ");
    match line.find(". ") {
        Some(end) => line[..=end].trim().to_owned(),
        None => line,
    }
}

/// The code that reads a parameter's value (named `flag`) into `value` and runs `apply`; for
/// an argument the value is required and bound by `let`.
pub(super) fn read_param(api: &Api, flag: &str, param: &Param) -> TokenStream {
    let shown = if param.location == crate::model::ParamLocation::Path {
        param.wire_name.to_uppercase()
    } else {
        format!("--{flag}")
    };
    let ty = type_tokens(&param.ty, &types_prefix());
    match value_kind(api, &param.ty) {
        ValueKind::Bool => quote! { matches.get_one::<bool>(#flag).copied() },
        ValueKind::List(inner) => {
            let inner = type_tokens(&inner, &types_prefix());
            quote! { runtime::cli::many::<#inner>(matches, #flag, #shown)? }
        }
        ValueKind::Choice(_) | ValueKind::One => quote! { runtime::cli::one::<#ty>(matches, #flag, #shown)? },
    }
}
