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
Creates the default client used by `fetchWithRefresh` and by the module-level calls (`get`, `post`…),
and returns it.

The client's type says whether its calls unwrap a business envelope: with `envelope: true` or an
envelope object in the options, `client.get<User>(url)` resolves with a `User`; without one, with an
`AuthResponse<User>`. Options whose `envelope` the types cannot see (a variable typed
`AuthOptions`, or `{ envelope: true }` in a variable, widened to `boolean`) give an
`AuthClient<boolean>`, whose calls resolve with `T | AuthResponse<T>`: write the options in the
call, or keep their type with `const options = { … } satisfies AuthOptions`.

@throws {TypeError} When an option is invalid; the message names the option.

@example
```
import { configure } from 'fetch-with-refresh';

const auth = configure({ baseURL: '/api', refresh: { url: '/auth/refresh' } });
const { data } = await auth.get<User>('/me');                 // AuthResponse<User>

const api = configure({ baseURL: '/api', refresh: { url: '/auth/refresh' }, envelope: true });
const user = await api.get<User>('/me');                      // User (the body's `data`)
```
*/
export declare function configure(options: UnwrappingAuthOptions): AuthClient<true>;
export declare function configure(options: RawAuthOptions): AuthClient<false>;
export declare function configure(options: AuthOptions): AuthClient<boolean>;

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
`client.request(config)` on the default client made by `configure()`; rejects with a `TypeError`
before `configure()`.

The default client's options are not known here, so the type cannot follow its `envelope` as a
client's does: it resolves with `R`, an `AuthResponse<T>` unless you say otherwise. With an
envelope, write `request<User, User>(config)`, or call the client `configure` returned (whose type
knows). A call with its own `envelope` (`false`, or `true` / an object) is typed by it.

@example
```
import { request } from 'fetch-with-refresh';

const { data } = await request<Item>({ url: '/items', method: 'post', data: { name: 'x' } });
```
*/
export declare function request<T = any>(config: RawRequestConfig): Promise<AuthResponse<T>>;
export declare function request<T = any>(config: UnwrappingRequestConfig): Promise<T>;
export declare function request<T = any, R = AuthResponse<T>>(config: RequestConfig): Promise<R>;

/**
`client.get(url, config)` on the default client made by `configure()`; rejects with a `TypeError`
before `configure()`.

Resolves with `R`, an `AuthResponse<T>` unless you say otherwise: the default client's `envelope`
is not known to the types. With an envelope, write `get<User, User>(url)`, or call the client
`configure` returned. A call with its own `envelope` is typed by it.

@example
```
import { configure, get } from 'fetch-with-refresh';

configure({ baseURL: '/api', refresh: { url: '/auth/refresh' } });
const { data: me } = await get<User>('/me');

// with `envelope: true` in the options
const user = await get<User, User>('/user/info');
```
*/
export declare function get<T = any>(url: string | URL, config: RawRequestConfig): Promise<AuthResponse<T>>;
export declare function get<T = any>(url: string | URL, config: UnwrappingRequestConfig): Promise<T>;
export declare function get<T = any, R = AuthResponse<T>>(url: string | URL, config?: RequestConfig): Promise<R>;

/**
`client.delete(url, config)` on the default client made by `configure()` (exported as `delete`:
`import { delete as del } from 'fetch-with-refresh'`); rejects with a `TypeError` before `configure()`.

Resolves with `R`, an `AuthResponse<T>` unless you say otherwise (see {@link get}).
*/
declare function deleteOnDefault<T = any>(url: string | URL, config: RawRequestConfig): Promise<AuthResponse<T>>;
declare function deleteOnDefault<T = any>(url: string | URL, config: UnwrappingRequestConfig): Promise<T>;
declare function deleteOnDefault<T = any, R = AuthResponse<T>>(url: string | URL, config?: RequestConfig): Promise<R>;
export { deleteOnDefault as delete };

/**
`client.head(url, config)` on the default client made by `configure()`; rejects with a `TypeError`
before `configure()`.

Resolves with `R`, an `AuthResponse<T>` unless you say otherwise (see {@link get}).
*/
export declare function head<T = any>(url: string | URL, config: RawRequestConfig): Promise<AuthResponse<T>>;
export declare function head<T = any>(url: string | URL, config: UnwrappingRequestConfig): Promise<T>;
export declare function head<T = any, R = AuthResponse<T>>(url: string | URL, config?: RequestConfig): Promise<R>;

/**
`client.options(url, config)` on the default client made by `configure()`; rejects with a
`TypeError` before `configure()`.

Resolves with `R`, an `AuthResponse<T>` unless you say otherwise (see {@link get}).
*/
export declare function options<T = any>(url: string | URL, config: RawRequestConfig): Promise<AuthResponse<T>>;
export declare function options<T = any>(url: string | URL, config: UnwrappingRequestConfig): Promise<T>;
export declare function options<T = any, R = AuthResponse<T>>(url: string | URL, config?: RequestConfig): Promise<R>;

/**
`client.post(url, data, config)` on the default client made by `configure()`; rejects with a
`TypeError` before `configure()`.

Resolves with `R`, an `AuthResponse<T>` unless you say otherwise: the default client's `envelope`
is not known to the types. With an envelope, write `post<Item, Item>(url, data)`, or call the
client `configure` returned. A call with its own `envelope` is typed by it.

@example
```
import { post } from 'fetch-with-refresh';

const { data: created } = await post<Item>('/items', { name: 'x' });
```
*/
export declare function post<T = any>(url: string | URL, data: unknown, config: RawRequestConfig): Promise<AuthResponse<T>>;
export declare function post<T = any>(url: string | URL, data: unknown, config: UnwrappingRequestConfig): Promise<T>;
export declare function post<T = any, R = AuthResponse<T>>(url: string | URL, data?: unknown, config?: RequestConfig): Promise<R>;

/**
`client.put(url, data, config)` on the default client made by `configure()`; rejects with a
`TypeError` before `configure()`.

Resolves with `R`, an `AuthResponse<T>` unless you say otherwise (see {@link post}).
*/
export declare function put<T = any>(url: string | URL, data: unknown, config: RawRequestConfig): Promise<AuthResponse<T>>;
export declare function put<T = any>(url: string | URL, data: unknown, config: UnwrappingRequestConfig): Promise<T>;
export declare function put<T = any, R = AuthResponse<T>>(url: string | URL, data?: unknown, config?: RequestConfig): Promise<R>;

/**
`client.patch(url, data, config)` on the default client made by `configure()`; rejects with a
`TypeError` before `configure()`.

Resolves with `R`, an `AuthResponse<T>` unless you say otherwise (see {@link post}).
*/
export declare function patch<T = any>(url: string | URL, data: unknown, config: RawRequestConfig): Promise<AuthResponse<T>>;
export declare function patch<T = any>(url: string | URL, data: unknown, config: UnwrappingRequestConfig): Promise<T>;
export declare function patch<T = any, R = AuthResponse<T>>(url: string | URL, data?: unknown, config?: RequestConfig): Promise<R>;

/**
A client: one token set, one refresh at a time, one queue of waiting requests.

`Unwrapped` says what its axios-shaped calls (`request`, `get`, `post`…) resolve with: `true` for a
client made with an `envelope` (the payload, `T`), `false` for one without (an `AuthResponse<T>`).
`new AuthClient(options)` and `configure(options)` infer it from the options; a bare `AuthClient`
is `AuthClient<boolean>`, which any client is assignable to, and whose calls resolve with
`T | AuthResponse<T>`. A call's own `envelope` (`false`, or `true` / an object) decides for that call.

@example
```
function load(client: AuthClient<false>) {
	return client.get<User>('/me'); // Promise<AuthResponse<User>>
}
```
*/
export interface AuthClient<Unwrapped extends boolean = boolean> {
	/**
	Same as `fetch`, plus the `auth` option. Resolves with the final `Response` (after at most one
	replay); HTTP error statuses resolve as with `fetch`.

	Rejects with `SessionExpiredError` when the session is over, `RefreshError` when a refresh this
	request waited on failed, `DisposedError` after `dispose()`, or with the transport's own error.
	*/
	fetch(input: RequestInfo | URL, init?: AuthRequestInit): Promise<Response>;

	/** With `envelope: false` on the call: resolves with the `AuthResponse`, whatever the client's envelope. */
	request<T = any>(config: RawRequestConfig): Promise<AuthResponse<T>>;
	/** With `envelope: true` or an envelope object on the call: resolves with the payload. */
	request<T = any>(config: UnwrappingRequestConfig): Promise<T>;
	/**
	An axios-shaped call, described by one config (`url`, `method`, `data`…). Attaches the token,
	refreshes and replays as `fetch` does, then reads the body (`responseType`).

	Resolves with an {@link AuthResponse} whose `data` is a `T`, or with the payload itself (`T`) when
	the client or the call has an `envelope`. `T` is what you say the body is (nothing checks it);
	it defaults to `any`, as in axios.

	Rejects with a {@link RequestError} for a status `validateStatus` refuses, a timeout, an abort, a
	network failure or a refused business code; with `SessionExpiredError`, `RefreshError` or
	`DisposedError` as `fetch` does; with a `TypeError` naming the field for a bad config.

	@example
	```
	const { data } = await client.request<Item>({ url: '/items', method: 'post', data: { name: 'x' } });
	```
	*/
	request<T = any>(config: RequestConfig): Promise<CallResult<T, Unwrapped>>;

	/** With `envelope: false` on the call: resolves with the `AuthResponse`, whatever the client's envelope. */
	get<T = any>(url: string | URL, config: RawRequestConfig): Promise<AuthResponse<T>>;
	/** With `envelope: true` or an envelope object on the call: resolves with the payload. */
	get<T = any>(url: string | URL, config: UnwrappingRequestConfig): Promise<T>;
	/**
	A GET, as `request({ ...config, url, method: 'get' })`. No body is sent.

	@example
	```
	const { data: items } = await client.get<Item[]>('/items', { params: { page: 2 } });
	```
	*/
	get<T = any>(url: string | URL, config?: RequestConfig): Promise<CallResult<T, Unwrapped>>;

	/** With `envelope: false` on the call: resolves with the `AuthResponse`, whatever the client's envelope. */
	delete<T = any>(url: string | URL, config: RawRequestConfig): Promise<AuthResponse<T>>;
	/** With `envelope: true` or an envelope object on the call: resolves with the payload. */
	delete<T = any>(url: string | URL, config: UnwrappingRequestConfig): Promise<T>;
	/**
	A DELETE, as `request({ ...config, url, method: 'delete' })`. A body, if any, goes in `config.data`.

	@example
	```
	await client.delete('/items/42');
	```
	*/
	delete<T = any>(url: string | URL, config?: RequestConfig): Promise<CallResult<T, Unwrapped>>;

	/** With `envelope: false` on the call: resolves with the `AuthResponse`, whatever the client's envelope. */
	head<T = any>(url: string | URL, config: RawRequestConfig): Promise<AuthResponse<T>>;
	/** With `envelope: true` or an envelope object on the call: resolves with the payload. */
	head<T = any>(url: string | URL, config: UnwrappingRequestConfig): Promise<T>;
	/**
	A HEAD, as `request({ ...config, url, method: 'head' })`. No body is sent or read (`data` is `''`).

	@example
	```
	const { headers } = await client.head('/files/report.pdf');
	```
	*/
	head<T = any>(url: string | URL, config?: RequestConfig): Promise<CallResult<T, Unwrapped>>;

	/** With `envelope: false` on the call: resolves with the `AuthResponse`, whatever the client's envelope. */
	options<T = any>(url: string | URL, config: RawRequestConfig): Promise<AuthResponse<T>>;
	/** With `envelope: true` or an envelope object on the call: resolves with the payload. */
	options<T = any>(url: string | URL, config: UnwrappingRequestConfig): Promise<T>;
	/** An OPTIONS request, as `request({ ...config, url, method: 'options' })`. */
	options<T = any>(url: string | URL, config?: RequestConfig): Promise<CallResult<T, Unwrapped>>;

	/** With `envelope: false` on the call: resolves with the `AuthResponse`, whatever the client's envelope. */
	post<T = any>(url: string | URL, data: unknown, config: RawRequestConfig): Promise<AuthResponse<T>>;
	/** With `envelope: true` or an envelope object on the call: resolves with the payload. */
	post<T = any>(url: string | URL, data: unknown, config: UnwrappingRequestConfig): Promise<T>;
	/**
	A POST of `data`, as `request({ ...config, url, method: 'post', data })`. An object is sent as
	JSON; a string, `FormData`, `URLSearchParams`, `Blob`, `ArrayBuffer`, typed array or stream as is
	(see {@link RequestConfig.data}).

	@example
	```
	const { data: created } = await client.post<Item>('/items', { name: 'x' });
	await client.post('/upload', formData, { timeout: 60_000 });
	```
	*/
	post<T = any>(url: string | URL, data?: unknown, config?: RequestConfig): Promise<CallResult<T, Unwrapped>>;

	/** With `envelope: false` on the call: resolves with the `AuthResponse`, whatever the client's envelope. */
	put<T = any>(url: string | URL, data: unknown, config: RawRequestConfig): Promise<AuthResponse<T>>;
	/** With `envelope: true` or an envelope object on the call: resolves with the payload. */
	put<T = any>(url: string | URL, data: unknown, config: UnwrappingRequestConfig): Promise<T>;
	/** A PUT of `data`, as `request({ ...config, url, method: 'put', data })`; `data` as for `post`. */
	put<T = any>(url: string | URL, data?: unknown, config?: RequestConfig): Promise<CallResult<T, Unwrapped>>;

	/** With `envelope: false` on the call: resolves with the `AuthResponse`, whatever the client's envelope. */
	patch<T = any>(url: string | URL, data: unknown, config: RawRequestConfig): Promise<AuthResponse<T>>;
	/** With `envelope: true` or an envelope object on the call: resolves with the payload. */
	patch<T = any>(url: string | URL, data: unknown, config: UnwrappingRequestConfig): Promise<T>;
	/** A PATCH of `data`, as `request({ ...config, url, method: 'patch', data })`; `data` as for `post`. */
	patch<T = any>(url: string | URL, data?: unknown, config?: RequestConfig): Promise<CallResult<T, Unwrapped>>;

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
The client class (a constructor and a type of the same name, as the DOM's classes are declared, so
that the client's type can follow its options: TypeScript gives class constructors no type
parameters of their own). `instanceof AuthClient` works.
*/
export declare const AuthClient: {
	/**
	A client of its own (the default client is the one `configure` makes). With `envelope: true` or an
	envelope object in the options it is an `AuthClient<true>`, whose calls resolve with the payload.

	@throws {TypeError} When an option is invalid; the message names the option.
	*/
	new (options: UnwrappingAuthOptions): AuthClient<true>;
	new (options: RawAuthOptions): AuthClient<false>;
	new (options: AuthOptions): AuthClient<boolean>;
	readonly prototype: AuthClient;
};

/**
What an axios-shaped call resolves with on a client whose `Unwrapped` is given: the payload `T`
(`true`), an `AuthResponse<T>` (`false`), or either (`boolean`).

@example
```
type A = CallResult<User, false>; // AuthResponse<User>
type B = CallResult<User, true>;  // User
```
*/
export type CallResult<T, Unwrapped extends boolean> = Unwrapped extends true ? T : AuthResponse<T>;

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
An axios-shaped call: what `request` takes, and the last argument of `get`, `post`… Every field is
optional. `response.config` and `error.config` carry it back (see {@link CallConfig}).

@example
```
await client.request({
	url: '/items',
	method: 'post',
	params: { draft: true },
	data: { name: 'x' },
	headers: { 'X-Request-Id': id },
	timeout: 5000,
});
```
*/
export interface RequestConfig {
	/**
	The URL, joined to `baseURL` (the call's, else the client's) unless it is absolute. The URL
	argument of `get`, `post`… wins over this one.

	@default '' (the base URL itself)
	*/
	url?: string | URL;

	/**
	The HTTP method, in any case (`response.config.method` has it in lower case). The shorthands set
	their own.

	@default 'get'
	*/
	method?: string;

	/**
	Prefix of this call's `url`, instead of the client's `baseURL`; joined the same way (exactly one
	`/` between the two).

	@default the client's `baseURL`
	*/
	baseURL?: string;

	/**
	Headers of this call, merged over the client's `headers` option (names compared without case). A
	`null` or `undefined` value removes a default of the client; numbers and booleans are sent as text.

	@default {} (the client's `headers` only)

	@example
	```
	headers: { 'Content-Type': 'text/plain', 'X-Retry': 1, 'X-Client': null }
	```
	*/
	headers?: Record<string, string | number | boolean | null | undefined> | Headers;

	/**
	Query parameters, appended to the URL and serialized as axios 1.x does (arrays as `ids[]=1&ids[]=2`,
	objects in brackets, dates as ISO strings, `null` and `undefined` left out).

	@default undefined (the URL as it is)

	@example
	```
	params: { page: 2, ids: [1, 2] }    // ?page=2&ids[]=1&ids[]=2
	params: new URLSearchParams('q=a b') // ?q=a+b
	```
	*/
	params?: Record<string, unknown> | URLSearchParams;

	/**
	The body. An object, array, number or boolean is sent as JSON (with `Content-Type:
	application/json` unless the headers set one); a string, `FormData`, `URLSearchParams`, `Blob`,
	`ArrayBuffer`, typed array, `DataView` or `ReadableStream` is sent as it is. GET and HEAD send no
	body. Data `JSON.stringify` cannot write (a cycle, a BigInt) is a `TypeError`.

	@default undefined (no body)
	*/
	data?: unknown;

	/**
	How the body is read into `response.data`: `'json'` parses a JSON body and leaves any other text a
	string (`''` for an empty body); `'text'` is the text; `'blob'` a `Blob`; `'arraybuffer'` an
	`ArrayBuffer`.

	@default 'json'
	*/
	responseType?: 'json' | 'text' | 'blob' | 'arraybuffer';

	/**
	Milliseconds the whole call may take: waiting for a refresh, the request and reading the body.
	Past it the call rejects with a `RequestError` whose code is `'ECONNABORTED'`. `0` means none.

	@default the client's `requestTimeout` option, else 0
	*/
	timeout?: number;

	/**
	Aborts the call: it rejects with a `RequestError` whose code is `'ERR_CANCELED'` and whose `cause`
	is the signal's reason.

	@example
	```
	const controller = new AbortController();
	const pending = client.get('/search', { params: { q }, signal: controller.signal });
	controller.abort();
	```
	*/
	signal?: AbortSignal;

	/**
	Which statuses resolve; any other rejects with a `RequestError` (`'ERR_BAD_REQUEST'` for a 4xx,
	`'ERR_BAD_RESPONSE'` otherwise). `null` resolves every status.

	@default the client's `validateStatus` option, else `(status) => status >= 200 && status < 300`

	@example
	```
	validateStatus: (status) => status < 500 // a 404 resolves
	```
	*/
	validateStatus?: ((status: number) => boolean) | null;

	/**
	Send cookies and HTTP authentication to another origin (`credentials: 'include'`).

	@default false
	*/
	withCredentials?: boolean;

	/**
	`false` sends the call untouched: no token, no classification, never refreshed or replayed. Use it
	for the login call and for third-party URLs.

	@default true
	*/
	auth?: boolean;

	/**
	This call's business envelope: `false` none (it resolves with the `AuthResponse`), `true` the
	client's envelope (or the defaults), an object those fields over the client's envelope (or the
	defaults). The type of the call's result follows it.

	@default the client's `envelope` option

	@example
	```
	const raw = await api.get('/export', { envelope: false, responseType: 'blob' }); // AuthResponse<Blob>
	```
	*/
	envelope?: boolean | EnvelopeOptions;
}

/**
A config that turns the envelope off for its call (`envelope: false`): the call resolves with the
{@link AuthResponse}, whatever the client's envelope.
*/
export interface RawRequestConfig extends RequestConfig {
	envelope: false;
}

/**
A config with an envelope for its call (`envelope: true` or an object): the call resolves with the
payload, whatever the client's envelope.
*/
export interface UnwrappingRequestConfig extends RequestConfig {
	envelope: true | EnvelopeOptions;
}

/**
The config a call was made with, as `response.config` and `error.config` carry it: the caller's
config with the call's `url` (a string, before `baseURL` and `params`), `method` (lower case) and, for
`post`, `put` and `patch`, `data`.
*/
export interface CallConfig extends RequestConfig {
	url: string;
	method: string;
}

/**
What an axios-shaped call resolves with when no envelope unwraps it (and what a `RequestError`
carries as `response`).

@example
```
const { data, status, headers } = await client.get<User>('/me');
const etag = headers['etag']; // lower-case names
```
*/
export interface AuthResponse<T = any> {
	/** The body, read as `responseType` says. */
	data: T;
	/** The HTTP status of the final response (after a replay, the replay's). */
	status: number;
	/** The status text (`''` over HTTP/2). */
	statusText: string;
	/** The response headers the page can read, names in lower case. */
	headers: Record<string, string>;
	/** The config of the call. */
	config: CallConfig;
}

/**
A business envelope such as `{ code: 0, data: …, message: '' }`: a call with an envelope resolves
with the payload of a success code, rejects with a `RequestError` (`'ERR_BUSINESS'`) for another
code, and resolves with the body as it is when it has no code (a list, text, a blob). Applied only
to a status `validateStatus` accepts and a JSON object body, after the refresh rules.

@example
```
envelope: true                                                               // { code, data, message }, success [0]
envelope: { code: 'code', success: [0], data: null }                         // resolves with the whole body
envelope: { code: 'errcode', success: [0], data: null, message: 'errmsg' }
```
*/
export interface EnvelopeOptions {
	/**
	Dotted path of the business code in the body.

	@default 'code'
	*/
	code?: string;

	/**
	The codes that mean success; a number and its text (`0` and `'0'`) are the same code.

	@default [0]
	*/
	success?: Array<number | string>;

	/**
	Dotted path of what a success resolves with; `null` resolves with the whole body.

	@default 'data'
	*/
	data?: string | null;

	/**
	Dotted path of the failure's message (the `RequestError`'s `message`; "the server answered
	business code N" when the body has none).

	@default 'message'
	*/
	message?: string;
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

	/**
	Default headers of every axios-shaped call (`request`, `get`, `post`…), under the call's own
	`headers`. `fetch()` is not affected.

	@default {}

	@example
	```
	headers: { 'Accept-Language': 'zh-CN', 'X-Client': 'web' }
	```
	*/
	headers?: Record<string, string>;

	/**
	Milliseconds an axios-shaped call may take when its config sets no `timeout` (a `RequestError`
	with code `'ECONNABORTED'` past it). `0` means none. This is not the `timeout` option, which
	stays the refresh's; `fetch()` is not affected.

	@default 0 (none)
	*/
	requestTimeout?: number;

	/**
	Which statuses an axios-shaped call resolves with, when its config sets no `validateStatus`;
	`null` resolves every status.

	@default (status) => status >= 200 && status < 300
	*/
	validateStatus?: ((status: number) => boolean) | null;

	/**
	The business envelope of the backend, unwrapped on every axios-shaped call: `true` for the
	usual `{ code, data, message }` with success code 0, an object for another shape (see
	{@link EnvelopeOptions}). The calls then resolve with the payload, and the client's type says so
	(`AuthClient<true>`). A call's own `envelope` overrides it.

	@default false (the calls resolve with an `AuthResponse`)

	@example
	```
	envelope: true
	envelope: { code: 'errcode', success: [0], data: null, message: 'errmsg' }
	```
	*/
	envelope?: boolean | EnvelopeOptions;
}

/**
Options with an envelope (`envelope: true` or an object): `configure` and `new AuthClient` make an
`AuthClient<true>` of them.
*/
export interface UnwrappingAuthOptions extends AuthOptions {
	envelope: true | EnvelopeOptions;
}

/**
Options without an envelope (no `envelope`, or `envelope: false`): `configure` and `new AuthClient`
make an `AuthClient<false>` of them.
*/
export interface RawAuthOptions extends AuthOptions {
	envelope?: false;
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
What went wrong in an axios-shaped call, with axios's names:
- `'ERR_BAD_REQUEST'`: a 4xx status that `validateStatus` refused;
- `'ERR_BAD_RESPONSE'`: a 5xx or another status that `validateStatus` refused;
- `'ECONNABORTED'`: the call's `timeout` passed;
- `'ERR_CANCELED'`: the caller's `signal` aborted;
- `'ERR_NETWORK'`: the request got no answer (`fetch` failed);
- `'ERR_BUSINESS'`: the envelope's code is not a success code.
*/
export type RequestErrorCode =
	| 'ERR_BAD_REQUEST'
	| 'ERR_BAD_RESPONSE'
	| 'ECONNABORTED'
	| 'ERR_CANCELED'
	| 'ERR_NETWORK'
	| 'ERR_BUSINESS';

/**
An axios-shaped call failed. An `Error` subclass: test it with `instanceof`, with
{@link isRequestError} (which also recognises one from another realm), or by `name`. `T` is the
type of `response.data`, when you know it.

`SessionExpiredError`, `RefreshError` and `DisposedError` reject the calls as they reject `fetch`,
not wrapped in a `RequestError`; a bad config is a `TypeError`.

@example
```
try {
	await client.post('/items', item);
} catch (error) {
	if (isRequestError<{ message: string }>(error) && error.code === 'ERR_BAD_REQUEST') {
		showError(error.response?.data.message ?? error.message);
	} else throw error;
}
```
*/
export declare class RequestError<T = any> extends Error {
	constructor(
		message: string,
		code: RequestErrorCode,
		config: CallConfig,
		response?: AuthResponse<T>,
		cause?: unknown,
		businessCode?: number | string,
	);
	name: 'RequestError';
	/**
	What went wrong (see {@link RequestErrorCode}). The `message` says it in words: "Request failed
	with status code 404", "timeout of 5000ms exceeded", "canceled", "Network Error", or the
	envelope's message.
	*/
	code: RequestErrorCode;
	/** The config of the call. */
	config: CallConfig;
	/**
	The response, for a refused status and a refused business code (whose `data` is then the whole
	body); absent for a timeout, an abort or a network failure.
	*/
	response?: AuthResponse<T>;
	/** The response's status, when there is a `response`. */
	status?: number;
	/** The business code as the body has it, for `'ERR_BUSINESS'`. */
	businessCode?: number | string;
	/** The abort reason (`'ERR_CANCELED'`) or the transport's error (`'ERR_NETWORK'`). */
	cause?: unknown;
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
Whether `error` is a {@link RequestError} (`instanceof`, or that `name`). `T`, the type of
`response.data`, is what you say it is: nothing checks it.

@example
```
import { isRequestError } from 'fetch-with-refresh';

try {
	await get('/me');
} catch (error) {
	if (isRequestError(error) && error.status === 404) return null;
	throw error;
}
```
*/
export declare function isRequestError<T = any>(error: unknown): error is RequestError<T>;

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
