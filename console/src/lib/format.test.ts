import { describe, expect, it } from 'vitest'
import { addDays, dateTime, label, monday, toFen, today, weekday, yuan } from './format'

describe('money', () => {
  it.each([
    [0, '¥0.00'],
    [5, '¥0.05'],
    [1250, '¥12.50'],
    [-300, '-¥3.00'],
  ])('yuan(%i) = %s', (fen, want) => expect(yuan(fen)).toBe(want))

  it.each([
    ['12', 1200],
    ['12.5', 1250],
    ['0.05', 5],
    [' 8.00 ', 800],
  ])('toFen(%s) = %i', (v, want) => expect(toFen(v)).toBe(want))

  it.each(['', 'abc', '1.234', '-1', '1e3'])('toFen(%s) is not a number', (v) => expect(toFen(v)).toBeNaN())
})

describe('dates in Asia/Shanghai', () => {
  it('shows a UTC stamp in Shanghai time', () => {
    expect(dateTime('2026-11-30T23:30:00Z')).toBe('2026-12-01 07:30')
  })
  it('takes today from Shanghai, not UTC', () => {
    expect(today(new Date('2026-11-30T17:00:00Z'))).toBe('2026-12-01')
  })
  it('walks days and finds Mondays', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01')
    expect(monday('2026-12-06')).toBe('2026-11-30')
    expect(monday('2026-11-30')).toBe('2026-11-30')
    expect(weekday('2026-12-01')).toBe('周二')
  })
})

describe('labels', () => {
  it('names codes in Chinese and keeps unknown ones', () => {
    expect(label('meal', 'lunch')).toBe('午餐')
    expect(label('meal', 'brunch')).toBe('brunch')
    expect(label('meal', null)).toBe('—')
  })
})
