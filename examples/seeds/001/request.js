import { configure } from 'fetch-with-refresh';
import { Message } from 'element-ui';
import router from '@/router';

const service = configure({
  baseURL: '/s001',
  requestTimeout: 10000,
  storage: 'cookie',
  refresh: { url: '/api/v1/refresh_token' },
  proactiveWindow: 30 * 60,
  onSessionExpired: () => {
    openMessage('登录失效');
    toLogin();
  },
});

const openMessage = (msg) => Message({ message: msg, type: 'error', showClose: true });

const toLogin = () => {
  localStorage.clear();
  router.replace({ path: '/login', query: { redirect: router.currentRoute.fullPath } });
};

export const login = (user) =>
  service.post('/login', { user }, { auth: false }).then((res) =>
    service.setTokens({ accessToken: res.data.access_token, refreshToken: res.data.refresh_token, expiresIn: res.data.expires_in }));
export const getUserInfo = () => service.get('/api/me');
export const saveNote = (note) => service.post('/api/echo', note);

export default service;
