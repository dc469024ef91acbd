// The storages a client can keep its tokens in: Web Storage, cookies, or the app's own
// `{getItem, setItem, removeItem}` object, behind one shape (`get`, `set`, `remove`, `kind`) that
// src/web/storage.rs implements the store port with. Every method throws when the storage fails;
// the Rust vault then falls back to memory and emits `storage-fallback`.

/** `localStorage` or `sessionStorage`, looked up on every call: reading it throws when disabled. */
class WebStore {
  constructor(kind) {
    this.kind = kind;
  }

  area() {
    const area = globalThis[this.kind];
    if (!area) throw new Error(`${this.kind} is not available here`);
    return area;
  }

  get(key) {
    return this.area().getItem(key);
  }

  set(key, value) {
    this.area().setItem(key, value);
  }

  remove(key) {
    this.area().removeItem(key);
  }
}

/**
 * `document.cookie`, every cookie written with `attributes` (e.g. `; Path=/; SameSite=Lax`). A
 * write is read back: the browser silently drops a cookie over its size limit, and a token that
 * silently vanishes would log the user out on the next request.
 */
class CookieStore {
  constructor(attributes) {
    this.kind = 'cookie';
    this.attributes = attributes;
  }

  get(key) {
    const name = `${encodeURIComponent(key)}=`;
    const pair = document.cookie.split('; ').find((cookie) => cookie.startsWith(name));
    return pair === undefined ? null : decodeURIComponent(pair.slice(name.length));
  }

  set(key, value) {
    document.cookie = `${encodeURIComponent(key)}=${encodeURIComponent(value)}${this.attributes}`;
    if (this.get(key) !== value) throw new Error('the value was not stored (too large for a cookie?)');
  }

  remove(key) {
    document.cookie = `${encodeURIComponent(key)}=${this.attributes}; Max-Age=0`;
  }
}

/** The app's storage object. A value that is not a string (a number, an object) reads as absent. */
class CustomStore {
  constructor(target) {
    this.kind = 'custom';
    this.target = target;
  }

  get(key) {
    const value = this.target.getItem(key);
    return typeof value === 'string' ? value : null;
  }

  set(key, value) {
    if (this.target.setItem(key, value) instanceof Promise) {
      // An async store would need the asynchronous storage port: say so instead of pretending.
      throw new Error('setItem returned a Promise; storage must be synchronous');
    }
  }

  remove(key) {
    this.target.removeItem(key);
  }
}

/** The store for the `storage` option (checked by js/options.js); null means memory. */
export function openStore(storage, cookieAttributes) {
  if (storage === 'memory') return null;
  if (storage === 'cookie') return new CookieStore(cookieAttributes);
  if (typeof storage === 'object' && storage !== null) return new CustomStore(storage);
  return new WebStore(storage ?? 'localStorage');
}
