// What the report pages compute: the tabs and their queries, where a report is, which deadline
// has passed, the timeline in words, deadlines in hours and minutes, and the bodies of the
// category and grid forms.
import type { Schemas } from '../../api/client'
import { dateTime, today } from '../../lib/format'

type Report = Schemas['Report']
type Category = Schemas['ReportCategory']
type Member = Schemas['Member']

/** The tabs of the report list: what needs handling first, then each status, then all. */
export const tabs = [
  { value: 'overdue', label: '需处理' },
  { value: 'submitted', label: '待派单' },
  { value: 'assigned', label: '已派单' },
  { value: 'accepted', label: '处理中' },
  { value: 'resolved', label: '已处理' },
  { value: 'closed', label: '已办结' },
  { value: 'returned', label: '已退回' },
  { value: 'escalated', label: '已升级' },
  { value: 'cancelled', label: '已撤销' },
  { value: 'all', label: '全部' },
] as const

export type Tab = (typeof tabs)[number]['value']

/** queryOf is the list's query for a tab. */
export function queryOf(tab: string): { status?: Schemas['ReportStatus']; overdue?: boolean } {
  if (tab === 'overdue') return { overdue: true }
  if (tab === 'all' || !tabs.some((t) => t.value === tab)) return {}
  return { status: tab as Schemas['ReportStatus'] }
}

/** placeOf says where a report is: building and unit, else the place the reporter described. */
export function placeOf(r: Pick<Report, 'building_name' | 'unit' | 'location_text' | 'lat' | 'lng'>): string {
  const building = [r.building_name, r.unit].filter(Boolean).join(' ')
  if (building && r.location_text) return `${building}（${r.location_text}）`
  if (building) return building
  if (r.location_text) return r.location_text
  if (r.lat !== null && r.lng !== null && r.lat !== undefined && r.lng !== undefined) return `地图位置 ${r.lat.toFixed(5)}, ${r.lng.toFixed(5)}`
  return '—'
}

export interface Lateness {
  /** The accept deadline has passed with nobody accepting. */
  accept: boolean
  /** The resolve deadline has passed while the work is under way. */
  resolve: boolean
  /** Past a deadline, or escalated: what the 需处理 tab holds (the server's rule). */
  overdue: boolean
}

/** lateness tells which deadline a report has missed, by the server's rule for 需处理. */
export function lateness(r: Pick<Report, 'status' | 'accept_by' | 'resolve_by'>, now: Date = new Date()): Lateness {
  const t = now.getTime()
  const accept = (r.status === 'submitted' || r.status === 'assigned') && Date.parse(r.accept_by) < t
  const resolve = r.status === 'accepted' && Date.parse(r.resolve_by) < t
  return { accept, resolve, overdue: accept || resolve || r.status === 'escalated' }
}

/** shortTime shows a stamp without its year when it is this year's (Asia/Shanghai): 12-01 08:30. */
export function shortTime(t: string | null | undefined, now: Date = new Date()): string {
  const full = dateTime(t)
  if (!t) return full
  return full.slice(0, 4) === today(now).slice(0, 4) ? full.slice(5) : full
}

/** The report's states in which staff may (re)assign it. */
export const assignable: readonly string[] = ['submitted', 'assigned', 'returned', 'escalated', 'accepted']

/** statusTheme colours a status tag. */
export function statusTheme(status: string): 'default' | 'primary' | 'warning' | 'success' | 'danger' {
  switch (status) {
    case 'submitted':
    case 'returned':
      return 'warning'
    case 'escalated':
      return 'danger'
    case 'assigned':
    case 'accepted':
      return 'primary'
    case 'resolved':
    case 'closed':
      return 'success'
    default:
      return 'default'
  }
}

/** levelTheme colours a level tag: 小事, 大事, 急难事. */
export function levelTheme(level: string): 'default' | 'warning' | 'danger' {
  return level === 'urgent' ? 'danger' : level === 'major' ? 'warning' : 'default'
}

const actions: Record<string, string> = {
  submitted: '提交报事',
  to_staff: '转社区分派',
  assigned: '派单',
  accepted: '接单',
  claimed: '认领',
  resolved: '办结',
  returned: '退单',
  confirmed: '确认办结',
  reopened: '重新打开',
  cancelled: '撤销',
  escalated: '超时升级',
}

const roles: Record<string, string> = { resident: '居民', worker: '网格员', volunteer: '志愿者', staff: '社区工作人员', system: '系统' }

/** actionText names a timeline step. */
export function actionText(action: string): string {
  return actions[action] ?? action
}

/** actorText names who took a step: their name, else their role. */
export function actorText(step: { actor: string; role: string; actor_user_id?: number | null }): string {
  const role = roles[step.role] ?? step.role
  if (step.role === 'system') return '系统'
  return step.actor ? `${step.actor}（${role}）` : step.actor_user_id ? `${role} #${step.actor_user_id}` : role
}

/** noteText puts names for the user ids in a step's note ("派给 12" becomes "派给 张三"). */
export function noteText(note: string, names: Map<number, string>): string {
  return note.replace(/^(派给(?:网格员)?) (\d+)$/, (whole, head: string, id: string) => {
    const name = names.get(Number(id))
    return name ? `${head} ${name}` : whole
  })
}

/** memberName names a member: their name, else their masked phone, else their user id. */
export function memberName(m: Pick<Member, 'user_id' | 'name' | 'phone'>): string {
  if (m.name) return m.name
  if (m.phone) return `${m.phone}（#${m.user_id}）`
  return `未填姓名（#${m.user_id}）`
}

/** Deadline lengths as staff read them: days, hours and minutes. */
export function duration(minutes: number): string {
  if (!Number.isFinite(minutes) || minutes <= 0) return '—'
  const d = Math.floor(minutes / 1440)
  const h = Math.floor((minutes % 1440) / 60)
  const m = minutes % 60
  return [d ? `${d} 天` : '', h ? `${h} 小时` : '', m ? `${m} 分钟` : ''].filter(Boolean).join(' ')
}

/** A category as edited: the deadlines split into hours and minutes. */
export interface CategoryRow {
  key: string
  name: string
  level: Category['level']
  acceptHours: number
  acceptMins: number
  resolveHours: number
  resolveMins: number
  /** Not yet saved: its key was made here. */
  fresh?: boolean
}

/** rowOf splits a category's deadlines for editing. */
export function rowOf(c: Category): CategoryRow {
  return {
    key: c.key,
    name: c.name,
    level: c.level,
    acceptHours: Math.floor(c.accept_minutes / 60),
    acceptMins: c.accept_minutes % 60,
    resolveHours: Math.floor(c.resolve_minutes / 60),
    resolveMins: c.resolve_minutes % 60,
  }
}

/** minutesOf joins hours and minutes (empty fields count as 0). */
export function minutesOf(hours: number | null | undefined, mins: number | null | undefined): number {
  return Math.round((Number(hours) || 0) * 60 + (Number(mins) || 0))
}

/** newKey makes a key for a category added in the console, unlike any of taken. */
export function newKey(taken: string[], now: number = Date.now()): string {
  let n = now
  let key = `c${n.toString(36)}`
  while (taken.includes(key)) key = `c${(++n).toString(36)}`
  return key
}

const maxMinutes = 30 * 24 * 60

/**
 * categoriesBody checks the edited rows and makes the PUT body; errors are keyed as the server
 * keys them (categories[0].name), so its answer and ours show in the same place.
 */
export function categoriesBody(rows: CategoryRow[]): { body?: { categories: Category[] }; errors: Record<string, string> } {
  const errors: Record<string, string> = {}
  if (rows.length === 0) errors.categories = '至少保留一类'
  if (rows.length > 30) errors.categories = '最多 30 类'
  const seen = new Set<string>()
  const categories = rows.map((r, i) => {
    const at = `categories[${i}].`
    const name = r.name.trim()
    const accept = minutesOf(r.acceptHours, r.acceptMins)
    const resolve = minutesOf(r.resolveHours, r.resolveMins)
    if (!name) errors[at + 'name'] = '请填写名称'
    else if ([...name].length > 16) errors[at + 'name'] = '最多 16 个字'
    else if (seen.has(name)) errors[at + 'name'] = '名称重复'
    seen.add(name)
    if (!/^[a-z][a-z0-9_]{0,31}$/.test(r.key)) errors[at + 'key'] = '编码不合规'
    if (accept < 1 || accept > maxMinutes) errors[at + 'accept_minutes'] = '应在 1 分钟到 30 天之间'
    if (resolve > maxMinutes) errors[at + 'resolve_minutes'] = '不能超过 30 天'
    else if (resolve < accept) errors[at + 'resolve_minutes'] = '办结时限不能短于接单时限'
    return { key: r.key, name, level: r.level, accept_minutes: accept, resolve_minutes: resolve }
  })
  if (Object.keys(errors).length > 0) return { errors }
  return { body: { categories }, errors }
}

/** The grid form. */
export interface GridForm {
  name: string
  building_ids: number[]
  worker_user_ids: number[]
  on_duty_user_id: number | null
}

/** gridBody checks the grid form and makes the POST/PUT body. */
export function gridBody(f: GridForm): { body?: Schemas['GridInput']; errors: Record<string, string> } {
  const errors: Record<string, string> = {}
  const name = f.name.trim()
  if (!name) errors.name = '请填写网格名称'
  else if ([...name].length > 64) errors.name = '最多 64 个字'
  if (f.worker_user_ids.length > 20) errors.worker_user_ids = '最多 20 名网格员'
  if (f.on_duty_user_id && !f.worker_user_ids.includes(f.on_duty_user_id)) errors.on_duty_user_id = '值班人应是本网格的网格员'
  if (Object.keys(errors).length > 0) return { errors }
  const body: Schemas['GridInput'] = { name, building_ids: [...f.building_ids], worker_user_ids: [...f.worker_user_ids] }
  if (f.on_duty_user_id) body.on_duty_user_id = f.on_duty_user_id
  return { body, errors }
}

/** gridOwner maps each building to the grid it is in, leaving out one grid (the one edited). */
export function gridOwner(grids: Pick<Schemas['Grid'], 'id' | 'name' | 'building_ids'>[], except = 0): Map<number, string> {
  const out = new Map<number, string>()
  for (const g of grids) if (g.id !== except) for (const b of g.building_ids) out.set(b, g.name)
  return out
}
