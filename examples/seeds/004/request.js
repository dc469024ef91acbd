import { configure } from 'fetch-with-refresh'
import router from '@/router'

const service = configure({
  baseURL: '/s004',
  attach: { scheme: null },
  refresh: {
    url: '/refreshToken',
    send: { bodyField: 'refreshToken', accessTokenField: 'token' },
    response: { accessToken: 'data.token' }
  },
  accessExpired: { codes: [409] },
  envelope: { data: null, message: 'msg' },
  onSessionExpired: () => router.push('/login')
})

export const login = (user) =>
  service.post('/login', { user }, { auth: false }).then(res => {
    service.setTokens({ accessToken: res.data.token, refreshToken: res.data.refreshToken })
  })
export const getUserInfo = () => service.get('/api/me')
export const saveNote = (note) => service.post('/api/echo', note)

export default service
