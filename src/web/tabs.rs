//! The [`Tabs`] port in the browser: the lock is a Web Lock (`navigator.locks`), the shared store
//! an IndexedDB object store, the channel a `BroadcastChannel`. Every Rust callback handed to the
//! browser is owned by a Rust value that takes it back (and drops it) when it is dropped, or, when
//! the browser may still call it (a lock granted as its request is withdrawn, a database upgrade
//! under way), once the browser is done with it.

use crate::flag::Flag;
use crate::ports::{CrossTabOff, Tabs};
use crate::web::js;
use crate::web::platform::WebPlatform;
use js_sys::{Function, Object, Promise};
use std::cell::Cell;
use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::rc::Rc;
use std::task::Poll;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AbortController, BroadcastChannel, IdbDatabase, IdbFactory, IdbTransaction, IdbTransactionMode,
    LockManager, LockOptions,
};

/// The IndexedDB database the records are kept in (version 1: one object store).
const DATABASE: &str = "fetch-with-refresh";
/// Its object store: out-of-line keys (the coordination name), string values (the record).
const STORE: &str = "records";

/// `globalThis[key]` (`undefined` when missing).
fn global(key: &str) -> JsValue {
    js::get(&js_sys::global(), key)
}

/// `navigator.locks`, when there is one.
fn locks() -> Option<LockManager> {
    let locks = js::get(&global("navigator"), "locks");
    locks.is_object().then(|| locks.unchecked_into())
}

/// `indexedDB`, when there is one.
fn indexed_db() -> Option<IdbFactory> {
    let factory = global("indexedDB");
    factory.is_object().then(|| factory.unchecked_into())
}

/// A granted Web Lock: dropping it resolves the promise the lock's callback returned, and the
/// browser releases the lock.
#[derive(Debug)]
pub struct Held(Function);

impl Drop for Held {
    fn drop(&mut self) {
        let _ = self.0.call0(&JsValue::UNDEFINED);
    }
}

/// What a lock request's callback and its waiting future share.
#[derive(Default)]
struct Grant {
    /// Raised when the browser granted the lock (called the callback).
    granted: Flag,
    /// Resolves the promise the callback returned, which releases the lock.
    release: Cell<Option<Function>>,
    /// Set once the future is gone: a callback called after that releases the lock at once.
    abandoned: Cell<bool>,
}

/// A lock request on its way; dropping it before the grant withdraws the request.
struct Request {
    grant: Rc<Grant>,
    controller: AbortController,
    callback: Option<Closure<dyn FnMut(JsValue) -> Promise>>,
    promise: Promise,
}

impl Request {
    /// `navigator.locks.request(name, {signal}, callback)`.
    fn new(name: &str) -> Result<Request, CrossTabOff> {
        let locks = locks().ok_or(CrossTabOff::NoWebLocks)?;
        let controller = AbortController::new().map_err(|_| CrossTabOff::LockFailed)?;
        let grant = Rc::new(Grant::default());
        let shared = Rc::clone(&grant);
        let callback = Closure::<dyn FnMut(JsValue) -> Promise>::new(move |_lock: JsValue| {
            Promise::new(&mut |resolve: Function, _reject| {
                if shared.abandoned.get() {
                    let _ = resolve.call0(&JsValue::UNDEFINED);
                } else {
                    shared.release.set(Some(resolve));
                    shared.granted.raise();
                }
            })
        });
        let options = LockOptions::new();
        options.set_signal(&controller.signal());
        let promise = locks.request_with_options(name, &options, callback.as_ref().unchecked_ref());
        Ok(Request { grant, controller, callback: Some(callback), promise })
    }
}

impl Drop for Request {
    fn drop(&mut self) {
        self.grant.abandoned.set(true);
        if let Some(release) = self.grant.release.take() {
            // Granted, but the lock was never handed over.
            let _ = release.call0(&JsValue::UNDEFINED);
        } else if !self.grant.granted.raised() {
            self.controller.abort();
            // The grant may be on its way already (the abort then comes too late): the callback
            // stays alive until the request settles, and releases the lock if it is called.
            if let Some(callback) = self.callback.take() {
                keep_until(&self.promise, callback);
            }
        }
    }
}

/// Keeps `value` (a callback the browser may still call) until `promise` settles.
fn keep_until<T: 'static>(promise: &Promise, value: T) {
    let settled = JsFuture::from(promise.clone());
    wasm_bindgen_futures::spawn_local(async move {
        let _ = settled.await;
        drop(value);
    });
}

/// Settles at the first of `target`'s events (IndexedDB's `on…` handlers): resolves with the
/// event at `ok`, rejects at any of `failures`. The handlers are the promise's own functions: no
/// Rust closure is involved, and an abandoned wait leaves nothing behind once the event fires.
fn settled(target: &Object, ok: &str, failures: &[&str]) -> Promise {
    Promise::new(&mut |resolve, reject: Function| {
        js::set(target, ok, resolve);
        for failure in failures {
            js::set(target, failure, reject.clone());
        }
    })
}

/// The open database, closed when dropped. Another tab deleting or upgrading it
/// (`versionchange`) closes it too; a closed connection makes the next transaction fail, and the
/// database is opened again.
#[derive(Debug)]
pub struct Database(IdbDatabase);

impl Drop for Database {
    fn drop(&mut self) {
        self.0.close();
    }
}

/// The channel of one name, closed when dropped, with the listener [`Tabs::listen`] set on it.
pub struct Channel {
    name: String,
    channel: BroadcastChannel,
    on_message: Option<Closure<dyn FnMut(JsValue)>>,
}

impl std::fmt::Debug for Channel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Channel").field("name", &self.name).finish_non_exhaustive()
    }
}

impl Channel {
    fn open(name: &str) -> Option<Channel> {
        let channel = BroadcastChannel::new(name).ok()?;
        Some(Channel { name: name.to_owned(), channel, on_message: None })
    }
}

impl Drop for Channel {
    fn drop(&mut self) {
        self.channel.set_onmessage(None);
        self.channel.close();
    }
}

impl WebPlatform {
    /// Opens the database (creating its store the first time) and keeps it.
    async fn open_database(&self) -> Result<(), CrossTabOff> {
        let factory = indexed_db().ok_or(CrossTabOff::NoIndexedDb)?;
        let request = factory.open_with_u32(DATABASE, 1).map_err(|_| CrossTabOff::IndexedDbFailed)?;
        let opening = request.clone();
        let upgrade = Closure::<dyn FnMut()>::new(move || {
            if let Ok(db) = opening.result() {
                let _ = db.unchecked_into::<IdbDatabase>().create_object_store(STORE);
            }
        });
        js::set(&request, "onupgradeneeded", upgrade.as_ref());
        // No `blocked`: only connections to an older version block an upgrade, and version 1 is
        // the first.
        let opened = settled(&request, "onsuccess", &["onerror"]);
        // Even if this future is dropped before the request settles, the store is created (a
        // database without it would stay so) and the connection closes when another tab deletes
        // or upgrades the database (the handler is `close`: it runs with the database as `this`).
        let (done, connection) = (JsFuture::from(opened.clone()), request.clone());
        wasm_bindgen_futures::spawn_local(async move {
            if done.await.is_ok() {
                if let Ok(db) = connection.result() {
                    js::set(db.unchecked_ref(), "onversionchange", js::get(&db, "close"));
                }
            }
            drop(upgrade);
        });
        JsFuture::from(opened).await.map_err(|_| CrossTabOff::IndexedDbFailed)?;
        let db: IdbDatabase = request.result().map_err(|_| CrossTabOff::IndexedDbFailed)?.unchecked_into();
        *self.database.borrow_mut() = Some(Database(db));
        Ok(())
    }

    /// A transaction on the store of the kept database; `None` when none is kept or it was
    /// closed (`versionchange`, or by the browser: it is forgotten then).
    fn transaction(&self, mode: IdbTransactionMode) -> Option<IdbTransaction> {
        let transaction = self.database.borrow().as_ref()?.0.transaction_with_str_and_mode(STORE, mode).ok();
        if transaction.is_none() {
            self.database.take();
        }
        transaction
    }

    /// Reads the record `name` (`record` is `None`) or writes it, in a transaction of its own
    /// that has completed when this resolves; the request's result (the record when reading).
    async fn shared(&self, name: &str, record: Option<&str>) -> Result<JsValue, CrossTabOff> {
        let mode =
            if record.is_some() { IdbTransactionMode::Readwrite } else { IdbTransactionMode::Readonly };
        let transaction = match self.transaction(mode) {
            Some(transaction) => transaction,
            None => {
                self.open_database().await?;
                self.transaction(mode).ok_or(CrossTabOff::IndexedDbFailed)?
            }
        };
        let key = JsValue::from_str(name);
        let request = transaction
            .object_store(STORE)
            .and_then(|store| match record {
                Some(record) => store.put_with_key(&JsValue::from_str(record), &key),
                None => store.get(&key),
            })
            .map_err(|_| self.database_failed())?;
        JsFuture::from(settled(&transaction, "oncomplete", &["onerror", "onabort"]))
            .await
            .map_err(|_| self.database_failed())?;
        request.result().map_err(|_| self.database_failed())
    }

    /// Forgets the database after a failure (the next call opens it again).
    fn database_failed(&self) -> CrossTabOff {
        self.database.take();
        CrossTabOff::IndexedDbFailed
    }
}

impl Tabs for WebPlatform {
    type Held = Held;

    fn coordination(&self) -> Result<(), CrossTabOff> {
        if locks().is_none() {
            Err(CrossTabOff::NoWebLocks)
        } else if indexed_db().is_none() {
            Err(CrossTabOff::NoIndexedDb)
        } else if !global("BroadcastChannel").is_function() {
            Err(CrossTabOff::NoBroadcastChannel)
        } else {
            Ok(())
        }
    }

    async fn lock(&self, name: &str) -> Result<Held, CrossTabOff> {
        let request = Request::new(name)?;
        // Settles before the grant only when the request failed.
        let mut settled = JsFuture::from(request.promise.clone());
        poll_fn(|cx| match request.grant.granted.poll(cx) {
            Poll::Ready(()) => Poll::Ready(()),
            Poll::Pending => Pin::new(&mut settled).poll(cx).map(drop),
        })
        .await;
        request.grant.release.take().map(Held).ok_or(CrossTabOff::LockFailed)
    }

    async fn read_shared(&self, name: &str) -> Result<Option<String>, CrossTabOff> {
        Ok(self.shared(name, None).await?.as_string())
    }

    async fn write_shared(&self, name: &str, record: &str) -> Result<(), CrossTabOff> {
        self.shared(name, Some(record)).await.map(drop)
    }

    fn broadcast(&self, name: &str, message: &str) {
        let mut slot = self.channel.borrow_mut();
        if slot.is_none() {
            *slot = Channel::open(name);
        }
        let message = JsValue::from_str(message);
        match slot.as_ref().filter(|open| open.name == name) {
            Some(open) => {
                let _ = open.channel.post_message(&message);
            }
            // Another name than the one listened to: a channel for this message only.
            None => {
                if let Some(once) = Channel::open(name) {
                    let _ = once.channel.post_message(&message);
                }
            }
        }
    }

    fn listen(&self, name: &str, on_message: Box<dyn Fn(String)>) {
        let mut slot = self.channel.borrow_mut();
        if slot.as_ref().is_none_or(|open| open.name != name) {
            *slot = Channel::open(name);
        }
        if let Some(open) = slot.as_mut() {
            let callback = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
                if let Some(text) = js::get(&event, "data").as_string() {
                    on_message(text);
                }
            });
            open.channel.set_onmessage(Some(callback.as_ref().unchecked_ref()));
            open.on_message = Some(callback);
        }
    }

    fn stop_listening(&self) {
        self.channel.take();
    }
}
