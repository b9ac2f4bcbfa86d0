// The week planner's logic: the days × meals grid of a week, and the slot form turned into the
// API's bodies.
import { addDays, stamp, toFen, weekday } from '../../lib/format'
import { cutoffOf, meals, modes, type Cutoffs, type Meal, type Mode, type Slot } from './canteen'

export interface Day {
  date: string
  weekday: string
  today: boolean
  past: boolean
}

export interface Cell {
  date: string
  meal: Meal
  slot: Slot | null
}

export interface Row {
  meal: Meal
  cells: Cell[]
}

/** weekDays are the 7 days from a Monday, marked as today or past against today's date. */
export function weekDays(start: string, today: string): Day[] {
  return Array.from({ length: 7 }, (_, i) => {
    const date = addDays(start, i)
    return { date, weekday: weekday(date), today: date === today, past: date < today }
  })
}

/** buildWeek lays a week's slots out by meal (rows) and day (columns); a missing meal is null. */
export function buildWeek(start: string, slots: Slot[]): Row[] {
  const at = new Map(slots.map((s) => [`${s.date}/${s.meal}`, s]))
  const days = Array.from({ length: 7 }, (_, i) => addDays(start, i))
  return meals.map((meal) => ({ meal, cells: days.map((date) => ({ date, meal, slot: at.get(`${date}/${meal}`) ?? null })) }))
}

/** weekTotals counts a week's open slots, seats and bookings, for the planner's summary. */
export function weekTotals(slots: Slot[]): { slots: number; capacity: number; booked: number; closed: number } {
  const open = slots.filter((s) => !s.closed)
  return {
    slots: open.length,
    capacity: open.reduce((n, s) => n + s.capacity, 0),
    booked: open.reduce((n, s) => n + s.booked, 0),
    closed: slots.length - open.length,
  }
}

/** parseDishes reads dishes typed one a line, or separated by commas or 、, without repeats. */
export function parseDishes(text: string): string[] {
  const out: string[] = []
  for (const d of text.split(/[\n,，、;；]+/)) {
    const name = d.trim()
    if (name && !out.includes(name)) out.push(name)
  }
  return out
}

export interface SlotForm {
  dishes: string
  capacity: number | undefined
  /** in yuan, as typed */
  price: string
  /** book_by, as a Shanghai date and HH:mm; both empty to take the canteen's default */
  bookByDate: string
  bookByTime: string
  modes: Mode[]
}

export function emptySlotForm(): SlotForm {
  return { dishes: '', capacity: 50, price: '', bookByDate: '', bookByTime: '', modes: [...modes] }
}

function shanghai(t: string): { date: string; time: string } {
  const f = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
  const p: Record<string, string> = {}
  for (const x of f.formatToParts(new Date(t))) p[x.type] = x.value
  return { date: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}` }
}

/**
 * newSlotForm starts a new slot like the week's other slots of the same meal (seats, price, modes),
 * the dishes left to type; empty when the meal has none yet.
 */
export function newSlotForm(slots: Slot[], meal: Meal): SlotForm {
  const like = slots.find((s) => s.meal === meal && !s.closed)
  if (!like) return emptySlotForm()
  return { ...slotFormOf(like), dishes: '', bookByDate: '', bookByTime: '' }
}

/** slotFormOf fills the form with a slot's values, to edit it. */
export function slotFormOf(s: Slot): SlotForm {
  const by = shanghai(s.book_by)
  return {
    dishes: s.dishes.map((d) => d.name).join('\n'),
    capacity: s.capacity,
    price: (s.price_fen / 100).toFixed(2).replace(/\.?0+$/, ''),
    bookByDate: by.date,
    bookByTime: by.time,
    modes: modes.filter((m) => s.modes.includes(m)),
  }
}

/** defaultBookBy is the cut-off a new slot takes without one: the canteen's default for the meal. */
export function defaultBookBy(cutoffs: Cutoffs | undefined, date: string, meal: Meal): string {
  const t = new Date(stamp(date, '00:00'))
  t.setTime(t.getTime() + cutoffOf(cutoffs, meal) * 60_000)
  const by = shanghai(t.toISOString())
  return `${by.date} ${by.time}`
}

export type FormErrors = Partial<Record<'dishes' | 'capacity' | 'price' | 'book_by' | 'modes', string>>

/** checkSlotForm says what is wrong with the form, field by field (empty when nothing is). */
export function checkSlotForm(f: SlotForm): FormErrors {
  const e: FormErrors = {}
  const dishes = parseDishes(f.dishes)
  if (dishes.length === 0) e.dishes = '请填写菜品'
  else if (dishes.length > 20) e.dishes = '最多 20 道菜'
  else if (dishes.some((d) => [...d].length > 32)) e.dishes = '每道菜名最多 32 个字'
  if (f.capacity === undefined || !Number.isInteger(f.capacity) || f.capacity < 1 || f.capacity > 10000) e.capacity = '份数应为 1 到 10000 的整数'
  const fen = toFen(f.price)
  if (String(f.price).trim() === '') e.price = '请填写价格'
  else if (Number.isNaN(fen) || fen > 100000) e.price = '价格应为 0 到 1000 元，最多两位小数'
  if (Boolean(f.bookByDate) !== Boolean(f.bookByTime)) e.book_by = '截止日期和时间要一起填写（都不填则按食堂默认）'
  else if (f.bookByTime && !/^([01]\d|2[0-3]):[0-5]\d$/.test(f.bookByTime)) e.book_by = '时间格式应为 HH:mm'
  if (f.modes.length === 0) e.modes = '至少选择一种供餐方式'
  return e
}

export interface SlotBody {
  date: string
  meal: Meal
  dishes: { name: string }[]
  capacity: number
  price_fen: number
  book_by?: string
  modes: Mode[]
}

/** createBody is the POST body of a new slot on a date and meal (the form checked first). */
export function createBody(f: SlotForm, date: string, meal: Meal): SlotBody {
  const body: SlotBody = {
    date,
    meal,
    dishes: parseDishes(f.dishes).map((name) => ({ name })),
    capacity: f.capacity ?? 0,
    price_fen: toFen(f.price),
    modes: modes.filter((m) => f.modes.includes(m)),
  }
  if (f.bookByDate && f.bookByTime) body.book_by = stamp(f.bookByDate, f.bookByTime)
  return body
}

export type PatchBody = Partial<Pick<SlotBody, 'dishes' | 'capacity' | 'price_fen' | 'book_by' | 'modes'>>

/** patchBody is the PATCH body of an edited slot: only what changed. */
export function patchBody(f: SlotForm, s: Slot): PatchBody {
  const b: PatchBody = {}
  const dishes = parseDishes(f.dishes)
  if (dishes.join('\n') !== s.dishes.map((d) => d.name).join('\n')) b.dishes = dishes.map((name) => ({ name }))
  if (f.capacity !== s.capacity) b.capacity = f.capacity
  const fen = toFen(f.price)
  if (fen !== s.price_fen) b.price_fen = fen
  const chosen = modes.filter((m) => f.modes.includes(m))
  if (chosen.join() !== modes.filter((m) => s.modes.includes(m)).join()) b.modes = chosen
  if (f.bookByDate && f.bookByTime) {
    const by = stamp(f.bookByDate, f.bookByTime)
    if (Date.parse(by) !== Date.parse(s.book_by)) b.book_by = by
  }
  return b
}
