import { describe, expect, it } from 'vitest'
import { byMeal, clockSeconds, dayTotals, type PrepSlot } from './prep'

const slot = (over: Partial<PrepSlot>): PrepSlot => ({ slot_id: 1, meal: 'lunch', total: 0, by_mode: {}, dishes: [], diet_notes: [], ...over })

describe('dayTotals', () => {
  it('adds up the slots of a day, by mode, with the notes to mind', () => {
    const t = dayTotals([
      slot({ total: 5, by_mode: { eat_in: 2, pickup: 1, delivery: 2 }, diet_notes: [{ order_id: 1, diet_notes: '少盐' }] }),
      slot({ meal: 'dinner', total: 3, by_mode: { eat_in: 3 } }),
    ])
    expect(t).toEqual({ total: 8, eat_in: 5, pickup: 1, delivery: 2, notes: 1 })
    expect(dayTotals([])).toEqual({ total: 0, eat_in: 0, pickup: 0, delivery: 0, notes: 0 })
  })
})

describe('byMeal', () => {
  it('orders breakfast, lunch, dinner', () => {
    expect(byMeal([slot({ meal: 'dinner' }), slot({ meal: 'breakfast' }), slot({ meal: 'lunch' })]).map((s) => s.meal)).toEqual(['breakfast', 'lunch', 'dinner'])
  })
})

describe('clockSeconds', () => {
  it('shows Shanghai time with seconds', () => {
    expect(clockSeconds(new Date('2026-06-01T01:02:03Z'))).toBe('09:02:03')
    expect(clockSeconds(new Date('2026-06-01T16:00:00Z'))).toBe('00:00:00')
  })
})
