import axios from 'axios';
import Cookies from 'js-cookie';
import { Message } from 'element-ui';
import router from '@/router';

axios.defaults.baseURL = '/s001';
axios.defaults.timeout = 10000;

const openMessage = (msg) => Message({ message: msg, type: 'error', showClose: true });

const toLogin = () => {
  localStorage.clear();
  ['access_token', 'utilTime', 'expires_in', 'refresh_token'].forEach((name) => Cookies.remove(name));
  router.replace({ path: '/login', query: { redirect: router.currentRoute.fullPath } });
};

const saveTokens = (result) => {
  const expiresTime = result.expires_in * 1000;
  Cookies.set('access_token', result.access_token, { expires: expiresTime });
  Cookies.set('utilTime', new Date().getTime() + expiresTime);
  Cookies.set('refresh_token', result.refresh_token);
  Cookies.set('expires_in', result.expires_in);
};

const init = {
  timer: null,
  isRefresh: false,
  getRefreshToken() {
    const params = { refresh_token: Cookies.get('refresh_token') };
    axios({ method: 'post', url: `/api/v1/refresh_token${params}` })
      .then((res) => {
        if (!res.data.access_token) return toLogin();
        this.isRefresh = false;
        saveTokens(res.data);
      })
      .catch(() => {
        openMessage('登录失效');
        toLogin();
      });
  },
};

axios.interceptors.request.use((config) => {
  init.timer = new Date().getTime();
  if (Cookies.get('access_token')) {
    if (parseInt(Cookies.get('utilTime')) < init.timer) toLogin();
    config.headers = { 'Content-Type': 'application/json', Authorization: `Bearer ${Cookies.get('access_token')}` };
  } else {
    config.headers = { 'Content-Type': 'application/json' };
  }
  return config;
});

axios.interceptors.response.use(
  (response) => {
    // 到期前30分钟: refresh in the background
    if (Cookies.get('utilTime') && !init.isRefresh && parseInt(Cookies.get('utilTime')) - init.timer < 30 * 60 * 1000) {
      init.isRefresh = true;
      init.getRefreshToken();
    }
    return response;
  },
  (err) => {
    if (err.response && err.response.status === 401) {
      openMessage('登录失效');
      toLogin();
    } else {
      openMessage(err.response ? `连接错误${err.response.status}` : '连接服务器失败');
    }
    return Promise.reject(err.response);
  },
);

export const login = (user) => axios.post('/login', { user }).then((res) => saveTokens(res.data));
export const getUserInfo = () => axios.get('/api/me');
export const saveNote = (note) => axios.post('/api/echo', note);

export default axios;
