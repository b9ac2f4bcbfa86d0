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
  })
})
