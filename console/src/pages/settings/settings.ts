// What the community settings pages (楼栋, 成员与角色, 投递失败) decide before or after a call:
// the building name typed, how a search for a user is sent, how a member and a failed delivery read.
import type { Schemas } from '../../api/client'

export type Member = Schemas['Member']
export type GrantableRole = Schemas['GrantableRole']

/** The roles staff may grant, in the order the console offers them. */
export const grantableRoles: { value: GrantableRole; label: string }[] = [
  { value: 'staff', label: '社区工作人员' },
  { value: 'grid_worker', label: '网格员' },
  { value: 'canteen_staff', label: '食堂工作人员' },
  { value: 'volunteer', label: '志愿者' },
]

/** What each role lets its holder do, shown when granting it. */
export const roleHints: Record<GrantableRole, string> = {
  staff: '可登录工作台，管理本社区的全部事务',
  grid_worker: '在小程序接收并处理所在网格的报事',
  canteen_staff: '可登录工作台的食堂页面：菜单、备餐、送餐单、取餐核销',
  volunteer: '在小程序接收送餐任务（小巷骑兵），认领报事中的小事',
}

/** buildingError checks a building name before it is sent; '' when it is fine. */
export function buildingError(name: string): string {
  const n = name.trim()
  if (!n) return '请填写楼栋名称'
  if ([...n].length > 64) return '楼栋名称最多 64 个字'
  return ''
}

export type UserQuery = { q: string; by: 'phone' | 'name'; error?: undefined } | { error: string; q?: undefined; by?: undefined }

/**
 * userQuery reads what staff typed to find a user: a whole phone number (spaces and dashes
 * allowed, as people write them) or part of a name. A part of a phone number finds no one, so it
 * is refused here with a hint rather than sent.
 */
export function userQuery(raw: string): UserQuery {
  const s = raw.trim()
  if (!s) return { error: '请输入姓名或完整手机号' }
  const digits = s.replace(/[\s-]/g, '')
  if (/^\+?\d+$/.test(digits)) {
    const d = digits.replace(/^\+?86(?=1\d{10}$)/, '')
    if (/^1\d{10}$/.test(d)) return { q: d, by: 'phone' }
    return { error: '按手机号查找请输入完整的 11 位手机号' }
  }
  if ([...s].length > 32) return { error: '姓名最多 32 个字' }
  return { q: s, by: 'name' }
}

/** memberName names a user, who may not have written a name yet. */
export function memberName(m: Pick<Member, 'user_id' | 'name'>): string {
  return m.name?.trim() || `未填写姓名（用户 ${m.user_id}）`
}

/** residence says where a user lives relative to the community acted in. */
export function residence(m: Pick<Member, 'community_id'>, communityId: number): string {
  if (!m.community_id) return '未登记住址'
  return m.community_id === communityId ? '本社区居民' : '其他社区居民'
}

/** heldRoles lists the roles a user holds that may be granted, with their Chinese names. */
export function heldRoles(m: Pick<Member, 'roles'>): string[] {
  return m.roles.map((r) => grantableRoles.find((g) => g.value === r.role)?.label ?? r.role)
}

const topics: Record<string, string> = {
  'report.submitted': '报事派单',
}

/** topicLabel names the kind of work that failed. */
export function topicLabel(topic: string): string {
  return topics[topic] ?? topic
}

/** What a dead letter's payload points at: a report, an order…, with the console's page for it. */
export interface Target {
  text: string
  to?: string
}

const targets: { key: string; text: string; to?: string }[] = [
  { key: 'report_id', text: '报事', to: '/reports/' },
  { key: 'person_id', text: '居民', to: '/persons/' },
  { key: 'course_id', text: '课程', to: '/courses/' },
  { key: 'order_id', text: '订单' },
  { key: 'slot_id', text: '餐次' },
  { key: 'enrollment_id', text: '报名' },
  { key: 'user_id', text: '用户' },
]

/** payloadTargets reads the ids a dead letter's payload carries; anything else is left to the raw JSON. */
export function payloadTargets(payload: unknown): Target[] {
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) return []
  const p = payload as Record<string, unknown>
  const out: Target[] = []
  for (const t of targets) {
    const v = p[t.key]
    if (typeof v === 'number' && Number.isInteger(v) && v > 0) out.push({ text: `${t.text} #${v}`, to: t.to ? t.to + v : undefined })
  }
  return out
}

/** payloadText shows a payload as compact JSON for staff who need the details. */
export function payloadText(payload: unknown): string {
  try {
    return JSON.stringify(payload) ?? ''
  } catch {
    return String(payload)
  }
}
