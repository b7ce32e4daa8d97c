//! Webhooks (OpenAPI 3.1): requests the API sends to a URL of the user's. A client never makes
//! them, so they get no method; the body each sends gets a type, as a request body would, so that
//! the user's server can decode it with the same crate.

use super::resolver::Resolver;
use crate::diagnostics::Pointer;
use crate::model::Webhook;
use crate::names;
use indexmap::IndexMap;
use openapiv3::PathItem;

impl<'a> Resolver<'a> {
    /// Every operation of every webhook, with the type of its payload (named after its
    /// operationId, else the webhook, plus `Body`, when the schema is inline).
    pub(super) fn webhooks(&mut self, webhooks: &'a IndexMap<String, PathItem>) -> Vec<Webhook> {
        let mut found = Vec::new();
        for (name, item) in webhooks {
            let item_at = Pointer::root().key("webhooks").key(name);
            for (method, operation) in item.iter() {
                let at = item_at.key(method);
                let hint = names::type_name(operation.operation_id.as_deref().unwrap_or(name));
                let payload = operation
                    .request_body
                    .as_ref()
                    .and_then(|body| self.request_body(body, &at.key("requestBody"), &hint))
                    .map(|body| body.ty);
                found.push(Webhook {
                    name: name.clone(),
                    http_method: method.to_ascii_uppercase(),
                    payload,
                    pointer: at.to_string(),
                });
            }
        }
        found
    }
}
