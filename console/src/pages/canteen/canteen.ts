// What the canteen pages share: the API's types, the canteen picked (kept per community in this
// browser), and the canteen's default booking cut-offs, which the API counts in minutes from the
// start of the meal's day (negative: the day before).
import { computed, reactive } from 'vue'
import { api, ApiError, must, type Schemas } from '../../api/client'
import { session } from '../../session'

export type Canteen = Schemas['Canteen']
export type Cutoffs = Schemas['Cutoffs']
export type Slot = Schemas['Slot']
export type Meal = Schemas['Meal']
export type Mode = Schemas['Mode']

export const meals: Meal[] = ['breakfast', 'lunch', 'dinner']
export const modes: Mode[] = ['eat_in', 'pickup', 'delivery']

/** The server's defaults (openapi.yaml): breakfast 20:00 the day before, lunch 09:30, dinner 15:30. */
export const defaultCutoffs: Required<Cutoffs> = { breakfast: -240, lunch: 570, dinner: 930 }

export const minCutoff = -2880
export const maxCutoff = 1440

/** cutoffOf is a canteen's cut-off for a meal, in minutes, falling back on the server's default. */
export function cutoffOf(cutoffs: Cutoffs | undefined, meal: Meal): number {
  return cutoffs?.[meal] ?? defaultCutoffs[meal]
}

export type CutoffDay = -2 | -1 | 0 | 1

export const cutoffDays: { value: CutoffDay; label: string }[] = [
  { value: -2, label: '前两天' },
  { value: -1, label: '前一天' },
  { value: 0, label: '当天' },
  { value: 1, label: '次日' },
]

const pad = (n: number) => String(n).padStart(2, '0')

/** cutoffParts splits minutes into the day (relative to the meal's day) and the time of day. */
export function cutoffParts(minutes: number): { day: CutoffDay; time: string } {
  const day = Math.floor(minutes / 1440)
  const rest = minutes - day * 1440
  return { day: day as CutoffDay, time: `${pad(Math.floor(rest / 60))}:${pad(rest % 60)}` }
}

/** cutoffMinutes joins a day and an HH:mm time into minutes; NaN when the time is not one. */
export function cutoffMinutes(day: number, time: string): number {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(time.trim())
  if (!m) return NaN
  return day * 1440 + Number(m[1]) * 60 + Number(m[2])
}

/** cutoffText says a cut-off as staff read it: 前一天 20:00, 当天 09:30, 当天 24:00. */
export function cutoffText(minutes: number): string {
  if (minutes === 1440) return '当天 24:00'
  const { day, time } = cutoffParts(minutes)
  return `${cutoffDays.find((d) => d.value === day)?.label ?? `${day} 天`} ${time}`
}

/** checkCutoff says what is wrong with a cut-off typed as a day and a time, or ''. */
export function checkCutoff(day: number, time: string): string {
  if (!time.trim()) return '请填写时间，如 09:30'
  const m = cutoffMinutes(day, time)
  if (Number.isNaN(m)) return '时间应为 00:00 到 23:59，如 09:30'
  if (m < minCutoff || m > maxCutoff) return '截止时间应在前两天 00:00 到次日 00:00 之间'
  return ''
}

function canteenKey(): string {
  return `linli.canteen.${session.communityId}`
}

/**
 * useCanteens loads the community's canteens and keeps the one picked: pages of the kitchen work
 * on one canteen at a time, and a community usually has one.
 */
export function useCanteens() {
  const state = reactive({
    list: [] as Canteen[],
    id: 0,
    loading: true,
    error: '',
    current: computed((): Canteen | undefined => state.list.find((c) => c.id === state.id)),
    async load() {
      state.loading = true
      state.error = ''
      try {
        const page = must(await api.GET('/api/v1/canteens', { params: { query: { community_id: session.communityId, limit: 100 } } }))
        state.list = page.items
        const kept = Number(localStorage.getItem(canteenKey()))
        state.id = page.items.find((c) => c.id === kept)?.id ?? page.items[0]?.id ?? 0
      } catch (e) {
        state.error = e instanceof ApiError ? e.message : '食堂列表加载失败'
      } finally {
        state.loading = false
      }
    },
    pick(id: number) {
      state.id = id
      localStorage.setItem(canteenKey(), String(id))
    },
  })
  return state
}

export type Canteens = ReturnType<typeof useCanteens>

/** errorText is the message of a failure, in Chinese whatever was thrown. */
export function errorText(e: unknown, fallback = '操作失败，请重试'): string {
  return e instanceof ApiError ? e.message : fallback
}

export interface CanteenForm {
  name: string
  address: string
  delivery_for_all: boolean
  cutoffs: Record<Meal, { day: CutoffDay; time: string }>
}

/** canteenFormOf fills the canteen form from a canteen, or empty with the default cut-offs. */
export function canteenFormOf(c?: Canteen): CanteenForm {
  return {
    name: c?.name ?? '',
    address: c?.address ?? '',
    delivery_for_all: c?.delivery_for_all ?? false,
    cutoffs: {
      breakfast: cutoffParts(cutoffOf(c?.cutoffs, 'breakfast')),
      lunch: cutoffParts(cutoffOf(c?.cutoffs, 'lunch')),
      dinner: cutoffParts(cutoffOf(c?.cutoffs, 'dinner')),
    },
  }
}

/** checkCanteenForm says what is wrong, by the API's field names (name, address, cutoffs.lunch). */
export function checkCanteenForm(f: CanteenForm): Record<string, string> {
  const e: Record<string, string> = {}
  const name = f.name.trim()
  if (!name) e.name = '请填写食堂名称'
  else if ([...name].length > 64) e.name = '最多 64 个字'
  if ([...f.address.trim()].length > 128) e.address = '最多 128 个字'
  for (const meal of meals) {
    const msg = checkCutoff(f.cutoffs[meal].day, f.cutoffs[meal].time)
    if (msg) e[`cutoffs.${meal}`] = msg
  }
  return e
}

/** canteenPatch is the PATCH body of an edited canteen: only what changed. */
export function canteenPatch(f: CanteenForm, c: Canteen): { name?: string; address?: string; delivery_for_all?: boolean; cutoffs?: Cutoffs } {
  const b: ReturnType<typeof canteenPatch> = {}
  if (f.name.trim() !== c.name) b.name = f.name.trim()
  if (f.address.trim() !== c.address) b.address = f.address.trim()
  if (f.delivery_for_all !== c.delivery_for_all) b.delivery_for_all = f.delivery_for_all
  const cutoffs: Cutoffs = {}
  for (const meal of meals) {
    const m = cutoffMinutes(f.cutoffs[meal].day, f.cutoffs[meal].time)
    if (m !== cutoffOf(c.cutoffs, meal)) cutoffs[meal] = m
  }
  if (Object.keys(cutoffs).length) b.cutoffs = cutoffs
  return b
}

