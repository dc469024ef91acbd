//! Files from disk: `GET /static/<path>` under `--static DIR` (so the browser tests load the built
//! package and the test page from the API's own origin), and a built single-page app under
//! `--app DIR` at `/` (its `index.html` also answers unknown page paths, for client-side routing).
//! A `..` segment is refused outright; nothing outside the directory is ever read.

use std::path::{Path, PathBuf};

use axum::http::StatusCode;

use crate::http::{percent_decode, Reply};

/// Content types by extension (lower case); anything else is `application/octet-stream`.
const TYPES: [(&str, &str); 19] = [
    ("js", "text/javascript; charset=utf-8"),
    ("mjs", "text/javascript; charset=utf-8"),
    ("wasm", "application/wasm"), // required by WebAssembly.instantiateStreaming
    ("html", "text/html; charset=utf-8"),
    ("json", "application/json; charset=utf-8"),
    ("css", "text/css; charset=utf-8"),
    ("map", "application/json; charset=utf-8"),
    ("ts", "text/plain; charset=utf-8"),
    ("txt", "text/plain; charset=utf-8"),
    ("svg", "image/svg+xml"),
    ("png", "image/png"),
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("gif", "image/gif"),
    ("webp", "image/webp"),
    ("ico", "image/x-icon"),
    ("woff", "font/woff"),
    ("woff2", "font/woff2"),
    ("webmanifest", "application/manifest+json"),
];

/// The content type of a file, by its extension.
fn content_type(path: &Path) -> &'static str {
    let extension =
        path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).unwrap_or_default();
    TYPES.iter().find(|(ext, _)| *ext == extension).map_or("application/octet-stream", |(_, t)| t)
}

/// The plain 404 of the file routes.
fn not_found() -> Reply {
    Reply::text(StatusCode::NOT_FOUND, "not found")
}

/// The plain 403 of a path that tries to leave the directory.
fn forbidden() -> Reply {
    Reply::text(StatusCode::FORBIDDEN, "forbidden")
}

/// Where a file path is found.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Resolved {
    /// The directory itself (the empty path).
    Root,
    /// A path strictly inside it.
    Inside(PathBuf),
}

/// Resolves `relative` (the URL path after the route's prefix, still percent-encoded) under `root`:
/// `Err` with the answer when it is malformed (404) or tries to leave the directory (403).
fn resolve(root: &Path, relative: &str) -> Result<Resolved, Reply> {
    let decoded = percent_decode(relative).ok_or_else(not_found)?;
    if decoded.contains('\0') || decoded.split(['/', '\\']).any(|segment| segment == "..") {
        return Err(forbidden());
    }
    if decoded.starts_with('/') {
        return Err(forbidden()); // absolute: outside the root
    }
    let mut path = root.to_path_buf();
    let mut depth = 0;
    for segment in decoded.split('/').filter(|s| !s.is_empty() && *s != ".") {
        path.push(segment);
        depth += 1;
    }
    Ok(if depth == 0 { Resolved::Root } else { Resolved::Inside(path) })
}

/// The file at `path` with its content type, never cached; `None` when it is not a readable file.
async fn read(path: &Path) -> Option<Reply> {
    if !tokio::fs::metadata(path).await.ok()?.is_file() {
        return None;
    }
    let body = tokio::fs::read(path).await.ok()?;
    // no-store: the tests must always load the package as it was last built.
    Some(Reply::bytes(StatusCode::OK, body, content_type(path)).no_store())
}

/// `GET /static/<relative>` under `root`.
pub async fn serve_static(root: &Path, relative: &str) -> Reply {
    match resolve(root, relative) {
        Err(refusal) => refusal,
        Ok(Resolved::Root) => forbidden(),
        Ok(Resolved::Inside(path)) => read(&path).await.unwrap_or_else(not_found),
    }
}

/// `GET <path>` of the single-page app under `root`: the file, else `index.html` for a page path
/// (one whose last segment has no extension: a client-side route), else 404.
pub async fn serve_app(root: &Path, path: &str) -> Reply {
    let relative = path.strip_prefix('/').unwrap_or(path);
    let index = root.join("index.html");
    match resolve(root, relative) {
        Err(refusal) => refusal,
        Ok(Resolved::Root) => read(&index).await.unwrap_or_else(not_found),
        Ok(Resolved::Inside(file)) => {
            if let Some(reply) = read(&file).await {
                return reply;
            }
            let last = relative.rsplit('/').next().unwrap_or_default();
            if last.contains('.') {
                return not_found();
            }
            read(&index).await.unwrap_or_else(not_found)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inside(path: &str) -> Resolved {
        Resolved::Inside(PathBuf::from(path))
    }

    #[test]
    fn paths_resolve_inside_the_root_only() {
        let root = Path::new("/srv/www");
        assert_eq!(resolve(root, "pkg/index.js"), Ok(inside("/srv/www/pkg/index.js")));
        assert_eq!(resolve(root, "a%20b/c.txt"), Ok(inside("/srv/www/a b/c.txt")));
        assert_eq!(resolve(root, "./a//b"), Ok(inside("/srv/www/a/b")));
        assert_eq!(resolve(root, ""), Ok(Resolved::Root));
        assert_eq!(resolve(root, "."), Ok(Resolved::Root));
        for evil in ["../etc/passwd", "a/../../x", "%2e%2e/x", "a%2F..%2Fb", "..%5Cx", "/etc/passwd", "a%00b"]
        {
            assert_eq!(resolve(root, evil).unwrap_err().status, StatusCode::FORBIDDEN, "{evil}");
        }
        assert_eq!(resolve(root, "%zz").unwrap_err().status, StatusCode::NOT_FOUND);
    }

    #[test]
    fn content_types_follow_the_extension() {
        assert_eq!(content_type(Path::new("m.WASM")), "application/wasm");
        assert_eq!(content_type(Path::new("index.js")), "text/javascript; charset=utf-8");
        assert_eq!(content_type(Path::new("README")), "application/octet-stream");
    }
}
