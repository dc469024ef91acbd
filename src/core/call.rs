//! The decisions of an axios-shaped call (`request`, `get`, `post`…), as axios 1.x makes them:
//! the method, what the body becomes, which headers go out, which statuses resolve, the error code
//! of a refused status, and how a business envelope (`{code, data, message}`) is unwrapped. The web
//! side reads the config object and the answer; this decides.

use super::classify::Code;

/// The method of a call: axios' default is GET; any case is accepted and sent upper-case (the
/// Fetch standard only normalises the six common ones). `None` for a method that is not a token.
pub fn method(given: Option<&str>) -> Option<String> {
    let given = given.unwrap_or("get");
    let valid = !given.is_empty()
        && given.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
    valid.then(|| given.to_ascii_uppercase())
}

/// What the web side found the `data` of a call to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataKind {
    /// `undefined` or `null`.
    Absent,
    /// A string.
    Text,
    /// `FormData`.
    Form,
    /// `URLSearchParams`.
    Search,
    /// A `Blob`, an `ArrayBuffer` or a typed array / `DataView`.
    Binary,
    /// A `ReadableStream`.
    Stream,
    /// A plain object or an array (anything else that is an object too).
    Object,
    /// A number, a boolean or a bigint.
    Scalar,
}

/// What goes out as the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyPlan {
    /// No body.
    None,
    /// The value itself: `fetch` knows how to send it (and sets the content type of a form or
    /// search params itself).
    AsIs,
    /// `JSON.stringify` of the value, as `application/json`.
    Json,
}

/// The body of a call with `method` (already upper-case) and `data` of `kind`. GET and HEAD send
/// none (`fetch` refuses one).
pub fn body_plan(method: &str, kind: DataKind) -> BodyPlan {
    match kind {
        _ if method == "GET" || method == "HEAD" => BodyPlan::None,
        DataKind::Absent => BodyPlan::None,
        DataKind::Object => BodyPlan::Json,
        DataKind::Text
        | DataKind::Form
        | DataKind::Search
        | DataKind::Binary
        | DataKind::Stream
        | DataKind::Scalar => BodyPlan::AsIs,
    }
}

/// The headers that go out: the client's defaults, then the call's (a `null` or `undefined` value
/// removes a default), names compared without case. A JSON body gets `Content-Type:
/// application/json` unless one is set; a `FormData` body loses any content type, so that the
/// browser writes its boundary.
pub fn headers(
    defaults: &[(String, String)],
    call: &[(String, Option<String>)],
    plan: BodyPlan,
    kind: DataKind,
) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = defaults.to_vec();
    for (name, value) in call {
        out.retain(|(existing, _)| !existing.eq_ignore_ascii_case(name));
        if let Some(value) = value {
            out.push((name.clone(), value.clone()));
        }
    }
    let is_content_type = |(name, _): &(String, String)| name.eq_ignore_ascii_case("content-type");
    if kind == DataKind::Form && plan == BodyPlan::AsIs {
        out.retain(|header| !is_content_type(header));
    }
    if plan == BodyPlan::Json && !out.iter().any(is_content_type) {
        out.push(("Content-Type".to_owned(), "application/json".to_owned()));
    }
    out
}

/// Whether the default `validateStatus` accepts `status`: 2xx.
pub fn accepted_by_default(status: u16) -> bool {
    (200..300).contains(&status)
}

/// The `code` of the error for a refused status, as axios names it: `ERR_BAD_REQUEST` for 4xx,
/// `ERR_BAD_RESPONSE` for 5xx, none otherwise.
pub fn status_code_name(status: u16) -> Option<&'static str> {
    match status / 100 {
        4 => Some("ERR_BAD_REQUEST"),
        5 => Some("ERR_BAD_RESPONSE"),
        _ => None,
    }
}

/// How the answer's body is read (`responseType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ResponseType {
    /// Text, parsed as JSON when it is JSON (axios' default: text that is not JSON stays text).
    #[default]
    Json,
    /// Text.
    Text,
    /// A `Blob`.
    Blob,
    /// An `ArrayBuffer`.
    ArrayBuffer,
}

impl ResponseType {
    /// The `responseType` option; `None` for a value `fetch` cannot give (`document`, `stream`).
    pub fn parse(text: &str) -> Option<ResponseType> {
        match text {
            "json" => Some(ResponseType::Json),
            "text" => Some(ResponseType::Text),
            "blob" => Some(ResponseType::Blob),
            "arraybuffer" => Some(ResponseType::ArrayBuffer),
            _ => None,
        }
    }
}

/// The `envelope` option: the business envelope of the seeds' backends, `{code, data, message}`.
#[derive(Debug, Clone, PartialEq)]
pub struct Envelope {
    /// Dotted path of the code (default `code`).
    pub code: String,
    /// The codes that mean success (default `[0]`).
    pub success: Vec<Code>,
    /// Dotted path of what a success resolves with; `None`: the whole body (seed 000 returns it).
    pub data: Option<String>,
    /// Dotted path of the message of a failure (default `message`).
    pub message: String,
}

impl Default for Envelope {
    fn default() -> Envelope {
        Envelope {
            code: "code".to_owned(),
            success: vec![Code::from_text("0")],
            data: Some("data".to_owned()),
            message: "message".to_owned(),
        }
    }
}

/// What an answer in an envelope comes to.
#[derive(Debug, Clone, PartialEq)]
pub enum Unwrapped {
    /// The body has no code: it is not an envelope (a file, a plain list) and is handed over as
    /// it is.
    NotEnvelope,
    /// A success: resolve with the value at [`Envelope::data`] (the body when `None`).
    Success,
    /// Another code: reject with it and the message.
    Failure(Code),
}

/// Unwraps an envelope whose code is `code` (read at [`Envelope::code`]).
pub fn unwrap(envelope: &Envelope, code: Option<Code>) -> Unwrapped {
    match code {
        None => Unwrapped::NotEnvelope,
        Some(code) if envelope.success.contains(&code) => Unwrapped::Success,
        Some(code) => Unwrapped::Failure(code),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn methods_default_to_get_and_go_out_upper_case() {
        let cases = [
            (None, Some("GET")),
            (Some("post"), Some("POST")),
            (Some("PaTcH"), Some("PATCH")),
            (Some("propfind"), Some("PROPFIND")),
            (Some(""), None),
            (Some("GET /x"), None),
            (Some("pöst"), None),
        ];
        for (given, expected) in cases {
            assert_eq!(method(given).as_deref(), expected, "{given:?}");
        }
    }

    #[test]
    fn bodies_follow_what_the_data_is() {
        use BodyPlan::*;
        use DataKind::*;
        let cases = [
            ("POST", Object, Json),
            ("PUT", Text, AsIs),
            ("POST", Form, AsIs),
            ("POST", Search, AsIs),
            ("POST", Binary, AsIs),
            ("POST", Stream, AsIs),
            ("POST", Scalar, AsIs),
            ("POST", Absent, None),
            ("GET", Object, None),
            ("HEAD", Text, None),
            ("DELETE", Object, Json),
        ];
        for (method, kind, expected) in cases {
            assert_eq!(body_plan(method, kind), expected, "{method} {kind:?}");
        }
    }

    #[test]
    fn headers_merge_without_case_and_follow_the_body() {
        let defaults =
            vec![("X-App".to_owned(), "1".to_owned()), ("Accept".to_owned(), "application/json".to_owned())];
        let some = |n: &str, v: &str| (n.to_owned(), Some(v.to_owned()));
        let names = |headers: Vec<(String, String)>| {
            headers.into_iter().map(|(n, v)| format!("{n}: {v}")).collect::<Vec<_>>().join(", ")
        };
        type Case = (Vec<(String, Option<String>)>, BodyPlan, DataKind, &'static str);
        let cases: Vec<Case> = vec![
            (vec![], BodyPlan::None, DataKind::Absent, "X-App: 1, Accept: application/json"),
            (
                vec![some("x-app", "2")],
                BodyPlan::None,
                DataKind::Absent,
                "Accept: application/json, x-app: 2",
            ),
            (vec![("accept".to_owned(), None)], BodyPlan::None, DataKind::Absent, "X-App: 1"),
            (
                vec![],
                BodyPlan::Json,
                DataKind::Object,
                "X-App: 1, Accept: application/json, Content-Type: application/json",
            ),
            (
                vec![some("content-type", "application/vnd.api+json")],
                BodyPlan::Json,
                DataKind::Object,
                "X-App: 1, Accept: application/json, content-type: application/vnd.api+json",
            ),
            (
                vec![some("Content-Type", "multipart/form-data")],
                BodyPlan::AsIs,
                DataKind::Form,
                "X-App: 1, Accept: application/json",
            ),
            (
                vec![some("Content-Type", "text/csv")],
                BodyPlan::AsIs,
                DataKind::Text,
                "X-App: 1, Accept: application/json, Content-Type: text/csv",
            ),
        ];
        for (call, plan, kind, expected) in cases {
            assert_eq!(names(headers(&defaults, &call, plan, kind)), expected, "{call:?}");
        }
    }

    #[test]
    fn statuses_resolve_or_reject_as_axios_settles_them() {
        let cases = [
            (200, true, None),
            (204, true, None),
            (299, true, None),
            (304, false, None),
            (401, false, Some("ERR_BAD_REQUEST")),
            (404, false, Some("ERR_BAD_REQUEST")),
            (500, false, Some("ERR_BAD_RESPONSE")),
            (503, false, Some("ERR_BAD_RESPONSE")),
        ];
        for (status, accepted, code) in cases {
            assert_eq!(accepted_by_default(status), accepted, "{status}");
            assert_eq!(status_code_name(status), code, "{status}");
        }
    }

    #[test]
    fn response_types_are_those_fetch_can_give() {
        assert_eq!(ResponseType::default(), ResponseType::Json);
        let cases = [
            ("json", Some(ResponseType::Json)),
            ("text", Some(ResponseType::Text)),
            ("blob", Some(ResponseType::Blob)),
            ("arraybuffer", Some(ResponseType::ArrayBuffer)),
            ("document", None),
            ("stream", None),
            ("JSON", None),
        ];
        for (text, expected) in cases {
            assert_eq!(ResponseType::parse(text), expected, "{text}");
        }
    }

    #[test]
    fn envelopes_unwrap_as_the_seeds_interceptors_do() {
        // Seed 000: `{code: 0, data, message}`, another code is an error with its message.
        let seed000 = Envelope::default();
        // Seed 003: `{errcode: 0, …}`, the whole body on success.
        let seed003 =
            Envelope { code: "errcode".into(), data: None, message: "errmsg".into(), ..Envelope::default() };
        // A backend whose success codes are 200 and "ok".
        let many = Envelope {
            success: vec![Code::from_number(200.0).expect("a code"), Code::from_text("ok")],
            ..Envelope::default()
        };
        let cases = [
            (&seed000, Some(Code::from_number(0.0).expect("a code")), Unwrapped::Success),
            (&seed000, Some(Code::from_text("0")), Unwrapped::Success),
            (
                &seed000,
                Some(Code::from_number(40001.0).expect("a code")),
                Unwrapped::Failure(Code::from_text("40001")),
            ),
            (&seed000, None, Unwrapped::NotEnvelope),
            (&seed003, Some(Code::from_number(0.0).expect("a code")), Unwrapped::Success),
            (
                &seed003,
                Some(Code::from_number(42001.0).expect("a code")),
                Unwrapped::Failure(Code::from_text("42001")),
            ),
            (&many, Some(Code::from_text("ok")), Unwrapped::Success),
            (&many, Some(Code::from_number(200.0).expect("a code")), Unwrapped::Success),
            (&many, Some(Code::from_number(0.0).expect("a code")), Unwrapped::Failure(Code::from_text("0"))),
        ];
        for (envelope, code, expected) in cases {
            assert_eq!(unwrap(envelope, code.clone()), expected, "{code:?}");
        }
    }
}
