//! One HTTP exchange as the client makes it, on two transports: reqwest natively, and in
//! the browser the Fetch API through gloo-net. reqwest's own wasm build brings the `url`
//! crate with `idna`'s Unicode tables and `http`'s header tables along: about 100 KB of
//! the SPA's gzipped wasm for what `fetch` already does (docs/benchmarks.md, "The SPA's
//! size"). Every call builds a [`Req`]; only [`Client::send`] differs per target.

use send_wrapper::SendWrapper;
use serde::Serialize;

use crate::{Client, ClientError, Result};

pub use http::Method;

/// The error of the transport underneath: reqwest's natively, gloo-net's in the browser.
#[cfg(not(target_arch = "wasm32"))]
pub type TransportError = reqwest::Error;
/// The error of the transport underneath: reqwest's natively, gloo-net's in the browser.
#[cfg(target_arch = "wasm32")]
pub type TransportError = gloo_net::Error;

/// A request about to be sent.
pub(crate) struct Req {
    method: Method,
    url: String,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body: Body,
}

enum Body {
    Empty,
    Bytes(Vec<u8>),
    Form(Vec<Part>),
}

/// A part of a `multipart/form-data` body.
pub(crate) enum Part {
    Text { name: &'static str, value: String },
    File { name: &'static str, filename: String, body: Upload },
}

/// A file to upload: bytes at hand, or in the browser a file the person picked, which
/// the browser sends from disk as it reads it (a large file is never copied into the
/// page's memory).
pub struct Upload(pub(crate) Source);

/// What an [`Upload`] sends. A browser's file is a type on every target (so that the
/// SPA's code also compiles natively, for the workspace's lints), wrapped to keep the
/// native client's futures `Send`; only the browser can make or send one.
#[cfg_attr(not(target_arch = "wasm32"), expect(dead_code, reason = "only the browser reads a browser's file"))]
pub(crate) enum Source {
    Bytes(Vec<u8>),
    Blob(SendWrapper<web_sys::Blob>),
    /// A picked file whose upload reports how much of the request has gone (0 to 1).
    Watched(SendWrapper<web_sys::Blob>, SendWrapper<std::rc::Rc<dyn Fn(f64)>>),
}

impl Upload {
    /// `blob`, with `progress` told the share of the request sent as it goes.
    pub fn watched(blob: web_sys::Blob, progress: impl Fn(f64) + 'static) -> Upload {
        Upload(Source::Watched(SendWrapper::new(blob), SendWrapper::new(std::rc::Rc::new(progress))))
    }
}

impl From<Vec<u8>> for Upload {
    fn from(bytes: Vec<u8>) -> Upload {
        Upload(Source::Bytes(bytes))
    }
}

impl From<web_sys::Blob> for Upload {
    fn from(blob: web_sys::Blob) -> Upload {
        Upload(Source::Blob(SendWrapper::new(blob)))
    }
}

/// An answer, its body read whole.
pub(crate) struct Res {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Res {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The body as text (UTF-8; what is not UTF-8 is replaced, as reqwest does).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

impl Req {
    pub fn new(method: Method, url: String) -> Req {
        Req { method, url, query: Vec::new(), headers: Vec::new(), body: Body::Empty }
    }

    /// Adds query parameters (encoded by the transport).
    pub fn query<V: ToString>(mut self, pairs: &[(&str, V)]) -> Req {
        self.query.extend(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        self
    }

    pub fn header(mut self, name: &str, value: impl Into<String>) -> Req {
        self.headers.push((name.to_string(), value.into()));
        self
    }

    /// `Authorization: Bearer …` when there is a token.
    pub fn bearer(self, token: Option<&str>) -> Req {
        match token {
            Some(t) => self.header("Authorization", format!("Bearer {t}")),
            None => self,
        }
    }

    /// A JSON body.
    pub fn json<B: Serialize + ?Sized>(self, body: &B) -> Result<Req> {
        let bytes = serde_json::to_vec(body).map_err(|e| ClientError::Encode(e.to_string()))?;
        Ok(self.body("application/json", bytes))
    }

    /// A body of the given media type.
    pub fn body(mut self, content_type: &str, bytes: Vec<u8>) -> Req {
        self = self.header("Content-Type", content_type);
        self.body = Body::Bytes(bytes);
        self
    }

    /// A `multipart/form-data` body (the transport writes its boundary).
    pub fn form(mut self, parts: Vec<Part>) -> Req {
        self.body = Body::Form(parts);
        self
    }
}

impl Client {
    /// A request to `/api/v1{path}`, without credentials.
    pub(crate) fn req(&self, method: Method, path: &str) -> Req {
        Req::new(method, self.url(path))
    }

    /// A request to `/api/v1{path}` with the access token, when there is one.
    pub(crate) fn authed(&self, method: Method, path: &str) -> Req {
        self.req(method, path).bearer(self.access_token.as_deref())
    }

    #[cfg(not(target_arch = "wasm32"))]
    pub(crate) async fn send(&self, req: Req) -> Result<Res> {
        let mut b = self.http.request(req.method, &req.url);
        if !req.query.is_empty() {
            b = b.query(&req.query);
        }
        for (name, value) in &req.headers {
            b = b.header(name, value);
        }
        b = match req.body {
            Body::Empty => b,
            Body::Bytes(bytes) => b.body(bytes),
            Body::Form(parts) => {
                let mut form = reqwest::multipart::Form::new();
                for part in parts {
                    form = match part {
                        Part::Text { name, value } => form.text(name, value),
                        Part::File { name, filename, body: Upload(Source::Bytes(bytes)) } => {
                            form.part(name, reqwest::multipart::Part::bytes(bytes).file_name(filename))
                        }
                        Part::File { .. } => return Err(ClientError::Encode("a browser's file can only be sent from the browser".into())),
                    };
                }
                b.multipart(form)
            }
        };
        let res = b.send().await?;
        let status = res.status().as_u16();
        let headers = res.headers().iter().map(|(n, v)| (n.as_str().to_string(), v.to_str().unwrap_or_default().to_string())).collect();
        let body = res.bytes().await?.to_vec();
        Ok(Res { status, headers, body })
    }

    #[cfg(target_arch = "wasm32")]
    pub(crate) async fn send(&self, mut req: Req) -> Result<Res> {
        use gloo_net::http::RequestBuilder;
        let js = |e: wasm_bindgen::JsValue| ClientError::Transport(gloo_net::Error::GlooError(format!("{e:?}")));
        let mut b = RequestBuilder::new(&req.url).method(req.method.clone());
        if !req.query.is_empty() {
            b = b.query(req.query.iter().map(|(k, v)| (k.as_str(), v)));
        }
        for (name, value) in &req.headers {
            b = b.header(name, value);
        }
        let request = match req.body {
            Body::Empty => b.build()?,
            Body::Bytes(bytes) => b.body(js_sys::Uint8Array::from(&bytes[..]))?,
            Body::Form(ref mut parts) => {
                let form = web_sys::FormData::new().map_err(js)?;
                let mut watch = None;
                for part in std::mem::take(parts) {
                    match part {
                        Part::Text { name, value } => form.append_with_str(name, &value).map_err(js)?,
                        Part::File { name, filename, body: Upload(Source::Bytes(bytes)) } => {
                            let chunks = js_sys::Array::of1(&js_sys::Uint8Array::from(&bytes[..]));
                            let blob = web_sys::Blob::new_with_u8_array_sequence(&chunks).map_err(js)?;
                            form.append_with_blob_and_filename(name, &blob, &filename).map_err(js)?
                        }
                        Part::File { name, filename, body: Upload(Source::Blob(blob)) } => {
                            form.append_with_blob_and_filename(name, &blob, &filename).map_err(js)?
                        }
                        Part::File { name, filename, body: Upload(Source::Watched(blob, progress)) } => {
                            watch = Some(progress.take());
                            form.append_with_blob_and_filename(name, &blob, &filename).map_err(js)?
                        }
                    }
                }
                if let Some(progress) = watch {
                    return send_watched(&req, form, progress).await;
                }
                b.body(form)?
            }
        };
        let res = request.send().await?;
        let headers = res.headers().entries().collect();
        Ok(Res { status: res.status(), headers, body: res.binary().await? })
    }
}

/// Sends a form by XMLHttpRequest, the one browser API that reports an upload's
/// progress, telling `progress` the share of the request sent.
#[cfg(target_arch = "wasm32")]
async fn send_watched(req: &Req, form: web_sys::FormData, progress: std::rc::Rc<dyn Fn(f64)>) -> Result<Res> {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    let js = |e: wasm_bindgen::JsValue| ClientError::Transport(gloo_net::Error::GlooError(format!("{e:?}")));
    let mut url = req.url.clone();
    for (i, (k, v)) in req.query.iter().enumerate() {
        url.push(if i == 0 { '?' } else { '&' });
        url.push_str(&format!("{}={}", js_sys::encode_uri_component(k), js_sys::encode_uri_component(v)));
    }
    let xhr = web_sys::XmlHttpRequest::new().map_err(js)?;
    xhr.open(req.method.as_str(), &url).map_err(js)?;
    for (name, value) in &req.headers {
        xhr.set_request_header(name, value).map_err(js)?;
    }
    xhr.set_response_type(web_sys::XmlHttpRequestResponseType::Arraybuffer);
    let on_progress = Closure::<dyn Fn(web_sys::ProgressEvent)>::new(move |e: web_sys::ProgressEvent| {
        if e.length_computable() && e.total() > 0.0 {
            progress(e.loaded() / e.total());
        }
    });
    xhr.upload().map_err(js)?.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
    let answered = js_sys::Promise::new(&mut |resolve, reject| {
        xhr.set_onload(Some(&resolve));
        xhr.set_onerror(Some(&reject));
        xhr.set_onabort(Some(&reject));
    });
    xhr.send_with_opt_form_data(Some(&form)).map_err(js)?;
    let sent = wasm_bindgen_futures::JsFuture::from(answered).await;
    drop(on_progress);
    sent.map_err(|_| ClientError::Transport(gloo_net::Error::GlooError("the upload did not reach the server".into())))?;
    let status = xhr.status().map_err(js)?;
    let headers = xhr
        .get_all_response_headers()
        .map_err(js)?
        .lines()
        .filter_map(|l| l.split_once(':').map(|(n, v)| (n.trim().to_string(), v.trim().to_string())))
        .collect();
    let body = xhr.response().map_err(js)?;
    let body = if body.is_null() { Vec::new() } else { js_sys::Uint8Array::new(&body).to_vec() };
    Ok(Res { status, headers, body })
}
