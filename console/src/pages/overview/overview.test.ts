import { describe, expect, it } from 'vitest'
import { categoriesChart, duration, escapeHTML, fill, mealTotals, mealsChart, pendingApprovals, sortMeals, type CategoryRow, type MealRow } from './overview'

function slot(p: Partial<MealRow>): MealRow {
  return {
    canteen_id: 1,
    canteen_name: '中埂邻里食堂',
    slot_id: 1,
    meal: 'lunch',
    capacity: 60,
    booked: 0,
    served: 0,
    closed: false,
    by_mode: { eat_in: 0, pickup: 0, delivery: 0 },
    ...p,
  }
}

describe('the day meals', () => {
  it('orders slots by canteen, then breakfast, lunch and dinner', () => {
    const got = sortMeals([
      slot({ slot_id: 3, meal: 'dinner' }),
      slot({ slot_id: 9, canteen_id: 2, canteen_name: '阿德食堂', meal: 'dinner' }),
      slot({ slot_id: 2, meal: 'lunch' }),
      slot({ slot_id: 1, meal: 'breakfast' }),
    ]).map((m) => m.slot_id)
    expect(got).toEqual([9, 1, 2, 3])
  })

  it('sums bookings by mode and leaves out closed slots capacity', () => {
    const got = mealTotals([
      slot({ capacity: 60, booked: 5, served: 2, by_mode: { eat_in: 2, pickup: 1, delivery: 2 } }),
      slot({ slot_id: 2, meal: 'dinner', capacity: 40, booked: 3, by_mode: { eat_in: 0, pickup: 0, delivery: 3 } }),
      slot({ slot_id: 3, meal: 'dinner', capacity: 30, closed: true }),
    ])
    expect(got).toEqual({ booked: 8, served: 2, capacity: 100, eat_in: 2, pickup: 1, delivery: 5, slots: 3 })
  })

  it('is all zero on a day with no slots', () => {
    expect(mealTotals([])).toEqual({ booked: 0, served: 0, capacity: 0, eat_in: 0, pickup: 0, delivery: 0, slots: 0 })
  })
})

describe('numbers', () => {
  it('adds up the pending approvals', () => {
    expect(pendingApprovals({ register: 2, join: 1, claim: 3 })).toBe(6)
  })

  it.each([
    [0, 20, 0],
    [5, 20, 25],
    [20, 20, 100],
    [25, 20, 100],
    [1, 3, 33],
    [0, 0, 0],
    [1, 0, 100],
  ])('fill(%i, %i) = %i', (taken, capacity, want) => expect(fill(taken, capacity)).toBe(want))

  it.each([
    [null, '—'],
    [0, '0分钟'],
    [45, '45分钟'],
    [60, '1小时'],
    [125, '2小时5分'],
    [1440, '1天'],
    [1440 * 3 + 240 + 10, '3天4小时'],
  ])('duration(%s) = %s', (m, want) => expect(duration(m)).toBe(want))
})

describe('charts', () => {
  it('marks the day looked at among the 30 days', () => {
    const opt = mealsChart(
      [
        { date: '2026-11-29', count: 3 },
        { date: '2026-11-30', count: 7 },
      ],
      '2026-11-30',
    )
    expect(opt.xAxis).toMatchObject({ data: ['11-29', '11-30'] })
    const series = opt.series as { data: { value: number; itemStyle: { color: string } }[] }[]
    expect(series[0].data.map((d) => d.value)).toEqual([3, 7])
    expect(series[0].data[1].itemStyle.color).not.toBe(series[0].data[0].itemStyle.color)
  })

  it('shows counts per category and the time to resolve in hours, with a gap where none resolved', () => {
    const cats: CategoryRow[] = [
      { category: 'repair', name: '维修', count: 5, resolved: 4, avg_resolve_minutes: 90 },
      { category: 'noise', name: '', count: 2, resolved: 0, avg_resolve_minutes: null },
    ]
    const opt = categoriesChart(cats)
    expect(opt.xAxis).toMatchObject({ data: ['维修', 'noise'] })
    const series = opt.series as { name: string; data: (number | null)[] }[]
    expect(series.map((s) => s.name)).toEqual(['报事数', '已处理', '平均处理时长'])
    expect(series[0].data).toEqual([5, 2])
    expect(series[1].data).toEqual([4, 0])
    expect(series[2].data).toEqual([1.5, null])
    const tip = (opt.tooltip as { formatter: (p: unknown) => string }).formatter([{ dataIndex: 0 }])
    expect(tip).toContain('1小时30分')
  })

  it('escapes a category name in the tooltip', () => {
    expect(escapeHTML('<b>"水"&电</b>')).toBe('&lt;b&gt;&quot;水&quot;&amp;电&lt;/b&gt;')
  })
})
