//! Tuples (`prefixItems`): a tuple struct with one field per position and, when the schema allows
//! items after them, a last `Vec` field. serde's derive would write that `Vec` as a nested array,
//! so the struct reads and writes one flat JSON array by hand: every position must be there, the
//! rest is collected, and a closed tuple refuses more items.

use super::tokens::{boxed_type, ident, type_tokens};
use crate::model::Tuple;
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

/// The tuple struct `name` and its serde impls.
pub fn tuple_def(name: &str, tuple: &Tuple, header: TokenStream) -> TokenStream {
    let name = ident(name);
    let count = tuple.items.len();
    let count_literal = Literal::usize_unsuffixed(count);
    let one_more = Literal::usize_unsuffixed(count + 1);
    let fields = tuple.items.iter().map(|item| {
        let ty = boxed_type(type_tokens(&item.ty, &TokenStream::new()), item.boxed);
        if item.nullable {
            quote! { pub Option<#ty>, }
        } else {
            quote! { pub #ty, }
        }
    });
    let rest_field = tuple.rest.as_ref().map(|rest| {
        let ty = type_tokens(rest, &TokenStream::new());
        quote! { pub Vec<#ty> }
    });
    let positions: Vec<syn::Index> = (0..count).map(syn::Index::from).collect();
    let rest_position = syn::Index::from(count);
    let locals: Vec<_> = (0..count).map(|index| format_ident!("item{index}")).collect();
    let indexes = (0..count).map(Literal::usize_unsuffixed);
    let (length, write_rest, read_rest, rest_local, expecting) = match &tuple.rest {
        Some(_) => (
            quote! { #count_literal + self.#rest_position.len() },
            quote! {
                for item in &self.#rest_position {
                    seq.serialize_element(item)?;
                }
            },
            quote! {
                let mut rest = Vec::new();
                while let Some(item) = seq.next_element()? {
                    rest.push(item);
                }
            },
            Some(quote! { rest }),
            format!("a JSON array of at least {count} item{}", if count == 1 { "" } else { "s" }),
        ),
        None => (
            quote! { #count_literal },
            TokenStream::new(),
            quote! {
                if seq.next_element::<serde::de::IgnoredAny>()?.is_some() {
                    return Err(serde::de::Error::invalid_length(#one_more, &self));
                }
            },
            None,
            format!("a JSON array of {count} item{}", if count == 1 { "" } else { "s" }),
        ),
    };
    quote! {
        #header
        #[derive(Clone, Debug, PartialEq)]
        pub struct #name(#(#fields)* #rest_field);

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeSeq;
                let mut seq = serializer.serialize_seq(Some(#length))?;
                #( seq.serialize_element(&self.#positions)?; )*
                #write_rest
                seq.end()
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct Visitor;

                impl<'de> serde::de::Visitor<'de> for Visitor {
                    type Value = #name;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        formatter.write_str(#expecting)
                    }

                    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<#name, A::Error> {
                        #(
                            let #locals = seq
                                .next_element()?
                                .ok_or_else(|| serde::de::Error::invalid_length(#indexes, &self))?;
                        )*
                        #read_rest
                        Ok(#name(#(#locals,)* #rest_local))
                    }
                }

                deserializer.deserialize_seq(Visitor)
            }
        }
    }
}
