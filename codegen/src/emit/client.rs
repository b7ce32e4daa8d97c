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
    let required = api.auth.iter().filter(|auth| auth.required_by_all).map(|auth| auth.setter.as_str());
    let seeded = api.shared_params.iter().filter(|p| p.required).filter_map(|param| {
        let default = param.default.as_ref()?;
        let wire = &param.wire_name;
        Some(match param.location {
            ParamLocation::Header => quote! { .default_header(#wire, #default) },
            _ => quote! { .default_query(#wire, #default) },
        })
    });
    let auth_setters = api.auth.iter().map(auth_setters);
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
            required_credentials: &[#(#required),*],
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

/// The builder setters of one credential, which store it under the setter's name (the name
/// operations know it by). A token also gets a setter taking a provider.
fn auth_setters(auth: &AuthScheme) -> TokenStream {
    let setter = rust_ident(&auth.setter);
    let key = auth.setter.as_str();
    let requests =
        if auth.required_by_all { "every request" } else { "the requests of operations that accept it" };
    let intro = |fallback: &str| prose(auth.docs.as_deref(), fallback);
    let secret = "never shown by `Debug` or in errors";
    let (placement, wire) = match &auth.placement {
        AuthPlacement::Header(name) => {
            let lower = name.to_ascii_lowercase();
            (quote! { runtime::CredentialPlacement::Header(#lower) }, format!("in the `{name}` header of"))
        }
        AuthPlacement::Query(name) => (
            quote! { runtime::CredentialPlacement::Query(#name) },
            format!("in the `{name}` query parameter of"),
        ),
        AuthPlacement::Cookie(name) => {
            (quote! { runtime::CredentialPlacement::Cookie(#name) }, format!("in the `{name}` cookie of"))
        }
        AuthPlacement::Basic => {
            let text = format!(
                "{}\n\nSent as `Authorization: Basic` with base64 of `username:password` in {requests}; {secret}.",
                intro(&format!("Sets the `{}` username and password (HTTP basic authentication).", auth.scheme))
            );
            let docs = attrs(&text);
            return quote! {
                #docs
                pub fn #setter(self, username: impl Into<String>, password: impl Into<String>) -> Self {
                    let value = runtime::basic_credentials(&username.into(), &password.into());
                    self.with_credential(#key, runtime::CredentialPlacement::Authorization("Basic"), value)
                }
            };
        }
        AuthPlacement::Bearer { provider, issuer } => {
            return token_setters(auth, provider, issuer.as_deref(), requests)
        }
        AuthPlacement::Authorization(scheme) => (
            quote! { runtime::CredentialPlacement::Authorization(#scheme) },
            format!(
                "as `Authorization: {scheme} <value>` (the value as the `{scheme}` scheme defines it) in"
            ),
        ),
        AuthPlacement::ClientCertificate => {
            let text = format!(
                "{}\n\n`pem` holds the certificate chain and its private key, in PEM. The certificate is presented \
                 when the server asks for one on connecting (mutual TLS); {secret}.\n\nAn invalid PEM makes `build` \
                 fail with [`ConfigError::InvalidClientCertificate`](crate::ConfigError::InvalidClientCertificate).",
                intro(&format!("Sets the `{}` client certificate.", auth.scheme))
            );
            let docs = attrs(&text);
            return quote! {
                #docs
                pub fn #setter(self, pem: impl Into<Vec<u8>>) -> Self {
                    self.with_client_certificate(#key, pem.into())
                }
            };
        }
    };
    let mut text = intro(&format!("Sets the `{}` credential.", auth.scheme));
    text.push_str(&format!("\n\nSent {wire} {requests}; {secret}."));
    let docs = attrs(&text);
    quote! {
        #docs
        pub fn #setter(self, value: impl Into<String>) -> Self {
            self.with_credential(#key, #placement, value.into())
        }
    }
}

/// A bearer token's setters: a fixed token, and a provider asked before each request.
fn token_setters(
    auth: &AuthScheme,
    provider: &RustName,
    issuer: Option<&str>,
    requests: &str,
) -> TokenStream {
    let setter = rust_ident(&auth.setter);
    let provider_setter = rust_ident(provider);
    let key = auth.setter.as_str();
    let mut text = prose(auth.docs.as_deref(), &format!("Sets the token of the `{}` scheme.", auth.scheme));
    if let Some(issuer) = issuer {
        text.push_str(&format!("\n\n{}", prose(Some(issuer), "")));
    }
    text.push_str(&format!(
        "\n\nSent as `Authorization: Bearer <token>` in {requests}; never shown by `Debug` or in errors. \
         A token that expires is better given by a provider: [`{provider}`](Self::{provider})."
    ));
    let docs = attrs(&text);
    let provider_docs = attrs(&format!(
        "Sets a provider of the token of the `{}` scheme, asked before each request that sends it (a closure \
         `Fn(bool) -> impl Future<Output = Result<String, E>>`, or a [`TokenProvider`](crate::TokenProvider) of \
         your own). When the server answers 401, the provider is asked once more with `true` (refresh: skip any \
         cache) and the request is sent again with the new token.\n\nReplaces a token set with [`{}`](Self::{}).",
        auth.scheme, auth.setter, auth.setter
    ));
    quote! {
        #docs
        pub fn #setter(self, token: impl Into<String>) -> Self {
            self.with_credential(#key, runtime::CredentialPlacement::Authorization("Bearer"), token.into())
        }

        #provider_docs
        pub fn #provider_setter(self, provider: impl runtime::TokenProvider) -> Self {
            self.with_token_provider(#key, provider)
        }
    }
}

/// `Client::from_env()`, when the spec names environment variables (`x-env`): a credential every
/// operation requires must be set; others are read when set.
fn from_env(api: &Api) -> TokenStream {
    let credentials: Vec<&AuthScheme> = api.auth.iter().filter(|auth| auth.env.is_some()).collect();
    if api.base_url_env.is_none() && credentials.is_empty() {
        return TokenStream::new();
    }
    let base_url = api.base_url_env.as_ref().map(|variable| {
        quote! {
            if let Some(url) = runtime::env_var(#variable) {
                builder = builder.base_url(url);
            }
        }
    });
    let credential_code = credentials.iter().map(|auth| {
        let variable = auth.env.as_deref().unwrap_or_default();
        let setter = rust_ident(&auth.setter);
        if auth.required_by_all {
            quote! {
                match runtime::env_var(#variable) {
                    Some(value) => builder = builder.#setter(value),
                    None => return Err(runtime::ConfigError::MissingEnv { variable: #variable }),
                }
            }
        } else {
            quote! {
                if let Some(value) = runtime::env_var(#variable) {
                    builder = builder.#setter(value);
                }
            }
        }
    });
    let mut text = "A client configured from the environment".to_owned();
    let mut reads = Vec::new();
    for auth in &credentials {
        let variable = auth.env.as_deref().unwrap_or_default();
        let what = match credentials.len() {
            1 => "the credential".to_owned(),
            _ => format!("the `{}` credential", auth.setter.as_str()),
        };
        let when = if auth.required_by_all { "required" } else { "when set" };
        reads.push(format!("{what} from `{variable}` ({when})"));
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
            #(#credential_code)*
            builder.build()
        }
    }
}
