import axios from "axios";
import { Message } from "element-ui";
import Store from "@/store";
import Router from "@/router";
import UserUtil from "@/utils/user";

const logout = () => {
  Message.error("自动登录失败,请重新登录");
  Store.dispatch("user/logout");
  Router.replace({ path: "/login", query: { redirect: Router.currentRoute.fullPath } });
};

const Instance = axios.create();
Instance.defaults.baseURL = "/s003";

let isRefreshing = false;
let retryRequests = [];

// the store's user/relogin action: logs in again as the saved user
const relogin = () =>
  Instance.post("/relogin", { user: UserUtil.getLocalInfo().User }).then(res => {
    UserUtil.setLocalInfo({ ...UserUtil.getLocalInfo(), Token: res.Token });
    return res;
  });

Instance.interceptors.request.use(config => {
  const userInfo = UserUtil.getLocalInfo();
  if (userInfo) {
    // the token goes in the query, with the app key
    config.params = Object.assign(config.params ? config.params : {}, {
      appkey: userInfo.AppKey,
      token: userInfo.Token
    });
  }
  return config;
});

Instance.interceptors.response.use(
  response => {
    const res = response.data;
    if (res.errcode == 0) return res;
    if (![30001, 40001, 42001, 40014].includes(res.errcode)) return Promise.reject(res);
    const config = response.config;
    if (isRefreshing) {
      return new Promise(resolve => {
        retryRequests.push(info => {
          config.params.token = info.Token;
          resolve(Instance.request(config));
        });
      });
    }
    isRefreshing = true;
    return relogin()
      .then(info => {
        config.params.token = info.Token;
        retryRequests.forEach(cb => cb(info));
        retryRequests = [];
        return Instance.request(config);
      })
      .catch(() => {
        retryRequests = [];
        logout();
      })
      .finally(() => {
        isRefreshing = false;
      });
  },
  error => Promise.reject({ errcode: error.response ? error.response.status : -1, errmsg: error.message })
);

export const login = user =>
  Instance.post("/login", { user }).then(res => {
    UserUtil.setLocalInfo({ User: user, AppKey: res.AppKey, Token: res.Token });
  });
export const getUserInfo = () => Instance.get("/api/me");
export const saveNote = note => Instance.post("/api/echo", note);

export default Instance;
