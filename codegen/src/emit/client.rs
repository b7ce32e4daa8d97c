//! Stage 3c: the client's constructors: `Client::builder()` with the spec's defaults, setters for
//! credentials and for parameters every operation shares, and `Client::from_env()`.

use super::docs::{attrs, prose};
use super::tokens::{location_name, rust_ident, setter_arg, type_tokens, types_prefix, value_ident};
use crate::model::*;
use proc_macro2::TokenStream;
use quote::quote;

/// `Client::builder()` with the spec's defaults, and a builder setter per credential and per
/// parameter every operation shares.
pub fn client_module(api: &Api, crate_name: &str, crate_version: &str) -> TokenStream {
    let base_url = match &api.base_url {
        Some(url) => quote! { Some(#url) },
        None => quote! { None },
    };
    let request_id = match &api.request_id_header {
        Some(header) => {
            let header = header.to_ascii_lowercase();
            quote! { Some(#header) }
        }
        None => quote! { None },
    };
    let message_pointer = match &api.error_message_pointer {
        Some(pointer) => quote! { Some(#pointer) },
        None => quote! { None },
    };
    let user_agent = format!("{crate_name}/{crate_version}");
    let credential_setter = match api.auth.first() {
        Some(auth) => {
            let setter = auth.setter.as_str();
            quote! { Some(#setter) }
        }
        None => quote! { None },
    };
    let seeded = api.shared_params.iter().filter(|p| p.required).filter_map(|param| {
        let default = param.default.as_ref()?;
        let wire = &param.wire_name;
        Some(match param.location {
            ParamLocation::Header => quote! { .default_header(#wire, #default) },
            _ => quote! { .default_query(#wire, #default) },
        })
    });
    let auth_setters = api.auth.iter().map(|auth| {
        let setter = rust_ident(&auth.setter);
        let placement = match &auth.placement {
            AuthPlacement::Header(name) => {
                let name = name.to_ascii_lowercase();
                quote! { runtime::CredentialPlacement::Header(#name) }
            }
            AuthPlacement::Query(name) => {
                quote! { runtime::CredentialPlacement::Query(#name) }
            }
            AuthPlacement::Bearer => quote! { runtime::CredentialPlacement::Bearer },
        };
        let where_text = match &auth.placement {
            AuthPlacement::Header(name) => format!("the `{name}` header"),
            AuthPlacement::Query(name) => format!("the `{name}` query parameter"),
            AuthPlacement::Bearer => "`Authorization: Bearer`".to_owned(),
        };
        let mut text = prose(auth.docs.as_deref(), &format!("Sets the `{}` credential.", auth.scheme));
        text.push_str(&format!(
            "\n\nSent in {where_text} of every request; never shown by `Debug` or in errors."
        ));
        let docs = attrs(&text);
        quote! {
            #docs
            pub fn #setter(self, value: impl Into<String>) -> Self {
                self.credential(#placement, value.into())
            }
        }
    });
    let shared_setters = api.shared_params.iter().map(|param| {
        let setter = rust_ident(&param.rust_name);
        let (arg_ty, convert) = setter_arg(&param.ty, &value_ident());
        let wire = &param.wire_name;
        let to_text = match &param.ty {
            TypeRef::Array(_) => {
                quote! { runtime::join_values(&value, runtime::ParamStyle::Comma) }
            }
            _ => quote! { runtime::ParamValue::param_value(&value) },
        };
        let store = match param.location {
            ParamLocation::Header => quote! { self.default_header(#wire, text) },
            _ => quote! { self.default_query(#wire, text) },
        };
        let ty = type_tokens(&param.ty, &types_prefix());
        let sent_as = format!(
            "the {} `{wire}` with every request; a request's own setter overrides it",
            location_name(param.location)
        );
        let text = match param.docs.as_deref() {
            Some(_) => format!("{}\n\nSent as {sent_as}.", prose(param.docs.as_deref(), "")),
            None => format!("Sets {sent_as}."),
        };
        let docs = attrs(&text);
        quote! {
            #docs
            pub fn #setter(self, value: #arg_ty) -> Self {
                let value: #ty = #convert;
                let text = #to_text;
                #store
            }
        }
    });
    let from_env = from_env(api);
    let title = &api.title;
    let builder_docs = attrs(&format!(
        "A builder for a client of {title}, with the spec's defaults (base URL{}).",
        if api.shared_params.iter().any(|p| p.required && p.default.is_some()) {
            ", required headers"
        } else {
            ""
        }
    ));
    quote! {
        use runtime::{Client, ClientBuilder, SpecInfo};

        static SPEC: SpecInfo = SpecInfo {
            default_base_url: #base_url,
            request_id_header: #request_id,
            error_message_pointer: #message_pointer,
            user_agent: #user_agent,
            credential_setter: #credential_setter,
        };

        impl Client {
            #builder_docs
            pub fn builder() -> ClientBuilder {
                ClientBuilder::new(&SPEC) #(#seeded)*
            }

            #from_env
        }

        impl ClientBuilder {
            #(#auth_setters)*
            #(#shared_setters)*
        }
    }
}

/// `Client::from_env()`, when the spec names environment variables (`x-env`).
fn from_env(api: &Api) -> TokenStream {
    let credential = api.auth.iter().find(|auth| auth.env.is_some());
    if api.base_url_env.is_none() && credential.is_none() {
        return TokenStream::new();
    }
    let base_url = api.base_url_env.as_ref().map(|variable| {
        quote! {
            if let Some(url) = runtime::env_var(#variable) {
                builder = builder.base_url(url);
            }
        }
    });
    let credential_code = credential.map(|auth| {
        let variable = auth.env.as_deref().unwrap_or_default();
        let setter = rust_ident(&auth.setter);
        quote! {
            match runtime::env_var(#variable) {
                Some(value) => builder = builder.#setter(value),
                None => return Err(runtime::ConfigError::MissingEnv { variable: #variable }),
            }
        }
    });
    let mut text = "A client configured from the environment".to_owned();
    let mut reads = Vec::new();
    if let Some(auth) = credential {
        reads.push(format!("the credential from `{}` (required)", auth.env.as_deref().unwrap_or_default()));
    }
    if let Some(variable) = &api.base_url_env {
        reads.push(format!("the base URL from `{variable}` (when set)"));
    }
    text.push_str(&format!(
        ": {}; everything else as [`Client::builder`] sets it.\n\n# Errors\n\n",
        reads.join(", ")
    ));
    text.push_str(
        "A [`ConfigError`](crate::ConfigError) when a required variable is missing or a value is invalid.",
    );
    let docs = attrs(&text);
    quote! {
        #docs
        pub fn from_env() -> Result<Client, runtime::ConfigError> {
            let mut builder = Self::builder();
            #base_url
            #credential_code
            builder.build()
        }
    }
}
