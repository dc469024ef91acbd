//! Rule 1: the token goes only to allowed origins, in the configured place; everything else reaches
//! the transport untouched. `baseURL` joining.

use crate::support::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
async fn default_attach_is_an_authorization_bearer_header() {
    let server = backend(&js("{valid: ['A1']}"));
    let client = client(&server, "");
    set_tokens(&client, "{accessToken: 'A1', refreshToken: 'R1'}");

    let response = resolved(get_url(&client, "https://api.test/me"), "string input").await;
    assert_eq!(status(&response), 200);
    let url = js("new URL('https://api.test/from-url?x=1')");
    resolved(client.fetch(url, JsValue::UNDEFINED), "URL input").await;
    let request = js("new Request('https://api.test/from-request', {headers: {'X-Custom': 'kept'}})");
    resolved(client.fetch(request, JsValue::UNDEFINED), "Request input").await;
    let init = js("{method: 'PUT', headers: {'X-Custom': 'init', 'Authorization': 'Basic old'}, body: 'b'}");
    resolved(client.fetch(JsValue::from_str("https://api.test/put"), init), "init headers").await;

    let sent = api_calls(&server);
    let urls: Vec<String> = sent.iter().map(|c| text(c, "url")).collect();
    assert_eq!(
        urls,
        [
            "https://api.test/me",
            "https://api.test/from-url?x=1",
            "https://api.test/from-request",
            "https://api.test/put"
        ]
    );
    for call in &sent {
        assert_eq!(header(call, "authorization").as_deref(), Some("Bearer A1"), "{}", text(call, "url"));
    }
    assert_eq!(header(&sent[2], "x-custom").as_deref(), Some("kept"));
    assert_eq!(header(&sent[3], "x-custom").as_deref(), Some("init"));
    assert_eq!(text(&sent[3], "method"), "PUT");
    assert_eq!(text(&sent[3], "text"), "b");
}

#[wasm_bindgen_test]
async fn a_custom_header_without_scheme_carries_the_raw_token() {
    let server = backend(&js("{valid: ['A1']}"));
    let client = client(&server, "{attach: {header: 'X-Token', scheme: null}}");
    set_tokens(&client, "{accessToken: 'A1'}");
    resolved(get_url(&client, "https://api.test/me"), "X-Token").await;
    let call = &api_calls(&server)[0];
    assert_eq!(header(call, "x-token").as_deref(), Some("A1"));
    assert_eq!(header(call, "authorization"), None);

    let server = backend(&js("{valid: ['A1']}"));
    let client = crate::support::client(&server, "{attach: {scheme: null}}");
    set_tokens(&client, "{accessToken: 'A1'}");
    resolved(get_url(&client, "https://api.test/me"), "raw Authorization").await;
    assert_eq!(header(&api_calls(&server)[0], "authorization").as_deref(), Some("A1"));
}

#[wasm_bindgen_test]
async fn a_query_attach_puts_the_token_in_the_url_only() {
    let server = backend(&JsValue::UNDEFINED);
    let client = client(&server, "{attach: {query: 'token'}}");
    let log = listen(&client);
    set_tokens(&client, "{accessToken: 'A1', refreshToken: 'R1'}");

    // A1 is refused, so the request is also replayed with the renewed token.
    let response = resolved(get_url(&client, "https://api.test/me?x=1"), "query attach").await;
    assert_eq!(status(&response), 200);
    let sent = api_calls(&server);
    assert_eq!(sent.len(), 2);
    assert_eq!(text(&sent[0], "url"), "https://api.test/me?x=1&token=A1");
    assert_eq!(text(&sent[1], "url"), "https://api.test/me?x=1&token=N1");
    for call in &sent {
        assert_eq!(header(call, "authorization"), None);
        assert_eq!(header(call, "x-token"), None);
    }
    // The refresh call does not go through the attach path.
    let refresh = &refresh_calls(&server)[0];
    assert_eq!(text(refresh, "url"), REFRESH_URL);
    assert_eq!(header(refresh, "authorization"), None);
    // Events name the URL without the token.
    let replayed = events_of(&log, "request-replayed");
    assert_eq!(replayed.len(), 1);
    assert_eq!(text(&replayed[0], "url"), "https://api.test/me?x=1");
    assert_no_tokens(&log, &["A1", "N1", "R1", "R-N1", "token="]);
}

#[wasm_bindgen_test]
async fn a_query_attach_keeps_the_callers_query_byte_for_byte() {
    // A signed URL: re-encoding `%20` as `+`, `~` as `%7E`, or `flag` as `flag=` breaks the signature.
    let server = backend(&js("{valid: ['A1']}"));
    let client = client(&server, "{attach: {query: 'token'}}");
    set_tokens(&client, "{accessToken: 'A+1/=', refreshToken: 'R1'}");
    let server_valid = get(&server, "valid");
    let add: js_sys::Function = get(&server_valid, "add").unchecked_into();
    add.call1(&server_valid, &JsValue::from_str("A+1/=")).unwrap();
    let url = "https://api.test/files?q=a%20b&sig=x~y&flag";
    let response = resolved(get_url(&client, url), "signed URL").await;
    assert_eq!(status(&response), 200);
    let sent = api_calls(&server);
    assert_eq!(sent.len(), 1);
    assert_eq!(text(&sent[0], "url"), "https://api.test/files?q=a%20b&sig=x~y&flag&token=A%2B1%2F%3D");
}

#[wasm_bindgen_test]
async fn other_origins_and_auth_false_reach_the_transport_untouched() {
    let server = backend(&js("{valid: ['A1']}"));
    let client = client(&server, "");
    set_tokens(&client, "{accessToken: 'A1', refreshToken: 'R1'}");

    let elsewhere = JsValue::from_str("https://other.test/x");
    let init = js("{method: 'POST', body: 'payload', headers: {'X-A': '1'}}");
    let response = resolved(client.fetch(elsewhere.clone(), init.clone()), "another origin").await;
    let request = js("new Request('https://other.test/request')");
    resolved(client.fetch(request.clone(), JsValue::UNDEFINED), "a Request to another origin").await;
    let opted_out = js("{auth: false, headers: {'X-B': '2'}}");
    let refused =
        resolved(client.fetch(JsValue::from_str("https://api.test/login"), opted_out.clone()), "auth:false")
            .await;

    let sent = calls(&server);
    assert_eq!(sent.len(), 3, "only the three calls, no refresh");
    assert_eq!(get(&sent[0], "input"), elsewhere, "the input was changed");
    assert!(get(&sent[0], "init") == init, "the init object was replaced");
    assert_eq!(get(&sent[1], "input"), request, "the Request was replaced");
    assert!(get(&sent[1], "init").is_undefined(), "an init was added");
    assert_eq!(get(&sent[2], "input"), JsValue::from_str("https://api.test/login"));
    assert!(get(&sent[2], "init") == opted_out, "the auth:false init object was replaced");
    for call in &sent {
        assert_eq!(header(call, "authorization"), None, "token sent to {}", text(call, "url"));
    }
    // The transport's responses come back as they are, unclassified: the 401 of the auth:false
    // call is handed over without a refresh.
    assert!(response == get(&sent[0], "response"), "not the transport's response");
    assert_eq!(status(&refused), 401);
    assert!(refused == get(&sent[2], "response"), "not the transport's response");
    assert!(refresh_calls(&server).is_empty());
}

#[wasm_bindgen_test]
async fn allowed_origins_are_compared_as_origins() {
    let server = backend(&js("{valid: ['A1']}"));
    let client = client(&server, "{allowedOrigins: ['HTTPS://API.test:443/some/path?q']}");
    set_tokens(&client, "{accessToken: 'A1'}");
    for url in
        ["https://api.test/x", "https://api.test:8443/x", "http://api.test/x", "https://sub.api.test/x"]
    {
        resolved(get_url(&client, url), url).await;
    }
    let seen: Vec<Option<String>> = api_calls(&server).iter().map(|c| header(c, "authorization")).collect();
    assert_eq!(seen, [Some("Bearer A1".to_owned()), None, None, None]);
}

#[wasm_bindgen_test]
async fn base_url_is_joined_with_one_slash_and_its_origin_is_allowed() {
    // No allowedOrigins: the default is the page's origin and baseURL's.
    let server = backend(&js("{valid: ['A1'], refreshUrl: 'http://h/api/auth/refresh'}"));
    let extra = js("{baseURL: 'http://h/api', refresh: {url: '/auth/refresh'}}");
    let without_origins = options(&server, &extra);
    js_sys::Reflect::delete_property(
        without_origins.unchecked_ref::<js_sys::Object>(),
        &JsValue::from_str("allowedOrigins"),
    )
    .unwrap();
    let client = fetch_with_refresh::bindings::AuthClient::new(without_origins).unwrap();
    set_tokens(&client, "{accessToken: 'A1', refreshToken: 'R1'}");

    let page = js("location.origin").as_string().unwrap();
    let page_url = format!("{page}/same-origin");
    for input in ["/me", "me", "http://h/other", "https://elsewhere.test/x", &page_url] {
        resolved(get_url(&client, input), input).await;
    }
    let sent = api_calls(&server);
    let seen: Vec<(String, Option<String>)> =
        sent.iter().map(|c| (text(c, "url"), header(c, "authorization"))).collect();
    let bearer = Some("Bearer A1".to_owned());
    assert_eq!(
        seen,
        [
            ("http://h/api/me".to_owned(), bearer.clone()),
            ("http://h/api/me".to_owned(), bearer.clone()),
            ("http://h/other".to_owned(), bearer.clone()),
            ("https://elsewhere.test/x".to_owned(), None),
            (page_url.clone(), bearer.clone()),
        ]
    );

    // A relative baseURL: the page's origin.
    let server = backend(&js("{valid: ['A1']}"));
    let extra = js("{baseURL: '/api/', refresh: {url: '/auth/refresh'}}");
    let relative = options(&server, &extra);
    js_sys::Reflect::delete_property(
        relative.unchecked_ref::<js_sys::Object>(),
        &JsValue::from_str("allowedOrigins"),
    )
    .unwrap();
    let client = fetch_with_refresh::bindings::AuthClient::new(relative).unwrap();
    set_tokens(&client, "{accessToken: 'A1'}");
    resolved(get_url(&client, "/me"), "relative baseURL").await;
    let call = &api_calls(&server)[0];
    assert_eq!(text(call, "url"), format!("{page}/api/me"));
    assert_eq!(header(call, "authorization").as_deref(), Some("Bearer A1"));

    // The refresh URL is joined the same way.
    let server = backend(&js("{refreshUrl: 'http://h/api/auth/refresh'}"));
    let extra =
        js("{baseURL: 'http://h/api/', refresh: {url: 'auth/refresh'}, allowedOrigins: ['http://h']}");
    let client = fetch_with_refresh::bindings::AuthClient::new(options(&server, &extra)).unwrap();
    set_tokens(&client, "{accessToken: 'A1', refreshToken: 'R1'}");
    let response = resolved(get_url(&client, "/me"), "a refresh under baseURL").await;
    assert_eq!(status(&response), 200);
    let urls: Vec<String> = calls(&server).iter().map(|c| text(c, "url")).collect();
    assert_eq!(urls, ["http://h/api/me", "http://h/api/auth/refresh", "http://h/api/me"]);
}

#[wasm_bindgen_test]
async fn protocol_relative_urls_are_compared_as_the_origins_they_resolve_to() {
    // `//host/x` resolves against the page (http: here), never against baseURL, and is then an
    // origin like any other: `//api.test` is http://api.test (not the allowed https://api.test),
    // and a look-alike is its own host. (A `user@host` URL the browser refuses to fetch at all.)
    let server = backend(&js("{valid: ['A1']}"));
    let client =
        client(&server, "{baseURL: 'https://api.test/v1', allowedOrigins: ['https://api.test', 'http://h']}");
    set_tokens(&client, "{accessToken: 'A1'}");
    let inputs = ["//evil.test/x", "//api.test/x", "//api.test.evil.test/x", "//h/x", "https://api.test/x"];
    for input in inputs {
        resolved(get_url(&client, input), input).await;
    }
    let seen: Vec<(String, Option<String>)> =
        calls(&server).iter().map(|c| (text(c, "url"), header(c, "authorization"))).collect();
    let bearer = Some("Bearer A1".to_owned());
    assert_eq!(
        seen,
        [
            ("http://evil.test/x".to_owned(), None),
            ("http://api.test/x".to_owned(), None),
            ("http://api.test.evil.test/x".to_owned(), None),
            ("http://h/x".to_owned(), bearer.clone()),
            ("https://api.test/x".to_owned(), bearer),
        ]
    );
}
