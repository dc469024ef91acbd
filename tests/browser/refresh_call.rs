//! The refresh call as it reaches the transport (method, URL, headers, body) for each `refresh.send`
//! placement of the seeds, and how its answer is read (`refresh.response` paths, kept refresh token).

use crate::support::*;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

struct Case {
    /// Extra client options (JS).
    options: &'static str,
    /// The URL the refresh call must go to (also where the fake backend answers it).
    url: &'static str,
    method: &'static str,
    /// Expected headers (lower-case) of the refresh call, besides those that must be absent.
    headers: &'static [(&'static str, &'static str)],
    /// Expected body text ("" for none).
    body: &'static str,
    /// The answer (JSON).
    answer: &'static str,
    /// What `getTokens()` must hold after it: access, refresh, expiresAt.
    tokens: (&'static str, Option<&'static str>, Option<f64>),
}

const CASES: &[Case] = &[
    // Seed 000: the refresh token in the path, joined to baseURL; {code, data: {token, refreshToken}}.
    Case {
        options: "{baseURL: 'https://api.test/base', refresh: {url: '/refreshJwt/{refreshToken}'}}",
        url: "https://api.test/base/refreshJwt/R%2F1%2B2",
        method: "POST",
        headers: &[],
        body: "",
        answer: "{code: 0, data: {token: 'N1', refreshToken: 'NR1'}}",
        tokens: ("N1", Some("NR1"), None),
    },
    // Seed 002: the refresh token raw in a header; another method.
    Case {
        options: "{refresh: {url: 'https://api.test/auth/refresh', method: 'put', send: {header: 'X-Token'}}}",
        url: "https://api.test/auth/refresh",
        method: "PUT",
        headers: &[("x-token", "R/1+2")],
        body: "",
        answer: "{data: {token: 'N1', refreshToken: 'NR1'}}",
        tokens: ("N1", Some("NR1"), None),
    },
    Case {
        options: "{refresh: {url: 'https://api.test/auth/refresh', send: {header: 'Authorization', scheme: 'Bearer'}}}",
        url: "https://api.test/auth/refresh",
        method: "POST",
        headers: &[("authorization", "Bearer R/1+2")],
        body: "",
        answer: "{access_token: 'N1', refresh_token: 'NR1', expires_at: 1893456000000}",
        tokens: ("N1", Some("NR1"), Some(1_893_456_000_000.0)),
    },
    // Seed 004: both tokens in the JSON body; the answer has no refresh token: keep the old one.
    Case {
        options: "{refresh: {url: 'https://api.test/auth/refresh', send: {bodyField: 'refreshToken', accessTokenField: 'token'}, response: {accessToken: 'data.token'}}}",
        url: "https://api.test/auth/refresh",
        method: "POST",
        headers: &[("content-type", "application/json")],
        body: r#"{"refreshToken":"R/1+2","token":"A1"}"#,
        answer: "{code: 0, data: {token: 'N1'}}",
        tokens: ("N1", Some("R/1+2"), None),
    },
    Case {
        options: "{refresh: {url: 'https://api.test/auth/refresh', send: {query: 'refresh_token'}}}",
        url: "https://api.test/auth/refresh?refresh_token=R%2F1%2B2",
        method: "POST",
        headers: &[],
        body: "",
        answer: "{accessToken: 'N1', refreshToken: 'NR1', expiresIn: 60}",
        tokens: ("N1", Some("NR1"), None),
    },
    // Custom answer paths.
    Case {
        options: "{refresh: {url: 'https://api.test/auth/refresh', response: {accessToken: 'result.jwt', refreshToken: 'result.refresh', expiresAt: 'result.exp_ms'}}}",
        url: "https://api.test/auth/refresh",
        method: "POST",
        headers: &[("content-type", "application/json")],
        body: r#"{"refresh_token":"R/1+2"}"#,
        answer: "{result: {jwt: 'N1', refresh: 'NR1', exp_ms: 1893456000000}}",
        tokens: ("N1", Some("NR1"), Some(1_893_456_000_000.0)),
    },
];

#[wasm_bindgen_test]
async fn refresh_calls_carry_the_refresh_token_where_configured() {
    for case in CASES {
        let server = backend(&js(&format!("{{refreshUrl: '{}'}}", case.url.split('?').next().unwrap())));
        let answer = js(case.answer);
        set(&server, "answer", answer);
        set(&server, "refreshReply", func("call, s", "return s.json(200, s.answer)"));
        let client = client(&server, case.options);
        set_tokens(&client, "{accessToken: 'A1', refreshToken: 'R/1+2'}");
        resolved(client.refresh(), case.options).await;

        let sent = calls(&server);
        assert_eq!(sent.len(), 1, "{}: {} calls", case.options, sent.len());
        let call = &sent[0];
        assert_eq!(text(call, "url"), case.url, "{}", case.options);
        assert_eq!(text(call, "method"), case.method, "{}", case.options);
        assert_eq!(text(call, "text"), case.body, "{}", case.options);
        for (name, value) in case.headers {
            assert_eq!(header(call, name).as_deref(), Some(*value), "{}: header {name}", case.options);
        }
        if !case.headers.iter().any(|(name, _)| *name == "authorization") {
            assert_eq!(header(call, "authorization"), None, "{}: the access token went along", case.options);
        }
        if case.body.is_empty() {
            assert_eq!(header(call, "content-type"), None, "{}", case.options);
        }
        let (access, refresh, expires_at) = case.tokens;
        let stored = client.get_tokens();
        assert_eq!(text(&stored, "accessToken"), access, "{}", case.options);
        assert_eq!(get(&stored, "refreshToken").as_string().as_deref(), refresh, "{}", case.options);
        if let Some(at) = expires_at {
            assert_eq!(num(&stored, "expiresAt"), at, "{}", case.options);
        }
    }
}

#[wasm_bindgen_test]
async fn expires_in_of_the_answer_sets_the_expiry() {
    let server = backend(&js("{expiresIn: 120}"));
    let client = client(&server, "");
    set_tokens(&client, "{accessToken: 'A1', refreshToken: 'R1'}");
    let before = js_sys::Date::now();
    resolved(client.refresh(), "refresh()").await;
    let after = js_sys::Date::now();
    let at = num(&client.get_tokens(), "expiresAt");
    assert!(at >= before + 120_000.0 - 1.0 && at <= after + 120_000.0 + 1.0, "expires_in 120 gave {at}");
    assert_eq!(refresh_calls(&server).len(), 1);
}

#[wasm_bindgen_test]
async fn a_jwt_without_iat_is_corrected_by_the_answers_date_header() {
    // The server's clock is an hour behind ours; its JWT says only `exp`, 10 minutes after its
    // `Date`. By our clock the token expires 10 minutes from its arrival, not 50 minutes ago.
    let server = backend(&JsValue::UNDEFINED);
    set(
        &server,
        "refreshReply",
        func(
            "call, s",
            "const serverNow = Date.now() - 3600e3;
             const payload = btoa(JSON.stringify({ exp: Math.floor(serverNow / 1000) + 600 }))
                 .replace(/=+$/, '').replace(/\\+/g, '-').replace(/\\//g, '_');
             return s.json(200, { access_token: `h.${payload}.s` },
                           { headers: { date: new Date(serverNow).toUTCString() } });",
        ),
    );
    let client = client(&server, "");
    set_tokens(&client, "{accessToken: 'A1', refreshToken: 'R1'}");
    let before = js_sys::Date::now();
    resolved(client.refresh(), "refresh()").await;
    let at = num(&client.get_tokens(), "expiresAt");
    let expected = before + 600_000.0;
    assert!(
        (at - expected).abs() < 3_000.0,
        "expected about {expected}, got {at} ({} s off)",
        (at - expected) / 1000.0
    );
}
