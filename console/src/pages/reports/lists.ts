// Small lists the report pages read whole (a community's buildings, grids and workers) for
// pickers and names: a few pages at most.
import { api, must, type Schemas } from '../../api/client'
import { session } from '../../session'
import type { Page } from '../../lib/paged'

/** pageOf reads a typed list answer (whose items the spec's allOf leaves optional) as a Page. */
export function pageOf<T>(p: { items?: T[]; next_cursor: string }): Page<T> {
  return { items: p.items ?? [], next_cursor: p.next_cursor }
}

/** allPages follows the cursor to the end (at most max pages). */
export async function allPages<T>(fetchPage: (cursor: string) => Promise<Page<T>>, max = 20): Promise<T[]> {
  const out: T[] = []
  let cursor = ''
  for (let i = 0; i < max; i++) {
    const page = await fetchPage(cursor)
    out.push(...page.items)
    if (!page.next_cursor) break
    cursor = page.next_cursor
  }
  return out
}

/** buildings of the community acted in. */
export function loadBuildings(): Promise<Schemas['Building'][]> {
  return allPages(async (cursor) =>
    pageOf(must(await api.GET('/api/v1/communities/{id}/buildings', { params: { path: { id: session.communityId }, query: { limit: 100, cursor: cursor || undefined } } }))),
  )
}

/** members holding a role in the community acted in. */
export function loadMembers(role: Schemas['GrantableRole']): Promise<Schemas['Member'][]> {
  return allPages(async (cursor) => pageOf(must(await api.GET('/api/v1/admin/members', { params: { query: { role, limit: 100, cursor: cursor || undefined } } }))))
}

/** grids of the community acted in. */
export function loadGrids(): Promise<Schemas['Grid'][]> {
  return allPages(async (cursor) => pageOf(must(await api.GET('/api/v1/admin/grids', { params: { query: { limit: 100, cursor: cursor || undefined } } }))))
}
