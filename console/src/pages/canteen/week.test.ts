import { describe, expect, it } from 'vitest'
import type { Slot } from './canteen'
import { buildWeek, checkSlotForm, createBody, defaultBookBy, emptySlotForm, newSlotForm, parseDishes, patchBody, slotFormOf, weekDays, weekTotals } from './week'

function slot(over: Partial<Slot>): Slot {
  return {
    id: 1,
    canteen_id: 1,
    date: '2026-06-01',
    meal: 'lunch',
    dishes: [{ name: '红烧肉' }, { name: '青菜' }],
    capacity: 60,
    booked: 3,
    remaining: 57,
    price_fen: 1500,
    book_by: '2026-06-01T09:30:00+08:00',
    modes: ['eat_in', 'pickup'],
    closed: false,
    close_reason: '',
    ...over,
  }
}

describe('weekDays', () => {
  it('gives Monday to Sunday, marking today and the past', () => {
    const days = weekDays('2026-06-01', '2026-06-03')
    expect(days.map((d) => d.date)).toEqual(['2026-06-01', '2026-06-02', '2026-06-03', '2026-06-04', '2026-06-05', '2026-06-06', '2026-06-07'])
    expect(days.map((d) => d.weekday)).toEqual(['周一', '周二', '周三', '周四', '周五', '周六', '周日'])
    expect(days.filter((d) => d.today).map((d) => d.date)).toEqual(['2026-06-03'])
    expect(days.filter((d) => d.past).map((d) => d.date)).toEqual(['2026-06-01', '2026-06-02'])
  })

  it('crosses a month end', () => {
    expect(weekDays('2026-06-29', '2026-01-01').map((d) => d.date).slice(2)).toEqual(['2026-07-01', '2026-07-02', '2026-07-03', '2026-07-04', '2026-07-05'])
  })
})

describe('buildWeek', () => {
  it('puts each slot in its meal row and day column, the rest empty', () => {
    const a = slot({ id: 1, date: '2026-06-01', meal: 'lunch' })
    const b = slot({ id: 2, date: '2026-06-07', meal: 'breakfast' })
    const c = slot({ id: 3, date: '2026-06-03', meal: 'dinner', closed: true })
    const rows = buildWeek('2026-06-01', [a, b, c])
    expect(rows.map((r) => r.meal)).toEqual(['breakfast', 'lunch', 'dinner'])
    expect(rows.every((r) => r.cells.length === 7)).toBe(true)
    expect(rows[1].cells[0].slot?.id).toBe(1)
    expect(rows[0].cells[6].slot?.id).toBe(2)
    expect(rows[2].cells[2].slot?.id).toBe(3)
    const filled = rows.flatMap((r) => r.cells).filter((c) => c.slot)
    expect(filled).toHaveLength(3)
    expect(rows[2].cells[4]).toEqual({ date: '2026-06-05', meal: 'dinner', slot: null })
  })

  it('leaves out slots of other weeks', () => {
    const rows = buildWeek('2026-06-01', [slot({ date: '2026-05-31' }), slot({ date: '2026-06-08' })])
    expect(rows.flatMap((r) => r.cells).filter((c) => c.slot)).toHaveLength(0)
  })
})

describe('weekTotals', () => {
  it('counts open slots only, and the closed apart', () => {
    expect(weekTotals([slot({ capacity: 60, booked: 3 }), slot({ capacity: 40, booked: 10 }), slot({ closed: true, capacity: 99, booked: 0 })])).toEqual({
      slots: 2,
      capacity: 100,
      booked: 13,
      closed: 1,
    })
  })
})

describe('parseDishes', () => {
  it('splits by line, comma and 、, trims and drops repeats and blanks', () => {
    expect(parseDishes(' 红烧肉\n番茄炒蛋，青菜、 紫菜汤,,\n\n红烧肉 ')).toEqual(['红烧肉', '番茄炒蛋', '青菜', '紫菜汤'])
    expect(parseDishes('  \n ')).toEqual([])
  })
})

describe('checkSlotForm', () => {
  it('accepts a full form and one with the default cut-off', () => {
    expect(checkSlotForm({ ...emptySlotForm(), dishes: '红烧肉', price: '15' })).toEqual({})
    expect(checkSlotForm({ ...emptySlotForm(), dishes: '红烧肉', price: '0', bookByDate: '2026-06-01', bookByTime: '09:30' })).toEqual({})
  })

  it('names every wrong field', () => {
    const e = checkSlotForm({ dishes: ' ', capacity: 0, price: '12.345', bookByDate: '2026-06-01', bookByTime: '', modes: [] })
    expect(Object.keys(e).sort()).toEqual(['book_by', 'capacity', 'dishes', 'modes', 'price'])
    expect(checkSlotForm({ ...emptySlotForm(), dishes: 'a', price: '' }).price).toBe('请填写价格')
    expect(checkSlotForm({ ...emptySlotForm(), dishes: 'a', price: '1000.01' }).price).toBeTruthy()
    expect(checkSlotForm({ ...emptySlotForm(), dishes: 'a', price: '1', capacity: undefined }).capacity).toBeTruthy()
    expect(checkSlotForm({ ...emptySlotForm(), dishes: Array.from({ length: 21 }, (_, i) => `菜${i}`).join('\n'), price: '1' }).dishes).toBe('最多 20 道菜')
    expect(checkSlotForm({ ...emptySlotForm(), dishes: '菜'.repeat(33), price: '1' }).dishes).toBeTruthy()
  })
})

describe('createBody', () => {
  it('turns yuan into fen, dishes into a list, keeps the modes in order', () => {
    const f = { ...emptySlotForm(), dishes: '红烧肉、青菜', capacity: 30, price: '12.5', modes: ['delivery', 'eat_in'] as const }
    expect(createBody({ ...f, modes: [...f.modes] }, '2026-06-02', 'dinner')).toEqual({
      date: '2026-06-02',
      meal: 'dinner',
      dishes: [{ name: '红烧肉' }, { name: '青菜' }],
      capacity: 30,
      price_fen: 1250,
      modes: ['eat_in', 'delivery'],
    })
  })

  it('sends book_by as a Shanghai stamp only when given', () => {
    const body = createBody({ ...emptySlotForm(), dishes: 'a', price: '1', bookByDate: '2026-06-01', bookByTime: '20:00' }, '2026-06-02', 'breakfast')
    expect(body.book_by).toBe('2026-06-01T20:00:00+08:00')
  })
})

describe('slotFormOf and patchBody', () => {
  it('round-trips a slot with nothing changed', () => {
    const s = slot({ book_by: '2026-06-01T01:30:00Z' })
    const f = slotFormOf(s)
    expect(f).toEqual({ dishes: '红烧肉\n青菜', capacity: 60, price: '15', bookByDate: '2026-06-01', bookByTime: '09:30', modes: ['eat_in', 'pickup'] })
    expect(patchBody(f, s)).toEqual({})
  })

  it('shows prices with their cents', () => {
    expect(slotFormOf(slot({ price_fen: 1250 })).price).toBe('12.5')
    expect(slotFormOf(slot({ price_fen: 1205 })).price).toBe('12.05')
    expect(slotFormOf(slot({ price_fen: 0 })).price).toBe('0')
    expect(slotFormOf(slot({ price_fen: 1000 })).price).toBe('10')
  })

  it('sends only what changed', () => {
    const s = slot({})
    const f = { ...slotFormOf(s), capacity: 80, price: '16', modes: ['pickup', 'eat_in', 'delivery'] as ('pickup' | 'eat_in' | 'delivery')[] }
    expect(patchBody(f, s)).toEqual({ capacity: 80, price_fen: 1600, modes: ['eat_in', 'pickup', 'delivery'] })
    expect(patchBody({ ...slotFormOf(s), dishes: '红烧肉\n青菜\n汤', bookByTime: '10:00' }, s)).toEqual({
      dishes: [{ name: '红烧肉' }, { name: '青菜' }, { name: '汤' }],
      book_by: '2026-06-01T10:00:00+08:00',
    })
  })
})

describe('defaultBookBy', () => {
  it('applies the canteen cut-off from the start of the meal day, the day before when negative', () => {
    expect(defaultBookBy({ breakfast: -240, lunch: 570, dinner: 930 }, '2026-06-01', 'breakfast')).toBe('2026-05-31 20:00')
    expect(defaultBookBy({ breakfast: -240, lunch: 570, dinner: 930 }, '2026-06-01', 'lunch')).toBe('2026-06-01 09:30')
    expect(defaultBookBy({ lunch: -1080 }, '2026-06-01', 'lunch')).toBe('2026-05-31 06:00')
    expect(defaultBookBy(undefined, '2026-06-01', 'dinner')).toBe('2026-06-01 15:30')
  })
})

describe('newSlotForm', () => {
  it('copies seats, price and modes of an open slot of the same meal, not its dishes or cut-off', () => {
    const slots = [slot({ meal: 'dinner', capacity: 40, price_fen: 1200 }), slot({ meal: 'lunch', closed: true, capacity: 5 }), slot({ meal: 'lunch', capacity: 70, price_fen: 1350, modes: ['pickup'] })]
    expect(newSlotForm(slots, 'lunch')).toEqual({ dishes: '', capacity: 70, price: '13.5', bookByDate: '', bookByTime: '', modes: ['pickup'] })
    expect(newSlotForm(slots, 'breakfast')).toEqual(emptySlotForm())
  })
})
