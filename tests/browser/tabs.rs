//! The `Tabs` port over Web Locks, IndexedDB and BroadcastChannel, through the trait, on
//! `WebPlatform`s: two platforms stand for two tabs (they share the lock manager, the database
//! and the channels exactly as two tabs of one profile do). Every test uses names of its own.

use crate::support::*;
use fetch_with_refresh::ports::{CrossTabOff, Tabs};
use fetch_with_refresh::web::platform::WebPlatform;
use std::cell::RefCell;
use std::future::{poll_fn, Future};
use std::pin::pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::spawn_local;
use wasm_bindgen_test::wasm_bindgen_test;

fn platform() -> WebPlatform {
    WebPlatform::new(None)
}

/// A name no other test (nor an earlier run) uses.
fn unique(what: &str) -> String {
    format!("fetch-with-refresh:test:{what}:{}", js_sys::Math::random())
}

/// `future`'s output, or `None` when it is not ready within `ms` (it is dropped then).
async fn within<T>(ms: u32, future: impl Future<Output = T>) -> Option<T> {
    let mut future = pin!(future);
    let mut timer = pin!(sleep(ms));
    poll_fn(|cx| match future.as_mut().poll(cx) {
        Poll::Ready(value) => Poll::Ready(Some(value)),
        Poll::Pending => timer.as_mut().poll(cx).map(|()| None),
    })
    .await
}

/// `navigator.locks.query()`: how many requests for `name` are held and how many wait.
async fn lock_state(name: &str) -> (usize, usize) {
    let snapshot = resolved(call0(&js("navigator.locks"), "query").into(), "locks.query()").await;
    let count =
        |list: &str| items(&get(&snapshot, list)).iter().filter(|info| text(info, "name") == name).count();
    (count("held"), count("pending"))
}

/// [`lock_state`] once it is `expected` (or after 2 s).
async fn lock_state_becomes(name: &str, expected: (usize, usize)) -> (usize, usize) {
    for _ in 0..400 {
        let state = lock_state(name).await;
        if state == expected {
            return state;
        }
        sleep(5).await;
    }
    lock_state(name).await
}

/// Deletes the database (once every connection to it has closed).
async fn delete_database() {
    let deleted = js("new Promise((resolve, reject) => {
        const r = indexedDB.deleteDatabase('fetch-with-refresh');
        r.onsuccess = () => resolve('deleted');
        r.onerror = () => reject(r.error);
    })");
    resolved(deleted.into(), "deleteDatabase").await;
}

/// Hides `target[key]` (an own property set to `undefined`) until dropped.
struct Hidden {
    target: JsValue,
    key: &'static str,
    descriptor: JsValue,
}

impl Hidden {
    fn new(target: JsValue, key: &'static str) -> Hidden {
        let hide = func(
            "t, k",
            "const d = Object.getOwnPropertyDescriptor(t, k);
             Object.defineProperty(t, k, { value: undefined, configurable: true, writable: true });
             return d;",
        );
        let descriptor = hide.call2(&JsValue::NULL, &target, &JsValue::from_str(key)).unwrap();
        Hidden { target, key, descriptor }
    }
}

impl Drop for Hidden {
    fn drop(&mut self) {
        let restore = func("t, k, d", "if (d) Object.defineProperty(t, k, d); else delete t[k];");
        restore.call3(&JsValue::NULL, &self.target, &JsValue::from_str(self.key), &self.descriptor).unwrap();
    }
}

#[wasm_bindgen_test]
fn chromium_can_coordinate() {
    assert_eq!(platform().coordination(), Ok(()));
}

#[wasm_bindgen_test]
async fn each_missing_api_is_named() {
    let tabs = platform();
    {
        let _hidden = Hidden::new(js("navigator"), "locks");
        assert_eq!(tabs.coordination(), Err(CrossTabOff::NoWebLocks));
        assert!(matches!(tabs.lock(&unique("hidden")).await, Err(CrossTabOff::NoWebLocks)));
    }
    {
        let _hidden = Hidden::new(js("globalThis"), "indexedDB");
        assert_eq!(tabs.coordination(), Err(CrossTabOff::NoIndexedDb));
        assert_eq!(tabs.read_shared(&unique("hidden")).await, Err(CrossTabOff::NoIndexedDb));
    }
    {
        let _hidden = Hidden::new(js("globalThis"), "BroadcastChannel");
        assert_eq!(tabs.coordination(), Err(CrossTabOff::NoBroadcastChannel));
        tabs.broadcast(&unique("hidden"), "renewed");
        tabs.listen(&unique("hidden"), Box::new(|_| {}));
        tabs.stop_listening();
    }
    assert_eq!(tabs.coordination(), Ok(()), "restored");
}

#[wasm_bindgen_test]
async fn a_lock_waits_for_the_holder_and_other_names_do_not() {
    let name = unique("order");
    let (one, two) = (platform(), platform());
    let first = one.lock(&name).await.unwrap();
    assert_eq!(lock_state(&name).await, (1, 0));

    let order = Rc::new(RefCell::new(Vec::new()));
    let log = Rc::clone(&order);
    let waiting = name.clone();
    spawn_local(async move {
        let second = two.lock(&waiting).await.unwrap();
        log.borrow_mut().push("second granted");
        sleep(20).await;
        drop(second);
        log.borrow_mut().push("second released");
    });
    assert_eq!(lock_state_becomes(&name, (1, 1)).await, (1, 1), "the second request does not wait");
    sleep(100).await;
    assert!(order.borrow().is_empty(), "granted while held: {:?}", order.borrow());

    let other = within(2000, one.lock(&unique("other"))).await;
    assert!(matches!(other, Some(Ok(_))), "another name waited for this one");

    order.borrow_mut().push("first released");
    drop(first);
    until("the second request is granted", || order.borrow().len() == 3).await;
    assert_eq!(*order.borrow(), ["first released", "second granted", "second released"]);
    let again = within(2000, one.lock(&name)).await;
    assert!(matches!(again, Some(Ok(_))), "the lock was not released");
}

#[wasm_bindgen_test]
async fn dropping_a_waiting_lock_withdraws_the_request() {
    let name = unique("withdraw");
    let (one, two) = (platform(), platform());
    let held = one.lock(&name).await.unwrap();

    let mut waiting = Box::pin(two.lock(&name));
    assert!(within(50, waiting.as_mut()).await.is_none(), "granted while held");
    assert_eq!(lock_state(&name).await, (1, 1));
    drop(waiting);
    assert_eq!(lock_state_becomes(&name, (1, 0)).await, (1, 0), "the request is still pending");

    drop(held);
    let later = within(2000, two.lock(&name)).await;
    assert!(matches!(later, Some(Ok(_))), "a later request was not granted");
}

#[wasm_bindgen_test]
async fn a_request_withdrawn_as_it_is_granted_leaves_the_lock_free() {
    let name = unique("race");
    let (one, two) = (platform(), platform());
    // The holder lets go and the waiter gives up at about the same moment: at once, after a few
    // milliseconds (the grant came: the waiter's callback ran but nobody took the lock), or after
    // the page was busy for a few milliseconds (a grant may be queued behind the busy task).
    // Whatever the browser sees first, the lock ends up free.
    let busy = func("ms", "const t = Date.now() + ms; while (Date.now() < t);");
    for (delay, spin) in [(0, 0), (0, 0), (1, 0), (2, 0), (5, 0), (0, 2), (0, 5), (0, 5), (0, 10), (0, 20)] {
        let held = one.lock(&name).await.unwrap();
        let mut waiting = Box::pin(two.lock(&name));
        assert!(within(10, waiting.as_mut()).await.is_none(), "granted while held");
        drop(held);
        if delay > 0 {
            sleep(delay).await;
        }
        if spin > 0 {
            // Lets the release's promise reaction run, then keeps the page busy.
            settle(js("Promise.resolve()").into()).await.unwrap();
            busy.call1(&JsValue::NULL, &JsValue::from(spin)).unwrap();
        }
        drop(waiting);
        let next = within(2000, one.lock(&name)).await;
        assert!(matches!(next, Some(Ok(_))), "the lock stayed taken ({delay} ms, busy {spin} ms)");
    }
    assert_eq!(lock_state_becomes(&name, (0, 0)).await, (0, 0), "held or pending at the end");
}

#[wasm_bindgen_test]
async fn a_refused_request_is_lock_failed() {
    // Names starting with "-" are reserved: the browser rejects the request.
    assert!(matches!(platform().lock("-fetch-with-refresh").await, Err(CrossTabOff::LockFailed)));
}

#[wasm_bindgen_test]
async fn records_are_shared_through_indexeddb() {
    let name = unique("record");
    let (one, two) = (platform(), platform());
    assert_eq!(one.read_shared(&name).await, Ok(None));
    assert_eq!(one.write_shared(&name, "{\"v\":1}").await, Ok(()));
    assert_eq!(one.read_shared(&name).await, Ok(Some("{\"v\":1}".to_owned())));
    assert_eq!(two.read_shared(&name).await, Ok(Some("{\"v\":1}".to_owned())), "another tab's view");
    assert_eq!(two.write_shared(&name, "{\"v\":2}").await, Ok(()));
    assert_eq!(one.read_shared(&name).await, Ok(Some("{\"v\":2}".to_owned())), "overwritten");
    assert_eq!(one.read_shared(&unique("other record")).await, Ok(None));
}

#[wasm_bindgen_test]
async fn a_database_deleted_elsewhere_is_opened_again() {
    let name = unique("deleted");
    let tabs = platform();
    assert_eq!(tabs.write_shared(&name, "kept").await, Ok(()));
    // Deleting needs every connection closed: the open one closes on `versionchange`.
    delete_database().await;
    assert_eq!(tabs.read_shared(&name).await, Ok(None));
    assert_eq!(tabs.write_shared(&name, "again").await, Ok(()));
    assert_eq!(platform().read_shared(&name).await, Ok(Some("again".to_owned())));
}

#[wasm_bindgen_test]
async fn a_first_read_given_up_at_once_still_creates_the_store_and_closes() {
    delete_database().await;
    let name = unique("given up");
    let tabs = platform();
    // Polled once (the database starts opening, its store is not created yet), then dropped.
    let mut reading = Box::pin(tabs.read_shared(&name));
    assert!(reading.as_mut().poll(&mut Context::from_waker(Waker::noop())).is_pending());
    drop(reading);
    assert_eq!(platform().read_shared(&name).await, Ok(None), "another tab");
    assert_eq!(tabs.read_shared(&name).await, Ok(None));
    // Every connection, the abandoned one too, closes for a deletion.
    assert!(within(2000, delete_database()).await.is_some(), "a connection stayed open");
}

#[wasm_bindgen_test]
async fn messages_reach_the_others_until_they_stop_listening() {
    let name = unique("channel");
    let (one, two, three) = (platform(), platform(), platform());
    let heard_by_one = Rc::new(RefCell::new(Vec::<String>::new()));
    let heard_by_two = Rc::new(RefCell::new(Vec::<String>::new()));
    let log = Rc::clone(&heard_by_one);
    one.listen(&name, Box::new(move |message| log.borrow_mut().push(message)));
    let log = Rc::clone(&heard_by_two);
    two.listen(&name, Box::new(move |message| log.borrow_mut().push(message)));

    two.broadcast(&name, "renewed");
    until("the other tab hears it", || heard_by_one.borrow().len() == 1).await;
    // Not from a platform that never listened either (its channel opens at the first post), and
    // anything that is not a string is ignored.
    three.broadcast(&name, "ended");
    js(&format!(
        "(() => {{ const c = new BroadcastChannel('{name}'); c.postMessage({{ a: 1 }}); c.close(); }})()"
    ));
    until("both tabs hear the third", || {
        heard_by_one.borrow().len() == 2 && heard_by_two.borrow().len() == 1
    })
    .await;
    sleep(50).await;
    assert_eq!(*heard_by_one.borrow(), ["renewed", "ended"]);
    assert_eq!(*heard_by_two.borrow(), ["ended"], "a tab heard its own message");

    one.stop_listening();
    two.broadcast(&name, "renewed");
    three.broadcast(&name, "renewed");
    sleep(100).await;
    assert_eq!(heard_by_one.borrow().len(), 2, "heard after stop_listening");
}
