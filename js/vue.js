// The Vue 3 entry, `fetch-with-refresh/vue`: a plugin that makes (or takes) the client and provides
// it to the app, and `useAuth()`, the client's state as read-only refs. It decides nothing: the
// refs mirror the client's own events and `getTokens()`; when to refresh, what expired and what
// ends a session stay the client's (Rust's) decisions.
//
// `vue` is a peer dependency and stays an import (never bundled). The main entry is imported by its
// relative path, so the package has one module instance: one wasm instance and one default client,
// shared by `fetchWithRefresh`, this plugin and any store or router guard that imports either.
import { hasInjectionContext, inject, shallowReadonly, shallowRef } from 'vue';
import { AuthClient, RefreshError, SessionExpiredError, configure } from './index.js';

/** The key the plugin provides the app's auth state under. */
const AUTH_KEY = Symbol('fetch-with-refresh');

/** The events the state is re-read on: the ones that say the tokens or the refresh changed. */
const MIRRORED_EVENTS = ['tokens-changed', 'refresh-start', 'refresh-success', 'refresh-failure', 'session-expired'];

/**
 * `tokens-changed` sources after which the client holds new tokens (a login, a refresh, another
 * tab's renewal): `lastError` is cleared then.
 */
const NEW_TOKENS = new Set(['set', 'refresh', 'other-tab']);

/**
 * The state of `client` as refs, kept up to date from its events. Returns the refs and `stop`,
 * which removes every listener it added.
 */
function mirror(client) {
  const isAuthenticated = shallowRef(false);
  const expiresAt = shallowRef(null);
  const refreshing = shallowRef(false);
  const lastError = shallowRef(null);

  /** Reads the token set again: the client keeps it in storage, which other code may change. */
  function readTokens() {
    const tokens = client.getTokens();
    isAuthenticated.value = tokens !== null;
    expiresAt.value = tokens?.expiresAt ?? null;
  }

  function onEvent(event) {
    switch (event.type) {
      case 'refresh-start':
        refreshing.value = true;
        break;
      case 'refresh-success':
        refreshing.value = false;
        break;
      case 'refresh-failure':
        refreshing.value = false;
        lastError.value = new RefreshError(
          `Token refresh failed (${event.reason}${event.status === undefined ? '' : `, HTTP ${event.status}`}).`,
          event.reason,
          event.status,
        );
        break;
      case 'session-expired':
        refreshing.value = false;
        lastError.value = new SessionExpiredError(`The session has expired (${event.reason}).`);
        break;
      case 'tokens-changed':
        if (NEW_TOKENS.has(event.source)) lastError.value = null;
        break;
    }
    readTokens();
  }

  readTokens();
  const offs = MIRRORED_EVENTS.map((type) => client.on(type, onEvent));
  return {
    refs: { isAuthenticated, expiresAt, refreshing, lastError },
    readTokens,
    stop: () => offs.splice(0).forEach((off) => off()),
  };
}

/**
 * The Vue 3 plugin: `app.use(authPlugin, options)`.
 *
 * With options, it calls `configure(options)` from the main entry: the client it makes is the
 * default client, the one `fetchWithRefresh` (and any module that imports the package) uses. With an
 * `AuthClient` instead, it uses that client as it is. Either way it provides the client and its
 * state to the app (`useAuth()`), and on `app.unmount()` it removes its listeners and disposes the
 * client if it made it (not one it was given).
 */
export const authPlugin = {
  install(app, options) {
    const given = options instanceof AuthClient;
    const client = given ? options : configure(options);
    const state = mirror(client);
    const auth = Object.freeze({
      client,
      isAuthenticated: shallowReadonly(state.refs.isAuthenticated),
      expiresAt: shallowReadonly(state.refs.expiresAt),
      refreshing: shallowReadonly(state.refs.refreshing),
      lastError: shallowReadonly(state.refs.lastError),
      login(tokens) {
        client.setTokens(tokens);
        state.readTokens();
      },
      logout() {
        client.clearTokens();
        state.readTokens();
      },
      refresh: () => client.refresh(),
    });
    app.provide(AUTH_KEY, auth);

    const undo = () => {
      state.stop();
      if (!given) client.dispose();
    };
    if (typeof app.onUnmount === 'function') {
      app.onUnmount(undo); // Vue 3.5
    } else {
      const unmount = app.unmount;
      app.unmount = function unmountAndUndoAuth(...args) {
        try {
          return unmount.apply(this, args);
        } finally {
          app.unmount = unmount;
          undo();
        }
      };
    }
  },
};

/**
 * The app's client and its state: read-only refs (`isAuthenticated`, `expiresAt`, `refreshing`,
 * `lastError`) and `login(tokens)`, `logout()`, `refresh()`. Call it where Vue can inject: in a
 * component's `setup`, a Pinia setup store, a vue-router guard, or `app.runWithContext(useAuth)`.
 *
 * @throws {Error} Outside those places, or in an app without `app.use(authPlugin, options)`.
 */
export function useAuth() {
  if (!hasInjectionContext()) {
    throw new Error(
      'fetch-with-refresh/vue: useAuth() must be called inside setup(), a Pinia setup store, a router guard ' +
        'or app.runWithContext(); elsewhere use the client itself (configure() returns it).',
    );
  }
  const auth = inject(AUTH_KEY, null);
  if (auth === null) {
    throw new Error(
      'fetch-with-refresh/vue: useAuth() found no auth plugin in this app: call app.use(authPlugin, options) ' +
        'before mounting it.',
    );
  }
  return auth;
}
