import { configure } from 'fetch-with-refresh'
import { MessageBox } from 'element-ui'
import store from '@/store'

const logout = () =>
  MessageBox.confirm('Token失效,你已被登出，可以取消继续留在该页面，或者重新登录', '确定登出', {
    confirmButtonText: '重新登陆',
    cancelButtonText: '取消',
    type: 'warning'
  }).then(() => store.dispatch('FedLogOut')).then(() => location.reload())

const service = configure({
  baseURL: '/s000',
  headers: { 'Content-Type': 'application/json;charset=utf-8' },
  requestTimeout: 50000,
  attach: { header: 'X-Token', scheme: null },
  refresh: { url: '/refreshJwt/{refreshToken}' },
  accessExpired: { codes: [50014] },
  sessionExpired: { codes: [10007] },
  envelope: { data: null },
  onSessionExpired: logout
})

export const login = (user) =>
  service.post('/login', { user }, { auth: false }).then(res => {
    service.setTokens({ accessToken: res.data.token, refreshToken: res.data.refreshToken })
  })
export const getUserInfo = () => service.get('/api/me')
export const saveNote = (note) => service.post('/api/echo', note)

export default service
