//! The decisions of an axios-shaped call (`request`, `get`, `post`…), as axios 1.x makes them:
//! the method, what the body becomes, which headers go out, which statuses resolve, the error code
//! of a refused status, and how a business envelope (`{code, data, message}`) is unwrapped. The web
//! side reads the config object and the answer; this decides.

use super::classify::Code;
use super::json::integer_text;
use super::names::named;
use super::options::MAX_TIMER_MS;
use super::text::cat;

/// The method of a call: axios' default is GET; any case is accepted and sent upper-case (the
/// Fetch standard only normalises the six common ones). `None` for a method that is not a token.
pub fn method(given: Option<&str>) -> Option<String> {
    let given = given.unwrap_or("get");
    let valid = !given.is_empty()
        && given.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
    valid.then(|| given.to_ascii_uppercase())
}

/// Whether the shorthand `method` (`post`, `put`, `patch`) takes the data as its second argument,
/// as axios' do; the others (`get`, `delete`, `head`, `options`) take the config there.
pub fn takes_data(method: &str) -> bool {
    ["post", "put", "patch"].iter().any(|m| method.eq_ignore_ascii_case(m))
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

/// The `code` of a `RequestError`, as axios names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallError {
    /// A 4xx status that `validateStatus` refused.
    BadRequest,
    /// Any other refused status (5xx above all).
    BadResponse,
    /// The call's `timeout` passed.
    Timeout,
    /// The caller's `signal` aborted the call.
    Canceled,
    /// `fetch` failed: no answer.
    Network,
    /// The business envelope carried a code other than a success code.
    Business,
}

named!(CallError {
    BadRequest => "ERR_BAD_REQUEST",
    BadResponse => "ERR_BAD_RESPONSE",
    Timeout => "ECONNABORTED",
    Canceled => "ERR_CANCELED",
    Network => "ERR_NETWORK",
    Business => "ERR_BUSINESS",
});

impl CallError {
    /// The code of the error for a refused `status`: `ERR_BAD_REQUEST` for 4xx, `ERR_BAD_RESPONSE`
    /// for any other.
    pub fn refused(status: u16) -> CallError {
        if status / 100 == 4 {
            CallError::BadRequest
        } else {
            CallError::BadResponse
        }
    }
}

/// The message of a `RequestError` with `code`: axios' own words, so that apps showing them read
/// the same. `figure` is the status of a refused status, the milliseconds of a timeout, the
/// business code (as text) of an envelope without a message.
pub fn error_message(code: CallError, figure: &str) -> String {
    match code {
        CallError::BadRequest | CallError::BadResponse => cat(&["Request failed with status code ", figure]),
        CallError::Timeout => cat(&["timeout of ", figure, "ms exceeded"]),
        CallError::Canceled => "canceled".to_owned(),
        CallError::Network => "Network Error".to_owned(),
        CallError::Business => cat(&["the server answered business code ", figure]),
    }
}

/// `status` as decimal text.
pub fn status_text(status: u16) -> String {
    integer_text(f64::from(status)).unwrap_or_default()
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

impl Envelope {
    /// This envelope with the fields a call (or the `envelope` option) gives put over it: a
    /// `None` keeps the field as it is; `data: Some(None)` resolves with the whole body.
    pub fn with(
        &self,
        code: Option<String>,
        success: Option<Vec<Code>>,
        data: Option<Option<String>>,
        message: Option<String>,
    ) -> Envelope {
        Envelope {
            code: code.unwrap_or_else(|| self.code.clone()),
            success: success.unwrap_or_else(|| self.success.clone()),
            data: data.unwrap_or_else(|| self.data.clone()),
            message: message.unwrap_or_else(|| self.message.clone()),
        }
    }
}

/// Which statuses resolve (`validateStatus`).
#[derive(Debug, Clone, Default)]
pub enum Validate<F> {
    /// 2xx ([`accepted_by_default`]).
    #[default]
    Success,
    /// Every status (`validateStatus: null`).
    Any,
    /// The app's `(status) => boolean`.
    Custom(F),
}

/// The client-wide defaults of the axios-shaped calls (options `headers`, `requestTimeout`,
/// `validateStatus`, `envelope`). `fetch()` is not affected by any of them.
#[derive(Debug, Clone, Default)]
pub struct CallDefaults<F> {
    /// Headers sent with every call, under the call's own.
    pub headers: Vec<(String, String)>,
    /// Milliseconds before a call is abandoned; 0 for none.
    pub timeout_ms: f64,
    /// Which statuses resolve.
    pub validate_status: Validate<F>,
    /// The business envelope every call unwraps, if any.
    pub envelope: Option<Envelope>,
}

/// Whether `ms` is a call timeout: 0 (none) up to the longest delay a timer honours.
pub fn is_timeout(ms: f64) -> bool {
    (0.0..=MAX_TIMER_MS).contains(&ms)
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
        use CallError::*;
        let cases = [
            (200, true, BadResponse),
            (204, true, BadResponse),
            (299, true, BadResponse),
            (304, false, BadResponse),
            (199, false, BadResponse),
            (401, false, BadRequest),
            (404, false, BadRequest),
            (499, false, BadRequest),
            (500, false, BadResponse),
            (503, false, BadResponse),
        ];
        for (status, accepted, code) in cases {
            assert_eq!(accepted_by_default(status), accepted, "{status}");
            assert_eq!(CallError::refused(status), code, "{status}");
        }
    }

    #[test]
    fn errors_are_named_and_worded_as_axios_does() {
        use crate::core::names::Named;
        use CallError::*;
        let cases = [
            (BadRequest, "404", "ERR_BAD_REQUEST", "Request failed with status code 404"),
            (BadResponse, "502", "ERR_BAD_RESPONSE", "Request failed with status code 502"),
            (Timeout, "5000", "ECONNABORTED", "timeout of 5000ms exceeded"),
            (Canceled, "", "ERR_CANCELED", "canceled"),
            (Network, "", "ERR_NETWORK", "Network Error"),
            (Business, "40001", "ERR_BUSINESS", "the server answered business code 40001"),
        ];
        for (code, figure, name, message) in cases {
            assert_eq!(code.name(), name);
            assert_eq!(error_message(code, figure), message);
        }
        assert_eq!(CallError::ALL.len(), cases.len());
        assert_eq!(status_text(404), "404");
        assert_eq!(status_text(0), "0");
    }

    #[test]
    fn timeouts_are_zero_or_a_timer_delay() {
        let cases = [
            (0.0, true),
            (1.0, true),
            (2_147_483_647.0, true),
            (2_147_483_648.0, false),
            (-1.0, false),
            (f64::NAN, false),
            (f64::INFINITY, false),
        ];
        for (ms, expected) in cases {
            assert_eq!(is_timeout(ms), expected, "{ms}");
        }
    }

    #[test]
    fn envelope_fields_go_over_the_base() {
        let base = Envelope::default();
        assert_eq!(base.with(None, None, None, None), base);
        let seed003 = base.with(Some("errcode".into()), None, Some(None), Some("errmsg".into()));
        assert_eq!(seed003.code, "errcode");
        assert_eq!(seed003.data, None);
        assert_eq!(seed003.message, "errmsg");
        assert_eq!(seed003.success, base.success);
        let many = seed003.with(None, Some(vec![Code::from_text("ok")]), Some(Some("result".into())), None);
        assert_eq!(many.code, "errcode");
        assert_eq!(many.success, vec![Code::from_text("ok")]);
        assert_eq!(many.data.as_deref(), Some("result"));
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
