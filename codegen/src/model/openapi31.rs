//! The parts of the model only OpenAPI 3.1 documents give: webhooks, and tuples (`prefixItems`).
//! Plain records of documented fields, as in the parent module (whose note on their look-alike
//! runs applies here too).

use super::TypeRef;

/// A request the API sends to a URL of the user's (an OpenAPI 3.1 webhook).
#[derive(Clone, Debug)]
pub struct Webhook {
    /// Its name: the key under `webhooks`.
    pub name: String,
    /// HTTP method, upper case.
    pub http_method: String,
    /// The type of the body the API sends, when it has one.
    pub payload: Option<TypeRef>,
    /// JSON pointer of the webhook's operation.
    pub pointer: String,
}

/// A tuple: one field per position, then the items after them.
#[derive(Clone, Debug)]
pub struct Tuple {
    /// The positions, in order; every one must be present.
    pub items: Vec<TupleItem>,
    /// The type of the items after the positions (a last `Vec` field), or `None` when the schema
    /// allows none (`items: false`, or `maxItems` of the tuple's length).
    pub rest: Option<TypeRef>,
}

/// One position of a [`Tuple`].
#[derive(Clone, Debug)]
pub struct TupleItem {
    /// The value type, without the `Option` that nullability adds.
    pub ty: TypeRef,
    /// The value may be `null`.
    pub nullable: bool,
    /// Behind a `Box` to break a by-value cycle between types.
    pub boxed: bool,
}
