// Safety alerts (安危确认) as the console shows them: the tabs and what each asks the server,
// the words for a status, a step and who took it, the time left before an open alert escalates,
// and the overview's summary of what is still waiting.
import type { Schemas } from '../../api/client'
import type { Page } from '../../lib/paged'

export type Alert = Schemas['SafetyAlert']
export type AlertStatus = Alert['status']
export type Step = Alert['steps'][number]
export type Tab = AlertStatus | 'all'

export const tabs: { value: Tab; label: string }[] = [
  { value: 'open', label: '待确认' },
  { value: 'escalated', label: '已派网格员' },
  { value: 'closed', label: '已确认' },
  { value: 'all', label: '全部' },
]

/** tabOf reads the tab named in the address; an alert asked for by id opens on 全部, where it is listed whatever its status. */
export function tabOf(tab: unknown, id: unknown): Tab {
  if (typeof tab === 'string' && tabs.some((t) => t.value === tab)) return tab as Tab
  return idOf(id) ? 'all' : 'open'
}

/** idOf reads an alert's id from the address (?id=12), or 0. */
export function idOf(v: unknown): number {
  const s = Array.isArray(v) ? v[0] : v
  if (typeof s !== 'string' || !/^\d{1,18}$/.test(s)) return 0
  return Number(s)
}

/** statusQuery is the status filter a tab sends (全部 sends none). */
export function statusQuery(tab: Tab): AlertStatus | undefined {
  return tab === 'all' ? undefined : tab
}

/** polls says whether a tab shows alerts still waiting, so it refreshes itself every 30 s. */
export function polls(tab: Tab): boolean {
  return tab !== 'closed'
}

export const statusText: Record<AlertStatus, string> = { open: '待确认', escalated: '已派网格员', closed: '已确认平安' }

/** statusTheme colours a status: waiting ones stand out, the escalated most. */
export function statusTheme(s: AlertStatus): 'warning' | 'danger' | 'success' {
  if (s === 'open') return 'warning'
  if (s === 'escalated') return 'danger'
  return 'success'
}

const roleNames: Record<Step['role'], string> = { rider: '送餐员', elder: '老人本人', guardian: '家属', worker: '网格员', staff: '社区工作人员', system: '系统' }
const actionNames: Record<Step['action'], string> = {
  raised: '送餐无人应答，发起安危确认',
  going: '前往查看',
  safe: '已联系上，平安',
  escalated: '30 分钟无人确认，已派网格员上门',
}

/** roleText names the capacity someone acted in. */
export function roleText(role: string): string {
  return roleNames[role as Step['role']] ?? role
}

/** actionText says what a step did. */
export function actionText(action: string): string {
  return actionNames[action as Step['action']] ?? action
}

/** actorText names who took a step: 张三（家属）, or just the capacity when the name is the capacity (系统). */
export function actorText(s: Pick<Step, 'actor' | 'role'>): string {
  const role = roleText(s.role)
  const name = s.actor.trim()
  if (!name || name === role) return role
  return `${name}（${role}）`
}

/** dotColor colours a step on the timeline. */
export function dotColor(action: string): 'primary' | 'warning' | 'error' | 'default' | string {
  if (action === 'safe') return '#2ba471'
  if (action === 'escalated') return 'error'
  if (action === 'raised') return 'warning'
  return 'primary'
}

export interface TimeLeft {
  text: string
  /** late: the escalation time has come (the server escalates it within moments). */
  late: boolean
  /** soon: ten minutes or less remain. */
  soon: boolean
}

/** timeLeft says how long an open alert has before it escalates to an urgent report. */
export function timeLeft(escalateAt: string, now: Date): TimeLeft {
  const ms = new Date(escalateAt).getTime() - now.getTime()
  if (!Number.isFinite(ms)) return { text: '—', late: false, soon: false }
  if (ms <= 0) return { text: '已到时，正在派网格员', late: true, soon: true }
  const minutes = Math.ceil(ms / 60_000)
  const text = minutes < 60 ? `还剩 ${minutes} 分钟` : `还剩 ${Math.floor(minutes / 60)} 小时 ${minutes % 60} 分钟`
  return { text, late: false, soon: minutes <= 10 }
}

/** noteProblem checks the optional note of an answer (at most 200 characters). */
export function noteProblem(note: string): string {
  return [...note.trim()].length > 200 ? '最多 200 个字' : ''
}

/** ackBody is what an answer sends: the outcome, and the note when one was written. */
export function ackBody(outcome: 'safe' | 'going', note: string): { outcome: 'safe' | 'going'; note?: string } {
  const n = note.trim()
  return n ? { outcome, note: n } : { outcome }
}

/** alertPage reads a list answer (whose items the spec's allOf leaves optional) as a Page. */
export function alertPage(p: { items?: Alert[]; next_cursor: string }): Page<Alert> {
  return { items: p.items ?? [], next_cursor: p.next_cursor }
}

/**
 * withListRow brings the alert shown in the drawer up to date from its row in a refreshed list
 * (someone else may have answered it), keeping the numbers only the single read carries: the
 * drawer does not read the alert again by itself, as every such read is audited. A closed alert
 * has nobody left to call: its numbers go, as the server gives none once closed.
 */
export function withListRow(shown: Alert, rows: Alert[]): Alert {
  const row = rows.find((r) => r.id === shown.id)
  if (!row || (row.status === shown.status && row.steps.length === shown.steps.length)) return shown
  if (row.status === 'closed') return { ...row, person_phone: null, worker: null, your_role: shown.your_role }
  return { ...row, person_phone: shown.person_phone, worker: shown.worker, your_role: shown.your_role }
}

export interface AlertSummary {
  open: number
  escalated: number
  /** more: a list had further pages, so its count is a lower bound (shown as 20+). */
  openMore: boolean
  escalatedMore: boolean
  /** names of the elders waiting, escalated first, without repeats, at most five. */
  names: string[]
  /** moreNames: other elders wait besides those named. */
  moreNames: boolean
}

/** summarize turns the first pages of open and escalated alerts into the overview's warning; null when nothing waits. */
export function summarize(open: Page<Alert>, escalated: Page<Alert>): AlertSummary | null {
  if (open.items.length === 0 && escalated.items.length === 0) return null
  const all: string[] = []
  for (const a of [...escalated.items, ...open.items]) if (!all.includes(a.person_name)) all.push(a.person_name)
  const openMore = open.next_cursor !== ''
  const escalatedMore = escalated.next_cursor !== ''
  return {
    open: open.items.length,
    escalated: escalated.items.length,
    openMore,
    escalatedMore,
    names: all.slice(0, 5),
    moreNames: all.length > 5 || openMore || escalatedMore,
  }
}

/** summaryText says what waits, e.g. 2 位老人送餐无人应答待确认，1 位已派网格员上门：王秀英、李桂兰. */
export function summaryText(s: AlertSummary): string {
  const parts: string[] = []
  if (s.open) parts.push(`${s.open}${s.openMore ? '+' : ''} 位老人送餐无人应答，待确认平安`)
  if (s.escalated) parts.push(`${s.escalated}${s.escalatedMore ? '+' : ''} 位超时未确认，已派网格员上门`)
  const more = s.moreNames ? ' 等' : ''
  return `${parts.join('；')}：${s.names.join('、')}${more}`
}
