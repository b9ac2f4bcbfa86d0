import { api, must } from './api/client'
import { session } from './session'

/** loadUser reads the signed-in user and the names of their communities. */
export async function loadUser(): Promise<void> {
  const [me, list] = await Promise.all([must(await api.GET('/api/v1/me')), must(await api.GET('/api/v1/communities', { params: { query: { limit: 100 } } }))])
  const names = new Map(list.items.map((c) => [c.id, c.name]))
  session.setUser(me, names)
  if (session.places.length === 0) {
    // Signed in, but no longer staff anywhere: the server ends such a session too.
    session.expire('revoked')
  }
}
