import { afterEach, describe, expect, it } from 'vitest'
import { api } from './client'
import { session } from '../session'

afterEach(() => session.clear())

const base = 'http://console.test'

describe('the API client', () => {
  it('sends the token, and the community picked on staff calls with the body read out, not streamed', async () => {
    const seen: Request[] = []
    const fetch = async (r: Request) => {
      seen.push(r)
      return new Response(JSON.stringify({ items: [], next_cursor: '' }), { status: 201, headers: { 'Content-Type': 'application/json' } })
    }
    session.signIn('lc_token', new Date(Date.now() + 3600_000).toISOString())
    session.pick(7)
    await api.POST('/api/v1/admin/buildings', { baseUrl: base, fetch, body: { name: '7幢' } })
    const r = seen[0]
    expect(new URL(r.url).searchParams.get('community_id')).toBe('7')
    expect(r.headers.get('Authorization')).toBe('Bearer lc_token')
    expect(r.method).toBe('POST')
    expect(await r.text()).toBe('{"name":"7幢"}')
    // A public list is not touched.
    await api.GET('/api/v1/communities', { baseUrl: base, fetch })
    expect(new URL(seen[1].url).searchParams.has('community_id')).toBe(false)
  })

  it('ends the session on a 401', async () => {
    const fetch = async () =>
      new Response(JSON.stringify({ error: { code: 'unauthenticated', message: '请先登录', request_id: 'r' } }), { status: 401, headers: { 'Content-Type': 'application/json' } })
    session.signIn('lc_token', new Date(Date.now() + 3600_000).toISOString())
    await api.GET('/api/v1/me', { baseUrl: base, fetch })
    expect(session.token).toBe('')
    expect(session.expired).toBe(true)
    expect(session.reason).toBe('ended')
    expect(session.expiryMessage).toBe('登录已失效，请重新扫码登录。')
  })

  const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
  const forbidden = () => json(403, { error: { code: 'forbidden', message: '没有权限进行此操作', request_id: 'r' } })
  const me = (roles: { community_id: number; role: string }[]) => ({ id: 9, name: '李红梅', phone: null, community_id: 1, person_id: null, roles })
  const signedIn = (roles: { community_id: number; role: string }[]) => {
    session.signIn('lc_token', new Date(Date.now() + 3600_000).toISOString())
    session.setUser(me(roles) as Parameters<typeof session.setUser>[0], new Map([[1, '中埂社区']]))
  }

  it('ends the session, saying the role was revoked, when a staff call is refused and the role is gone', async () => {
    signedIn([
      { community_id: 1, role: 'staff' },
      { community_id: 1, role: 'canteen_staff' },
    ])
    const seen: string[] = []
    const fetch = async (r: Request) => {
      seen.push(new URL(r.url).pathname)
      // Still canteen staff, so the session lives; the staff role is gone.
      return r.url.includes('/api/v1/me') ? json(200, me([{ community_id: 1, role: 'canteen_staff' }])) : forbidden()
    }
    const r = await api.GET('/api/v1/admin/persons', { baseUrl: base, fetch })
    expect(r.response.status).toBe(403)
    expect(seen).toEqual(['/api/v1/admin/persons', '/api/v1/me'])
    expect(session.token).toBe('')
    expect(session.reason).toBe('revoked')
    expect(session.expiryMessage).toBe('您已不是本社区工作人员，如有疑问请联系社区管理员。')
  })

  it('keeps the session when a refusal is not about a lost role', async () => {
    signedIn([{ community_id: 1, role: 'staff' }])
    const fetch = async (r: Request) => (r.url.includes('/api/v1/me') ? json(200, me([{ community_id: 1, role: 'staff' }])) : forbidden())
    await api.GET('/api/v1/admin/persons', { baseUrl: base, fetch })
    expect(session.token).toBe('lc_token')
    expect(session.expired).toBe(false)
    // A refusal outside the staff API is the page's business alone.
    let calls = 0
    const other = async () => (calls++, forbidden())
    await api.GET('/api/v1/me', { baseUrl: base, fetch: other })
    expect(calls).toBe(1)
    expect(session.token).toBe('lc_token')
  })
})
