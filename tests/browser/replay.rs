//! Rule 7: replays send the same bytes; stream bodies are not replayed; an aborted request leaves
//! the queue at once. And what the caller gets back: the transport's response, or an equal one.

use crate::support::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

/// POSTs `body` (a JS expression) to a server that refuses A1; returns the two attempts after
/// checking that they carried the same bytes, content type and headers.
async fn replayed(body: &str) -> Vec<JsValue> {
    let server = backend(&JsValue::UNDEFINED);
    let client = client(&server, "");
    set_tokens(&client, "{accessToken: 'A1', refreshToken: 'R1'}");
    let init = js(&format!("{{method: 'POST', headers: {{'X-Custom': '1'}}, body: {body}}}"));
    let response = resolved(client.fetch(JsValue::from_str("https://api.test/echo"), init), body).await;
    assert_eq!(status(&response), 200, "{body}");
    let sent = api_calls(&server);
    assert_eq!(sent.len(), 2, "{body}: expected one attempt and one replay");
    assert_eq!(token_of(&server, &sent[0]).as_deref(), Some("A1"));
    assert_eq!(token_of(&server, &sent[1]).as_deref(), Some("N1"));
    assert_eq!(bytes(&sent[0], "bytes"), bytes(&sent[1], "bytes"), "{body}: the replay sent other bytes");
    assert_eq!(header(&sent[0], "content-type"), header(&sent[1], "content-type"), "{body}: content-type");
    for call in &sent {
        assert_eq!(text(call, "method"), "POST", "{body}");
        assert_eq!(header(call, "x-custom").as_deref(), Some("1"), "{body}: a header was lost");
    }
    // The answer echoes what the replay carried.
    assert_eq!(text(&body_json(&response).await, "body"), text(&sent[1], "text"));
    sent
}

#[wasm_bindgen_test]
async fn a_non_ascii_string_body_is_replayed_byte_for_byte() {
    let sent = replayed("'héllo ✓ 日本 🎉'").await;
    assert_eq!(bytes(&sent[1], "bytes"), "héllo ✓ 日本 🎉".as_bytes());
    assert_eq!(header(&sent[1], "content-type").as_deref(), Some("text/plain;charset=UTF-8"));
}

#[wasm_bindgen_test]
async fn binary_bodies_are_replayed_byte_for_byte() {
    let expected = [0u8, 1, 2, 127, 128, 253, 254, 255];
    let sent = replayed("new Uint8Array([0, 1, 2, 127, 128, 253, 254, 255])").await;
    assert_eq!(bytes(&sent[1], "bytes"), expected);
    let sent = replayed("new Uint8Array([0, 1, 2, 127, 128, 253, 254, 255]).buffer").await;
    assert_eq!(bytes(&sent[1], "bytes"), expected);
    // A view on part of a buffer sends just that part.
    let sent = replayed("new Uint8Array([9, 9, 0, 1, 2, 127, 128, 253, 254, 255, 9]).subarray(2, 10)").await;
    assert_eq!(bytes(&sent[1], "bytes"), expected);
}

#[wasm_bindgen_test]
async fn a_blob_body_is_replayed_with_its_type() {
    let sent = replayed("new Blob(['blob ', new Uint8Array([0, 255])], {type: 'application/x-test'})").await;
    assert_eq!(bytes(&sent[1], "bytes"), b"blob \x00\xff");
    assert_eq!(header(&sent[1], "content-type").as_deref(), Some("application/x-test"));
}

#[wasm_bindgen_test]
async fn a_url_search_params_body_is_replayed() {
    let sent = replayed("new URLSearchParams({a: '1', b: 'é ü'})").await;
    assert_eq!(text(&sent[1], "text"), "a=1&b=%C3%A9+%C3%BC");
    assert_eq!(
        header(&sent[1], "content-type").as_deref(),
        Some("application/x-www-form-urlencoded;charset=UTF-8")
    );
}

#[wasm_bindgen_test]
async fn a_form_data_body_is_replayed_with_the_same_boundary() {
    let form = "(() => { const f = new FormData(); f.append('name', 'é'); \
                f.append('file', new Blob([new Uint8Array([0, 1, 255])], {type: 'application/octet-stream'}), 'a.bin'); \
                return f; })()";
    let sent = replayed(form).await;
    let content_type = header(&sent[1], "content-type").unwrap();
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap_or_else(|| panic!("content-type {content_type}"));
    let body = bytes(&sent[1], "bytes");
    let contains = |needle: &[u8]| body.windows(needle.len()).any(|w| w == needle);
    assert!(contains(boundary.as_bytes()), "the body does not use the header's boundary");
    assert!(contains("é".as_bytes()) && contains(&[0, 1, 255]), "a form field is missing");
}

#[wasm_bindgen_test]
async fn a_request_input_with_a_body_is_replayed() {
    let server = backend(&JsValue::UNDEFINED);
    let client = client(&server, "");
    set_tokens(&client, "{accessToken: 'A1', refreshToken: 'R1'}");
    let request = js("new Request('https://api.test/echo', {method: 'PUT', body: 'from a Request', headers: {'X-R': 'r'}})");
    let response = resolved(client.fetch(request, JsValue::UNDEFINED), "a Request with a body").await;
    assert_eq!(text(&body_json(&response).await, "body"), "from a Request");
    let sent = api_calls(&server);
    assert_eq!(sent.len(), 2);
    for call in &sent {
        assert_eq!(text(call, "text"), "from a Request");
        assert_eq!(text(call, "method"), "PUT");
        assert_eq!(header(call, "x-r").as_deref(), Some("r"));
    }
}

#[wasm_bindgen_test]
async fn request_options_and_the_signal_are_kept_on_every_attempt() {
    let server = backend(&JsValue::UNDEFINED);
    let client = client(&server, "");
    set_tokens(&client, "{accessToken: 'A1', refreshToken: 'R1'}");
    let init = js("{method: 'PATCH', body: 'x', credentials: 'include', mode: 'cors', cache: 'no-store', \
                   redirect: 'manual', referrerPolicy: 'no-referrer', keepalive: false, integrity: '', \
                   signal: new AbortController().signal}");
    let response = resolved(client.fetch(JsValue::from_str("https://api.test/opts"), init), "options").await;
    assert_eq!(status(&response), 200);
    let sent = api_calls(&server);
    assert_eq!(sent.len(), 2);
    let expected = r#"[["credentials","include"],["mode","cors"],["cache","no-store"],["redirect","manual"],["referrerPolicy","no-referrer"],["keepalive",false],["integrity",""]]"#;
    for call in &sent {
        assert_eq!(text(call, "options"), expected, "attempt {}", num(call, "n"));
        assert_eq!(text(call, "method"), "PATCH");
        assert!(get(call, "signal").is_instance_of::<web_sys::AbortSignal>(), "no signal on the attempt");
    }
}

#[wasm_bindgen_test]
async fn a_stream_body_is_sent_once_and_the_caller_gets_the_original_answer() {
    let server = backend(&JsValue::UNDEFINED);
    let client = client(&server, "");
    set_tokens(&client, "{accessToken: 'A1', refreshToken: 'R1'}");
    let init = js("{method: 'POST', duplex: 'half', body: new ReadableStream({start(c) { \
                   c.enqueue(new TextEncoder().encode('streamed')); c.close(); }})}");
    let response =
        resolved(client.fetch(JsValue::from_str("https://api.test/upload"), init), "stream body").await;
    assert_eq!(status(&response), 401, "the caller must get the original answer");
    assert_eq!(text(&body_json(&response).await, "error"), "token_expired");
    sleep(20).await;
    let sent = api_calls(&server);
    assert_eq!(sent.len(), 1, "a stream body was sent twice");
    assert_eq!(text(&sent[0], "text"), "streamed");
    assert_eq!(token_of(&server, &sent[0]).as_deref(), Some("A1"));
}

#[wasm_bindgen_test]
async fn an_aborted_request_leaves_the_queue_at_once() {
    let server = backend(&JsValue::UNDEFINED);
    let client = client(&server, "");
    let log = listen(&client);
    set_tokens(&client, "{accessToken: 'A1', refreshToken: 'R1', expiresAt: Date.now() - 1000}");
    let gate = hold_refresh(&server);

    let controller = js("new AbortController()");
    let init = js("{}");
    set(&init, "signal", get(&controller, "signal"));
    let aborted = track(&client.fetch(JsValue::from_str("https://api.test/aborted"), init));
    let other = get_url(&client, "https://api.test/other");
    until("both requests queued", || events_of(&log, "request-queued").len() == 2).await;
    call0(&controller, "abort");
    until("the aborted request settles", || get(&aborted, "settled").is_truthy()).await;
    assert!(!get(&gate, "released").is_truthy());
    assert!(!get(&aborted, "ok").is_truthy(), "the aborted request resolved");
    assert_eq!(name(&get(&aborted, "error")), "AbortError");

    release(&gate);
    let response = resolved(other, "the request that stayed").await;
    assert_eq!(status(&response), 200);
    let urls: Vec<String> = api_calls(&server).iter().map(|c| text(c, "url")).collect();
    assert_eq!(urls, ["https://api.test/other"], "the aborted request was replayed");
    assert_eq!(num(&events_of(&log, "refresh-success")[0], "replayed"), 0.0);

    // A signal aborted before the call: rejected without sending.
    let init = js("{signal: AbortSignal.abort()}");
    let error =
        rejected(client.fetch(JsValue::from_str("https://api.test/never"), init), "pre-aborted").await;
    assert_eq!(name(&error), "AbortError");
    assert_eq!(api_calls(&server).len(), 1, "a pre-aborted request was sent");
}

#[wasm_bindgen_test]
async fn a_non_json_response_is_the_transport_response_unread() {
    let server = backend(&JsValue::UNDEFINED);
    set(
        &server,
        "apiReply",
        func(
            "call, s",
            "return new Response('plain text', {status: 200, headers: {'content-type': 'text/plain'}})",
        ),
    );
    let client = client(&server, "");
    set_tokens(&client, "{accessToken: 'A1', refreshToken: 'R1'}");
    let response = resolved(get_url(&client, "https://api.test/text"), "text/plain").await;
    assert!(response == get(&api_calls(&server)[0], "response"), "not the Response the transport returned");
    assert!(!get(&response, "bodyUsed").is_truthy(), "the body was read");
    assert_eq!(body_text(&response).await, "plain text");
}

#[wasm_bindgen_test]
async fn a_json_response_keeps_status_status_text_headers_and_body() {
    let server = backend(&JsValue::UNDEFINED);
    set(
        &server,
        "apiReply",
        func(
            "call, s",
            "return s.json(201, {a: 'é', n: 1, nested: {code: 0}}, {statusText: 'Created', headers: {'X-Custom': 'yes', 'Cache-Control': 'no-store'}})",
        ),
    );
    let client = client(&server, "");
    set_tokens(&client, "{accessToken: 'A1', refreshToken: 'R1'}");
    let response = resolved(get_url(&client, "https://api.test/json"), "JSON").await;
    let original = get(&api_calls(&server)[0], "response");
    assert_eq!(status(&response), 201);
    assert_eq!(text(&response, "statusText"), "Created");
    assert!(get(&response, "ok").is_truthy());
    assert_eq!(response_headers(&response), response_headers(&original));
    assert_eq!(get(&response, "url"), get(&original, "url"));
    assert_eq!(get(&response, "type"), get(&original, "type"));
    assert!(!get(&response, "bodyUsed").is_truthy(), "the caller's body was already read");
    assert_eq!(body_text(&response).await, r#"{"a":"é","n":1,"nested":{"code":0}}"#);
}

#[wasm_bindgen_test]
async fn a_read_json_answer_serves_its_body_as_any_response_would() {
    // The client read the JSON answer to classify it; the caller gets the transport's Response
    // object, whose body methods serve what was read: once each, like a stream, with bodyUsed,
    // clone() and the TypeErrors of a used body as on any Response.
    let server = backend(&JsValue::UNDEFINED);
    set(&server, "apiReply", func("call, s", "return s.json(200, {code: 0, data: {a: 'é'}})"));
    let client = client(&server, "");
    set_tokens(&client, "{accessToken: 'A1', refreshToken: 'R1'}");
    let check = js(r#"(async (client) => {
        const failures = [];
        const expect = (ok, what) => ok || failures.push(what);
        const text = '{"code":0,"data":{"a":"é"}}';
        const fetchOne = () => client.fetch('https://api.test/served');
        const refuses = async (response, method) => {
            try {
                await response[method]();
                failures.push(`${method}() of a used body resolved`);
            } catch (error) {
                expect(error instanceof TypeError, `${method}() of a used body: ${error}`);
            }
        };

        let response = await fetchOne();
        expect(response instanceof Response && !response.bodyUsed, 'a Response with its body unused');
        const early = response.clone();
        expect((await response.json()).data.a === 'é', 'json()');
        expect(response.bodyUsed, 'bodyUsed after json()');
        for (const method of ['json', 'text', 'arrayBuffer', 'blob', 'bytes', 'formData']) await refuses(response, method);
        try {
            response.clone();
            failures.push('clone() of a used body');
        } catch (error) {
            expect(error instanceof TypeError, `clone() of a used body: ${error}`);
        }
        expect(await early.text() === text, 'a clone taken before has the whole body');
        expect(early.url === response.url && early.status === 200, 'the clone keeps url and status');

        response = await fetchOne();
        expect(await response.text() === text, 'text()');
        await refuses(response, 'json');

        response = await fetchOne();
        expect(new TextDecoder().decode(await response.arrayBuffer()) === text, 'arrayBuffer()');
        expect(response.bodyUsed, 'bodyUsed after arrayBuffer()');
        await refuses(response, 'text');

        response = await fetchOne();
        const blob = await response.blob();
        expect(blob.type.startsWith('application/json') && (await blob.text()) === text, `blob(): ${blob.type}`);

        response = await fetchOne();
        const reader = response.body.getReader();
        const chunks = [];
        for (let next; !(next = await reader.read()).done; ) chunks.push(...next.value);
        expect(new TextDecoder().decode(new Uint8Array(chunks)) === text, 'body read as a stream');
        expect(response.bodyUsed, 'bodyUsed after reading body');
        return failures;
    })"#);
    let check: js_sys::Function = check.unchecked_into();
    let failures =
        resolved(check.call1(&JsValue::NULL, &client.into()).unwrap().unchecked_into(), "the checks").await;
    assert_eq!(js_sys::JSON::stringify(&failures).unwrap(), "[]");
}

#[wasm_bindgen_test]
async fn a_json_answer_past_the_read_cap_passes_through_unread_and_whole() {
    // 1.5 MB of JSON, in chunks and without a Content-Length: the client reads up to 1 MiB, then
    // hands the caller the answer whole (what it read, then the rest) without classifying it,
    // although it says `code: 50014`. A short answer saying the same is classified (and refreshed).
    let server = backend(&js("{valid: ['A1']}"));
    set(
        &server,
        "apiReply",
        func(
            "call, s",
            "if (call.url.endsWith('/short')) return s.json(200, {code: 50014});
             const chunk = new TextEncoder().encode('x'.repeat(64 * 1024));
             let sent = 0;
             const body = new ReadableStream({
               start(c) { c.enqueue(new TextEncoder().encode('{\"code\":50014,\"pad\":\"')); },
               pull(c) {
                 if (sent++ < 24) c.enqueue(chunk);
                 else { c.enqueue(new TextEncoder().encode('\"}')); c.close(); }
               },
             });
             return new Response(body, {headers: {'content-type': 'application/json'}});",
        ),
    );
    let client = client(&server, "");
    set_tokens(&client, "{accessToken: 'A1', refreshToken: 'R1'}");
    let response = resolved(get_url(&client, "https://api.test/big"), "a big JSON answer").await;
    assert_eq!(status(&response), 200);
    assert!(refresh_calls(&server).is_empty(), "the answer past the cap was classified");
    let text = body_text(&response).await;
    assert_eq!(text.len(), 21 + 24 * 64 * 1024 + 2, "the body is not whole");
    assert!(text.starts_with("{\"code\":50014,\"pad\":\"xxx") && text.ends_with("xx\"}"));
    let _ = resolved(get_url(&client, "https://api.test/short"), "a short JSON answer").await;
    assert_eq!(refresh_calls(&server).len(), 1, "the short answer was not classified");
}
