// Every call of the console goes through this client, typed from docs/openapi.yaml: a change of
// the contract that breaks a page fails `npm run typecheck`.
import createClient, { type Middleware } from 'openapi-fetch'
import type { components, paths } from './schema'
import { session } from '../session'

export type Schemas = components['schemas']

/** ApiError is an answer in the error envelope (or a network failure), with its Chinese message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: Record<string, string> = {},
    readonly requestId = '',
  ) {
    super(message)
  }
}

const auth: Middleware = {
  async onRequest({ request }) {
    const token = session.token
    if (token) request.headers.set('Authorization', `Bearer ${token}`)
    // Staff of several communities act in the one picked in the header.
    const url = new URL(request.url)
    if (url.pathname.startsWith('/api/v1/admin/') && session.communityId && !url.searchParams.has('community_id')) {
      url.searchParams.set('community_id', String(session.communityId))
      // The body is read out rather than passed on as a stream: Chromium sends a streamed body
      // only over HTTP/2, and the server speaks HTTP/1.1.
      const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : await request.clone().arrayBuffer()
      return new Request(url, { method: request.method, headers: request.headers, body, signal: request.signal })
    }
    return request
  },
  async onResponse({ request, response, options }) {
    if (!session.token) return response
    if (response.status === 401) {
      // Expired, signed out elsewhere, or no staff role left anywhere: the server ended it.
      session.expire('ended')
    } else if (response.status === 403 && new URL(request.url).pathname.startsWith('/api/v1/admin/')) {
      // The console shows only what the roles allow, so a refusal here most likely means a role
      // was revoked in this community while the session lives on for another one.
      if (await rolesShrank(options.fetch, options.baseUrl)) session.expire('revoked')
    }
    return response
  },
}

/**
 * rolesShrank reads the user's roles afresh and tells whether one the console relied on in the
 * community acted in is gone.
 */
async function rolesShrank(fetcher: (r: Request) => Promise<Response>, baseUrl: string): Promise<boolean> {
  const token = session.token
  const had = session.roles
  if (had.length === 0) return false
  try {
    const r = await fetcher(new Request(new URL('/api/v1/me', baseUrl || window.location.origin), { headers: { Authorization: `Bearer ${token}` } }))
    if (r.status === 401) return true
    if (!r.ok) return false
    const me = (await r.json()) as Schemas['Me']
    const now = me.roles.filter((x) => x.community_id === session.communityId).map((x) => x.role as string)
    return had.some((role) => !now.includes(role))
  } catch {
    return false
  }
}

export const api = createClient<paths>({ baseUrl: '' })
api.use(auth)

type Envelope = { error?: { code?: string; message?: string; fields?: Record<string, string>; request_id?: string } }

/** errorOf turns an error answer into an ApiError. */
export function errorOf(status: number, body: unknown): ApiError {
  const e = (body as Envelope | undefined)?.error
  if (e?.code) return new ApiError(status, e.code, e.message ?? '请求失败', e.fields ?? {}, e.request_id ?? '')
  return new ApiError(status, 'unavailable', status === 0 ? '网络不通，请稍后再试' : `请求失败（${status}）`)
}

/**
 * must returns an answer's data, or throws its error: `const me = must(await api.GET('/api/v1/me'))`.
 * An answer with no body (204) gives undefined.
 */
export function must<T>(r: { data?: T; error?: unknown; response: Response }): T {
  if (r.error !== undefined || !r.response.ok) throw errorOf(r.response.status, r.error)
  return r.data as T
}

/** download fetches a CSV (or any file) with the session and saves it under the server's name. */
export async function download(path: string, query: Record<string, string | number | undefined> = {}): Promise<void> {
  const url = new URL(path, window.location.origin)
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') url.searchParams.set(k, String(v))
  if (url.pathname.startsWith('/api/v1/admin/') && session.communityId) url.searchParams.set('community_id', String(session.communityId))
  const res = await fetch(url, { headers: { Authorization: `Bearer ${session.token}` } })
  if (res.status === 401 && session.token) session.expire('ended')
  if (!res.ok) throw errorOf(res.status, await res.json().catch(() => undefined))
  const name = /filename="?([^";]+)"?/.exec(res.headers.get('Content-Disposition') ?? '')?.[1] ?? 'export.csv'
  const blob = await res.blob()
  const a = document.createElement('a')
  a.href = URL.createObjectURL(blob)
  a.download = decodeURIComponent(name)
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(a.href), 1000)
}
