// Lists page on the server with a cursor (API.md): paged keeps the cursors of the pages seen so
// a table can go forward and back, and reloads from the first page when its filters change.
import { ref, shallowRef } from 'vue'
import { ApiError } from '../api/client'

export interface Page<T> {
  items: T[]
  next_cursor: string
}

export function paged<T>(fetchPage: (cursor: string, limit: number) => Promise<Page<T>>, limit = 20) {
  const items = shallowRef<T[]>([])
  const loading = ref(false)
  const error = ref('')
  const index = ref(0)
  const hasNext = ref(false)
  // cursors[i] opens page i; the first page opens with none.
  let cursors: string[] = ['']
  let seq = 0

  async function load(i: number) {
    const mine = ++seq
    loading.value = true
    error.value = ''
    try {
      const page = await fetchPage(cursors[i], limit)
      if (mine !== seq) return
      items.value = page.items
      index.value = i
      hasNext.value = page.next_cursor !== ''
      cursors = cursors.slice(0, i + 1)
      if (page.next_cursor) cursors.push(page.next_cursor)
    } catch (e) {
      if (mine !== seq) return
      error.value = e instanceof ApiError ? e.message : '加载失败，请重试'
    } finally {
      if (mine === seq) loading.value = false
    }
  }

  return {
    items,
    loading,
    error,
    index,
    hasNext,
    /** reload starts again from the first page (after a filter changed). */
    reload: () => {
      cursors = ['']
      return load(0)
    },
    /** refresh reads the current page again (after an action changed a row). */
    refresh: () => load(index.value),
    next: () => (hasNext.value ? load(index.value + 1) : Promise.resolve()),
    prev: () => (index.value > 0 ? load(index.value - 1) : Promise.resolve()),
  }
}
