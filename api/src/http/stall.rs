//! Request bodies that stop arriving are cut off: a client gone without closing its
//! connection, or one that trickles on purpose, would otherwise hold what its request
//! holds (an upload's transfer, above all) for as long as the connection lives.

use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::sync::Arc;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::error::PayloadError;
use actix_web::http::{header, ConnectionType};
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage, ResponseError};
use futures_util::StreamExt;

use crate::app::InputError;
use crate::error::ApiError;

/// Whether the request says a body follows (requests without one are left alone).
fn has_body(req: &ServiceRequest) -> bool {
    let headers = req.headers();
    headers.contains_key(header::TRANSFER_ENCODING)
        || headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).is_some_and(|v| v.trim() != "0")
}

/// The least of a body that must arrive in each `--body-idle-seconds` of waiting for it
/// (16 KiB a minute by default: 2 kbit/s, below any real link): a client that sends a
/// byte now and then, never quite silent, is cut off as a silent one is.
pub const MIN_BYTES_PER_WINDOW: usize = 16 * 1024;

/// Gives the handler the body through a watch: when nothing of it arrives for
/// `--body-idle-seconds`, or less than [`MIN_BYTES_PER_WINDOW`] (a trickle) in any such
/// span of waiting for it, the handler's read fails (so it stores nothing and lets go
/// of what it holds), and the answer is `408 body_stalled` with `Connection: close`
/// (RFC 9110 §15.5.9), whatever the handler made of the failed read. Only the time the
/// handler waits counts: one that pauses to store what it has read does not cut its
/// own client off.
pub async fn cut_stalled_bodies(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let idle = match req.app_data::<web::Data<crate::AppState>>() {
        Some(state) if has_body(&req) => state.settings.body_idle,
        _ => return Ok(next.call(req).await?.map_into_boxed_body()),
    };
    let stalled = Arc::new(AtomicBool::new(false));
    let flag = stalled.clone();
    // The payload, how long it has been waited for in this window, and what came.
    let start = (req.take_payload(), std::time::Duration::ZERO, 0usize);
    let watched = futures_util::stream::unfold(Some(start), move |state| {
        let flag = flag.clone();
        async move {
            let (mut payload, mut waited, mut got) = state?;
            // How long it has been waited for since the last of it came.
            let mut silent = std::time::Duration::ZERO;
            loop {
                let since = std::time::Instant::now();
                let next = tokio::time::timeout(idle.saturating_sub(waited.max(silent)), payload.next()).await;
                waited += since.elapsed();
                silent += since.elapsed();
                let chunk = match next {
                    Ok(Some(Ok(chunk))) => {
                        got += chunk.len();
                        silent = std::time::Duration::ZERO;
                        Some(Ok(chunk))
                    }
                    Ok(Some(Err(e))) => return Some((Err(e), None)),
                    Ok(None) => return None,
                    Err(_) => None,
                };
                if silent >= idle || (waited >= idle && got < MIN_BYTES_PER_WINDOW) {
                    flag.store(true, SeqCst);
                    let cut = std::io::Error::new(std::io::ErrorKind::TimedOut, "the request body stalled");
                    return Some((Err(PayloadError::Io(cut)), None));
                }
                if waited >= idle {
                    (waited, got) = (std::time::Duration::ZERO, 0);
                }
                if let Some(chunk) = chunk {
                    return Some((chunk, Some((payload, waited, got))));
                }
            }
        }
    })
    .fuse(); // multipart readers poll again after the end
    req.set_payload(Payload::Stream { payload: Box::pin(watched) });
    let res = next.call(req).await?;
    if !stalled.load(SeqCst) {
        return Ok(res.map_into_boxed_body());
    }
    tracing::info!(seconds = idle.as_secs(), path = %res.request().path(), "request body stalled; cut off");
    let mut answer = ApiError::from(InputError::BodyStalled { seconds: idle.as_secs() }).error_response();
    answer.head_mut().set_connection_type(ConnectionType::Close);
    Ok(res.into_response(answer))
}
