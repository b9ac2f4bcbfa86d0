import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { mount } from '@vue/test-utils'
import TDesign from 'tdesign-vue-next'
import ListSearch from './ListSearch.vue'
import { label } from '../lib/label'
import { orderOptions } from './listSearch'

function make(props: Record<string, unknown> = { q: '', order: 'newest' }) {
  return mount(ListSearch, {
    props: { label: '搜索居民', debounce: 300, ...props },
    global: { plugins: [TDesign], directives: { label } },
    attachTo: document.body,
  })
}

const searches = (w: ReturnType<typeof make>) => w.emitted('search')?.length ?? 0

beforeEach(() => vi.useFakeTimers())
afterEach(() => {
  vi.useRealTimers()
  document.body.innerHTML = ''
})

describe('ListSearch', () => {
  it('searches once typing pauses, with the text trimmed', async () => {
    const w = make()
    const input = w.get('input[aria-label="搜索居民"]')
    await input.setValue(' 王')
    await input.setValue(' 王秀 ')
    expect(searches(w)).toBe(0)
    vi.advanceTimersByTime(299)
    expect(searches(w)).toBe(0)
    // The parent has the text as it is typed, for its own buttons.
    expect(w.emitted('update:q')?.at(-1)).toEqual(['王秀'])
    vi.advanceTimersByTime(1)
    expect(searches(w)).toBe(1)
  })

  it('searches at once on Enter, and not again when the pause ends', async () => {
    const w = make()
    const input = w.get('input[aria-label="搜索居民"]')
    await input.setValue('wxy')
    const enter = new KeyboardEvent('keydown', { key: 'Enter', code: 'Enter', cancelable: true, bubbles: true })
    input.element.dispatchEvent(enter)
    await w.vm.$nextTick()
    expect(w.emitted('update:q')?.at(-1)).toEqual(['wxy'])
    expect(searches(w)).toBe(1)
    // Enter inside a form would submit it too.
    expect(enter.defaultPrevented).toBe(true)
    vi.advanceTimersByTime(1000)
    expect(searches(w)).toBe(1)
    // The same text again is no new search.
    input.element.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', code: 'Enter', bubbles: true }))
    expect(searches(w)).toBe(1)
  })

  it('follows a parent that resets the text', async () => {
    const w = make({ q: '王', order: 'newest' })
    const input = w.get<HTMLInputElement>('input[aria-label="搜索居民"]')
    expect(input.element.value).toBe('王')
    await w.setProps({ q: '' })
    expect(input.element.value).toBe('')
    // Typing the old text again is a new search.
    await input.setValue('王')
    input.element.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', code: 'Enter', bubbles: true }))
    expect(searches(w)).toBe(1)
  })

  it('offers newest and oldest first, and a change of order searches', async () => {
    expect(orderOptions.map((o) => o.label)).toEqual(['最新在前', '最早在前'])
    const w = make()
    const select = w.findComponent({ name: 'TSelect' })
    select.vm.$emit('change', 'oldest')
    expect(w.emitted('update:order')).toEqual([['oldest']])
    expect(searches(w)).toBe(1)
    // Picking the order already shown does nothing.
    select.vm.$emit('change', 'newest')
    expect(searches(w)).toBe(1)
  })

  it('shows only what the list supports', () => {
    const orderOnly = make({ order: 'oldest' })
    expect(orderOnly.find('input[aria-label="搜索居民"]').exists()).toBe(false)
    expect(orderOnly.findComponent({ name: 'TSelect' }).exists()).toBe(true)
    const searchOnly = make({ q: '' })
    expect(searchOnly.find('input[aria-label="搜索居民"]').exists()).toBe(true)
    expect(searchOnly.findComponent({ name: 'TSelect' }).exists()).toBe(false)
  })
})
