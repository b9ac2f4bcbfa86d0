// How the console shows values: money in yuan, times in Asia/Shanghai, codes in Chinese.

/** yuan shows fen as ¥12.50. */
export function yuan(fen: number | null | undefined): string {
  if (fen === null || fen === undefined) return '—'
  const sign = fen < 0 ? '-' : ''
  const v = Math.abs(fen)
  return `${sign}¥${Math.floor(v / 100)}.${String(v % 100).padStart(2, '0')}`
}

/** toFen reads a yuan amount typed by staff ("12.5") as fen; NaN when it is not one. */
export function toFen(v: string | number): number {
  const s = String(v).trim()
  if (!/^\d+(\.\d{1,2})?$/.test(s)) return NaN
  const [i, d = ''] = s.split('.')
  return Number(i) * 100 + Number(d.padEnd(2, '0'))
}

const zone = 'Asia/Shanghai'

function parts(t: string | Date) {
  const d = typeof t === 'string' ? new Date(t) : t
  const f = new Intl.DateTimeFormat('zh-CN', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
  const o: Record<string, string> = {}
  for (const p of f.formatToParts(d)) o[p.type] = p.value
  return o
}

/** dateTime shows an RFC 3339 stamp as 2026-12-01 08:30 in Asia/Shanghai. */
export function dateTime(t: string | null | undefined): string {
  if (!t) return '—'
  const p = parts(t)
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`
}

/** time shows the hour and minute of a stamp in Asia/Shanghai. */
export function clock(t: string | null | undefined): string {
  if (!t) return '—'
  const p = parts(t)
  return `${p.hour}:${p.minute}`
}

/** today is the Asia/Shanghai date, YYYY-MM-DD. */
export function today(now: Date = new Date()): string {
  const p = parts(now)
  return `${p.year}-${p.month}-${p.day}`
}

/** addDays moves a YYYY-MM-DD date by n days. */
export function addDays(date: string, n: number): string {
  const d = new Date(date + 'T00:00:00Z')
  d.setUTCDate(d.getUTCDate() + n)
  return d.toISOString().slice(0, 10)
}

/** monday is the Monday of the week of date (YYYY-MM-DD). */
export function monday(date: string): string {
  const d = new Date(date + 'T00:00:00Z')
  return addDays(date, -((d.getUTCDay() + 6) % 7))
}

/** stamp makes the RFC 3339 stamp of a Shanghai date and time ("2026-12-01", "10:30"). */
export function stamp(date: string, hhmm: string): string {
  return `${date}T${hhmm}:00+08:00`
}

const weekdays = ['周日', '周一', '周二', '周三', '周四', '周五', '周六']

/** weekday names a date's day of the week. */
export function weekday(date: string): string {
  return weekdays[new Date(date + 'T00:00:00Z').getUTCDay()]
}

export const labels = {
  meal: { breakfast: '早餐', lunch: '午餐', dinner: '晚餐' } as Record<string, string>,
  mode: { eat_in: '堂食', pickup: '自取', delivery: '送餐' } as Record<string, string>,
  orderStatus: { pending: '处理中', booked: '已预订', served: '已取餐', cancelled: '已取消', delivered: '已送达', no_answer: '无人应答', no_show: '未取餐' } as Record<string, string>,
  gender: { male: '男', female: '女' } as Record<string, string>,
  relation: { self: '本人', parent: '父母', grandparent: '祖父母', spouse: '配偶', child: '子女', grandchild: '孙辈', other: '其他' } as Record<string, string>,
  careLevel: { self_care: '能自理', partly_dependent: '半失能', fully_dependent: '失能' } as Record<string, string>,
  subsidy: { dibao: '低保', tekun: '特困' } as Record<string, string>,
  reportStatus: { submitted: '待派单', assigned: '已派单', accepted: '处理中', resolved: '已处理', closed: '已办结', returned: '已退回', escalated: '已升级', cancelled: '已撤销' } as Record<string, string>,
  level: { minor: '小事', major: '大事', urgent: '急难事' } as Record<string, string>,
  urgency: { normal: '一般', urgent: '紧急' } as Record<string, string>,
  requestKind: { register: '登记家人', join: '加入监护', claim: '本人认领' } as Record<string, string>,
  requestStatus: { pending: '待审核', approved: '已通过', rejected: '已驳回', withdrawn: '已撤回' } as Record<string, string>,
  enrollmentStatus: { enrolled: '已报名', waitlisted: '候补', cancelled: '已取消' } as Record<string, string>,
  audience: { parents: '家长', children: '儿童' } as Record<string, string>,
  role: { staff: '社区工作人员', grid_worker: '网格员', canteen_staff: '食堂工作人员', volunteer: '志愿者', resident: '居民', city_admin: '市级管理员' } as Record<string, string>,
}

/** label names a code, or shows it as is when it has no name. */
export function label(kind: keyof typeof labels, code: string | null | undefined): string {
  if (!code) return '—'
  return labels[kind][code] ?? code
}
