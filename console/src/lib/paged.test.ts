import { describe, expect, it } from 'vitest'
import { ApiError } from '../api/client'
import { paged, type Page } from './paged'

// A list of 5 served two at a time, its cursor the index to start from.
function server(fail = false) {
  const calls: string[] = []
  const fetchPage = async (cursor: string, limit: number): Promise<Page<number>> => {
    calls.push(cursor)
    if (fail) throw new ApiError(503, 'unavailable', '服务暂时不可用')
    const from = cursor ? Number(cursor) : 0
    const items = [1, 2, 3, 4, 5].slice(from, from + limit)
    return { items, next_cursor: from + limit < 5 ? String(from + limit) : '' }
  }
  return { calls, fetchPage }
}

describe('paged', () => {
  it('goes forward and back through cursors', async () => {
    const s = server()
    const list = paged(s.fetchPage, 2)
    await list.reload()
    expect(list.items.value).toEqual([1, 2])
    expect(list.hasNext.value).toBe(true)
    await list.next()
    await list.next()
    expect(list.items.value).toEqual([5])
    expect(list.index.value).toBe(2)
    expect(list.hasNext.value).toBe(false)
    await list.next()
    expect(s.calls).toEqual(['', '2', '4'])
    await list.prev()
    expect(list.items.value).toEqual([3, 4])
    await list.refresh()
    expect(list.items.value).toEqual([3, 4])
    await list.reload()
    expect(list.index.value).toBe(0)
    expect(s.calls.at(-1)).toBe('')
  })

  it('keeps the error message and clears loading', async () => {
    const list = paged(server(true).fetchPage)
    await list.reload()
    expect(list.error.value).toBe('服务暂时不可用')
    expect(list.loading.value).toBe(false)
  })

  it('answers only the latest request when filters change quickly', async () => {
    let release: (v: Page<string>) => void = () => {}
    const slow = new Promise<Page<string>>((r) => (release = r))
    let n = 0
    const list = paged<string>(async () => (++n === 1 ? slow : { items: ['new'], next_cursor: '' }))
    const first = list.reload()
    await list.reload()
    release({ items: ['old'], next_cursor: '' })
    await first
    expect(list.items.value).toEqual(['new'])
  })
})
