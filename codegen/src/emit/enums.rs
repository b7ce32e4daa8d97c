//! Open enums: string enums with `Unknown(String)`, integer enums with `Unknown(i64)`. Each is
//! written as its wire value by hand-written serde impls, so a value the spec does not list is
//! kept rather than refused.

use super::docs::attrs;
use super::tokens::ident;
use crate::model::{EnumValue, IntEnumValue};
use proc_macro2::TokenStream;
use quote::quote;

/// An open string enum; with `parameters`, also the text it is sent as in a parameter.
pub fn enum_def(name: &str, values: &[EnumValue], header: TokenStream, parameters: bool) -> TokenStream {
    let name_ident = ident(name);
    let param_value = parameters.then(|| {
        quote! {
            impl runtime::ParamValue for #name_ident {
                fn param_value(&self) -> String {
                    self.as_str().to_owned()
                }
            }
        }
    });
    let variants = values.iter().map(|value| {
        let variant = ident(&value.variant);
        let docs = attrs(&format!("`\"{}\"`", value.wire));
        quote! { #docs #variant, }
    });
    let as_str = values.iter().map(|value| {
        let variant = ident(&value.variant);
        let wire = &value.wire;
        quote! { Self::#variant => #wire, }
    });
    let known = values.iter().map(|value| {
        let variant = ident(&value.variant);
        let wire = &value.wire;
        quote! { #wire => Some(Self::#variant), }
    });
    quote! {
        #header
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name_ident {
            #(#variants)*
            /// A value this version of the client does not know, kept as sent.
            Unknown(String),
        }

        impl #name_ident {
            /// The value as it appears on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#as_str)*
                    Self::Unknown(value) => value,
                }
            }

            fn known(value: &str) -> Option<Self> {
                match value {
                    #(#known)*
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for #name_ident {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for #name_ident {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for #name_ident {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                runtime::wire::open_enum(deserializer, Self::known, Self::Unknown)
            }
        }

        #param_value
    }
}

/// An open integer enum: one variant per listed value, `Unknown(i64)` for the others, written
/// as the integer; with `parameters`, also the text it is sent as in a parameter.
pub fn int_enum_def(
    name: &str,
    values: &[IntEnumValue],
    header: TokenStream,
    parameters: bool,
) -> TokenStream {
    let name_ident = ident(name);
    let param_value = parameters.then(|| {
        quote! {
            impl runtime::ParamValue for #name_ident {
                fn param_value(&self) -> String {
                    self.value().to_string()
                }
            }
        }
    });
    let variants = values.iter().map(|value| {
        let variant = ident(&value.variant);
        let docs = attrs(&format!("`{}`", value.wire));
        quote! { #docs #variant, }
    });
    let to_value = values.iter().map(|value| {
        let variant = ident(&value.variant);
        let wire = proc_macro2::Literal::i64_unsuffixed(value.wire);
        quote! { Self::#variant => #wire, }
    });
    let from_value = values.iter().map(|value| {
        let variant = ident(&value.variant);
        let wire = proc_macro2::Literal::i64_unsuffixed(value.wire);
        quote! { #wire => Self::#variant, }
    });
    quote! {
        #header
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name_ident {
            #(#variants)*
            /// A value this version of the client does not know, kept as sent.
            Unknown(i64),
        }

        impl #name_ident {
            /// The value as it appears on the wire.
            pub fn value(&self) -> i64 {
                match self {
                    #(#to_value)*
                    Self::Unknown(value) => *value,
                }
            }
        }

        impl From<i64> for #name_ident {
            fn from(value: i64) -> Self {
                match value {
                    #(#from_value)*
                    other => Self::Unknown(other),
                }
            }
        }

        impl std::fmt::Display for #name_ident {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}", self.value())
            }
        }

        impl serde::Serialize for #name_ident {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_i64(self.value())
            }
        }

        impl<'de> serde::Deserialize<'de> for #name_ident {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                <i64 as serde::Deserialize>::deserialize(deserializer).map(Self::from)
            }
        }

        #param_value
    }
}
