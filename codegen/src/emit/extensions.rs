//! Stage 3d: what the `x-` extensions add to operations: `items()` streams for paginated
//! listings, `wait_until_*` waiters, and requests sent to a URL another operation returned.

use super::docs::attrs;
use super::tokens::{error_type, ident, rust_ident, setter_arg, type_tokens, types_prefix};
use crate::model::*;
use proc_macro2::TokenStream;
use quote::quote;

/// Extra methods on an operation's request builder.
pub fn builder_methods(op: &Operation) -> TokenStream {
    let items = op.pagination.as_ref().map(|pagination| items_method(op, pagination));
    let waiters = op.waiters.iter().map(|waiter| {
        let method = rust_ident(&waiter.builder_method);
        let builder = ident(&waiter.builder_name);
        let docs = attrs(&waiter_docs(waiter, "this request"));
        quote! {
            #docs
            pub fn #method(self) -> #builder<'a> {
                #builder { request: self, options: Default::default() }
            }
        }
    });
    quote! { #items #(#waiters)* }
}

fn waiter_docs(waiter: &Waiter, what: &str) -> String {
    let values: Vec<String> = waiter.until.iter().map(|value| format!("`{value}`")).collect();
    format!(
        "Sends {what} again and again until `{}` is {}, and returns that last result.\n\n\
         Polls every 5 s at first, then less often (up to once a minute), and gives up after 25 hours; \
         change that on the returned builder. Each poll is retried like any request.",
        waiter.wire_field,
        values.join(" or ")
    )
}

fn items_method(op: &Operation, pagination: &Pagination) -> TokenStream {
    let item = type_tokens(&pagination.item_type, &types_prefix());
    let error = error_type(op);
    let items_field = rust_ident(&pagination.items_field);
    let has_more = match &pagination.has_more_field {
        Some(field) => {
            let field = rust_ident(field);
            quote! { page.#field }
        }
        None => quote! { true },
    };
    let next = |cursor: &Cursor| {
        let field = rust_ident(&cursor.field);
        match cursor.field_presence {
            Presence::Always => quote! { Some(page.#field) },
            Presence::Optional => quote! { page.#field },
            Presence::OptionalNullable => quote! { page.#field.flatten() },
        }
    };
    let (first, set_cursor, next_cursor, direction_docs) = match (&pagination.forward, &pagination.backward) {
        (Some(forward), Some(backward)) => {
            let (f, b) = (rust_ident(&forward.param), rust_ident(&backward.param));
            let (next_f, next_b) = (next(forward), next(backward));
            (
                quote! {
                    let backward = self.#b.is_some();
                    let first = if backward { self.#b.clone() } else { self.#f.clone() };
                },
                quote! {
                    if backward {
                        request.#b = cursor;
                        request.#f = None;
                    } else {
                        request.#f = cursor;
                        request.#b = None;
                    }
                },
                quote! { if backward { #next_b } else { #next_f } },
                format!(
                    "Pages forward (each page's `{}` becomes the next `{}`), starting after `{}` if it is set; \
                     when `{}` is set instead, pages backward from there.",
                    forward.field, forward.param, forward.param, backward.param
                ),
            )
        }
        (Some(only), None) | (None, Some(only)) => {
            let param = rust_ident(&only.param);
            let next_only = next(only);
            (
                quote! { let first = self.#param.clone(); },
                quote! { request.#param = cursor; },
                next_only,
                format!("Each page's `{}` becomes the next request's `{}`.", only.field, only.param),
            )
        }
        (None, None) => return TokenStream::new(),
    };
    let docs = attrs(&format!(
        "Streams every item of the listing, requesting the next page only when the current one is used \
         up: memory holds one page, and listing N items takes ceil(N / page size) requests.\n\n{direction_docs} \
         The page size and every other setting of this builder apply to each page. An error ends the \
         stream after it is yielded."
    ));
    quote! {
        #docs
        pub fn items(self) -> runtime::Paginator<'a, #item, #error> {
            #first
            runtime::Paginator::new(first, move |cursor: Option<String>| {
                let mut request = self.clone();
                #set_cursor
                Box::pin(async move {
                    let page = request.send().await?;
                    Ok(runtime::Page { next_cursor: #next_cursor, has_more: #has_more, items: page.#items_field })
                })
            })
        }
    }
}

/// For an operation whose URL comes from another operation's result: the code that calls that
/// operation first, and the line that points the request at the URL.
pub fn url_from_prelude(op: &Operation, from: &UrlFrom) -> (TokenStream, TokenStream) {
    let method = rust_ident(&from.method_name);
    let arguments = from.arguments.iter().map(|name| {
        let name = rust_ident(name);
        quote! { self.#name.clone() }
    });
    let copies = from.shared_setters.iter().map(|name| {
        let is_copy = op
            .params
            .iter()
            .find(|param| param.rust_name == *name)
            .is_some_and(|param| param.ty == TypeRef::Bool || param.ty.is_number());
        let name = rust_ident(name);
        let value = if is_copy {
            quote! { *value }
        } else {
            quote! { value.clone() }
        };
        quote! {
            if let Some(value) = &self.#name {
                source = source.#name(#value);
            }
        }
    });
    let field = rust_ident(&from.field);
    let not_ready = format!(
        "`{}` of `{}` is not set yet, so there is nothing to fetch; wait until it is (a waiter can do that)",
        from.wire_field, from.operation_id
    );
    let value = match from.field_presence {
        Presence::Always => quote! { Some(resource.#field) },
        Presence::Optional => quote! { resource.#field },
        Presence::OptionalNullable => quote! { resource.#field.flatten() },
    };
    let url = match from.field_presence {
        Presence::Always => quote! { let url = resource.#field; },
        _ => quote! {
            let Some(url) = #value else {
                return Err(Error::NotReady { operation, reason: #not_ready.to_owned() });
            };
        },
    };
    (
        quote! {
            let mut source = self.client.#method(#(#arguments),*);
            #(#copies)*
            source.options = self.options.clone();
            let resource = source.send().await?;
            #url
        },
        quote! { parts.absolute_url = Some(url); },
    )
}

/// `Client::wait_until_*` shortcuts: the operation's arguments, then its waiter.
/// `gate` compiles them (the operation's feature).
pub fn client_waiter_methods(op: &Operation, gate: &TokenStream) -> TokenStream {
    let operation_method = rust_ident(&op.method_name);
    let mut args = Vec::new();
    let mut passed = Vec::new();
    for param in op.params.iter().filter(|param| param.is_argument()) {
        let name = rust_ident(&param.rust_name);
        let (arg_ty, _) = setter_arg(&param.ty, &name);
        args.push(quote! { #name: #arg_ty });
        passed.push(quote! { #name });
    }
    if let Some(body) = &op.body {
        let ty = type_tokens(&body.ty, &types_prefix());
        args.push(quote! { body: #ty });
        passed.push(quote! { body });
    }
    let methods = op.waiters.iter().map(|waiter| {
        let method = rust_ident(&waiter.method_name);
        let builder_method = rust_ident(&waiter.builder_method);
        let builder = ident(&waiter.builder_name);
        let docs = attrs(&format!(
            "{}\n\nShort for `{}(…).{}()`.",
            waiter_docs(waiter, &format!("[`{}`](Self::{})", op.method_name, op.method_name)),
            op.method_name,
            waiter.builder_method
        ));
        quote! {
            #docs
            #gate
            pub fn #method(&self, #(#args),*) -> #builder<'_> {
                self.#operation_method(#(#passed),*).#builder_method()
            }
        }
    });
    quote! { #(#methods)* }
}

/// The builder each waiter returns.
pub fn waiter_builders(op: &Operation) -> TokenStream {
    let request = ident(&op.builder_name);
    let error = error_type(op);
    let BodyKind::Json(output) = &op.success else { return TokenStream::new() };
    let output = type_tokens(output, &types_prefix());
    let builders = op.waiters.iter().map(|waiter| {
        let builder = ident(&waiter.builder_name);
        let field = rust_ident(&waiter.field);
        let until = &waiter.until;
        let done = match waiter.field_presence {
            Presence::Always => quote! { matches!(value.#field.as_str(), #(#until)|*) },
            Presence::Optional => {
                quote! { value.#field.as_ref().is_some_and(|field| matches!(field.as_str(), #(#until)|*)) }
            }
            Presence::OptionalNullable => quote! {
                value.#field.as_ref().and_then(Option::as_ref).is_some_and(|field| matches!(field.as_str(), #(#until)|*))
            },
        };
        let name = waiter.method_name.as_str();
        let docs = attrs(&format!(
            "Waits until `{}` reaches an awaited value; returned by `{}`. Set how it polls, then `.await` it.",
            waiter.wire_field, waiter.builder_method
        ));
        quote! {
            #docs
            #[derive(Clone, Debug)]
            #[must_use = "a waiter does nothing until it is awaited"]
            pub struct #builder<'a> {
                request: #request<'a>,
                options: runtime::WaitOptions,
            }

            impl<'a> #builder<'a> {
                /// The wait between the first two polls (default 5 s).
                pub fn poll_interval(mut self, interval: std::time::Duration) -> Self {
                    self.options.interval = interval;
                    self
                }

                /// Each wait is the previous one times this factor (default 1.5; 1 polls evenly).
                pub fn backoff(mut self, factor: f64) -> Self {
                    self.options.backoff = factor;
                    self
                }

                /// The longest wait between two polls (default 60 s).
                pub fn max_interval(mut self, interval: std::time::Duration) -> Self {
                    self.options.max_interval = interval;
                    self
                }

                /// Gives up with [`Error::WaitTimeout`] after this long (default 25 hours).
                pub fn deadline(mut self, deadline: std::time::Duration) -> Self {
                    self.options.deadline = deadline;
                    self
                }

                /// Polls until the awaited value and returns the last result.
                ///
                /// # Errors
                ///
                /// The first error of a poll (after its retries), or [`Error::WaitTimeout`].
                pub async fn send(self) -> Result<#output, Error<#error>> {
                    let request = self.request;
                    runtime::wait_until(
                        #name,
                        &self.options,
                        || request.clone().send(),
                        |value: &#output| #done,
                    )
                    .await
                }
            }

            impl<'a> IntoFuture for #builder<'a> {
                type Output = Result<#output, Error<#error>>;
                type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send + 'a>>;

                fn into_future(self) -> Self::IntoFuture {
                    Box::pin(self.send())
                }
            }
        }
    });
    quote! { #(#builders)* }
}
