// The subsidy rules as an editable table: rows typed by staff (amounts in yuan or percent) to and
// from the API's rules, checked as the server checks them.
import { toFen, yuan } from '../../lib/format'
import type { Schemas } from '../../api/client'

export type Rule = Schemas['SubsidyRules']['rules'][number]

export interface RuleRow {
  key: number
  min_age: number | undefined
  max_age: number | undefined
  /** '' is anyone */
  status: '' | 'dibao' | 'tekun'
  kind: 'fixed' | 'percent'
  /** yuan for a fixed amount, a whole percent otherwise, as typed */
  amount: string
  daily_limit: number | undefined
}

let next = 1

/** newRow is an empty row (60 and over, a fixed amount, once a day). */
export function newRow(): RuleRow {
  return { key: next++, min_age: 60, max_age: undefined, status: '', kind: 'fixed', amount: '', daily_limit: 1 }
}

/** rowsOf turns the API's rules into rows. */
export function rowsOf(rules: Rule[]): RuleRow[] {
  return rules.map((r) => ({
    key: next++,
    min_age: r.min_age,
    max_age: r.max_age ?? undefined,
    status: r.status ?? '',
    kind: r.percent ? 'percent' : 'fixed',
    amount: r.percent ? String(r.percent) : r.subsidy_fen != null ? (r.subsidy_fen / 100).toFixed(2).replace(/\.?0+$/, '') : '',
    daily_limit: r.daily_limit,
  }))
}

/** rulesOf turns checked rows into the API's rules. */
export function rulesOf(rows: RuleRow[]): Rule[] {
  return rows.map((r) => ({
    min_age: r.min_age ?? 0,
    max_age: r.max_age ?? null,
    status: r.status || null,
    subsidy_fen: r.kind === 'fixed' ? toFen(r.amount) : null,
    percent: r.kind === 'percent' ? Number(r.amount) : null,
    daily_limit: r.daily_limit ?? 1,
  }))
}

export type Field = 'min_age' | 'max_age' | 'status' | 'amount' | 'daily_limit'
/** Errors by row index and field. */
export type RowErrors = Record<number, Partial<Record<Field, string>>>

const isInt = (v: number | undefined): v is number => v !== undefined && v !== null && Number.isInteger(v)

/** checkRows says what is wrong with each row (empty when all are right). */
export function checkRows(rows: RuleRow[]): RowErrors {
  const out: RowErrors = {}
  rows.forEach((r, i) => {
    const e: Partial<Record<Field, string>> = {}
    if (!isInt(r.min_age) || r.min_age < 0 || r.min_age > 150) e.min_age = '0 到 150 的整数'
    if (r.max_age !== undefined && r.max_age !== null) {
      if (!isInt(r.max_age) || r.max_age > 150) e.max_age = '不超过 150 的整数'
      else if (isInt(r.min_age) && r.max_age < r.min_age) e.max_age = '不能小于最低年龄'
    }
    const a = String(r.amount).trim()
    if (r.kind === 'fixed') {
      const fen = toFen(a)
      if (!a) e.amount = '请填写金额'
      else if (Number.isNaN(fen) || fen <= 0 || fen > 100000) e.amount = '0.01 到 1000 元'
    } else if (!/^\d+$/.test(a) || Number(a) < 1 || Number(a) > 100) e.amount = '1 到 100 的整数'
    if (!isInt(r.daily_limit) || r.daily_limit < 1 || r.daily_limit > 3) e.daily_limit = '1 到 3 次'
    if (Object.keys(e).length) out[i] = e
  })
  return out
}

/** serverErrors places the server's fields errors (rules[2].percent) on their rows. */
export function serverErrors(fields: Record<string, string>): { rows: RowErrors; other: string[] } {
  const rows: RowErrors = {}
  const other: string[] = []
  for (const [k, v] of Object.entries(fields)) {
    const m = /^rules\[(\d+)\]\.(\w+)$/.exec(k)
    if (!m) {
      other.push(v)
      continue
    }
    const field: Field = m[2] === 'subsidy_fen' || m[2] === 'percent' ? 'amount' : (m[2] as Field)
    rows[Number(m[1])] = { ...rows[Number(m[1])], [field]: v }
  }
  return { rows, other }
}

const statusNames = { dibao: '低保', tekun: '特困' }

/** describe says a rule in a sentence, as residents read it in the mini-program. */
export function describe(r: Rule): string {
  let who = r.max_age ? `${r.min_age}–${r.max_age} 岁` : r.min_age > 0 ? `${r.min_age} 岁及以上` : '不限年龄'
  if (r.status) who += `的${statusNames[r.status]}老人`
  const what = r.percent ? `补贴餐费的 ${r.percent}%` : `每餐补贴 ${yuan(r.subsidy_fen ?? 0)}`
  return `${who}${what}，每天最多 ${r.daily_limit} 餐`
}
