//! The cross-tab port over Web Locks, IndexedDB and BroadcastChannel. (Being written.)

use crate::ports::{CrossTabOff, Tabs};
use crate::web::platform::WebPlatform;
use std::future::Future;

impl Tabs for WebPlatform {
    type Held = ();

    fn coordination(&self) -> Result<(), CrossTabOff> {
        Err(CrossTabOff::NoWebLocks)
    }

    fn lock(&self, _name: &str) -> impl Future<Output = Result<(), CrossTabOff>> {
        std::future::ready(Err(CrossTabOff::LockFailed))
    }

    fn read_shared(&self, _name: &str) -> impl Future<Output = Result<Option<String>, CrossTabOff>> {
        std::future::ready(Err(CrossTabOff::IndexedDbFailed))
    }

    fn write_shared(&self, _name: &str, _record: &str) -> impl Future<Output = Result<(), CrossTabOff>> {
        std::future::ready(Err(CrossTabOff::IndexedDbFailed))
    }

    fn broadcast(&self, _name: &str, _message: &str) {}

    fn listen(&self, _name: &str, _on_message: Box<dyn Fn(String)>) {}

    fn stop_listening(&self) {}
}
