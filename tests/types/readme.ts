// The README's snippets without Vue (`configure`, `fetchWithRefresh`, the Events section),
// type-checked against the package name (mapped to js/index.d.ts in tsconfig.json); the Vue ones
// are in readme-vue.ts. Element Plus and the router are stand-ins declared here.

import { configure, fetchWithRefresh } from 'fetch-with-refresh';

declare const ElMessageBox: {
	confirm(message: string, title: string, options: { confirmButtonText: string; cancelButtonText: string; type: 'warning' }): Promise<unknown>;
};
declare const router: { push(path: string): unknown };

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

// Events section
const off = auth.on('refresh-failure', (e) => console.warn('refresh failed', e.reason, e.status));
off();
