// What the overview (概览) makes of GET /admin/overview: the day's meals summed and ordered, the
// reports' and approvals' totals, a course's fill, and the two charts' options.
import type { ComposeOption } from 'echarts/core'
import type { BarSeriesOption, LineSeriesOption } from 'echarts/charts'
import type { AriaComponentOption, GridComponentOption, LegendComponentOption, TooltipComponentOption } from 'echarts/components'
import { api, must, type Schemas } from '../../api/client'
import { alertPage, summarize, type AlertSummary } from '../alerts/alerts'

export type Overview = Schemas['Overview']
export type MealRow = Overview['meals'][number]
export type CourseRow = Overview['courses'][number]
export type CategoryRow = Overview['report_categories'][number]

export type ChartOption = ComposeOption<
  BarSeriesOption | LineSeriesOption | GridComponentOption | TooltipComponentOption | LegendComponentOption | AriaComponentOption
>

const mealOrder: Record<string, number> = { breakfast: 0, lunch: 1, dinner: 2 }

/** sortMeals orders the day's slots by canteen, then breakfast, lunch, dinner. */
export function sortMeals(meals: MealRow[]): MealRow[] {
  return [...meals].sort(
    (a, b) => a.canteen_name.localeCompare(b.canteen_name, 'zh-CN') || a.canteen_id - b.canteen_id || (mealOrder[a.meal] ?? 9) - (mealOrder[b.meal] ?? 9) || a.slot_id - b.slot_id,
  )
}

export interface MealTotals {
  booked: number
  served: number
  capacity: number
  eat_in: number
  pickup: number
  delivery: number
  slots: number
}

/** mealTotals sums the day's slots; a closed slot's capacity is not counted (it serves no one). */
export function mealTotals(meals: MealRow[]): MealTotals {
  const t: MealTotals = { booked: 0, served: 0, capacity: 0, eat_in: 0, pickup: 0, delivery: 0, slots: meals.length }
  for (const m of meals) {
    t.booked += m.booked
    t.served += m.served
    if (!m.closed) t.capacity += m.capacity
    t.eat_in += m.by_mode.eat_in
    t.pickup += m.by_mode.pickup
    t.delivery += m.by_mode.delivery
  }
  return t
}

/** pendingApprovals is the number of requests waiting for staff. */
export function pendingApprovals(a: Overview['approvals']): number {
  return a.register + a.join + a.claim
}

/** fill is a course's (or slot's) share of seats taken, 0 to 100, whole percent. */
export function fill(taken: number, capacity: number): number {
  if (capacity <= 0) return taken > 0 ? 100 : 0
  return Math.min(100, Math.round((taken / capacity) * 100))
}

/** duration shows minutes as 45分钟, 2小时5分, 3天4小时. */
export function duration(minutes: number | null | undefined): string {
  if (minutes === null || minutes === undefined) return '—'
  const m = Math.max(0, Math.round(minutes))
  if (m < 60) return `${m}分钟`
  if (m < 24 * 60) {
    const h = Math.floor(m / 60)
    const r = m % 60
    return r ? `${h}小时${r}分` : `${h}小时`
  }
  const d = Math.floor(m / (24 * 60))
  const h = Math.floor((m % (24 * 60)) / 60)
  return h ? `${d}天${h}小时` : `${d}天`
}

/** shortDate shows 2026-12-01 as 12-01 for a chart's axis. */
export function shortDate(date: string): string {
  return date.slice(5)
}

const brand = '#0052d9'
const soft = '#a5c3ff'
const accent = '#e37318'

/** mealsChart is the bar chart of live orders per day over the 30 days; the day looked at stands out. */
export function mealsChart(points: Overview['meals_per_day'], day: string): ChartOption {
  return {
    aria: { enabled: true, label: { description: `近30天每日订餐份数，截至 ${day}` } },
    grid: { left: 40, right: 16, top: 24, bottom: 28 },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: { type: 'category', data: points.map((p) => shortDate(p.date)), axisTick: { alignWithLabel: true } },
    yAxis: { type: 'value', minInterval: 1, name: '份', nameGap: 8, nameTextStyle: { align: 'right' } },
    series: [
      {
        type: 'bar',
        name: '订餐份数',
        data: points.map((p) => ({ value: p.count, itemStyle: { color: p.date === day ? brand : soft } })),
        barMaxWidth: 18,
      },
    ],
  }
}

/** categoriesChart is the bar chart of reports per category (made and resolved) with the average time to resolve. */
export function categoriesChart(cats: CategoryRow[]): ChartOption {
  const names = cats.map((c) => c.name || c.category)
  const hours = cats.map((c) => (c.avg_resolve_minutes === null || c.avg_resolve_minutes === undefined ? null : Math.round((c.avg_resolve_minutes / 60) * 10) / 10))
  return {
    aria: { enabled: true, label: { description: '近30天各类报事的数量、已处理数和平均处理时长' } },
    grid: { left: 40, right: 48, top: 40, bottom: 28 },
    legend: { top: 0, data: ['报事数', '已处理', '平均处理时长'] },
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      formatter: (params: unknown) => {
        const list = (Array.isArray(params) ? params : [params]) as { dataIndex: number }[]
        const c = cats[list[0]?.dataIndex ?? 0]
        if (!c) return ''
        return `${escapeHTML(c.name || c.category)}<br/>报事 ${c.count} 件，已处理 ${c.resolved} 件<br/>平均处理时长 ${duration(c.avg_resolve_minutes)}`
      },
    },
    xAxis: { type: 'category', data: names, axisLabel: { interval: 0, hideOverlap: true } },
    yAxis: [
      { type: 'value', name: '件', minInterval: 1, nameGap: 8, nameTextStyle: { align: 'right' } },
      { type: 'value', name: '小时', nameGap: 8, splitLine: { show: false }, nameTextStyle: { align: 'left' } },
    ],
    series: [
      { type: 'bar', name: '报事数', data: cats.map((c) => c.count), itemStyle: { color: soft }, barMaxWidth: 22 },
      { type: 'bar', name: '已处理', data: cats.map((c) => c.resolved), itemStyle: { color: brand }, barMaxWidth: 22 },
      { type: 'line', name: '平均处理时长', yAxisIndex: 1, data: hours, connectNulls: false, itemStyle: { color: accent }, symbolSize: 7 },
    ],
  }
}

/** escapeHTML keeps a category name written by staff from becoming markup in a tooltip. */
export function escapeHTML(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch)
}

/**
 * loadAlertSummary reads the safety alerts (安危确认) still waiting, open and escalated (their first
 * 20 each), for the warning at the top of the overview; null when none waits.
 */
export async function loadAlertSummary(): Promise<AlertSummary | null> {
  const [open, escalated] = await Promise.all(
    (['open', 'escalated'] as const).map(async (status) => alertPage(must(await api.GET('/api/v1/admin/alerts', { params: { query: { status, limit: 20 } } })))),
  )
  return summarize(open, escalated)
}
