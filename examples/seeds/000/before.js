import axios from 'axios'
import { Message, MessageBox } from 'element-ui'
import store from '@/store'
import { getToken, setToken, getRefreshToken, setRefreshToken } from '@/utils/auth'

const logout = () =>
  MessageBox.confirm('Token失效,你已被登出，可以取消继续留在该页面，或者重新登录', '确定登出', {
    confirmButtonText: '重新登陆',
    cancelButtonText: '取消',
    type: 'warning'
  }).then(() => store.dispatch('FedLogOut')).then(() => location.reload())

let isLock = true

const service = axios.create({
  baseURL: '/s000',
  headers: { 'Content-Type': 'application/json;charset=utf-8' },
  timeout: 50000
})

// refreshJwt.js: the refresh token goes in the path; code 10007 means it is dead too
async function refreshJwt() {
  try {
    const res = await axios.post('/s000/refreshJwt/' + getRefreshToken())
    if (res.data.code === 10007) return logout()
    setToken(res.data.data.token)
    setRefreshToken(res.data.data.refreshToken)
  } catch (error) {
    console.log(error)
  }
}

const axiosConf = (config) => {
  if (store.getters.token) config.headers['X-Token'] = getToken()
  return config
}
service.interceptors.request.use(axiosConf, error => Promise.reject(error))

service.interceptors.response.use(
  async response => {
    const res = response.data
    const code = Number(res.code)
    if (code === 0) return res
    if (code !== 50014) {
      Message({ message: res.message, type: 'error', showClose: true, duration: 5 * 1000 })
      return {}
    }
    if (getRefreshToken() && isLock) {
      await refreshJwt()
      isLock = false
      const result = await axios.request(axiosConf(response.config))
      isLock = true
      return result.data
    }
    logout()
    return {}
  },
  error => {
    Message({ message: '哎呀~ (ಥ﹏ಥ)网络又开小差了,请稍后刷新重试!', type: 'error' })
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
