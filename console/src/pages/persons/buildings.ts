// The community's buildings, for the register's filter and the person form's select. Every page
// of the public list is read (a community has tens of buildings, not thousands).
import { ref } from 'vue'
import { api, must, type Schemas } from '../../api/client'
import { session } from '../../session'

/** loadBuildings reads every building of a community. */
export async function loadBuildings(communityId: number): Promise<Schemas['Building'][]> {
  const out: Schemas['Building'][] = []
  let cursor = ''
  for (let i = 0; i < 50; i++) {
    const page = must(await api.GET('/api/v1/communities/{id}/buildings', { params: { path: { id: communityId }, query: { limit: 100, cursor: cursor || undefined } } }))
    out.push(...page.items)
    cursor = page.next_cursor
    if (!cursor) break
  }
  return out
}

/** useBuildings loads the acting community's buildings as select options. */
export function useBuildings() {
  const options = ref<{ label: string; value: number }[]>([])
  const error = ref('')
  const load = async () => {
    error.value = ''
    try {
      options.value = (await loadBuildings(session.communityId)).map((b) => ({ label: b.name, value: b.id }))
    } catch (e) {
      error.value = e instanceof Error ? e.message : '楼栋加载失败'
    }
  }
  void load()
  return { options, error, load }
}
