import { configure } from "fetch-with-refresh";
import { Message } from "element-ui";
import Store from "@/store";
import Router from "@/router";
import UserUtil from "@/utils/user";

const logout = () => {
  Message.error("自动登录失败,请重新登录");
  Store.dispatch("user/logout");
  Router.replace({ path: "/login", query: { redirect: Router.currentRoute.fullPath } });
};

const Instance = configure({
  baseURL: "/s003",
  attach: { query: "token" },
  codeField: "errcode",
  accessExpired: { codes: [30001, 40001, 42001, 40014] },
  // a failed re-login ends the session (null), as the seed logged out on any failure
  refresh: () => relogin().then(res => ({ accessToken: res.Token }), () => null),
  envelope: { code: "errcode", data: null, message: "errmsg" },
  onSessionExpired: logout
});

// the store's user/relogin action: logs in again as the saved user
const relogin = () =>
  Instance.post("/relogin", { user: UserUtil.getLocalInfo().User }, { auth: false });

// the app key is not a token: it stays in the query of each call
const appKey = () => ({ params: { appkey: UserUtil.getLocalInfo().AppKey } });

export const login = user =>
  Instance.post("/login", { user }, { auth: false }).then(res => {
    UserUtil.setLocalInfo({ User: user, AppKey: res.AppKey });
    Instance.setTokens({ accessToken: res.Token });
  });
export const getUserInfo = () => Instance.get("/api/me", appKey());
export const saveNote = note => Instance.post("/api/echo", note, appKey());

export default Instance;
