//! Waking up, through the page's real events: `visibilitychange` and `online` make the client
//! check the expiry again (a hidden page leaves it to the visible one), `autoRefresh` renews on a
//! timer with no request, and `dispose()` removes the listeners and clears the timer.

use crate::support::*;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

/// Makes `document.hidden` say `hidden` (an own property over the prototype's getter) and fires
/// `visibilitychange`, as the browser does when the tab is switched.
fn switch_page(hidden: bool) {
    js(&format!(
        "(Object.defineProperty(document, 'hidden', {{ value: {hidden}, configurable: true }}),
          document.dispatchEvent(new Event('visibilitychange')))"
    ));
}

/// Back to the real `document.hidden`.
fn restore_page() {
    js("delete document.hidden");
}

#[wasm_bindgen_test]
async fn a_page_shown_again_or_back_online_checks_the_expiry_again() {
    let server = backend(&JsValue::UNDEFINED);
    let client = client(&server, "");
    let log = listen(&client);
    set_tokens(&client, "{accessToken: 'A1', refreshToken: 'R1', expiresAt: Date.now() - 1000}");

    switch_page(true);
    js("window.dispatchEvent(new Event('online'))");
    sleep(100).await;
    assert_eq!(refresh_calls(&server).len(), 0, "a hidden page refreshes nothing");

    switch_page(false);
    restore_page();
    until("a refresh when the page is shown", || refresh_calls(&server).len() == 1).await;
    until("the new token stored", || text(&client.get_tokens(), "accessToken") == "N1").await;
    let starts = events_of(&log, "refresh-start");
    assert_eq!(text(&starts[0], "reason"), "expired");
    assert!(api_calls(&server).is_empty(), "no request was needed");

    // Fresh now: neither event refreshes again.
    js("(document.dispatchEvent(new Event('visibilitychange')), window.dispatchEvent(new Event('online')))");
    sleep(100).await;
    assert_eq!(refresh_calls(&server).len(), 1);

    // Back online with a token inside its window: a background refresh.
    set_tokens(&client, "{accessToken: 'A2', refreshToken: 'R-N1', expiresAt: Date.now() + 60000}");
    js("window.dispatchEvent(new Event('online'))");
    until("a refresh when the network is back", || refresh_calls(&server).len() == 2).await;
    let starts = events_of(&log, "refresh-start");
    assert_eq!(text(&starts[1], "reason"), "proactive");
    client.dispose();
}

#[wasm_bindgen_test]
async fn dispose_removes_the_wake_up_listeners() {
    // Every listener added or removed for the two events, on the document and the window.
    let spy = js("(() => {
        const seen = [];
        for (const [name, target] of [['document', document], ['window', window]]) {
            const add = target.addEventListener, remove = target.removeEventListener;
            target.addEventListener = function (type, f, o) { seen.push(['add', name, type, f]); return add.call(this, type, f, o); };
            target.removeEventListener = function (type, f, o) { seen.push(['remove', name, type, f]); return remove.call(this, type, f, o); };
        }
        return { seen, restore() { delete document.addEventListener; delete document.removeEventListener;
                                   delete window.addEventListener; delete window.removeEventListener; } };
    })()");
    let server = backend(&JsValue::UNDEFINED);
    let client = client(&server, "");
    let summary = func(
        "seen",
        "return seen.filter(([, , type]) => type === 'visibilitychange' || type === 'online')
                    .map(([op, name, type]) => `${op} ${name} ${type}`).join(', ')",
    );
    let seen = get(&spy, "seen");
    assert_eq!(
        summary.call1(&JsValue::NULL, &seen).unwrap(),
        "add window online, add document visibilitychange"
    );
    client.dispose();
    call0(&spy, "restore");
    assert_eq!(
        summary.call1(&JsValue::NULL, &seen).unwrap(),
        "add window online, add document visibilitychange, remove window online, remove document visibilitychange"
    );
    let same = func("seen", "return seen[0][3] === seen[2][3] && seen[1][3] === seen[3][3]");
    assert_eq!(same.call1(&JsValue::NULL, &seen).unwrap(), JsValue::TRUE, "the same listener is removed");

    // After dispose, waking up does nothing.
    set_tokens_disposed_is_refused(&client);
    js("(document.dispatchEvent(new Event('visibilitychange')), window.dispatchEvent(new Event('online')))");
    sleep(50).await;
    assert!(refresh_calls(&server).is_empty());
}

fn set_tokens_disposed_is_refused(client: &fetch_with_refresh::bindings::AuthClient) {
    let refused = client.set_tokens(js("{accessToken: 'A1', refreshToken: 'R1', expiresAt: 1}"));
    assert_eq!(name(&refused.unwrap_err()), "DisposedError");
}

#[wasm_bindgen_test]
async fn auto_refresh_renews_halfway_through_each_token_with_no_request() {
    // Tokens that live one second: each is renewed half a second after it arrives.
    let server = backend(&js("{expiresIn: 1}"));
    let auto = client(&server, "{autoRefresh: true}");
    set_tokens(&auto, "{accessToken: 'A1', refreshToken: 'R1', expiresIn: 1}");
    sleep(350).await;
    assert_eq!(refresh_calls(&server).len(), 0, "not in the first half of the token's life");
    until("three renewals", || refresh_calls(&server).len() >= 3).await;
    assert!(api_calls(&server).is_empty(), "no request was made");
    auto.dispose();
    let after_dispose = refresh_calls(&server).len();
    sleep(1_200).await;
    assert_eq!(refresh_calls(&server).len(), after_dispose, "dispose clears the timer");

    // Off by default: the same tokens are not renewed without a request.
    let server = backend(&js("{expiresIn: 1}"));
    let client = client(&server, "");
    set_tokens(&client, "{accessToken: 'A1', refreshToken: 'R1', expiresIn: 1}");
    sleep(1_200).await;
    assert_eq!(refresh_calls(&server).len(), 0);
    client.dispose();
}
