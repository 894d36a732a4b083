//! What calls return besides the contract's types: the error, raw responses, options.

use statreq_contract::*;

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The server refused or failed, and said why.
    #[error("{} {}: {}", .0.status, .0.code, .0.detail)]
    Problem(Box<Problem>),
    /// An error status without a problem document (should not happen with statreq).
    #[error("HTTP {status}: {body}")]
    Status { status: u16, body: String },
    /// The request did not get an answer (connection, TLS, a browser's refusal).
    #[error("transport: {0}")]
    Transport(#[from] crate::TransportError),
    /// The request's body could not be written (JSON of a type that cannot be).
    #[error("request body: {0}")]
    Encode(String),
    #[error("unexpected response body: {0}")]
    Decode(String),
}

impl ClientError {
    /// The problem document, when the server sent one.
    pub fn problem(&self) -> Option<&Problem> {
        match self {
            ClientError::Problem(p) => Some(p),
            _ => None,
        }
    }

    /// The HTTP status of a server refusal.
    pub fn status(&self) -> Option<u16> {
        match self {
            ClientError::Problem(p) => Some(p.status),
            ClientError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The stable problem `code`.
    pub fn code(&self) -> Option<&str> {
        self.problem().map(|p| p.code.as_str())
    }
}

pub type Result<T> = std::result::Result<T, ClientError>;

/// Options of a creating call.
#[derive(Debug, Clone, Default)]
pub struct CreateOptions {
    /// The calling system's own reference for the new request (unique per system).
    pub external_ref: Option<String>,
    /// Makes a retry with the same key and body return the first response.
    pub idempotency_key: Option<String>,
}

/// A raw response: status, headers (lower-case names) and JSON body.
#[derive(Debug, Clone)]
pub struct RawResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: serde_json::Value,
}

impl RawResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}
