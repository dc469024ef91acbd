//! The token vault: a [`TokenSet`] kept as three values in a [`KeyValueStore`], read fresh for
//! every request (other code and other tabs may change them) and written as one set.
//!
//! When the store throws or a write does not stick, the vault switches to memory for the rest of
//! its life and reports it once through the `on_fallback` callback (the `storage-fallback` event):
//! the user stays logged in for this page instead of meeting an uncaught error.

use super::events::{Fallback, Operation};
use super::json;
use super::options::StorageKeys;
use super::tokens::{jwt_times, Secret, TokenSet};
use core::cell::{Cell, RefCell};

/// Why a storage operation failed: the storage's own message (quota exceeded, disabled, a cookie
/// that did not stick…). Never carries a stored value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreError {
    /// The storage threw or refused the write.
    Failed(String),
}

impl StoreError {
    /// A message for the `storage-fallback` event.
    pub fn message(&self) -> String {
        let StoreError::Failed(why) = self;
        let mut message = String::from("storage failed: ");
        message.push_str(why);
        message
    }
}

/// A string key-value store: Web Storage, cookies, memory, or the app's own object.
pub trait KeyValueStore {
    /// A short name for events (`localStorage`, `cookie`…).
    fn kind(&self) -> &'static str;
    /// Reads a value; `Ok(None)` when absent.
    fn get(&self, key: &str) -> Result<Option<String>, StoreError>;
    /// Writes a value.
    fn set(&self, key: &str, value: &str) -> Result<(), StoreError>;
    /// Removes a value.
    fn remove(&self, key: &str) -> Result<(), StoreError>;
}

/// Keeps values in memory: the `memory` storage, and the fallback of every other one.
#[derive(Debug, Default)]
pub struct MemoryStore {
    values: RefCell<Vec<(String, String)>>,
}

impl KeyValueStore for MemoryStore {
    fn kind(&self) -> &'static str {
        "memory"
    }

    fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self.values.borrow().iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()))
    }

    fn set(&self, key: &str, value: &str) -> Result<(), StoreError> {
        let mut values = self.values.borrow_mut();
        match values.iter_mut().find(|(k, _)| k == key) {
            Some(entry) => entry.1 = value.to_owned(),
            None => values.push((key.to_owned(), value.to_owned())),
        }
        Ok(())
    }

    fn remove(&self, key: &str) -> Result<(), StoreError> {
        self.values.borrow_mut().retain(|(k, _)| k != key);
        Ok(())
    }
}

/// See the module documentation.
pub struct TokenVault {
    keys: StorageKeys,
    primary: Box<dyn KeyValueStore>,
    memory: MemoryStore,
    fell_back: Cell<bool>,
    /// The access token last saved or read here and its lifetime (ms), when known: storage keeps
    /// only the expiry, an opaque token's lifetime is known only from the `expiresIn` it came
    /// with, and a JWT's is decoded once rather than for every request.
    lifetime: RefCell<Option<(Secret, Option<f64>)>>,
}

impl core::fmt::Debug for TokenVault {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("TokenVault")
            .field("storage", &self.primary.kind())
            .field("fell_back", &self.fell_back.get())
            .finish_non_exhaustive()
    }
}

impl TokenVault {
    /// A vault over `primary` with the given keys.
    pub fn new(keys: StorageKeys, primary: Box<dyn KeyValueStore>) -> TokenVault {
        TokenVault {
            keys,
            primary,
            memory: MemoryStore::default(),
            fell_back: Cell::new(false),
            lifetime: RefCell::new(None),
        }
    }

    /// The store in use now.
    fn store(&self) -> &dyn KeyValueStore {
        if self.fell_back.get() {
            &self.memory
        } else {
            self.primary.as_ref()
        }
    }

    /// Runs `op` on the store in use; on failure switches to memory, reports, and runs it there.
    fn with_fallback<T>(
        &self,
        operation: Operation,
        on_fallback: &dyn Fn(Fallback),
        op: impl Fn(&dyn KeyValueStore) -> Result<T, StoreError>,
    ) -> T
    where
        T: Default,
    {
        match op(self.store()) {
            Ok(value) => value,
            Err(error) => {
                self.fell_back.set(true);
                on_fallback(Fallback { storage: self.primary.kind(), operation, message: error.message() });
                op(&self.memory).unwrap_or_default()
            }
        }
    }

    /// The stored tokens, or `None` when there are none or they are corrupt.
    pub fn load(&self, on_fallback: &dyn Fn(Fallback)) -> Option<TokenSet> {
        self.with_fallback(Operation::Read, on_fallback, |store| {
            let access = store.get(&self.keys.access)?;
            if access.is_none() {
                return Ok(None);
            }
            let refresh = store.get(&self.keys.refresh)?;
            let expires_at = store.get(&self.keys.expires_at)?;
            Ok(TokenSet::from_stored_with(access, refresh, expires_at, |access| {
                let mut known = self.lifetime.borrow_mut();
                match &*known {
                    Some((seen, lifetime)) if seen == access => *lifetime,
                    _ => {
                        let lifetime = jwt_times(access.expose()).lifetime();
                        *known = Some((access.clone(), lifetime));
                        lifetime
                    }
                }
            }))
        })
    }

    /// Writes `tokens` as one set: values it lacks are removed, so no stale refresh token or
    /// expiry from an older set survives. The access token is written last, so a reader that sees
    /// the new access token also sees its companions.
    pub fn save(&self, tokens: &TokenSet, on_fallback: &dyn Fn(Fallback)) {
        let lifetime = tokens.expires_at.zip(tokens.issued_at).map(|(at, issued)| at - issued);
        *self.lifetime.borrow_mut() = Some((tokens.access.clone(), lifetime));
        self.write(Some(tokens), Operation::Write, on_fallback);
    }

    /// Removes the three values, the access token first.
    pub fn clear(&self, on_fallback: &dyn Fn(Fallback)) {
        self.write(None, Operation::Remove, on_fallback);
    }

    /// Writes `tokens`, or removes every value for `None`.
    fn write(&self, tokens: Option<&TokenSet>, operation: Operation, on_fallback: &dyn Fn(Fallback)) {
        let expires_at =
            tokens.and_then(|t| t.expires_at).and_then(|at| json::integer_text((at as i64) as f64));
        let mut values = [
            (&self.keys.refresh, tokens.and_then(|t| t.refresh.as_ref()).map(Secret::expose)),
            (&self.keys.expires_at, expires_at.as_deref()),
            (&self.keys.access, tokens.map(|t| t.access.expose())),
        ];
        if tokens.is_none() {
            // Removing, the access token goes first (`load` reads it first): a reader in another
            // tab then sees no tokens, or the old set, unless it reads between two removals (the
            // cross-tab decisions read until two reads agree).
            values.reverse();
        }
        self.with_fallback(operation, on_fallback, |store| {
            for (key, value) in &values {
                match value {
                    Some(value) => store.set(key, value)?,
                    None => store.remove(key)?,
                }
            }
            Ok(())
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::text::cat;
    use crate::core::tokens::Secret;

    /// A store that fails the operations it is told to.
    #[derive(Default)]
    struct Flaky {
        inner: MemoryStore,
        fail_reads: bool,
        fail_writes: bool,
        drop_writes: bool,
    }

    impl KeyValueStore for Flaky {
        fn kind(&self) -> &'static str {
            "flaky"
        }
        fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
            if self.fail_reads {
                return Err(StoreError::Failed("blocked".into()));
            }
            self.inner.get(key)
        }
        fn set(&self, key: &str, value: &str) -> Result<(), StoreError> {
            if self.fail_writes {
                return Err(StoreError::Failed("QuotaExceededError".into()));
            }
            if self.drop_writes {
                return Err(StoreError::Failed("the value was not stored".into()));
            }
            self.inner.set(key, value)
        }
        fn remove(&self, key: &str) -> Result<(), StoreError> {
            self.inner.remove(key)
        }
    }

    fn set(access: &str, refresh: Option<&str>, expires_at: Option<f64>) -> TokenSet {
        TokenSet {
            access: Secret::new(access).expect("usable"),
            refresh: refresh.and_then(Secret::new),
            expires_at,
            issued_at: None,
        }
    }

    /// Collects the fallback reports of one test.
    #[derive(Default)]
    struct Reports(RefCell<Vec<Fallback>>);

    impl Reports {
        fn sink(&self) -> impl Fn(Fallback) + '_ {
            move |fallback| self.0.borrow_mut().push(fallback)
        }

        fn seen(&self) -> Vec<Fallback> {
            self.0.borrow().clone()
        }
    }

    /// A store that logs what is done to it, in order.
    #[derive(Default)]
    struct Logged(std::rc::Rc<RefCell<Vec<String>>>);

    impl KeyValueStore for Logged {
        fn kind(&self) -> &'static str {
            "logged"
        }
        fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
            self.0.borrow_mut().push(cat(&["get ", key]));
            Ok(None)
        }
        fn set(&self, key: &str, _value: &str) -> Result<(), StoreError> {
            self.0.borrow_mut().push(cat(&["set ", key]));
            Ok(())
        }
        fn remove(&self, key: &str) -> Result<(), StoreError> {
            self.0.borrow_mut().push(cat(&["remove ", key]));
            Ok(())
        }
    }

    #[test]
    fn an_opaque_tokens_lifetime_is_remembered_while_it_is_the_stored_one() {
        let vault = TokenVault::new(StorageKeys::default(), Box::new(MemoryStore::default()));
        let mut tokens = set("opaque", Some("r"), Some(61_000.0));
        tokens.issued_at = Some(1_000.0);
        vault.save(&tokens, &|_| {});
        assert_eq!(vault.load(&|_| {}).and_then(|t| t.issued_at), Some(1_000.0));
        // Other code stores another token: its lifetime is not known.
        vault.primary.set("access_token", "other").expect("stored");
        assert_eq!(vault.load(&|_| {}).map(|t| t.issued_at), Some(None));
    }

    #[test]
    fn a_reader_in_another_tab_never_sees_a_new_access_token_without_its_set() {
        // Reads start with the access token; writes end with it, removals start with it.
        let log = std::rc::Rc::new(RefCell::new(Vec::new()));
        let vault = TokenVault::new(StorageKeys::default(), Box::new(Logged(std::rc::Rc::clone(&log))));
        let _ = vault.load(&|_| {});
        vault.save(&set("a", Some("r"), Some(1.0)), &|_| {});
        vault.clear(&|_| {});
        assert_eq!(
            *log.borrow(),
            [
                "get access_token",
                "set refresh_token",
                "set access_token_expires_at",
                "set access_token",
                "remove access_token",
                "remove access_token_expires_at",
                "remove refresh_token",
            ]
        );
    }

    #[test]
    fn a_set_round_trips_and_is_written_whole() {
        let vault = TokenVault::new(StorageKeys::default(), Box::new(MemoryStore::default()));
        let reports = Reports::default();
        let report = reports.sink();
        vault.save(&set("a1", Some("r1"), Some(1_700_000_000_123.4)), &report);
        assert_eq!(vault.load(&report), Some(set("a1", Some("r1"), Some(1_700_000_000_123.0))));
        // A later set without refresh token or expiry must not inherit the old ones.
        vault.save(&set("a2", None, None), &report);
        assert_eq!(vault.load(&report), Some(set("a2", None, None)));
        vault.clear(&report);
        assert_eq!(vault.load(&report), None);
        assert!(reports.seen().is_empty());
    }

    #[test]
    fn custom_keys_are_used() {
        let keys = StorageKeys { access: "tk".into(), refresh: "rtk".into(), expires_at: "utilTime".into() };
        let store = MemoryStore::default();
        store.set("tk", "from-elsewhere").expect("memory");
        store.set("utilTime", "1700000000000").expect("memory");
        let vault = TokenVault::new(keys, Box::new(store));
        assert_eq!(vault.load(&|_| {}), Some(set("from-elsewhere", None, Some(1_700_000_000_000.0))));
    }

    #[test]
    fn failing_stores_fall_back_to_memory_once() {
        let cases = [
            (Flaky { fail_writes: true, ..Flaky::default() }, Operation::Write),
            (Flaky { drop_writes: true, ..Flaky::default() }, Operation::Write),
        ];
        for (store, operation) in cases {
            let vault = TokenVault::new(StorageKeys::default(), Box::new(store));
            let reports = Reports::default();
            let report = reports.sink();
            vault.save(&set("a1", Some("r1"), None), &report);
            vault.save(&set("a2", Some("r2"), None), &report);
            assert_eq!(vault.load(&report), Some(set("a2", Some("r2"), None)));
            let seen = reports.seen();
            assert_eq!(seen.len(), 1, "one event, not one per write");
            assert_eq!((seen[0].storage, seen[0].operation), ("flaky", operation));
        }
    }

    #[test]
    fn unreadable_stores_mean_no_token_then_memory() {
        let vault =
            TokenVault::new(StorageKeys::default(), Box::new(Flaky { fail_reads: true, ..Flaky::default() }));
        let reports = Reports::default();
        let report = reports.sink();
        assert_eq!(vault.load(&report), None);
        vault.save(&set("a1", None, None), &report);
        assert_eq!(vault.load(&report), Some(set("a1", None, None)));
        assert_eq!(reports.seen().len(), 1);
        assert_eq!(reports.seen()[0].operation, Operation::Read);
    }
}
