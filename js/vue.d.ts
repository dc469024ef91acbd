// Type definitions for fetch-with-refresh/vue, the Vue 3 entry (`vue` is a peer dependency).
// Hand-written; checked by `tsc -p tests/types` (see tests/types/vue.ts).

import type { App, Ref } from 'vue';
import type { AuthClient, AuthOptions, TokenInput } from './index.js';

/**
The Vue 3 plugin. `app.use(authPlugin, options)` calls `configure(options)`: the client it makes is
the default client, so `fetchWithRefresh` and any module that imports the package (a Pinia store, a
router file) use the same one. `app.use(authPlugin, client)` uses a client you made instead (one
made with `new AuthClient(options)`, or the one `configure` returned).

The plugin provides the client and its state to the app (see {@link useAuth}). On `app.unmount()`
it removes its listeners and disposes the client if it made it; a client you gave it is left as it
is.

@throws {TypeError} When an option is invalid; the message names the option.

@example
```
import { createApp } from 'vue';
import { authPlugin } from 'fetch-with-refresh/vue';
import router from './router';

createApp(App)
	.use(router)
	.use(authPlugin, {
		baseURL: '/api',
		refresh: { url: '/auth/refresh' },
		onSessionExpired: () => {
			router.push('/login');
		},
	})
	.mount('#app');
```
*/
export declare const authPlugin: {
	install(app: App, options: AuthOptions | AuthClient): void;
};

/**
What {@link useAuth} returns: the app's client, its state as read-only refs, and three actions.

The refs mirror the client: they change when it emits `tokens-changed`, `refresh-start`,
`refresh-success`, `refresh-failure` or `session-expired`, and are then read from `getTokens()`.
They decide nothing: whether a token is expired, and when to refresh, stay the client's business.
*/
export interface Auth {
	/** The client the plugin made (the default client) or was given. */
	readonly client: AuthClient;

	/**
	Whether the client holds tokens (`getTokens() !== null`): `true` after `login()`, `false` after
	`logout()` or when the session ends. An access token past its expiry still counts: the client
	refreshes it at the next request, or ends the session then.
	*/
	readonly isAuthenticated: Readonly<Ref<boolean>>;

	/** When the access token expires, in epoch milliseconds; `null` when unknown or logged out. */
	readonly expiresAt: Readonly<Ref<number | null>>;

	/** `true` from `refresh-start` until that refresh succeeds, fails or ends the session. */
	readonly refreshing: Readonly<Ref<boolean>>;

	/**
	The last refresh failure (a `RefreshError` with the event's `reason` and `status`) or session end
	(a `SessionExpiredError` whose message gives the reason), built from the event; `null` again once
	a refresh succeeds or new tokens arrive (`login()`, or another tab's renewal). Requests and
	`refresh()` reject with their own error objects as usual.
	*/
	readonly lastError: Readonly<Ref<Error | null>>;

	/**
	Stores the tokens of a login (`client.setTokens`); `isAuthenticated` and `expiresAt` are up to
	date when it returns.

	@throws {TypeError} When a token or expiry is invalid.
	*/
	login(tokens: TokenInput): void;

	/**
	Removes the tokens (`client.clearTokens`): no `onSessionExpired`. Other tabs of the session end
	theirs.
	*/
	logout(): void;

	/** Refreshes now, or joins the refresh in flight (`client.refresh`). */
	refresh(): Promise<void>;
}

/**
The app's auth: its client, read-only refs (`isAuthenticated`, `expiresAt`, `refreshing`,
`lastError`) and `login(tokens)`, `logout()`, `refresh()`. Each call returns the same object.

Call it where Vue can inject: in a component's `setup` (or `<script setup>`), in a Pinia setup
store, in a vue-router navigation guard, or in `app.runWithContext(useAuth)`.

@throws {Error} Outside those places, or in an app without `app.use(authPlugin, options)`; the
message says which.

@example
```
<script setup>
import { useAuth } from 'fetch-with-refresh/vue';

const { isAuthenticated, expiresAt, refreshing, lastError, logout } = useAuth();
</script>

<template>
	<span v-if="refreshing">refreshing…</span>
	<button v-if="isAuthenticated" @click="logout()">Log out</button>
</template>
```
*/
export declare function useAuth(): Auth;
