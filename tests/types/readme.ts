// The README's Vue 3 snippet, type-checked against the package name (mapped to js/index.d.ts in
// tsconfig.json). Vue, Element Plus and the router are stand-ins declared here.

import { configure, fetchWithRefresh, type AuthClient } from 'fetch-with-refresh';

declare const ElMessageBox: {
	confirm(message: string, title: string, options: { confirmButtonText: string; cancelButtonText: string; type: 'warning' }): Promise<unknown>;
};
declare const router: { push(path: string): unknown };
declare function inject<T>(key: string): T;
declare const form: { username: string; password: string };

// main.js
const auth = configure({
	refresh: { url: '/api/auth/refresh' },
	onSessionExpired: async () => {
		try {
			await ElMessageBox.confirm('你已被登出，可以取消继续留在该页面，或者重新登录', '确定登出', {
				confirmButtonText: '重新登录',
				cancelButtonText: '取消',
				type: 'warning',
			});
			router.push('/login');
		} catch {
			// 取消: stay on the page
		}
	},
});

// in a component
export async function loadMe(): Promise<unknown> {
	const res = await fetchWithRefresh('/api/me');
	return res.json();
}

// in the login component
export async function login(): Promise<void> {
	const client = inject<AuthClient>('auth');
	const res = await fetchWithRefresh('/api/login', {
		method: 'POST',
		auth: false,
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify(form),
	});
	const { access_token, refresh_token, expires_in } = (await res.json()) as {
		access_token: string;
		refresh_token: string;
		expires_in: number;
	};
	client.setTokens({ accessToken: access_token, refreshToken: refresh_token, expiresIn: expires_in });
}

// Events section
const off = auth.on('refresh-failure', (e) => console.warn('refresh failed', e.reason, e.status));
off();
