// Type definitions for fetch-with-refresh.
// Hand-written; checked by `tsc -p tests/types` (see tests/types/check.ts).

/**
Resolves once the WebAssembly module is instantiated. Importing the package is enough to start it and
every function waits for it, so awaiting `ready` is only useful to preload (or to surface a load failure early).

@example
```
import { ready } from 'fetch-with-refresh';

await ready;
```
*/
export declare const ready: Promise<void>;

/**
Creates the default client used by `fetchWithRefresh`, and returns it.

@throws {TypeError} When an option is invalid; the message names the option.

@example
```
import { configure } from 'fetch-with-refresh';

const auth = configure({ baseURL: '/api', refresh: { url: '/auth/refresh' } });
```
*/
export declare function configure(options: AuthOptions): AuthClient;

/**
`fetch` through the default client created by `configure()`: attaches the access token, refreshes it when
needed and replays the request once. Call `configure()` first.

@example
```
import { fetchWithRefresh } from 'fetch-with-refresh';

const response = await fetchWithRefresh('/api/me');
const me = await response.json();
```
*/
export declare function fetchWithRefresh(input: RequestInfo | URL, init?: AuthRequestInit): Promise<Response>;

/**
A client: one token set, one refresh at a time, one queue of waiting requests.
*/
export declare class AuthClient {
	/**
	@throws {TypeError} When an option is invalid; the message names the option.
	*/
	constructor(options: AuthOptions);

	/**
	Same as `fetch`, plus the `auth` option. Resolves with the final `Response` (after at most one
	replay); HTTP error statuses resolve as with `fetch`.

	Rejects with `SessionExpiredError` when the session is over, `RefreshError` when a refresh this
	request waited on failed, `DisposedError` after `dispose()`, or with the transport's own error.
	*/
	fetch(input: RequestInfo | URL, init?: AuthRequestInit): Promise<Response>;

	/**
	Stores a new token set (for example after login), in one write.

	@example
	```
	const body = await (await auth.fetch('/login', { method: 'POST', auth: false, body: form })).json();
	auth.setTokens({ accessToken: body.access_token, refreshToken: body.refresh_token, expiresIn: body.expires_in });
	```
	*/
	setTokens(tokens: TokenInput): void;

	/**
	The current token set as read from storage, or `null` when there is no access token.
	*/
	getTokens(): TokenSnapshot | null;

	/**
	Removes the token set from storage (for example on logout). Does not call `onSessionExpired`.
	*/
	clearTokens(): void;

	/**
	Refreshes now. Joins a refresh already in flight instead of starting a second one.

	Rejects with `SessionExpiredError` or `RefreshError` as a request would.
	*/
	refresh(): Promise<void>;

	/**
	Listens to an event. Returns the function that removes the listener.

	@example
	```
	const off = auth.on('refresh-failure', (event) => console.warn('refresh failed:', event.reason, event.status));
	off();
	```
	*/
	on<K extends keyof AuthEventMap>(type: K, listener: (event: AuthEventMap[K]) => void): () => void;

	/**
	Stops timers and listeners. Waiting requests, and every later call that returns a promise, reject
	with `DisposedError`.
	*/
	dispose(): void;
}

/**
`RequestInit` plus `auth`.
*/
export interface AuthRequestInit extends RequestInit {
	/**
	`false` sends the request untouched: no token, no classification, never refreshed or replayed.
	Use it for the login call and for third-party URLs.

	@default true
	*/
	auth?: boolean;
}

/**
What `setTokens` takes and a custom refresh function resolves with.

The access token's expiry comes from `expiresAt`, else `expiresIn`, else the JWT's `exp` claim; when
none is known only the reactive path (refresh after an "access expired" response) applies.
*/
export interface TokenInput {
	accessToken: string;
	/** Omit when the backend issues none. */
	refreshToken?: string;
	/** Seconds from now until the access token expires. */
	expiresIn?: number;
	/** When the access token expires, in epoch milliseconds. Wins over `expiresIn`. */
	expiresAt?: number;
}

/**
What `getTokens` returns and a custom refresh function receives.
*/
export interface TokenSnapshot {
	accessToken: string;
	refreshToken: string | null;
	/** Epoch milliseconds, or `null` when unknown. */
	expiresAt: number | null;
}

/**
A synchronous key/value store shaped like `localStorage`. A method that throws makes the client fall back
to memory and emit `storage-fallback`.
*/
export interface TokenStorage {
	getItem(key: string): string | null;
	setItem(key: string, value: string): void;
	removeItem(key: string): void;
}

/**
Classifies a response. An object matches when the HTTP status is in `status` **or** the business code
(read with `codeField` from a JSON body) is in `codes`. A function receives the status and the parsed
JSON body (`unknown`: check its shape) and returns whether it matches.

@example
```
{ status: [401], codes: [50014] }
({ status, body }) => status === 401 && (body as { code?: number })?.code === 50014
```
*/
export type Matcher =
	| {
		status?: number[];
		codes?: Array<number | string>;
	}
	| ((response: { status: number; body: unknown }) => boolean);

export interface AuthOptions {
	/**
	Prefix for every input that is not an absolute URL, joined as axios does: exactly one `/` between the
	two. The refresh URL is joined the same way.

	@default undefined (inputs are used as given)

	@example
	```
	configure({ baseURL: '/api', refresh: { url: '/auth/refresh' } });
	await fetchWithRefresh('/me'); // → /api/me
	```
	*/
	baseURL?: string;

	/**
	Where the token set is kept. Tokens are read from it for each request, so other code and other tabs
	may change them. A storage that throws, or a cookie write that does not stick, falls back to memory
	with a `storage-fallback` event. A stored value that cannot be parsed counts as no token.

	@default 'localStorage'

	@example
	```
	configure({ storage: 'cookie', refresh: { url: '/auth/refresh' } });
	configure({ storage: myEncryptedStore, refresh: { url: '/auth/refresh' } });
	```
	*/
	storage?: 'localStorage' | 'sessionStorage' | 'cookie' | 'memory' | TokenStorage;

	/**
	Storage keys (or cookie names). `expiresAt` is stored as epoch milliseconds.

	@default { accessToken: 'access_token', refreshToken: 'refresh_token', expiresAt: 'access_token_expires_at' }

	@example
	```
	configure({ storageKeys: { accessToken: 'token', refreshToken: 'refreshToken' }, refresh: { url: '/auth/refresh' } });
	```
	*/
	storageKeys?: {
		/** @default 'access_token' */
		accessToken?: string;
		/** @default 'refresh_token' */
		refreshToken?: string;
		/** @default 'access_token_expires_at' */
		expiresAt?: string;
	};

	/**
	Cookie attributes, used when `storage` is `'cookie'`.

	@example
	```
	configure({ storage: 'cookie', cookie: { sameSite: 'Strict', secure: true, maxAge: 7 * 24 * 3600 }, refresh: { url: '/auth/refresh' } });
	```
	*/
	cookie?: {
		/** @default '/' */
		path?: string;
		/** @default undefined (the current host only) */
		domain?: string;
		/** @default 'Lax' */
		sameSite?: 'Strict' | 'Lax' | 'None';
		/** @default true on an https page, false otherwise */
		secure?: boolean;
		/**
		Lifetime in seconds.

		@default undefined (a session cookie, gone when the browser closes)
		*/
		maxAge?: number;
		/**
		Name the cookies `__Host-<key>` (`__Host-access_token`…): the browser then keeps them only when they
		are `Secure`, `Path=/` and without `Domain`, so no subdomain and no plain-http page can set or shadow
		them. Implies `secure: true`; a `domain`, `secure: false` or a `path` other than `'/'` with it is a
		`TypeError`. Needs an https page (or localhost); your server reads the cookies under the prefixed
		names.

		@default false

		@example
		```
		configure({ storage: 'cookie', cookie: { hostPrefix: true, sameSite: 'Strict' }, refresh: { url: '/auth/refresh' } });
		```
		*/
		hostPrefix?: boolean;
	};

	/**
	Where the access token goes. `scheme: null` sends the raw token; `query` puts it in the URL instead of
	a header.

	@default { header: 'Authorization', scheme: 'Bearer' }

	@example
	```
	attach: { header: 'X-Token', scheme: null } // X-Token: <token>
	attach: { scheme: null }                    // Authorization: <token>
	attach: { query: 'token' }                  // ?token=<token>
	```
	*/
	attach?: {
		/** @default 'Authorization' */
		header?: string;
		/** @default 'Bearer' */
		scheme?: string | null;
		/** @default undefined (use the header) */
		query?: string;
	};

	/**
	How to refresh: the refresh endpoint, or a function of your own.

	A function receives the current tokens and resolves with the new ones (omitting `refreshToken` keeps
	the current one). Resolving with `null` means the session is over (as `sessionExpired`); throwing is a
	transient failure (as a `RefreshError`).

	@example
	```
	refresh: { url: '/auth/refresh' }
	refresh: async () => {
		const info = await store.dispatch('user/relogin');
		return info ? { accessToken: info.Token } : null;
	}
	```
	*/
	refresh: RefreshOptions | ((tokens: TokenSnapshot) => Promise<TokenInput | null>);

	/**
	Seconds before expiry in which a still-valid token triggers one background refresh. The request that
	noticed it goes out at once with the current token. `0` turns proactive refresh off.

	@default 1800
	*/
	proactiveWindow?: number;

	/**
	Responses that mean "the access token expired": the request waits for a refresh, then is replayed once.
	Replaces the default (it is not merged with it).

	An answer that says the token lacks a scope (`WWW-Authenticate: Bearer error="insufficient_scope"`,
	or a JSON body with `error: 'insufficient_scope'`) never counts, even if you list 403: a new token
	has the same scopes. It reaches your code as it is. (On a cross-origin API the server must list
	`WWW-Authenticate` in `Access-Control-Expose-Headers` for the header to be read.)

	@default { status: [401], codes: [50014] }

	@example
	```
	accessExpired: { codes: [30001, 40001, 42001, 40014] }
	```
	*/
	accessExpired?: Matcher;

	/**
	Responses (from any request, or from the refresh endpoint) that mean "the refresh token is dead too":
	the tokens are cleared, waiting requests reject with `SessionExpiredError` and `onSessionExpired` is
	called once. Checked before `accessExpired`. A 401, or a 400 `invalid_grant`, from the refresh endpoint
	always ends the session. Replaces the default (it is not merged with it).

	@default { codes: [50015, 10007] }
	*/
	sessionExpired?: Matcher;

	/**
	Dotted path of the business code in JSON bodies, matched against `codes`.

	@default 'code'

	@example
	```
	codeField: 'errcode'
	codeField: 'meta.code'
	```
	*/
	codeField?: string;

	/**
	Called once when the session ends (until new tokens are set). The tokens are already cleared.

	@example
	```
	onSessionExpired: async ({ reason }) => {
		await ElMessageBox.confirm('你已被登出，可以取消继续留在该页面，或者重新登录', '确定登出', { type: 'warning' });
		router.push('/login');
	}
	```
	*/
	onSessionExpired?: (info: SessionExpiredInfo) => unknown;

	/**
	Origins (`scheme://host[:port]`) that receive the access token. Requests to any other origin go out
	untouched. On an https page an `http:` origin is a `TypeError` (the token would cross the network in
	clear text), except loopback ones (`localhost`, `*.localhost`, `127.x.x.x`, `[::1]`); the same holds
	for the origin of `refresh.url`.

	@default the page's origin and `baseURL`'s origin (an `http:` `baseURL` of an https page left out)

	@example
	```
	allowedOrigins: [location.origin, 'https://api.example.com']
	```
	*/
	allowedOrigins?: string[];

	/**
	The transport used for every request, including the refresh call.

	@default globalThis.fetch

	@example
	```
	fetch: (input, init) => globalThis.fetch(input, { ...init, credentials: 'include' })
	```
	*/
	fetch?: (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;

	/**
	Milliseconds before a refresh is abandoned (a `RefreshError` with reason `'timeout'`): the
	timeout of a refresh function, and of a refresh endpoint that sets no `refresh.timeout`. From 1
	to 2147483647 (2^31-1, the longest delay a browser timer honours); more is a `TypeError`.

	@default 10000
	*/
	timeout?: number;

	/**
	Coordinate refreshes with the other tabs of this browser profile that use the same storage and
	storage keys: one refresh under a Web Lock, its result shared through IndexedDB, new tokens and
	the session's end announced on a BroadcastChannel. With rotating refresh tokens this is what
	keeps two tabs from refreshing with the same token (and the server from revoking the session).
	Where Web Locks, IndexedDB or BroadcastChannel are missing, the tab works alone and a
	`cross-tab-off` event says why. The newest token set is then also kept in IndexedDB (see the
	README's security notes).

	@default true, but false with `storage: 'memory'` (tokens in memory belong to one page)
	*/
	crossTab?: boolean;

	/**
	How a refresh call that failed transiently (no answer, a 5xx, a 429 or a 408) is tried again:
	`attempts` more times, after `baseDelay` ms doubled at each try up to `maxDelay` ms, of which a
	random half is waited (jitter); a `Retry-After` header is honoured instead (up to 60 s). Every
	wait stays within the refresh timeout: when the next try would not fit, the last answer is the
	outcome (a `RefreshError`, never a logout). The custom refresh function is not retried.

	@default { attempts: 3, baseDelay: 250, maxDelay: 4000 }

	@example
	```
	retry: { attempts: 0 } // one try only
	```
	*/
	retry?: { attempts?: number; baseDelay?: number; maxDelay?: number };

	/**
	At most `count` refreshes in any `per` seconds. A server that keeps answering "expired" for the
	tokens it has just issued would otherwise cause a refresh for every request: beyond the limit,
	requests reject with a `RefreshError` whose reason is `'rate-limited'`, and no call is made.

	@default { count: 10, per: 60 }
	*/
	renewLimit?: { count?: number; per?: number };

	/**
	Refresh on a timer, in the visible tab, when the access token enters its refresh window (the
	`proactiveWindow`, never in the first half of a known lifetime), instead of at the next request.
	A hidden tab leaves it to the visible one and checks again when it is shown. A refresh that
	fails is not tried again by the timer: the next request, the page shown again or the network
	back does. Whatever this option says, the expiry is checked again whenever the page becomes
	visible (`visibilitychange`) or comes back online (`online`).

	@default false
	*/
	autoRefresh?: boolean;
}

/**
The refresh endpoint.
*/
export interface RefreshOptions {
	/**
	Joined to `baseURL` like a request. May contain `{refreshToken}`.

	@example
	```
	url: '/auth/refresh'
	url: '/refreshJwt/{refreshToken}'
	```
	*/
	url: string;

	/** @default 'POST' */
	method?: string;

	/**
	Where the refresh token (and, with `accessTokenField`, the current access token) go.

	@default { bodyField: 'refresh_token' } (a JSON body)

	@example
	```
	send: { header: 'X-Token' }                                 // X-Token: <refresh token>
	send: { bodyField: 'refreshToken', accessTokenField: 'token' } // {"refreshToken": …, "token": …}
	send: { query: 'refresh_token' }                            // ?refresh_token=<refresh token>
	```
	*/
	send?: {
		/** Send the refresh token in this header. */
		header?: string;
		/**
		Scheme before the refresh token in `header`.

		@default null (the raw token)
		*/
		scheme?: string | null;
		/**
		Send the refresh token in this field of a JSON body.

		@default 'refresh_token'
		*/
		bodyField?: string;
		/** Send the refresh token in this query parameter. */
		query?: string;
		/** Also send the current access token in this field of the JSON body. */
		accessTokenField?: string;
	};

	/**
	Dotted paths into the JSON answer. An answer without a refresh token keeps the current one.

	@default the common shapes: `{access_token, refresh_token, expires_in}`, `{data: {token, refreshToken}}`, …

	@example
	```
	response: { accessToken: 'data.token' }
	response: { accessToken: 'result.jwt', refreshToken: 'result.refresh', expiresAt: 'result.exp_ms' }
	```
	*/
	response?: {
		accessToken?: string;
		refreshToken?: string;
		/** Path to seconds until expiry. */
		expiresIn?: string;
		/** Path to the expiry in epoch milliseconds. */
		expiresAt?: string;
	};

	/**
	Milliseconds before the refresh call is abandoned (a `RefreshError` with reason `'timeout'`).
	From 1 to 2147483647 (2^31-1); more is a `TypeError`.

	@default 10000
	*/
	timeout?: number;
}

/**
Why the session ended.
- `'refresh-rejected'`: the refresh endpoint refused the refresh token.
- `'session-expired-response'`: a response matched `sessionExpired`.
- `'no-refresh-token'`: the access token expired and there is no refresh token.
- `'refresh-function'`: the custom refresh function resolved with `null`.
- `'logout'`: `clearTokens()` was called in another tab of the same session.
- `'other-tab'`: another tab saw the session end (when it did not say how).
*/
export type SessionExpiredReason =
	| 'refresh-rejected'
	| 'session-expired-response'
	| 'no-refresh-token'
	| 'refresh-function'
	| 'logout'
	| 'other-tab';

/**
Why a refresh failed without ending the session.
- `'network'`: the refresh call did not get an answer.
- `'timeout'`: no answer within `refresh.timeout`.
- `'status'`: an error status that is not a refusal (e.g. 5xx); see `status`.
- `'malformed'`: the answer was not JSON or had no access token where expected.
- `'function'`: the custom refresh function threw.
- `'no-refresh-token'`: there is no refresh token to send (and no custom refresh function).
- `'lock-timeout'`: another tab held the refresh lock for longer than the refresh timeout plus
  2 seconds; this tab did not refresh without it.
- `'rate-limited'`: more refreshes than `renewLimit` allows (a server that keeps refusing the tokens
  it has just issued); no call was made.
*/
export type RefreshFailureReason =
	| 'network'
	| 'timeout'
	| 'status'
	| 'malformed'
	| 'function'
	| 'no-refresh-token'
	| 'lock-timeout'
	| 'rate-limited';

/** What `onSessionExpired` receives. */
export interface SessionExpiredInfo {
	reason: SessionExpiredReason;
	/** HTTP status of the response that ended the session, if any. */
	status?: number;
	/** Business code of the response that ended the session, if any. */
	code?: number | string;
}

/** Events, by name. No event carries a token. */
export interface AuthEventMap {
	'refresh-start': RefreshStartEvent;
	'refresh-success': RefreshSuccessEvent;
	'refresh-failure': RefreshFailureEvent;
	'session-expired': SessionExpiredEvent;
	'tokens-changed': TokensChangedEvent;
	'request-queued': RequestQueuedEvent;
	'request-replayed': RequestReplayedEvent;
	'storage-fallback': StorageFallbackEvent;
	'cross-tab-off': CrossTabOffEvent;
}

/** A refresh call starts. */
export interface RefreshStartEvent {
	type: 'refresh-start';
	/** `'proactive'`: near expiry; `'expired'`: expired by the local clock; `'rejected'`: a response matched `accessExpired`; `'manual'`: `refresh()`. */
	reason: 'proactive' | 'expired' | 'rejected' | 'manual';
	/** Requests waiting on it so far. */
	queued: number;
}

/** A refresh stored new tokens. */
export interface RefreshSuccessEvent {
	type: 'refresh-success';
	durationMs: number;
	/** Requests sent again with the new token. */
	replayed: number;
	/** New expiry in epoch milliseconds, or `null` when unknown. */
	expiresAt: number | null;
	/**
	`true` when another tab had renewed the tokens already: this tab took its result and made no
	refresh call.
	*/
	adopted: boolean;
}

/** A refresh failed; the tokens are kept. */
export interface RefreshFailureEvent {
	type: 'refresh-failure';
	reason: RefreshFailureReason;
	/** HTTP status of the refresh answer, when there was one. */
	status?: number;
	durationMs: number;
	/** Requests rejected with `RefreshError`. */
	rejected: number;
}

/** The session ended; the tokens are cleared. */
export interface SessionExpiredEvent extends SessionExpiredInfo {
	type: 'session-expired';
	/** Requests rejected with `SessionExpiredError`. */
	rejected: number;
}

/** The stored token set changed through this client, or another tab renewed it. */
export interface TokensChangedEvent {
	type: 'tokens-changed';
	source: 'set' | 'refresh' | 'clear' | 'session-expired' | 'other-tab';
	/** Epoch milliseconds, or `null` when unknown or cleared. */
	expiresAt: number | null;
	hasRefreshToken: boolean;
}

/** A request waits for a refresh. */
export interface RequestQueuedEvent {
	type: 'request-queued';
	method: string;
	/** The request URL, without the token. */
	url: string;
	/** Requests waiting, this one included. */
	queued: number;
}

/** A request is sent a second time. */
export interface RequestReplayedEvent {
	type: 'request-replayed';
	method: string;
	/** The request URL, without the token. */
	url: string;
	/** `'refreshed'`: after a refresh; `'token-changed'`: it was sent with an older token than the current one. */
	reason: 'refreshed' | 'token-changed';
}

/** The configured storage failed; tokens are now kept in memory. */
export interface StorageFallbackEvent {
	type: 'storage-fallback';
	/** The storage that failed, e.g. `'localStorage'` or `'cookie'`. */
	storage: string;
	operation: 'read' | 'write' | 'remove';
	message: string;
}

/**
Cross-tab coordination is off: this tab refreshes on its own, as if it were the only one. Sent
once, at the first refresh, where an API it needs is missing or fails (not for `crossTab: false`).
*/
export interface CrossTabOffEvent {
	type: 'cross-tab-off';
	reason: 'no-web-locks' | 'no-indexeddb' | 'no-broadcast-channel' | 'lock-failed' | 'indexeddb-failed';
}

/**
The refresh token was refused: the user must log in again. The tokens are already cleared.

An `Error` subclass: test it with `instanceof`, with {@link isSessionExpiredError} (which also recognises
one from another realm or another copy of this package), or by `name`.

@example
```
import { SessionExpiredError } from 'fetch-with-refresh';

try {
	await fetchWithRefresh('/api/me');
} catch (error) {
	if (error instanceof SessionExpiredError) router.push('/login');
}
```
*/
export declare class SessionExpiredError extends Error {
	constructor(message: string);
	name: 'SessionExpiredError';
}

/**
The refresh failed for another reason; the tokens are kept. An `Error` subclass.
*/
export declare class RefreshError extends Error {
	constructor(message: string, reason: RefreshFailureReason, status?: number, cause?: unknown);
	name: 'RefreshError';
	reason: RefreshFailureReason;
	/** HTTP status of the refresh answer, when there was one. */
	status?: number;
	/** The underlying error (network error, error thrown by the refresh function), when there was one. */
	cause?: unknown;
}

/**
The client was disposed. An `Error` subclass.
*/
export declare class DisposedError extends Error {
	constructor(message: string);
	name: 'DisposedError';
}

/**
The errors this package rejects with (besides the transport's own errors and `TypeError` for bad
options). Narrow with `instanceof`, the guards, or `name`.

@example
```
const e = error as AuthError;
if (e.name === 'RefreshError') console.warn(e.reason, e.status);
```
*/
export type AuthError = SessionExpiredError | RefreshError | DisposedError;

/**
Whether `error` is a {@link SessionExpiredError}: `instanceof`, or an error with that `name` (from another
realm, such as an iframe, or another copy of this package).
*/
export declare function isSessionExpiredError(error: unknown): error is SessionExpiredError;

/** Whether `error` is a {@link RefreshError} (`instanceof`, or that `name`). */
export declare function isRefreshError(error: unknown): error is RefreshError;

/** Whether `error` is a {@link DisposedError} (`instanceof`, or that `name`). */
export declare function isDisposedError(error: unknown): error is DisposedError;

/**
Whether `error` is one of the errors this package rejects with.

@example
```
import { isAuthError } from 'fetch-with-refresh';

window.addEventListener('unhandledrejection', ({ reason }) => {
	if (isAuthError(reason)) console.warn('auth:', reason.name, reason.message);
});
```
*/
export declare function isAuthError(error: unknown): error is AuthError;
