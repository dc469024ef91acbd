// Type-level tests for js/index.d.ts. Run: npx tsc -p tests/types
// Nothing here is executed; it only has to type-check (and the @ts-expect-error lines must be errors).

import {
	ready,
	configure,
	fetchWithRefresh,
	AuthClient,
	DisposedError,
	RefreshError,
	SessionExpiredError,
	isAuthError,
	isDisposedError,
	isRefreshError,
	isSessionExpiredError,
	type AuthError,
	type AuthEventMap,
	type AuthOptions,
	type AuthRequestInit,
	type Matcher,
	type RefreshOptions,
	type SessionExpiredInfo,
	type TokenInput,
	type TokenSnapshot,
	type TokenStorage,
} from '../../js/index.js';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(): void {}

// The aliases DESIGN.md defines by derivation.
assertType<Equal<TokenInput, Parameters<AuthClient['setTokens']>[0]>>();
assertType<Equal<TokenSnapshot, NonNullable<ReturnType<AuthClient['getTokens']>>>>();
assertType<Equal<typeof ready, Promise<void>>>();

// Stand-ins for the app code the seed configurations call.
declare const store: { dispatch(type: 'user/relogin'): Promise<{ Token: string; AppKey: string } | null> };

// ---------------------------------------------------------------------------------------------
// The five seed configurations, exactly as in README.md.

const seed000 = configure({
	baseURL: '/api',
	attach: { header: 'X-Token', scheme: null },
	refresh: { url: '/refreshJwt/{refreshToken}' },
	accessExpired: { codes: [50014] },
	sessionExpired: { codes: [10007] },
});

const seed001 = new AuthClient({
	baseURL: '/',
	storage: 'cookie',
	refresh: { url: 'api/v1/refresh_token' },
	proactiveWindow: 1800,
});

const seed002 = new AuthClient({
	attach: { header: 'X-Token', scheme: null },
	refresh: { url: '/sys/user/refreshtoken', send: { header: 'X-Token' } },
	accessExpired: { status: [401], codes: [50014] },
	sessionExpired: { codes: [50015] },
});

const seed003 = new AuthClient({
	baseURL: '/api',
	attach: { query: 'token' },
	codeField: 'errcode',
	accessExpired: { codes: [30001, 40001, 42001, 40014] },
	refresh: async () => {
		const info = await store.dispatch('user/relogin');
		return info ? { accessToken: info.Token } : null;
	},
});

const seed004 = new AuthClient({
	attach: { scheme: null },
	refresh: {
		url: '/refreshToken',
		send: { bodyField: 'refreshToken', accessTokenField: 'token' },
		response: { accessToken: 'data.token' },
	},
	accessExpired: { codes: [409] },
});

const seeds: AuthClient[] = [seed000, seed001, seed002, seed003, seed004];

// ---------------------------------------------------------------------------------------------
// Every option.

const memory = new Map<string, string>();
const customStorage: TokenStorage = {
	getItem: (key) => memory.get(key) ?? null,
	setItem: (key, value) => void memory.set(key, value),
	removeItem: (key) => void memory.delete(key),
};

const refreshOptions: RefreshOptions = {
	url: '/auth/refresh',
	method: 'PUT',
	send: {
		header: 'Authorization',
		scheme: 'Bearer',
		bodyField: 'refresh_token',
		query: 'rt',
		accessTokenField: 'access_token',
	},
	response: {
		accessToken: 'data.access_token',
		refreshToken: 'data.refresh_token',
		expiresIn: 'data.expires_in',
		expiresAt: 'data.expires_at',
	},
	timeout: 5000,
};

const byFunction: Matcher = ({ status, body }) =>
	status === 401 && typeof body === 'object' && body !== null && (body as { code?: unknown }).code === 'TOKEN_EXPIRED';

const everything: AuthOptions = {
	baseURL: 'https://api.example.com/v1/',
	storage: customStorage,
	storageKeys: { accessToken: 'token', refreshToken: 'refreshToken', expiresAt: 'tokenExpiresAt' },
	cookie: { path: '/', domain: 'example.com', sameSite: 'Strict', secure: true, maxAge: 7 * 24 * 3600, hostPrefix: false },
	attach: { header: 'Authorization', scheme: 'JWT', query: 'access_token' },
	refresh: refreshOptions,
	proactiveWindow: 60,
	accessExpired: byFunction,
	sessionExpired: { status: [403], codes: ['SESSION_GONE', 50015] },
	codeField: 'meta.code',
	crossTab: true,
	retry: { attempts: 2, baseDelay: 100, maxDelay: 1000 },
	renewLimit: { count: 5, per: 30 },
	onSessionExpired: async (info: SessionExpiredInfo) => {
		const reason: 'refresh-rejected' | 'session-expired-response' | 'no-refresh-token' | 'refresh-function' | 'logout' | 'other-tab' = info.reason;
		const status: number | undefined = info.status;
		const code: number | string | undefined = info.code;
		void [reason, status, code];
	},
	allowedOrigins: ['https://app.example.com', 'https://api.example.com'],
	fetch: (input, init) => globalThis.fetch(input, { ...init, credentials: 'include' }),
};

for (const storage of ['localStorage', 'sessionStorage', 'cookie', 'memory'] as const) {
	new AuthClient({ storage, refresh: { url: '/r' } });
}
new AuthClient({ refresh: { url: '/r' }, onSessionExpired: () => {} }); // a sync callback is fine
new AuthClient({
	refresh: async (tokens: TokenSnapshot) => ({
		accessToken: `new-${tokens.accessToken}`,
		refreshToken: tokens.refreshToken ?? 'none',
		expiresIn: 3600,
		expiresAt: Date.now() + 3_600_000,
	}),
	timeout: 30_000, // a re-login function may take longer than the 10 s default
});

// ---------------------------------------------------------------------------------------------
// Every method.

async function methods(): Promise<void> {
	await ready;
	const client = configure(everything);

	const a: Response = await fetchWithRefresh('/me');
	const b: Response = await fetchWithRefresh(new URL('https://api.example.com/v1/me'), { auth: true });
	const c: Response = await fetchWithRefresh(new Request('/login'), { method: 'POST', auth: false, body: '{}' });
	const init: AuthRequestInit = { headers: { Accept: 'application/json' }, signal: AbortSignal.timeout(1000) };
	const d: Response = await client.fetch('/items', init);
	void [a, b, c, d];

	client.setTokens({ accessToken: 'a' });
	client.setTokens({ accessToken: 'a', refreshToken: 'r', expiresIn: 1800 });
	client.setTokens({ accessToken: 'a', refreshToken: 'r', expiresAt: Date.now() + 1_800_000 });

	const snapshot = client.getTokens();
	if (snapshot) {
		const access: string = snapshot.accessToken;
		const refreshToken: string | null = snapshot.refreshToken;
		const expiresAt: number | null = snapshot.expiresAt;
		void [access, refreshToken, expiresAt];
	}

	await client.refresh();
	client.clearTokens();

	const offs: Array<() => void> = [
		client.on('refresh-start', (e) => {
			const t: 'refresh-start' = e.type;
			const r: 'proactive' | 'expired' | 'rejected' | 'manual' = e.reason;
			const q: number = e.queued;
			void [t, r, q];
		}),
		client.on('refresh-success', (e) => {
			const x: [number, number, number | null, boolean] = [e.durationMs, e.replayed, e.expiresAt, e.adopted];
			void x;
		}),
		client.on('refresh-failure', (e) => {
			const r: 'network' | 'timeout' | 'status' | 'malformed' | 'function' | 'no-refresh-token' | 'lock-timeout' | 'rate-limited' = e.reason;
			const x: [number | undefined, number, number] = [e.status, e.durationMs, e.rejected];
			void [r, x];
		}),
		client.on('session-expired', (e) => {
			const r: SessionExpiredInfo['reason'] = e.reason;
			const x: [number | undefined, number | string | undefined, number] = [e.status, e.code, e.rejected];
			void [r, x];
		}),
		client.on('tokens-changed', (e) => {
			const s: 'set' | 'refresh' | 'clear' | 'session-expired' | 'other-tab' = e.source;
			const x: [number | null, boolean] = [e.expiresAt, e.hasRefreshToken];
			void [s, x];
		}),
		client.on('request-queued', (e) => {
			const x: [string, string, number] = [e.method, e.url, e.queued];
			void x;
		}),
		client.on('request-replayed', (e) => {
			const r: 'refreshed' | 'token-changed' = e.reason;
			const x: [string, string] = [e.method, e.url];
			void [r, x];
		}),
		client.on('storage-fallback', (e) => {
			const o: 'read' | 'write' | 'remove' = e.operation;
			const x: [string, string] = [e.storage, e.message];
			void [o, x];
		}),
	];
	offs.forEach((off) => off());

	// A listener typed with the event map.
	const log = <K extends keyof AuthEventMap>(e: AuthEventMap[K]): void => console.debug(e.type);
	client.on('refresh-success', log);

	client.dispose();
	seeds.forEach((s) => s.dispose());
}

// ---------------------------------------------------------------------------------------------
// Errors: plain Error objects told apart by `name`.

function handle(error: unknown): string {
	if (!(error instanceof Error)) return 'unknown';
	const e = error as AuthError | Error;
	switch (e.name) {
		case 'SessionExpiredError':
			return 'login again';
		case 'RefreshError': {
			const r = e as RefreshError;
			const reason: 'network' | 'timeout' | 'status' | 'malformed' | 'function' | 'no-refresh-token' | 'lock-timeout' | 'rate-limited' = r.reason;
			const status: number | undefined = r.status;
			const cause: unknown = r.cause;
			void [status, cause];
			return reason;
		}
		case 'DisposedError':
			return 'disposed';
		default:
			return e.message;
	}
}

function narrow(e: AuthError): void {
	if (e.name === 'RefreshError') {
		const reason: RefreshError['reason'] = e.reason; // narrowed by the discriminant
		void reason;
	}
}

const s: SessionExpiredError['name'] = 'SessionExpiredError';
const d: DisposedError['name'] = 'DisposedError';
void [methods, handle, narrow, s, d];

// Errors: exported classes, so `instanceof` narrows; the guards narrow `unknown` the same way.
function byClass(error: unknown): string {
	if (error instanceof SessionExpiredError) {
		const name: 'SessionExpiredError' = error.name;
		return name;
	}
	if (error instanceof RefreshError) {
		const x: [RefreshError['reason'], number | undefined, unknown] = [error.reason, error.status, error.cause];
		void x;
		return error.message;
	}
	if (error instanceof DisposedError) return error.name;
	return 'other';
}

function byGuard(error: unknown): string {
	if (isRefreshError(error)) return error.reason;
	if (isSessionExpiredError(error)) return error.name;
	if (isDisposedError(error)) return error.name;
	if (isAuthError(error)) {
		const e: AuthError = error;
		return e.name;
	}
	return 'other';
}

const errors: Error[] = [
	new SessionExpiredError('gone'),
	new RefreshError('down', 'status', 503),
	new RefreshError('offline', 'network', undefined, new TypeError('Failed to fetch')),
	new DisposedError('disposed'),
];
void [byClass, byGuard, errors];

// @ts-expect-error a RefreshError needs a reason
new RefreshError('down');

// @ts-expect-error reasons are fixed
new RefreshError('down', 'offline');

// ---------------------------------------------------------------------------------------------
// Wrong options are rejected.

// @ts-expect-error unknown storage
new AuthClient({ storage: 'disk', refresh: { url: '/r' } });

// @ts-expect-error proactiveWindow is a number of seconds
new AuthClient({ proactiveWindow: '30', refresh: { url: '/r' } });

// @ts-expect-error refresh is required
new AuthClient({ baseURL: '/api' });

// @ts-expect-error refresh.url is required
new AuthClient({ refresh: { method: 'POST' } });

// @ts-expect-error scheme is a string or null
new AuthClient({ attach: { scheme: 42 }, refresh: { url: '/r' } });

// @ts-expect-error sameSite is capitalised
new AuthClient({ storage: 'cookie', cookie: { sameSite: 'lax' }, refresh: { url: '/r' } });
// @ts-expect-error hostPrefix is a boolean
new AuthClient({ storage: 'cookie', cookie: { hostPrefix: 'yes' }, refresh: { url: '/r' } });
new AuthClient({ storage: 'cookie', cookie: { hostPrefix: true, sameSite: 'Strict' }, refresh: { url: '/r' } });

// @ts-expect-error codes are numbers or strings
new AuthClient({ accessExpired: { codes: [true] }, refresh: { url: '/r' } });

// @ts-expect-error status is an array
new AuthClient({ accessExpired: { status: 401 }, refresh: { url: '/r' } });

// @ts-expect-error a refresh function returns a promise
new AuthClient({ refresh: () => ({ accessToken: 'a' }) });

// @ts-expect-error a refresh function resolves with tokens or null, not a string
new AuthClient({ refresh: async () => 'token' });

// @ts-expect-error the timeout is a number of milliseconds
new AuthClient({ refresh: { url: '/r', timeout: '10s' } });

// @ts-expect-error a storage needs removeItem
new AuthClient({ storage: { getItem: () => null, setItem: () => {} }, refresh: { url: '/r' } });

// @ts-expect-error auth is a boolean
void fetchWithRefresh('/me', { auth: 'no' });

// @ts-expect-error setTokens needs an access token
seed000.setTokens({ refreshToken: 'r' });

// @ts-expect-error unknown event
seed000.on('refresh-done', () => {});

// @ts-expect-error refresh-start has no durationMs
seed000.on('refresh-start', (e) => e.durationMs);

// @ts-expect-error session-expired reasons are fixed
const badReason: SessionExpiredInfo['reason'] = 'logged-out';
void badReason;
