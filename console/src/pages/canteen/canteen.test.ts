import { describe, expect, it } from 'vitest'
import { canteenFormOf, canteenPatch, checkCanteenForm, checkCutoff, cutoffMinutes, cutoffOf, cutoffParts, cutoffText } from './canteen'

describe('cut-offs', () => {
  it('split minutes into a day and a time', () => {
    expect(cutoffParts(570)).toEqual({ day: 0, time: '09:30' })
    expect(cutoffParts(-240)).toEqual({ day: -1, time: '20:00' })
    expect(cutoffParts(-2880)).toEqual({ day: -2, time: '00:00' })
    expect(cutoffParts(-1)).toEqual({ day: -1, time: '23:59' })
    expect(cutoffParts(1440)).toEqual({ day: 1, time: '00:00' })
  })

  it('join a day and a time back', () => {
    for (const m of [570, -240, -2880, -1, 0, 1439, 1440, 930]) {
      const p = cutoffParts(m)
      expect(cutoffMinutes(p.day, p.time)).toBe(m)
    }
    expect(cutoffMinutes(0, '9:30')).toBeNaN()
    expect(cutoffMinutes(0, '24:00')).toBeNaN()
  })

  it('read as staff say them', () => {
    expect(cutoffText(-240)).toBe('前一天 20:00')
    expect(cutoffText(570)).toBe('当天 09:30')
    expect(cutoffText(-2000)).toBe('前两天 14:40')
    expect(cutoffText(1440)).toBe('当天 24:00')
  })

  it('are checked against the API range', () => {
    expect(checkCutoff(0, '09:30')).toBe('')
    expect(checkCutoff(1, '00:00')).toBe('')
    expect(checkCutoff(1, '00:30')).not.toBe('')
    expect(checkCutoff(-2, '00:00')).toBe('')
    expect(checkCutoff(0, '')).toBe('请填写时间，如 09:30')
    expect(checkCutoff(0, '25:00')).toBe('时间应为 00:00 到 23:59，如 09:30')
  })

  it('fall back on the server defaults', () => {
    expect(cutoffOf({}, 'breakfast')).toBe(-240)
    expect(cutoffOf({ lunch: 600 }, 'lunch')).toBe(600)
    expect(cutoffOf(undefined, 'dinner')).toBe(930)
  })
})

describe('the canteen form', () => {
  const c = { id: 3, community_id: 1, name: '东区食堂', address: '1幢', delivery_for_all: false, cutoffs: { breakfast: -240, lunch: 570, dinner: 930 } }

  it('starts empty with the default cut-offs', () => {
    const f = canteenFormOf()
    expect(f.name).toBe('')
    expect(f.cutoffs).toEqual({ breakfast: { day: -1, time: '20:00' }, lunch: { day: 0, time: '09:30' }, dinner: { day: 0, time: '15:30' } })
    expect(checkCanteenForm(f)).toEqual({ name: '请填写食堂名称' })
  })

  it('sends only what changed, cut-offs in minutes', () => {
    const f = canteenFormOf(c)
    expect(canteenPatch(f, c)).toEqual({})
    f.name = ' 东区邻里食堂 '
    f.delivery_for_all = true
    f.cutoffs.lunch = { day: -1, time: '18:00' }
    expect(checkCanteenForm(f)).toEqual({})
    expect(canteenPatch(f, c)).toEqual({ name: '东区邻里食堂', delivery_for_all: true, cutoffs: { lunch: -360 } })
  })

  it('names a wrong cut-off by its API field', () => {
    const f = canteenFormOf(c)
    f.cutoffs.dinner = { day: 1, time: '08:00' }
    f.cutoffs.breakfast = { day: -1, time: '' }
    expect(Object.keys(checkCanteenForm(f)).sort()).toEqual(['cutoffs.breakfast', 'cutoffs.dinner'])
  })
})
