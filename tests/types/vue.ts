// Type-level tests for js/vue.d.ts, the Vue entry, imported by its package name
// `fetch-with-refresh/vue` (mapped in tsconfig.json, as the main entry is). `vue` comes from this
// folder's own package.json (installed by `make test-types`). Nothing here is executed; it only has to
// type-check, and each `@ts-expect-error` line must be an error.

import { computed, createApp, defineComponent, watch, type App, type Ref } from 'vue';
import { AuthClient, configure, type AuthOptions, type TokenInput } from 'fetch-with-refresh';
import { authPlugin, useAuth, type Auth } from 'fetch-with-refresh/vue';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(): void {}

declare const router: { push(path: string): Promise<unknown> };
const options: AuthOptions = {
	baseURL: '/api',
	refresh: { url: '/auth/refresh' },
	onSessionExpired: () => {
		void router.push('/login');
	},
};

// ---------------------------------------------------------------------------------------------
// The plugin: app.use(authPlugin, options), or with a client made beforehand.

const app: App = createApp({}).use(authPlugin, options);
createApp({}).use(authPlugin, { refresh: async () => null });
createApp({}).use(authPlugin, configure(options));
createApp({}).use(authPlugin, new AuthClient(options));
authPlugin.install(app, options);
assertType<Equal<Parameters<typeof authPlugin.install>, [app: App, options: AuthOptions | AuthClient]>>();

// @ts-expect-error the options are required
createApp({}).use(authPlugin);
// @ts-expect-error `refresh` is a required option
createApp({}).use(authPlugin, { baseURL: '/api' });
// @ts-expect-error unknown options are refused as in configure()
createApp({}).use(authPlugin, { refresh: { url: '/auth/refresh' }, proactivWindow: 60 });
// @ts-expect-error one options argument, not two
createApp({}).use(authPlugin, options, options);

// ---------------------------------------------------------------------------------------------
// useAuth(): the contract's shape, read-only refs, and the three actions.

const auth = useAuth();
assertType<Equal<typeof auth, Auth>>();
assertType<Equal<typeof auth.client, AuthClient>>();
assertType<Equal<typeof auth.isAuthenticated.value, boolean>>();
assertType<Equal<typeof auth.expiresAt.value, number | null>>();
assertType<Equal<typeof auth.refreshing.value, boolean>>();
assertType<Equal<typeof auth.lastError.value, Error | null>>();
assertType<Equal<ReturnType<typeof auth.refresh>, Promise<void>>>();
assertType<Equal<Parameters<typeof auth.login>, [tokens: TokenInput]>>();
assertType<Equal<ReturnType<typeof auth.logout>, void>>();

// The contract's types: each ref can be handed to code that takes a Ref (readonly is not a
// different type to assign from), and the whole result to what the contract promises.
const contract: {
	client: AuthClient;
	isAuthenticated: Ref<boolean>;
	expiresAt: Ref<number | null>;
	refreshing: Ref<boolean>;
	lastError: Ref<Error | null>;
	login(t: TokenInput): void;
	logout(): void;
	refresh(): Promise<void>;
} = useAuth();

// Used as a Vue app uses them.
const Status = defineComponent({
	setup() {
		const { isAuthenticated, expiresAt, refreshing, lastError, login, logout, refresh } = useAuth();
		const secondsLeft = computed(() => (expiresAt.value === null ? null : Math.round((expiresAt.value - Date.now()) / 1000)));
		watch(isAuthenticated, (signedIn: boolean) => {
			if (!signedIn) void router.push('/login');
		});
		const message = computed(() => lastError.value?.message ?? '');
		const onLogin = (body: { access_token: string; refresh_token: string; expires_in: number }) =>
			login({ accessToken: body.access_token, refreshToken: body.refresh_token, expiresIn: body.expires_in });
		const onRenew = async (): Promise<void> => {
			await refresh();
		};
		return { isAuthenticated, secondsLeft, refreshing, message, onLogin, onRenew, logout };
	},
});

// The refs are read-only: the client's state is changed through the client, not by assigning.
// @ts-expect-error isAuthenticated is read-only
auth.isAuthenticated.value = true;
// @ts-expect-error expiresAt is read-only
auth.expiresAt.value = 0;
// @ts-expect-error refreshing is read-only
auth.refreshing.value = false;
// @ts-expect-error lastError is read-only
auth.lastError.value = null;
// @ts-expect-error the result is read-only too
auth.client = new AuthClient(options);

// login() takes what setTokens takes.
auth.login({ accessToken: 'a', refreshToken: 'r', expiresIn: 60 });
auth.login({ accessToken: 'a', expiresAt: Date.now() + 60_000 });
// @ts-expect-error the access token is required
auth.login({ refreshToken: 'r' });
// @ts-expect-error tokens are strings
auth.login({ accessToken: 42 });
// @ts-expect-error login takes the token object, not the raw token
auth.login('eyJhbGciOiJIUzI1NiJ9.e30.sig');
// @ts-expect-error expiresIn is a number of seconds
auth.login({ accessToken: 'a', expiresIn: '60' });
// @ts-expect-error login stores the tokens and returns nothing to await on
void auth.login({ accessToken: 'a' }).then(() => {});

// refresh() resolves with nothing.
// @ts-expect-error refresh() resolves with nothing, not the tokens
const renewed: Promise<TokenInput> = auth.refresh();
// @ts-expect-error logout() takes no argument
auth.logout(true);
// @ts-expect-error expiresAt holds epoch milliseconds (a number), not a string
const expiry: Ref<string | null> = auth.expiresAt;
// @ts-expect-error lastError is an Error, not a string (a fresh result: the assignments above narrow)
const errorText: string | null = useAuth().lastError.value;

// @ts-expect-error useAuth takes no argument (the app's auth is injected)
useAuth(app);

export { contract, Status, renewed, expiry, errorText };
