// The Vue snippets of README.md ("Use it from Vue 3", "Vue: fetch-with-refresh/vue"), type-checked
// against the package names (mapped to js/index.d.ts and js/vue.d.ts in tsconfig.json) with vue's
// own types. The app's component, Pinia and the router are stand-ins declared here.

import { createApp, ref, type Component } from 'vue';
import { fetchWithRefresh, get, post } from 'fetch-with-refresh';
import { authPlugin, useAuth } from 'fetch-with-refresh/vue';

declare const App: Component;
declare const router: {
	push(path: string): Promise<unknown>;
	install(app: unknown): void;
	beforeEach(guard: (to: { meta: { requiresAuth?: boolean } }) => string | boolean | void): () => void;
};
declare function createPinia(): { install(app: unknown): void };
declare function defineStore<S>(id: string, setup: () => S): () => S;
declare const form: { username: string; password: string };
declare function confirmLogout(): Promise<void>;

// main.js
createApp(App)
	.use(createPinia())
	.use(authPlugin, {
		refresh: { url: '/api/auth/refresh' },
		onSessionExpired: async () => {
			await confirmLogout();
			await router.push('/login');
		},
	})
	.use(router)
	.mount('#app');

// A callback that returns what router.push returns is accepted too.
createApp(App).use(authPlugin, { refresh: { url: '/r' }, onSessionExpired: () => router.push('/login') });

// any component (<script setup>), and what its template reads
export function componentSetup() {
	const { isAuthenticated, expiresAt, refreshing, lastError, logout } = useAuth();
	const shown: Array<string | boolean> = [refreshing.value, lastError.value?.message ?? ''];
	if (isAuthenticated.value && expiresAt.value) shown.push(new Date(expiresAt.value).toLocaleTimeString());
	return { shown, logout };
}

// the login component: the login call goes out without a token, then login() stores the tokens
export async function loginComponent(): Promise<void> {
	const { login } = useAuth();
	const { data } = await post<{ access_token: string; refresh_token: string; expires_in: number }>('/api/login', form, {
		auth: false,
	});
	login({ accessToken: data.access_token, refreshToken: data.refresh_token, expiresIn: data.expires_in });
}

// any component's data: the axios-shaped call resolves with { data, status, statusText, headers, config }
export async function componentData(): Promise<unknown> {
	const me = ref<unknown>(null);
	me.value = (await get('/api/me')).data;
	return me.value;
}

// a Pinia setup store, and a router guard
export const useAccountStore = defineStore('account', () => {
	const { isAuthenticated } = useAuth();
	const profile = ref<unknown>(null);
	async function load() {
		profile.value = ((await (await fetchWithRefresh('/api/me')).json()) as { data: unknown }).data;
	}
	return { isAuthenticated, profile, load };
});

router.beforeEach((to) => {
	if (to.meta.requiresAuth && !useAuth().isAuthenticated.value) return '/login';
});
