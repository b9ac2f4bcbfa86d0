// The kitchen's day: the prep list's totals, and the time it was last read.
import type { Schemas } from '../../api/client'

export type ModeCounts = { eat_in: number; pickup: number; delivery: number }

export interface PrepSlot {
  slot_id: number
  meal: Schemas['Meal']
  total: number
  by_mode: Partial<ModeCounts>
  dishes: { name?: string; count?: number }[]
  diet_notes: { order_id?: number; person_name?: string; mode?: Schemas['Mode']; diet_notes?: string; note?: string }[]
}

/** dayTotals adds up a day's slots: portions in all, by mode, and orders with notes to mind. */
export function dayTotals(slots: PrepSlot[]): ModeCounts & { total: number; notes: number } {
  const t = { total: 0, eat_in: 0, pickup: 0, delivery: 0, notes: 0 }
  for (const s of slots) {
    t.total += s.total
    t.eat_in += s.by_mode.eat_in ?? 0
    t.pickup += s.by_mode.pickup ?? 0
    t.delivery += s.by_mode.delivery ?? 0
    t.notes += s.diet_notes.length
  }
  return t
}

const mealOrder = { breakfast: 0, lunch: 1, dinner: 2 }

/** byMeal sorts a day's slots breakfast, lunch, dinner. */
export function byMeal<T extends { meal: Schemas['Meal'] }>(slots: T[]): T[] {
  return [...slots].sort((a, b) => mealOrder[a.meal] - mealOrder[b.meal])
}

/** clockSeconds shows the time of day of a moment in Asia/Shanghai, HH:mm:ss. */
export function clockSeconds(t: Date): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(t)
}
