// The monthly settlement: a month's span, and its lines added up.

/** monthSpan is the first and last day of a month (YYYY-MM). */
export function monthSpan(month: string): { from: string; to: string } {
  const [y, m] = month.split('-').map(Number)
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate()
  return { from: `${month}-01`, to: `${month}-${String(last).padStart(2, '0')}` }
}

/** addMonths moves a month (YYYY-MM) by n months. */
export function addMonths(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number)
  const d = new Date(Date.UTC(y, m - 1 + n, 1))
  return d.toISOString().slice(0, 7)
}

export interface Line {
  meals: number
  price_fen: number
  subsidy_fen: number
}

/** sumLines adds up the lines of a settlement, to check them against its totals. */
export function sumLines(lines: Line[]): Line {
  return lines.reduce((t, l) => ({ meals: t.meals + l.meals, price_fen: t.price_fen + l.price_fen, subsidy_fen: t.subsidy_fen + l.subsidy_fen }), { meals: 0, price_fen: 0, subsidy_fen: 0 })
}
