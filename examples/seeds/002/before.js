import axios from 'axios'
import { MessageBox } from 'element-ui'
import store from '@/store'
import { getToken, setToken, getRefreshToken, setRefreshToken } from '@/utils/auth'

const logout = () =>
  MessageBox.confirm('你已被登出，可以取消继续留在该页面，或者重新登录', '确定登出', {
    confirmButtonText: '重新登录',
    cancelButtonText: '取消',
    type: 'warning'
  }).then(() => store.dispatch('FedLogOut')).then(() => location.reload())

const service = axios.create({
  baseURL: '/s002',
  timeout: 5000
})

// the store's handleCheckRefreshToken action
const handleCheckRefreshToken = () =>
  service.post('/sys/user/refreshtoken').then(res => {
    setToken(res.data.token)
    setRefreshToken(res.data.refreshToken)
  })

service.interceptors.request.use(config => {
  if (store.getters.token) config.headers['X-Token'] = getToken()
  // the refresh call sends the refresh token in X-Token instead
  if (config.url.split('/').pop() === 'refreshtoken') config.headers['X-Token'] = getRefreshToken()
  return config
})

service.interceptors.response.use(
  response => {
    const res = response.data
    if (res.code !== 0) return Promise.reject(new Error(res.msg || 'Error'))
    return res
  },
  async error => {
    const { status, data, config } = error.response || {}
    // 50014: the access token expired; refresh, then send the request again
    if (status === 401 && data.code === 50014) {
      await handleCheckRefreshToken()
      config.headers['X-Token'] = getToken()
      const res = await axios.request(config)
      return res.data
    }
    // 50015: the refresh token expired too
    if (status === 401 && data.code === 50015) logout()
    return Promise.reject(error)
  }
)

export const login = (user) =>
  service.post('/login', { user }).then(res => {
    setToken(res.data.token)
    setRefreshToken(res.data.refreshToken)
  })
export const getUserInfo = () => service.get('/api/me')
export const saveNote = (note) => service.post('/api/echo', note)

export default service
