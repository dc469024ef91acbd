// Type-level tests for the axios-shaped calls of js/index.d.ts (`request`, `get`, `post`… on a
// client and over the default client), their options, `RequestError` and `isRequestError`. Imported
// by the package name (mapped in tsconfig.json). Nothing here is executed; it only has to
// type-check, and each `@ts-expect-error` line must be an error.

import { createApp } from 'vue';
import {
	AuthClient,
	RequestError,
	configure,
	delete as del,
	get,
	head,
	isAuthError,
	isRequestError,
	options,
	patch,
	post,
	put,
	request,
	type AuthOptions,
	type AuthResponse,
	type CallConfig,
	type CallResult,
	type EnvelopeOptions,
	type RawAuthOptions,
	type RawRequestConfig,
	type RequestConfig,
	type RequestErrorCode,
	type UnwrappingAuthOptions,
	type UnwrappingRequestConfig,
} from 'fetch-with-refresh';
import { authPlugin, useAuth } from 'fetch-with-refresh/vue';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(): void {}

interface User {
	id: number;
	name: string;
}
interface Item {
	id: number;
	title: string;
}
declare const router: { push(path: string): Promise<unknown> };

// ---------------------------------------------------------------------------------------------
// Clients: the options decide what the calls resolve with.

const plain = configure({ baseURL: '/api', refresh: { url: '/auth/refresh' } });
const unwrapped = configure({
	baseURL: '/api',
	attach: { header: 'X-Token', scheme: null },
	refresh: { url: '/refresh', send: { header: 'X-Token' } },
	accessExpired: { status: [401], codes: [50014] },
	sessionExpired: { codes: [50015] },
	envelope: true,
	onSessionExpired: () => router.push('/login'),
});
// Seed 003's envelope, as an object: unwrapped too.
const seed003 = new AuthClient({
	baseURL: '/api',
	attach: { query: 'token' },
	codeField: 'errcode',
	refresh: async () => null,
	envelope: { code: 'errcode', success: [0], data: null, message: 'errmsg' },
});
const explicitlyPlain = new AuthClient({ refresh: { url: '/r' }, envelope: false });
declare const someOptions: AuthOptions;
const unknownKind = configure(someOptions);

assertType<Equal<typeof plain, AuthClient<false>>>();
assertType<Equal<typeof unwrapped, AuthClient<true>>>();
assertType<Equal<typeof seed003, AuthClient<true>>>();
assertType<Equal<typeof explicitlyPlain, AuthClient<false>>>();
assertType<Equal<typeof unknownKind, AuthClient<boolean>>>();
// Options in a variable: `envelope: true` widens to boolean (either kind), unless `satisfies` keeps it.
const widened = { refresh: { url: '/r' }, envelope: true };
const kept = { refresh: { url: '/r' }, envelope: true } satisfies AuthOptions;
const keptOff = { refresh: { url: '/r' }, envelope: false } satisfies AuthOptions;
assertType<Equal<ReturnType<typeof configure>, AuthClient<boolean>>>(); // the last overload
assertType<Equal<typeof widened.envelope, boolean>>();
const fromWidened = configure(widened);
assertType<Equal<typeof fromWidened, AuthClient<boolean>>>();
const fromKept = new AuthClient(kept);
assertType<Equal<typeof fromKept, AuthClient<true>>>();
const fromKeptOff = new AuthClient(keptOff);
assertType<Equal<typeof fromKeptOff, AuthClient<false>>>();
const named: UnwrappingAuthOptions = { refresh: { url: '/r' }, envelope: { code: 'errcode' } };
const namedOff: RawAuthOptions = { refresh: { url: '/r' } };
const fromNamed = configure(named);
const fromNamedOff = configure(namedOff);
assertType<Equal<typeof fromNamed, AuthClient<true>>>();
assertType<Equal<typeof fromNamedOff, AuthClient<false>>>();
// A bare AuthClient is any client: both kinds are assignable to it.
assertType<Equal<AuthClient, AuthClient<boolean>>>();
const anyClients: AuthClient[] = [plain, unwrapped, seed003, explicitlyPlain, unknownKind];
assertType<Equal<CallResult<User, false>, AuthResponse<User>>>();
assertType<Equal<CallResult<User, true>, User>>();
assertType<Equal<CallResult<User, boolean>, User | AuthResponse<User>>>();

// The Vue plugin takes either kind of client, and useAuth().client is any client.
createApp({}).use(authPlugin, unwrapped);
createApp({}).use(authPlugin, plain);
createApp({}).use(authPlugin, { refresh: { url: '/r' }, envelope: { code: 'errcode' } });
export async function fromVue(): Promise<void> {
	const { client } = useAuth();
	const either: User | AuthResponse<User> = await client.get<User>('/me');
	const raw: AuthResponse<User> = await client.get<User>('/me', { envelope: false });
	const payload: User = await client.get<User>('/me', { envelope: true });
	void [either, raw, payload];
}

// ---------------------------------------------------------------------------------------------
// Results of every call on each kind of client.

export async function results(): Promise<void> {
	const r: AuthResponse<User> = await plain.get<User>('/me');
	const u: User = await unwrapped.get<User>('/me');
	const s: User = await seed003.get<User>('/me');
	const name: string = r.data.name;
	const status: number = r.status;
	const statusText: string = r.statusText;
	const etag: string | undefined = r.headers['etag'];
	const sentUrl: string = r.config.url;
	const sentMethod: string = r.config.method;
	const sentConfig: RequestConfig = r.config;
	void [u, s, name, status, statusText, etag, sentUrl, sentMethod, sentConfig];

	assertType<Equal<ReturnType<typeof plain.request<Item>>, Promise<AuthResponse<Item>>>>();
	assertType<Equal<Awaited<ReturnType<typeof unwrapped.request<Item>>>, Item>>();

	// Every method, on both kinds.
	const plainResults: Array<AuthResponse<Item>> = [
		await plain.request<Item>({ url: '/items/1' }),
		await plain.get<Item>('/items/1'),
		await plain.delete<Item>('/items/1'),
		await plain.head<Item>('/items/1'),
		await plain.options<Item>('/items'),
		await plain.post<Item>('/items', { title: 'x' }),
		await plain.put<Item>('/items/1', { title: 'y' }),
		await plain.patch<Item>('/items/1', { title: 'z' }),
	];
	const unwrappedResults: Item[] = [
		await unwrapped.request<Item>({ url: '/items/1' }),
		await unwrapped.get<Item>('/items/1'),
		await unwrapped.delete<Item>('/items/1'),
		await unwrapped.head<Item>('/items/1'),
		await unwrapped.options<Item>('/items'),
		await unwrapped.post<Item>('/items', { title: 'x' }),
		await unwrapped.put<Item>('/items/1', { title: 'y' }),
		await unwrapped.patch<Item>('/items/1', { title: 'z' }),
	];
	void [plainResults, unwrappedResults];

	// A call's own envelope decides for that call.
	const rawAnyway: AuthResponse<Blob> = await unwrapped.get<Blob>('/export', { envelope: false, responseType: 'blob' });
	const unwrappedHere: User = await plain.get<User>('/me', { envelope: true });
	const byObject: User = await plain.post<User>('/login', { name: 'x' }, { envelope: { data: 'result' }, auth: false });
	const requestRaw: AuthResponse<Item> = await unwrapped.request<Item>({ url: '/items/1', envelope: false });
	const requestUnwrapped: Item = await plain.request<Item>({ url: '/items/1', envelope: { code: 'errcode' } });
	void [rawAnyway, unwrappedHere, byObject, requestRaw, requestUnwrapped];

	// A config in a variable (its envelope not known): the client's kind decides; a named config type says.
	const config: RequestConfig = { timeout: 1000 };
	const fromVariable: AuthResponse<User> = await plain.get<User>('/me', config);
	const fromVariableUnwrapped: User = await unwrapped.get<User>('/me', config);
	const rawConfig: RawRequestConfig = { envelope: false, timeout: 1000 };
	const unwrappingConfig: UnwrappingRequestConfig = { envelope: { data: null } };
	const viaRaw: AuthResponse<User> = await unwrapped.put<User>('/me', { name: 'x' }, rawConfig);
	const viaUnwrapping: User = await plain.patch<User>('/me', { name: 'x' }, unwrappingConfig);
	const eitherKind: User | AuthResponse<User> = await unknownKind.get<User>('/me');
	void [fromVariable, fromVariableUnwrapped, viaRaw, viaUnwrapping, eitherKind];

	// Without a type argument the data is `any`, as in axios.
	const loose = await plain.get('/me');
	assertType<Equal<typeof loose, AuthResponse<any>>>();
	const looseUnwrapped: number = await unwrapped.get('/count');
	void looseUnwrapped;

	// URLs may be URL objects; post's data and config are optional.
	await plain.get(new URL('https://api.example.com/me'));
	await plain.post('/ping');
	await plain.post('/ping', undefined, { timeout: 500 });
}

// ---------------------------------------------------------------------------------------------
// Every field of a config, and every new option.

const controller = new AbortController();
const everyField: RequestConfig = {
	url: new URL('https://api.example.com/items'),
	method: 'POST',
	baseURL: 'https://api.example.com/v2',
	headers: { 'X-Request-Id': 'abc', 'X-Retry': 1, 'X-Debug': true, 'X-Remove': null, 'X-Also': undefined },
	params: { page: 2, ids: [1, 2], filter: { draft: true } },
	data: { title: 'x' },
	responseType: 'json',
	timeout: 5000,
	signal: controller.signal,
	validateStatus: (status) => status < 500,
	withCredentials: true,
	auth: false,
	envelope: { code: 'meta.code', success: [0, '200'], data: 'result', message: 'meta.msg' },
};
const otherForms: RequestConfig[] = [
	{ headers: new Headers({ Accept: 'text/plain' }), params: new URLSearchParams('q=a'), responseType: 'text' },
	{ responseType: 'blob', validateStatus: null, envelope: true, data: new FormData() },
	{ responseType: 'arraybuffer', envelope: false, data: new Uint8Array([1, 2]) },
	{ data: new Blob(['x']) },
	{ data: 'raw text' },
];
const envelope: EnvelopeOptions = { code: 'errcode', success: [0], data: null, message: 'errmsg' };
const allCallOptions: AuthOptions = {
	refresh: { url: '/r' },
	headers: { 'Accept-Language': 'zh-CN' },
	requestTimeout: 15_000,
	validateStatus: (status) => status >= 200 && status < 400,
	envelope,
};
new AuthClient({ refresh: { url: '/r' }, validateStatus: null, envelope: false, requestTimeout: 0 });
void [everyField, otherForms, allCallOptions];

// ---------------------------------------------------------------------------------------------
// The module-level calls: `R` is an AuthResponse<T> unless said otherwise, or follows the call's envelope.

export async function moduleLevel(): Promise<void> {
	const me: AuthResponse<User> = await get<User>('/me');
	const meUnwrapped: User = await get<User, User>('/user/info');
	const viaEnvelope: User = await get<User>('/user/info', { envelope: true });
	const rawAnyway: AuthResponse<User> = await get<User>('/user/info', { envelope: false });
	const created: AuthResponse<Item> = await post<Item>('/items', { title: 'x' });
	const createdUnwrapped: Item = await post<Item, Item>('/items', { title: 'x' });
	const all: unknown[] = [
		await request<Item>({ url: '/items/1', method: 'get' }),
		await request<Item, Item>({ url: '/items/1' }),
		await del('/items/1'),
		await head('/items/1'),
		await options('/items'),
		await put<Item>('/items/1', { title: 'y' }, { headers: { 'If-Match': '"v1"' } }),
		await patch<Item>('/items/1', { title: 'z' }, { envelope: { success: [0, 200] } }),
	];
	assertType<Equal<Awaited<ReturnType<typeof del<Item>>>, AuthResponse<Item>>>();
	void [me, meUnwrapped, viaEnvelope, rawAnyway, created, createdUnwrapped, all];
}

// ---------------------------------------------------------------------------------------------
// RequestError and isRequestError.

export function handle(error: unknown): string {
	if (isRequestError<{ message: string }>(error)) {
		const e: RequestError<{ message: string }> = error;
		const name: 'RequestError' = e.name;
		const code: RequestErrorCode = e.code;
		const config: CallConfig = e.config;
		const status: number | undefined = e.status;
		const businessCode: number | string | undefined = e.businessCode;
		const cause: unknown = e.cause;
		const serverMessage: string | undefined = e.response?.data.message;
		const headers: Record<string, string> | undefined = e.response?.headers;
		const asError: Error = e;
		void [name, config, status, businessCode, cause, headers, asError];
		switch (code) {
			case 'ERR_BAD_REQUEST':
			case 'ERR_BAD_RESPONSE':
				return `status ${e.status}: ${serverMessage ?? e.message}`;
			case 'ECONNABORTED':
			case 'ERR_CANCELED':
			case 'ERR_NETWORK':
				return e.message;
			case 'ERR_BUSINESS':
				return `business code ${String(e.businessCode)}`;
			default: {
				// Every code is handled above.
				const none: never = code;
				return none;
			}
		}
	}
	if (error instanceof RequestError) {
		const data: unknown = error.response?.data;
		return String(data);
	}
	return 'other';
}

// The error's name tells it apart from the auth errors, which are not wrapped.
export function byName(error: unknown): void {
	if (isAuthError(error)) {
		// @ts-expect-error an auth error is never a RequestError (isAuthError does not include it)
		const n: 'RequestError' = error.name;
		void n;
	}
}

const made = new RequestError<User>(
	'Request failed with status code 404',
	'ERR_BAD_REQUEST',
	{ url: '/me', method: 'get' },
	{ data: { id: 1, name: 'x' }, status: 404, statusText: 'Not Found', headers: {}, config: { url: '/me', method: 'get' } },
);
const business = new RequestError('the server answered business code 40001', 'ERR_BUSINESS', { url: '/x', method: 'get' }, undefined, undefined, 40001);
void [made, business];

// ---------------------------------------------------------------------------------------------
// Mistakes the types refuse.

export async function mistakes(): Promise<void> {
	// @ts-expect-error responseType is 'json', 'text', 'blob' or 'arraybuffer'
	await plain.get('/page', { responseType: 'document' });

	// @ts-expect-error get's second argument is a config, not data
	await plain.get('/items', { title: 'x' });

	// @ts-expect-error delete's second argument is a config, not data (data goes in config.data)
	await plain.delete('/items/1', { id: 1 });

	// @ts-expect-error validateStatus returns a boolean
	await plain.get('/me', { validateStatus: (status: number) => String(status) });

	// @ts-expect-error the client's validateStatus returns a boolean too
	new AuthClient({ refresh: { url: '/r' }, validateStatus: (status: number) => (status < 300 ? 'ok' : '') });

	// @ts-expect-error envelope.success lists numbers or strings, not objects
	await plain.get('/me', { envelope: { success: [{ code: 0 }] } });

	// @ts-expect-error envelope.success is an array
	new AuthClient({ refresh: { url: '/r' }, envelope: { success: 0 } });

	// @ts-expect-error envelope.code is a dotted path (a string)
	new AuthClient({ refresh: { url: '/r' }, envelope: { code: 0 } });

	// @ts-expect-error a config's header value is a string, number, boolean, null or undefined, not an object
	await plain.get('/me', { headers: { 'X-Meta': { a: 1 } } });

	// @ts-expect-error the client's default headers are strings
	new AuthClient({ refresh: { url: '/r' }, headers: { 'X-Retry': 1 } });

	// @ts-expect-error requestTimeout is a number of milliseconds
	new AuthClient({ refresh: { url: '/r' }, requestTimeout: '5s' });

	// @ts-expect-error a call's timeout is a number of milliseconds
	await plain.get('/me', { timeout: '5s' });

	// @ts-expect-error an unwrapped result is the payload: it has no status
	void (await unwrapped.get<User>('/me')).status;

	// @ts-expect-error nor data
	void (await seed003.post<User>('/me', {})).data;

	// @ts-expect-error a plain client's result is an AuthResponse, not the payload
	const notUser: User = await plain.get<User>('/me');
	void notUser;

	// @ts-expect-error envelope: true on the call unwraps it, even on a plain client
	void (await plain.get<User>('/me', { envelope: true })).status;

	// @ts-expect-error the module-level get's URL is a string or a URL, not a number
	await get(42);

	// @ts-expect-error so is the client's
	await plain.post(['/items'], {});

	// @ts-expect-error request takes a config, not a URL
	await request('/items');

	// @ts-expect-error the module-level result is an AuthResponse unless R says otherwise
	const notUnwrapped: User = await get<User>('/user/info');
	void notUnwrapped;

	// @ts-expect-error withCredentials is a boolean
	await plain.get('/me', { withCredentials: 'include' });

	// @ts-expect-error signal is an AbortSignal, not its controller
	await plain.get('/me', { signal: controller });

	// @ts-expect-error envelope is a boolean or an object, not a path
	await plain.get('/me', { envelope: 'data' });

	// @ts-expect-error a response's headers are strings (a value may be missing)
	const header: string = (await plain.get('/me')).headers['etag'];
	void header;

	// @ts-expect-error error codes are fixed
	const badCode: RequestErrorCode = 'ERR_TIMEOUT';
	void badCode;

	// @ts-expect-error a RequestError needs a code and a config
	new RequestError('failed');

	// @ts-expect-error an unwrapped client is not a plain one (its calls resolve with the payload)
	const plainOnly: AuthClient<false> = unwrapped;
	void plainOnly;

	// @ts-expect-error options in a variable widen `envelope: true` to boolean: the client may be either kind
	const notSure: User = await configure(widened).get<User>('/me');
	void notSure;

	// @ts-expect-error an envelope that may be false is not an unwrapping option
	const maybe: UnwrappingAuthOptions = { refresh: { url: '/r' }, envelope: widened.envelope };
	void maybe;

	// @ts-expect-error unknown options are refused by configure as by new AuthClient
	configure({ refresh: { url: '/r' }, envelop: true });

	// @ts-expect-error unknown config fields are refused
	await plain.get('/me', { timeOut: 1000 });
}

void anyClients;
