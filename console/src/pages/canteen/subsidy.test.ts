import { describe as group, expect, it } from 'vitest'
import { checkRows, describe, newRow, rowsOf, rulesOf, serverErrors, type Rule } from './subsidy'

const demo: Rule[] = [
  { min_age: 60, max_age: 79, status: null, subsidy_fen: null, percent: 20, daily_limit: 2 },
  { min_age: 80, max_age: null, status: null, subsidy_fen: 500, percent: null, daily_limit: 2 },
  { min_age: 0, max_age: null, status: 'dibao', subsidy_fen: null, percent: 100, daily_limit: 2 },
]

group('rows and rules', () => {
  it('round-trip the API rules', () => {
    const rows = rowsOf(demo)
    expect(rows.map(({ key: _key, ...r }) => r)).toEqual([
      { min_age: 60, max_age: 79, status: '', kind: 'percent', amount: '20', daily_limit: 2 },
      { min_age: 80, max_age: undefined, status: '', kind: 'fixed', amount: '5', daily_limit: 2 },
      { min_age: 0, max_age: undefined, status: 'dibao', kind: 'percent', amount: '100', daily_limit: 2 },
    ])
    expect(checkRows(rows)).toEqual({})
    expect(rulesOf(rows)).toEqual(demo)
  })

  it('give each row its own key', () => {
    const keys = [...rowsOf(demo), newRow(), newRow()].map((r) => r.key)
    expect(new Set(keys).size).toBe(keys.length)
  })

  it('send yuan as fen', () => {
    expect(rulesOf([{ ...newRow(), amount: '3.5' }])[0]).toMatchObject({ subsidy_fen: 350, percent: null })
  })
})

group('checkRows', () => {
  it('names each wrong field of each row', () => {
    const rows = [
      { ...newRow(), amount: '5' },
      { ...newRow(), min_age: 90, max_age: 80, amount: '0', daily_limit: 4 },
      { ...newRow(), min_age: undefined, kind: 'percent' as const, amount: '101' },
      { ...newRow(), amount: '' },
    ]
    expect(checkRows(rows)).toEqual({
      1: { max_age: '不能小于最低年龄', amount: '0.01 到 1000 元', daily_limit: '1 到 3 次' },
      2: { min_age: '0 到 150 的整数', amount: '1 到 100 的整数' },
      3: { amount: '请填写金额' },
    })
  })
})

group('serverErrors', () => {
  it('puts the server fields on their rows, the amount for subsidy_fen and percent', () => {
    expect(serverErrors({ 'rules[1].subsidy_fen': 'x', 'rules[1].min_age': 'y', 'rules[0].percent': 'z', rules: '最多 20 条' })).toEqual({
      rows: { 0: { amount: 'z' }, 1: { amount: 'x', min_age: 'y' } },
      other: ['最多 20 条'],
    })
  })
})

group('describe', () => {
  it('says a rule in a sentence', () => {
    expect(describe(demo[0])).toBe('60–79 岁补贴餐费的 20%，每天最多 2 餐')
    expect(describe(demo[1])).toBe('80 岁及以上每餐补贴 ¥5.00，每天最多 2 餐')
    expect(describe(demo[2])).toBe('不限年龄的低保老人补贴餐费的 100%，每天最多 2 餐')
  })
})
