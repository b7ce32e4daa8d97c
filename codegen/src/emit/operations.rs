//! Stage 3b: model operations → client methods and one request builder per operation, plus the
//! client constructor that carries the spec's defaults.

use super::docs::{attrs, prose};
use super::extensions;
use super::format::Chunk;
use super::tokens::{
    error_type, ident, location_name, operation_gate, output_type, param_text, request_line, rust_ident,
    setter_arg, style_tokens, type_tokens, types_prefix, value_ident,
};
use crate::model::*;
use proc_macro2::TokenStream;
use quote::quote;

/// Statements that add a parameter's value (`value`, a reference) to `parts`.
fn push_param(param: &Param) -> TokenStream {
    let wire = param.wire_name.as_str();
    let list = match param.location {
        ParamLocation::Query => quote! { parts.query },
        ParamLocation::Cookie => quote! { parts.cookies },
        ParamLocation::Header => {
            let text = param_text(param, quote! { value });
            return quote! { parts.headers.push((#wire, #text)); };
        }
        ParamLocation::Path => return TokenStream::new(),
    };
    let style = style_tokens(param.style);
    let explode = param.explode;
    match param.encoding {
        ParamEncoding::Json => quote! {
            #list.extend(runtime::json_pairs(#wire, &serde_json::to_value(value).unwrap_or_default(), #style, #explode));
        },
        ParamEncoding::List if param.explode => quote! {
            for item in value {
                #list.push((#wire.into(), runtime::ParamValue::param_value(item)));
            }
        },
        ParamEncoding::List => quote! { #list.push((#wire.into(), runtime::join_values(value, #style))); },
        ParamEncoding::Scalar => {
            quote! { #list.push((#wire.into(), runtime::ParamValue::param_value(value))); }
        }
    }
}

/// Client methods and request builders for every operation, one group of items at a time (see
/// `types_module`).
pub fn operations_module<'a>(api: &'a Api, crate_path: &'a str) -> Box<dyn Iterator<Item = Chunk> + 'a> {
    if api.operations.is_empty() {
        return Box::new(std::iter::empty());
    }
    let preamble = quote! {
        use runtime::{Client, Error, RequestParts};
        use std::future::{Future, IntoFuture};
        use std::pin::Pin;
    };
    let client_methods = std::iter::once_with(move || {
        let methods = api.operations.iter().map(|op| client_method(op, api, crate_path));
        let waiter_methods =
            api.operations.iter().map(|op| extensions::client_waiter_methods(op, &operation_gate(api, op)));
        quote! {
            impl Client {
                #(#methods)*
                #(#waiter_methods)*
            }
        }
    });
    let builders = api.operations.iter().map(move |op| {
        let builder = builder(op, api);
        let waiters = extensions::waiter_builders(op);
        Chunk { tokens: quote! { #builder #waiters }, gate: operation_gate(api, op) }
    });
    Box::new(std::iter::once(preamble.into()).chain(client_methods.map(Chunk::from)).chain(builders))
}

fn operation_docs(op: &Operation) -> String {
    let mut text = String::new();
    for part in [&op.summary, &op.description].into_iter().flatten() {
        text.push_str(&prose(Some(part), ""));
        text.push_str("\n\n");
    }
    text.push_str(&format!("`{}` (operation `{}`).", request_line(op), op.operation_id));
    text
}

fn client_method(op: &Operation, api: &Api, crate_path: &str) -> TokenStream {
    let method = rust_ident(&op.method_name);
    let builder = ident(&op.builder_name);
    let mut args = Vec::new();
    let mut inits = Vec::new();
    for param in &op.params {
        let name = rust_ident(&param.rust_name);
        if param.is_argument() {
            let (arg_ty, convert) = setter_arg(&param.ty, &name);
            args.push(quote! { #name: #arg_ty });
            if convert.to_string() == param.rust_name.to_string() {
                inits.push(quote! { #name, });
            } else {
                inits.push(quote! { #name: #convert, });
            }
        } else {
            inits.push(quote! { #name: None, });
        }
    }
    match &op.body {
        Some(body) if body.required => {
            let ty = type_tokens(&body.ty, &types_prefix());
            args.push(quote! { body: #ty });
            inits.push(quote! { body, });
        }
        Some(_) => inits.push(quote! { body: None, }),
        None => {}
    }
    let mut text = operation_docs(op);
    text.push_str(&format!(
        "\n\nReturns a request builder: set optional parameters on it, then `.await` it (or call `send`). See [`{}`].",
        op.builder_name
    ));
    if let Some(example) = example(op, api, crate_path) {
        text.push_str("\n\n# Example\n\n");
        text.push_str(&example);
    }
    let docs = attrs(&text);
    let gate = operation_gate(api, op);
    let deprecated = op.deprecated.then(|| quote! { #[deprecated] });
    quote! {
        #docs
        #gate
        #deprecated
        pub fn #method(&self, #(#args),*) -> #builder<'_> {
            #builder { client: self, #(#inits)* options: Default::default() }
        }
    }
}

fn builder(op: &Operation, api: &Api) -> TokenStream {
    let builder = ident(&op.builder_name);
    let operation_id = op.operation_id.as_str();
    let error = error_type(op);
    let output = output_type(op);
    let shared = |param: &Param| {
        api.shared_params
            .iter()
            .any(|shared| shared.wire_name == param.wire_name && shared.location == param.location)
    };

    let fields = op.params.iter().map(|param| {
        let name = rust_ident(&param.rust_name);
        let ty = type_tokens(&param.ty, &types_prefix());
        if param.is_argument() {
            quote! { pub(crate) #name: #ty, }
        } else {
            quote! { pub(crate) #name: Option<#ty>, }
        }
    });
    let body_field = op.body.as_ref().map(|body| {
        let ty = type_tokens(&body.ty, &types_prefix());
        if body.required {
            quote! { pub(crate) body: #ty, }
        } else {
            quote! { pub(crate) body: Option<#ty>, }
        }
    });

    let setters = op.params.iter().filter(|param| !param.is_argument()).map(|param| {
        let name = rust_ident(&param.rust_name);
        let (arg_ty, convert) = setter_arg(&param.ty, &value_ident());
        let sent_as = format!("the {} `{}`", location_name(param.location), param.wire_name);
        let mut text = match param.docs.as_deref() {
            Some(_) => format!("{}\n\nSent as {sent_as}.", prose(param.docs.as_deref(), "")),
            None => format!("Sets {sent_as}."),
        };
        if shared(param) {
            text.push_str(" Overrides the client-wide value for this request.");
        }
        let docs = attrs(&text);
        let deprecated = param.deprecated.then(|| quote! { #[deprecated] });
        quote! {
            #docs
            #deprecated
            pub fn #name(mut self, value: #arg_ty) -> Self {
                self.#name = Some(#convert);
                self
            }
        }
    });
    let optional_body_setter = op.body.as_ref().filter(|body| !body.required).map(|body| {
        let (arg_ty, convert) = setter_arg(&body.ty, &value_ident());
        let docs =
            attrs(&prose(body.docs.as_deref(), "Sets the request body (optional for this operation)."));
        quote! {
            #docs
            pub fn body(mut self, value: #arg_ty) -> Self {
                self.body = Some(#convert);
                self
            }
        }
    });
    let body_setter = op
        .body
        .as_ref()
        .filter(|body| body.encoding != Encoding::Text && body.encoding != Encoding::Binary)
        .map(|_| {
            quote! {
                /// Adds a field to the JSON body that this version of the client does not know of
                /// (replacing one of the same name).
                pub fn extra_body_field(mut self, name: impl Into<String>, value: serde_json::Value) -> Self {
                    self.options.body_field(name.into(), value);
                    self
                }

                /// Sets a value anywhere inside the JSON body, at a JSON pointer
                /// (`/items/0/settings/new_option`), when the request is sent: a field this
                /// version of the client does not know of, at any depth. Objects missing on the
                /// way are created; an array index must exist (`-` as the last step appends).
                /// A pointer that does not fit the body fails the call with
                /// `Error::InvalidParameter` before anything is sent.
                pub fn extra_body_at(mut self, pointer: impl Into<String>, value: serde_json::Value) -> Self {
                    self.options.body_value(pointer.into(), value);
                    self
                }
            }
        });

    let path = path_expression(op);
    let template = op.path.as_str();
    let method = ident(&op.http_method);
    let pushes = op.params.iter().filter(|param| param.location != ParamLocation::Path).map(|param| {
        let name = rust_ident(&param.rust_name);
        let push = push_param(param);
        if param.is_argument() {
            quote! { { let value = &self.#name; #push } }
        } else {
            let fallback = match (&param.default, param.required && !shared(param)) {
                // A required parameter with a default is sent with it unless the caller chose;
                // shared ones get theirs from the client, which may have its own setting.
                (Some(default), true) => {
                    let default_push = push_param(&Param {
                        ty: TypeRef::String,
                        encoding: ParamEncoding::Scalar,
                        ..param.clone()
                    });
                    Some(quote! { else { let value = &#default; #default_push } })
                }
                _ => None,
            };
            quote! { if let Some(value) = &self.#name { #push } #fallback }
        }
    });
    // The query the path key fixes goes first, as it would in the URL the spec wrote.
    let fixed_query = op.fixed_query.iter().map(|(name, value)| {
        quote! { parts.query.push((#name.into(), #value.to_owned())); }
    });
    let security = (!op.security.is_empty()).then(|| {
        let alternatives = op.security.iter().map(|alternative| {
            let setters = alternative.iter().filter_map(|&index| Some(api.auth.get(index)?.setter.as_str()));
            quote! { &[#(#setters),*] }
        });
        quote! { parts.security = &[#(#alternatives),*]; }
    });
    let accept = (!op.accept.is_empty()).then(|| {
        let accept = op.accept.join(", ");
        quote! { parts.accept = Some(#accept); }
    });
    let body = op.body.as_ref().map(|body| {
        let media = body.media_type.as_str();
        let value = if body.required {
            quote! { &self.body }
        } else {
            quote! { body }
        };
        let encode = match body.encoding {
            Encoding::Json => quote! { parts.json_body(#value, #media)?; },
            Encoding::Form => quote! { parts.form_body(#value)?; },
            Encoding::Multipart => {
                let files = &body.file_fields;
                quote! { parts.multipart_body(#value, &[#(#files),*])?; }
            }
            Encoding::Text | Encoding::Binary => quote! { parts.raw_body(Clone::clone(#value), #media); },
        };
        if body.required {
            encode
        } else {
            quote! { if let Some(body) = &self.body { #encode } }
        }
    });
    let call = match &op.success {
        BodyKind::Json(_) => quote! { self.client.call_json(parts).await },
        BodyKind::JsonOrEmpty(_) => quote! { self.client.call_json_or_empty(parts).await },
        BodyKind::ByStatus(_) => quote! { self.client.call_json_by_status(parts).await },
        BodyKind::JsonLines(_) => quote! { self.client.call_jsonl(parts).await },
        BodyKind::Text => quote! { self.client.call_text(parts).await },
        BodyKind::Binary => quote! { self.client.call_bytes(parts).await },
        BodyKind::Empty => quote! { self.client.call_empty(parts).await },
    };
    let (url_from, url_apply) =
        op.url_from.as_ref().map(|from| extensions::url_from_prelude(op, from)).unzip();
    let lifetime_docs = attrs(&format!(
        "Request builder for [`Client::{}`]: set optional parameters, then `.await` it or call [`send`](Self::send).",
        op.method_name.as_str()
    ));
    let what = match &op.success {
        BodyKind::JsonLines(_) => " and returns a stream of the lines of the response body",
        BodyKind::Json(_) => " and decodes the response",
        BodyKind::JsonOrEmpty(_) => " and decodes the response (`None` for a success without a body)",
        BodyKind::ByStatus(_) => " and decodes the response into the variant its status calls for",
        BodyKind::Text => " and returns the response text",
        BodyKind::Binary => " and returns the response body",
        BodyKind::Empty => "",
    };
    let send_docs = attrs(&format!(
        "Sends the request{what}, retrying what is worth retrying.\n\n# Errors\n\nAn [`Error`] for a \
         non-success status (by kind), a failed connection, a timeout, or a body that does not decode."
    ));
    let features = extensions::builder_methods(op);
    let build_parts = quote! {
        let operation = #operation_id;
        #url_from
        let path = #path;
        let mut parts = RequestParts::new(operation, reqwest::Method::#method, #template, path);
        parts.options = self.options.clone();
        #security
        #url_apply
        #(#fixed_query)*
        #(#pushes)*
        #accept
        #body
    };
    // A streamed body is also what the command-line tool downloads and resumes itself, from
    // the same request.
    let send_with_response = match &op.success {
        BodyKind::JsonLines(_) => quote! {
            pub async fn send_with_response(self) -> Result<runtime::ApiResponse<#output>, Error<#error>> {
                let parts = self.request_parts().await?;
                #call
            }

            /// The request [`send`](Self::send) makes, for the command-line tool's resumable
            /// download.
            #[cfg_attr(not(feature = "cli"), allow(dead_code))]
            pub(crate) async fn request_parts(&self) -> Result<RequestParts, Error<#error>> {
                #build_parts
                Ok(parts)
            }
        },
        _ => quote! {
            pub async fn send_with_response(self) -> Result<runtime::ApiResponse<#output>, Error<#error>> {
                #build_parts
                #call
            }
        },
    };
    quote! {
        #lifetime_docs
        #[derive(Clone, Debug)]
        #[must_use = "a request does nothing until it is awaited"]
        pub struct #builder<'a> {
            pub(crate) client: &'a Client,
            #(#fields)*
            #body_field
            pub(crate) options: runtime::RequestOptions,
        }

        impl<'a> #builder<'a> {
            #(#setters)*

            #optional_body_setter
            #body_setter

            runtime::per_call_options!();

            #send_docs
            pub async fn send(self) -> Result<#output, Error<#error>> {
                self.send_with_response().await.map(|response| response.value)
            }

            /// Like [`send`](Self::send), and also returns the status, the headers and the request
            /// id of the response.
            ///
            /// # Errors
            ///
            /// As for [`send`](Self::send).
            #send_with_response

            #features
        }

        impl<'a> IntoFuture for #builder<'a> {
            type Output = Result<#output, Error<#error>>;
            type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send + 'a>>;

            fn into_future(self) -> Self::IntoFuture {
                Box::pin(self.send())
            }
        }
    }
}

/// `format!("/v1/items/{}", encoded id)`, or a plain string for paths without parameters.
fn path_expression(op: &Operation) -> TokenStream {
    let mut template = String::new();
    let mut values = Vec::new();
    for segment in &op.segments {
        match segment {
            PathSegment::Literal(text) => template.push_str(&text.replace('{', "{{").replace('}', "}}")),
            PathSegment::Param(index) => {
                let param = &op.params[*index];
                let name = rust_ident(&param.rust_name);
                let wire = param.wire_name.as_str();
                template.push_str("{}");
                let text = match param.encoding {
                    ParamEncoding::Json => {
                        let text = param_text(param, quote! { value });
                        quote! { { let value = &self.#name; #text } }
                    }
                    ParamEncoding::List | ParamEncoding::Scalar => param_text(param, quote! { &self.#name }),
                };
                values.push(quote! {
                    runtime::path_segment(#wire, &#text)
                        .map_err(|reason| Error::InvalidParameter { operation, reason })?
                });
            }
        }
    }
    if values.is_empty() {
        quote! { #template.to_owned() }
    } else {
        quote! { format!(#template, #(#values),*) }
    }
}

/// A doc example that compiles (it is not run: it would call the real API). `None` when an
/// argument has no obvious sample value.
fn example(op: &Operation, api: &Api, crate_path: &str) -> Option<String> {
    let mut args = Vec::new();
    for param in op.params.iter().filter(|param| param.is_argument()) {
        args.push(match &param.ty {
            TypeRef::String => format!("{:?}", param.wire_name),
            TypeRef::F32 | TypeRef::F64 => "1.0".to_owned(),
            number if number.is_number() => "1".to_owned(),
            TypeRef::Bool => "true".to_owned(),
            _ => return None,
        });
    }
    if let Some(body) = op.body.as_ref().filter(|body| body.required) {
        let TypeRef::Named(name) = &body.ty else { return None };
        let has_default =
            api.type_def(name).is_some_and(|def| matches!(&def.kind, TypeKind::Struct(s) if s.has_default));
        if !has_default {
            return None;
        }
        args.push(format!("{crate_path}::types::{name}::default()"));
    }
    let client = if api.auth.iter().any(|auth| auth.env.is_some()) {
        format!("{crate_path}::Client::from_env()?")
    } else {
        format!("{crate_path}::Client::builder().build()?")
    };
    let call = format!("client.{}({})", op.method_name, args.join(", "));
    let body = match &op.success {
        BodyKind::JsonLines(_) => format!(
            "let mut lines = {call}.await?;\nwhile let Some(line) = lines.next().await {{\n    println!(\"{{:?}}\", line?);\n}}"
        ),
        BodyKind::Json(_) if op.pagination.is_some() => format!(
            "let page = {call}.await?;\nprintln!(\"{{page:?}}\");\n\n// Or every item, page after page:\nlet mut items = {call}.items();\nwhile let Some(item) = items.next().await {{\n    println!(\"{{:?}}\", item?);\n}}"
        ),
        BodyKind::Json(_) | BodyKind::JsonOrEmpty(_) | BodyKind::ByStatus(_) | BodyKind::Text | BodyKind::Binary => {
            format!("let value = {call}.await?;\nprintln!(\"{{value:?}}\");")
        }
        BodyKind::Empty => format!("{call}.await?;"),
    };
    Some(format!(
        "```no_run\n# async fn example() -> Result<(), Box<dyn std::error::Error>> {{\nlet client = {client};\n{body}\n# Ok(())\n# }}\n```"
    ))
}
