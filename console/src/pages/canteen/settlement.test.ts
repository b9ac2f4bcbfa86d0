import { describe, expect, it } from 'vitest'
import { addMonths, monthSpan } from './settlement'

describe('monthSpan', () => {
  it('gives the first and last day, leap years included', () => {
    expect(monthSpan('2026-06')).toEqual({ from: '2026-06-01', to: '2026-06-30' })
    expect(monthSpan('2028-02')).toEqual({ from: '2028-02-01', to: '2028-02-29' })
    expect(monthSpan('2026-12')).toEqual({ from: '2026-12-01', to: '2026-12-31' })
  })
})

describe('addMonths', () => {
  it('crosses years both ways', () => {
    expect(addMonths('2026-12', 1)).toBe('2027-01')
    expect(addMonths('2026-01', -1)).toBe('2025-12')
    expect(addMonths('2026-06', 0)).toBe('2026-06')
  })
})
