import axios from 'axios'
import { Message } from 'element-ui'
import router from '@/router'
import { getToken, setToken, removeToken } from '@/utils/auth'

const service = axios.create({
  baseURL: '/s004'
})

// 是否正在刷新的标记, and the requests waiting for it
let isRefreshing = false
let requests = []

const refreshToken = (data) => axios.post('/s004/refreshToken', data).then(res => res.data)

service.interceptors.request.use(config => {
  if (getToken()) config.headers.Authorization = getToken()
  return config
})

service.interceptors.response.use(
  response => {
    // 约定code 409 token 过期
    if (response.data.code === 409) {
      if (!isRefreshing) {
        isRefreshing = true
        return refreshToken({ refreshToken: localStorage.getItem('refreshToken'), token: getToken() }).then(res => {
          const { token } = res.data
          setToken(token)
          requests.forEach((cb) => cb(token))
          requests = []
          return service(response.config)
        }).catch(err => {
          removeToken()
          router.push('/login')
          return Promise.reject(err)
        }).finally(() => {
          isRefreshing = false
        })
      }
      return new Promise(resolve => {
        requests.push(() => resolve(service(response.config)))
      })
    }
    return response && response.data
  },
  (error) => {
    Message.error(error.response.data.msg)
    return Promise.reject(error)
  }
)

export const login = (user) =>
  service.post('/login', { user }).then(res => {
    setToken(res.data.token)
    localStorage.setItem('refreshToken', res.data.refreshToken)
  })
export const getUserInfo = () => service.get('/api/me')
export const saveNote = (note) => service.post('/api/echo', note)

export default service
