//! Errors: one enum to `match` on, with a variant per kind of HTTP failure and the transport,
//! decoding and input problems apart.

use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use std::fmt;

/// A body whose type may depend on the response status. Error body types implement it (most
/// decode as JSON whatever the status; an operation whose error bodies differ by status gets an
/// enum that picks its variant by the status), and so do the results of operations whose success
/// statuses carry different bodies.
pub trait FromResponse: Sized {
    /// Decodes the body of a response with this status; `None` when it does not match.
    fn from_response(status: StatusCode, body: &[u8]) -> Option<Self>;
}

impl FromResponse for serde_json::Value {
    fn from_response(_status: StatusCode, body: &[u8]) -> Option<Self> {
        serde_json::from_slice(body).ok()
    }
}

/// Longest piece of a body quoted in an error message.
const EXCERPT_LIMIT: usize = 512;

/// Everything a call can fail with. `E` is the operation's error body type from the spec.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<E = serde_json::Value> {
    /// 400: the request was malformed or invalid.
    BadRequest(Box<ApiError<E>>),
    /// 401: the credential is missing or wrong.
    Authentication(Box<ApiError<E>>),
    /// 403: the credential may not do this.
    PermissionDenied(Box<ApiError<E>>),
    /// 404: no such resource.
    NotFound(Box<ApiError<E>>),
    /// 409: the resource is in a state that conflicts with the request.
    Conflict(Box<ApiError<E>>),
    /// 413: the request body is too large.
    RequestTooLarge(Box<ApiError<E>>),
    /// 422: the request was well-formed but not processable.
    Unprocessable(Box<ApiError<E>>),
    /// 429: too many requests; slow down.
    RateLimited(Box<ApiError<E>>),
    /// 529: the service is overloaded.
    Overloaded(Box<ApiError<E>>),
    /// Any other 5xx: the server failed.
    Server(Box<ApiError<E>>),
    /// Any other status that is not a success.
    Status(Box<ApiError<E>>),
    /// No response: the connection could not be made or broke.
    Connection {
        /// The operation that failed.
        operation: &'static str,
        /// What the HTTP client reported.
        source: reqwest::Error,
    },
    /// The request or the body took longer than the configured timeout.
    Timeout {
        /// The operation that failed.
        operation: &'static str,
    },
    /// A response (or one line of a stream) did not decode into the expected type.
    Decode(DecodeError),
    /// A streamed body ended before it was complete: cut off mid-line or short of its length.
    Truncated {
        /// The operation whose body was cut off.
        operation: &'static str,
        /// What was missing.
        detail: String,
    },
    /// A resource is not ready for this operation yet (for example, results of a batch that is
    /// still processing: its results URL is not set).
    NotReady {
        /// The operation.
        operation: &'static str,
        /// What is missing.
        reason: String,
    },
    /// A waiter gave up: the resource did not reach the awaited state before the deadline.
    WaitTimeout {
        /// The waiter.
        operation: &'static str,
        /// How long it waited.
        waited: std::time::Duration,
    },
    /// A parameter value cannot be sent (for example a path parameter of `..`).
    InvalidParameter {
        /// The operation.
        operation: &'static str,
        /// Why.
        reason: String,
    },
    /// The request body could not be encoded as JSON.
    Encode {
        /// The operation.
        operation: &'static str,
        /// What serde reported.
        source: serde_json::Error,
    },
    /// The operation needs a credential the client was not given; nothing was sent.
    MissingCredentials {
        /// The operation.
        operation: &'static str,
        /// The client builder setters whose credentials it accepts: `api_key, or app_id and
        /// app_key`.
        accepted: String,
    },
    /// The token provider failed, or gave a token that cannot be sent; the attempt that needed
    /// the token was not sent.
    TokenProvider {
        /// The operation.
        operation: &'static str,
        /// What the provider reported.
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

impl<E> Error<E> {
    /// The error response, for errors that are HTTP responses.
    pub fn api_error(&self) -> Option<&ApiError<E>> {
        match self {
            Self::BadRequest(error)
            | Self::Authentication(error)
            | Self::PermissionDenied(error)
            | Self::NotFound(error)
            | Self::Conflict(error)
            | Self::RequestTooLarge(error)
            | Self::Unprocessable(error)
            | Self::RateLimited(error)
            | Self::Overloaded(error)
            | Self::Server(error)
            | Self::Status(error) => Some(error),
            _ => None,
        }
    }

    /// The HTTP status, for errors that are HTTP responses.
    pub fn status(&self) -> Option<StatusCode> {
        self.api_error().map(|error| error.status)
    }

    /// The server's request id, when the response carried one.
    pub fn request_id(&self) -> Option<&str> {
        self.api_error().and_then(|error| error.request_id.as_deref())
    }

    /// Sorts an error response into its kind by status.
    pub(crate) fn from_api(error: ApiError<E>) -> Self {
        let error = Box::new(error);
        match error.status.as_u16() {
            400 => Self::BadRequest(error),
            401 => Self::Authentication(error),
            403 => Self::PermissionDenied(error),
            404 => Self::NotFound(error),
            409 => Self::Conflict(error),
            413 => Self::RequestTooLarge(error),
            422 => Self::Unprocessable(error),
            429 => Self::RateLimited(error),
            529 => Self::Overloaded(error),
            500..=599 => Self::Server(error),
            _ => Self::Status(error),
        }
    }

    /// Sorts a transport failure: timeouts apart from broken connections.
    pub(crate) fn transport(operation: &'static str, source: reqwest::Error) -> Self {
        if source.is_timeout() {
            Self::Timeout { operation }
        } else {
            Self::Connection { operation, source }
        }
    }
}

impl<E> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Every variant is spelled out, so a new one cannot silently display as nothing. (The
        // list of response variants repeats `api_error`'s on purpose: going through it would
        // need a catch-all arm here, which is what this match avoids.)
        match self {
            Self::BadRequest(error)
            | Self::Authentication(error)
            | Self::PermissionDenied(error)
            | Self::NotFound(error)
            | Self::Conflict(error)
            | Self::RequestTooLarge(error)
            | Self::Unprocessable(error)
            | Self::RateLimited(error)
            | Self::Overloaded(error)
            | Self::Server(error)
            | Self::Status(error) => fmt::Display::fmt(error, f),
            Self::Connection { operation, source } => {
                write!(f, "{operation}: connection failed: {}", chain(source))
            }
            Self::Timeout { operation } => write!(f, "{operation}: timed out; raise the timeout or retry"),
            Self::Decode(error) => fmt::Display::fmt(error, f),
            Self::Truncated { operation, detail } => {
                write!(f, "{operation}: the response body was cut off: {detail}")
            }
            Self::NotReady { operation, reason } => write!(f, "{operation}: not ready: {reason}"),
            Self::WaitTimeout { operation, waited } => {
                write!(f, "{operation}: still not in the awaited state after {:.1} s", waited.as_secs_f64())
            }
            Self::InvalidParameter { operation, reason } => write!(f, "{operation}: {reason}"),
            Self::Encode { operation, source } => {
                write!(f, "{operation}: could not encode the request body: {source}")
            }
            Self::MissingCredentials { operation, accepted } => write!(
                f,
                "{operation}: needs a credential the client was not given: {accepted} (each set by the `ClientBuilder` method of that name); nothing was sent"
            ),
            Self::TokenProvider { operation, source } => {
                write!(f, "{operation}: the token provider failed: {}", chain(source.as_ref()))
            }
        }
    }
}

impl<E: fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Connection { source, .. } => Some(source),
            Self::Encode { source, .. } => Some(source),
            Self::Decode(error) => Some(error),
            Self::TokenProvider { source, .. } => Some(source.as_ref()),
            _ => None,
        }
    }
}

/// reqwest's own message is terse ("error sending request"); the cause underneath says why.
pub(crate) fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// A response with a non-success status.
#[derive(Debug)]
pub struct ApiError<E = serde_json::Value> {
    /// The operation that was called.
    pub operation: &'static str,
    /// The HTTP status.
    pub status: StatusCode,
    /// The server's request id, quoted when reporting a problem to the API's operators.
    pub request_id: Option<String>,
    /// The response headers.
    pub headers: HeaderMap,
    /// The body decoded as the spec's error type, when it decodes.
    pub body: Option<E>,
    /// The body as text (lossy UTF-8), always kept, so nothing is lost when it does not decode.
    pub raw_body: String,
    /// The human-readable message found in the body, if any.
    pub message: Option<String>,
}

impl<E> fmt::Display for ApiError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: HTTP {}", self.operation, self.status)?;
        match &self.message {
            Some(message) => write!(f, ": {message}")?,
            None if !self.raw_body.trim().is_empty() => write!(f, ": {}", excerpt(self.raw_body.as_bytes()))?,
            None => {}
        }
        if let Some(request_id) = &self.request_id {
            write!(f, " (request-id {request_id})")?;
        }
        Ok(())
    }
}

/// A body, or one line of a stream, that is not what the spec promised.
#[derive(Debug)]
pub struct DecodeError {
    /// The operation whose response it was.
    pub operation: &'static str,
    /// The 1-based line of a JSON Lines body, for stream items.
    pub line: Option<u64>,
    /// What serde reported.
    pub message: String,
    /// The start of the offending text.
    pub excerpt: String,
}

impl DecodeError {
    pub(crate) fn new(
        operation: &'static str,
        line: Option<u64>,
        error: &serde_json::Error,
        body: &[u8],
    ) -> Self {
        Self { operation, line, message: error.to_string(), excerpt: excerpt(body) }
    }

    /// A body that is not what its media type promises (such as text that is not UTF-8).
    pub(crate) fn text(operation: &'static str, message: String, body: &[u8]) -> Self {
        Self { operation, line: None, message, excerpt: excerpt(body) }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(
                f,
                "{}: line {line} of the response does not decode: {}",
                self.operation, self.message
            )?,
            None => write!(f, "{}: the response does not decode: {}", self.operation, self.message)?,
        }
        write!(f, "; it starts with `{}`", self.excerpt)
    }
}

impl std::error::Error for DecodeError {}

/// The first bytes of a body as printable text.
pub(crate) fn excerpt(body: &[u8]) -> String {
    let cut = &body[..body.len().min(EXCERPT_LIMIT)];
    let mut text: String =
        String::from_utf8_lossy(cut).chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    if body.len() > EXCERPT_LIMIT {
        text.push('…');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::{excerpt, ApiError, DecodeError, Error, EXCERPT_LIMIT};
    use reqwest::header::HeaderMap;
    use reqwest::StatusCode;
    use std::time::Duration;

    fn api_error(status: u16, raw_body: &str, message: Option<&str>) -> ApiError {
        ApiError {
            operation: "create_batch",
            status: StatusCode::from_u16(status).unwrap(),
            request_id: Some("req_1".to_owned()),
            headers: HeaderMap::new(),
            body: None,
            raw_body: raw_body.to_owned(),
            message: message.map(str::to_owned),
        }
    }

    #[test]
    fn error_responses_are_sorted_by_status() {
        let kind = |status| match Error::from_api(api_error(status, "", None)) {
            Error::BadRequest(_) => "bad request",
            Error::Authentication(_) => "authentication",
            Error::NotFound(_) => "not found",
            Error::RateLimited(_) => "rate limited",
            Error::Overloaded(_) => "overloaded",
            Error::Server(_) => "server",
            Error::Status(_) => "status",
            _ => "other",
        };
        let kinds: Vec<&str> = [400, 401, 404, 429, 529, 503, 418, 302].into_iter().map(kind).collect();
        assert_eq!(
            kinds,
            [
                "bad request",
                "authentication",
                "not found",
                "rate limited",
                "overloaded",
                "server",
                "status",
                "status"
            ]
        );
        let error = Error::from_api(api_error(404, "", None));
        assert_eq!(error.status(), Some(StatusCode::NOT_FOUND));
        assert_eq!(error.request_id(), Some("req_1"));
        assert_eq!(Error::<serde_json::Value>::Timeout { operation: "x" }.status(), None);
    }

    #[test]
    fn an_error_response_shows_the_message_else_the_body_and_the_request_id() {
        let with_message = api_error(400, r#"{"error":{"message":"bad"}}"#, Some("bad"));
        assert_eq!(with_message.to_string(), "create_batch: HTTP 400 Bad Request: bad (request-id req_1)");
        let body_only = api_error(500, "upstream\nfailed", None);
        assert_eq!(
            body_only.to_string(),
            "create_batch: HTTP 500 Internal Server Error: upstream failed (request-id req_1)"
        );
        let mut empty = api_error(503, "  ", None);
        empty.request_id = None;
        assert_eq!(empty.to_string(), "create_batch: HTTP 503 Service Unavailable");
    }

    #[test]
    fn other_errors_say_which_operation_and_what_went_wrong() {
        let shown = |error: Error| error.to_string();
        assert_eq!(
            shown(Error::Truncated { operation: "results", detail: "cut at line 3".to_owned() }),
            "results: the response body was cut off: cut at line 3"
        );
        assert_eq!(
            shown(Error::WaitTimeout { operation: "wait", waited: Duration::from_millis(2500) }),
            "wait: still not in the awaited state after 2.5 s"
        );
        assert_eq!(
            shown(Error::NotReady { operation: "results", reason: "no URL yet".to_owned() }),
            "results: not ready: no URL yet"
        );
        let json_error = serde_json::from_str::<u32>("x").unwrap_err();
        let decode = DecodeError::new("list", Some(7), &json_error, b"x");
        assert_eq!(
            shown(Error::Decode(decode)),
            "list: line 7 of the response does not decode: expected value at line 1 column 1; it starts with `x`"
        );
        assert_eq!(
            shown(Error::MissingCredentials { operation: "get", accepted: "api_key, or app_id and app_key".to_owned() }),
            "get: needs a credential the client was not given: api_key, or app_id and app_key (each set by the `ClientBuilder` method of that name); nothing was sent"
        );
        assert_eq!(
            shown(Error::TokenProvider { operation: "get", source: "expired".into() }),
            "get: the token provider failed: expired"
        );
        let text = DecodeError::text("get", "not UTF-8".to_owned(), &[0xff]);
        assert_eq!(
            text.to_string(),
            "get: the response does not decode: not UTF-8; it starts with `\u{fffd}`"
        );
    }

    #[test]
    fn excerpts_are_cut_and_printable() {
        assert_eq!(excerpt(b"a\tb\r\nc"), "a b  c");
        let long = "x".repeat(EXCERPT_LIMIT + 10);
        let cut = excerpt(long.as_bytes());
        assert_eq!(cut.chars().count(), EXCERPT_LIMIT + 1);
        assert!(cut.ends_with('…'));
    }
}
