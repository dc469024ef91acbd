//! The HTTP side: one axum router whose handler dispatches every request the way the Node backend
//! did (on the normalized path: preflight, admin, static files, API routes, the app, else 404),
//! under the CORS and logging layers.

use std::io;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::from_fn;
use axum::response::{IntoResponse, Response};
use axum::Router;
use http_body::Frame;

use crate::api::{self, Api};
use crate::http::{normalize_path, parse_json, read_body, ApiRequest, Outcome, Reply};
use crate::log::{NoAnswer, RouteLabel};
use crate::state::Backend;
use crate::{admin, cors, files, log};

/// Everything the handler needs: the backend's state, its routes and what is switched on.
#[derive(Debug)]
pub struct App {
    /// Tokens, counters, faults.
    pub backend: Backend,
    /// The flavours' routes.
    api: Api,
    /// Whether `/__admin/*` answers (`--admin`).
    admin: bool,
    /// `--static DIR`, served under `/static/`.
    static_dir: Option<PathBuf>,
    /// `--app DIR`, served at `/`.
    app_dir: Option<PathBuf>,
}

impl App {
    /// The app over `backend`.
    pub fn new(backend: Backend, admin: bool, static_dir: Option<PathBuf>, app_dir: Option<PathBuf>) -> Self {
        Self { backend, api: Api::default(), admin, static_dir, app_dir }
    }
}

/// The router: the dispatcher under CORS, and the request log unless `quiet`.
pub fn router(app: Arc<App>, quiet: bool) -> Router {
    let router = Router::new().fallback(dispatch).with_state(app).layer(from_fn(cors::apply));
    if quiet {
        router
    } else {
        router.layer(from_fn(log::record))
    }
}

/// A body that fails at once: hyper then closes the connection without a complete answer, as the
/// Node backend destroyed the socket of a hung call.
#[derive(Debug)]
struct Severed;

impl HttpBody for Severed {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        Poll::Ready(Some(Err(io::Error::new(io::ErrorKind::ConnectionAborted, "injected hang ended"))))
    }
}

/// The one handler.
async fn dispatch(State(app): State<Arc<App>>, request: Request) -> Response {
    match route(&app, request).await {
        Outcome::Reply(reply) => reply.into_response(),
        Outcome::Severed => {
            let mut response = Response::new(Body::new(Severed));
            response.extensions_mut().insert(NoAnswer);
            response
        }
    }
}

/// Whether `path` is `prefix` or under it.
fn under(path: &str, prefix: &str) -> bool {
    path.strip_prefix(prefix).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// Routes one request; see the module documentation for the order.
async fn route(app: &App, request: Request) -> Outcome {
    let (parts, body) = request.into_parts();
    let method = &parts.method;
    let path = &normalize_path(parts.uri.path());
    if method == Method::OPTIONS {
        return Reply::empty(StatusCode::NO_CONTENT).into();
    }
    if let Some(name) = path.strip_prefix("/__admin/").filter(|_| app.admin) {
        let json = match read_body(body).await {
            Ok(bytes) => parse_json(&bytes),
            Err(error) => return error.reply().into(),
        };
        return admin::handle(&app.backend, method, name, json.as_ref())
            .unwrap_or_else(Reply::not_found)
            .into();
    }
    let readable = method == Method::GET || method == Method::HEAD;
    if let Some(root) = app.static_dir.as_deref().filter(|_| readable) {
        if let Some(relative) = path.strip_prefix("/static/") {
            return files::serve_static(root, relative).await.into();
        }
    }
    if let Some(matched) = app.api.find(method, path) {
        if let Some(label) = parts.extensions.get::<RouteLabel>() {
            label.set(&matched.key);
        }
        app.backend.ledger().counters.requests.bump(&matched.key);
        let bytes = match read_body(body).await {
            Ok(bytes) => bytes,
            Err(error) => return error.reply().into(),
        };
        let request = ApiRequest {
            method: parts.method.clone(),
            query: parts.uri.query().map(str::to_owned),
            params: matched.params,
            json: parse_json(&bytes),
            bytes,
            headers: parts.headers,
        };
        return api::handle(&app.backend, matched.endpoint, &request).await;
    }
    if let Some(root) = app.app_dir.as_deref().filter(|_| readable) {
        if !Api::is_api_path(path) && !under(path, "/__admin") && !under(path, "/static") {
            return files::serve_app(root, path).await.into();
        }
    }
    Reply::not_found().into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jwt::Jwt;
    use crate::tokens::{Authority, Ids};
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    use tokio::net::{TcpListener, TcpStream};

    /// Serves a fresh backend on a free port; returns its address.
    async fn serve(admin: bool) -> std::net::SocketAddr {
        let authority = Authority::new(Jwt::new(b"k").unwrap(), Ids::new([3; 32]), 3600, 86400);
        let app = Arc::new(App::new(Backend::new(authority), admin, None, None));
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, router(app, true)).await });
        address
    }

    /// One HTTP/1.1 exchange on its own connection: the raw answer (empty when none came).
    async fn exchange(address: std::net::SocketAddr, head: &str, body: &str) -> String {
        let mut stream = TcpStream::connect(address).await.unwrap();
        let request =
            format!("{head}\r\nHost: x\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}", body.len());
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer).await;
        String::from_utf8_lossy(&answer).into_owned()
    }

    #[tokio::test]
    async fn admin_is_off_without_the_flag_and_cors_is_on_everywhere() {
        let address = serve(false).await;
        let answer = exchange(address, "GET /__admin/counters HTTP/1.1", "").await;
        assert!(answer.starts_with("HTTP/1.1 404"), "{answer}");
        assert!(answer.ends_with(r#"{"code":404,"error":"not_found"}"#), "{answer}");
        assert!(answer.contains("access-control-allow-origin: *"), "{answer}");

        let preflight = "OPTIONS /s001/api/me HTTP/1.1\r\nOrigin: http://127.0.0.1:1\r\n\
                         Access-Control-Request-Headers: authorization";
        let answer = exchange(address, preflight, "").await;
        assert!(answer.starts_with("HTTP/1.1 204"), "{answer}");
        assert!(answer.contains("access-control-allow-origin: http://127.0.0.1:1"), "{answer}");
        assert!(answer.contains("access-control-allow-credentials: true"), "{answer}");
        assert!(answer.contains("access-control-allow-headers: authorization"), "{answer}");
    }

    #[tokio::test]
    async fn login_me_and_a_hang_that_a_reset_ends_without_an_answer() {
        let address = serve(true).await;
        let login = exchange(address, "POST /s001/login HTTP/1.1", r#"{"user":"ann"}"#).await;
        let body: serde_json::Value = serde_json::from_str(login.split("\r\n\r\n").nth(1).unwrap()).unwrap();
        let token = body["access_token"].as_str().unwrap();
        let me =
            exchange(address, &format!("GET /s001/api/me HTTP/1.1\r\nAuthorization: Bearer {token}"), "")
                .await;
        assert!(me.contains(r#""user":"ann""#), "{me}");

        let fault =
            exchange(address, "POST /__admin/refresh-faults HTTP/1.1", r#"{"count":1,"kind":"hang"}"#).await;
        assert!(fault.starts_with("HTTP/1.1 200"), "{fault}");
        let hung = tokio::spawn(exchange(address, "POST /s001/api/v1/refresh_token HTTP/1.1", "{}"));
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        assert!(!hung.is_finished(), "the hung call got an answer");
        exchange(address, "POST /__admin/reset HTTP/1.1", "").await;
        let answer = tokio::time::timeout(std::time::Duration::from_secs(5), hung).await.unwrap().unwrap();
        assert_eq!(answer, "", "the connection is dropped without an answer");

        let counters = exchange(address, "GET /__admin/counters HTTP/1.1", "").await;
        assert!(
            counters.ends_with(r#"{"requests":{},"refreshCalls":0,"reuseDetections":0,"tokensSeen":[]}"#),
            "{counters}"
        );
    }

    #[tokio::test]
    async fn a_429_fault_says_when_to_retry_and_cross_origin_pages_may_read_it() {
        let address = serve(true).await;
        let fault = exchange(
            address,
            "POST /__admin/refresh-faults HTTP/1.1",
            r#"{"count":1,"kind":"429","ms":1500}"#,
        )
        .await;
        assert!(fault.starts_with("HTTP/1.1 200"), "{fault}");
        let refresh = "POST /s001/api/v1/refresh_token HTTP/1.1\r\nOrigin: http://127.0.0.1:1";
        let answer = exchange(address, refresh, "{}").await;
        assert!(answer.starts_with("HTTP/1.1 429"), "{answer}");
        assert!(answer.contains("\r\nretry-after: 2\r\n"), "{answer}");
        assert!(answer.ends_with(r#"{"code":429,"msg":"slow down"}"#), "{answer}");
        // A page that sends credentials reads only the headers exposed by name.
        assert!(answer.contains("access-control-allow-credentials: true"), "{answer}");
        let exposed = answer
            .lines()
            .find_map(|line| line.strip_prefix("access-control-expose-headers: "))
            .unwrap_or_default()
            .to_ascii_lowercase();
        let names: Vec<&str> = exposed.split(", ").collect();
        for name in ["retry-after", "date", "www-authenticate", "*"] {
            assert!(names.contains(&name), "{name} is not exposed: {answer}");
        }
        assert!(answer.contains("\r\ndate: "), "no Date header to expose: {answer}");
        // The fault is spent: the next call is answered by the flavour (no such refresh token).
        let next = exchange(address, refresh, "{}").await;
        assert!(!next.starts_with("HTTP/1.1 429"), "{next}");
    }
}
