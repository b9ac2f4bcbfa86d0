// What the person pages compute: checking what staff type before it is sent, turning the form
// into the API's bodies, the register's filters as a query, and how codes read in Chinese.
import type { ListOrder } from '../../components/listSearch'
import type { Schemas } from '../../api/client'
import { labels, today as todayOf } from '../../lib/format'

type Person = Schemas['Person']
type PersonInput = Schemas['PersonInput']
type PersonPatch = Schemas['PersonPatch']
type Slot = Schemas['Slot']
type AuditEntry = Schemas['AuditEntry']

// ---- ID card and phone -------------------------------------------------------------------

const idWeights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const idCheck = '10X98765432'

/** normalizeIDCard trims an ID card number and upper-cases its X. */
export function normalizeIDCard(v: string): string {
  return v.trim().toUpperCase()
}

/** idCardProblem says what is wrong with an ID card number ('' when it is well formed), as the server checks it. */
export function idCardProblem(raw: string, today: string = todayOf()): string {
  const id = normalizeIDCard(raw)
  if (id.length !== 18) return '身份证号应为 18 位'
  if (!/^\d{17}[\dX]$/.test(id)) return '身份证号前 17 位应为数字，最后一位为数字或 X'
  let sum = 0
  for (let i = 0; i < 17; i++) sum += Number(id[i]) * idWeights[i]
  if (id[17] !== idCheck[sum % 11]) return '身份证号校验位不正确，请核对'
  const birth = idCardBirth(id)
  const d = new Date(birth + 'T00:00:00Z')
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== birth || Number(birth.slice(0, 4)) < 1900 || birth > today) {
    return '身份证号中的出生日期不正确'
  }
  return ''
}

/** idCardBirth is the birth date an 18-character ID card carries (YYYY-MM-DD). */
export function idCardBirth(id: string): string {
  return `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`
}

/** idCardGender is the gender an ID card carries: its 17th digit is odd for men. */
export function idCardGender(id: string): 'male' | 'female' {
  return Number(id[16]) % 2 === 1 ? 'male' : 'female'
}

/** normalizePhone drops the spaces people type inside a number. */
export function normalizePhone(v: string): string {
  return v.replace(/[\s\u00a0]/g, '')
}

/** phoneProblem says what is wrong with a phone number ('' when fine): an 11-digit mobile, or a landline with its area code. */
export function phoneProblem(raw: string): string {
  const p = normalizePhone(raw)
  if (/^1[3-9]\d{9}$/.test(p) || /^0\d{2,3}-?\d{7,8}$/.test(p)) return ''
  if (/^1\d*$/.test(p)) return '手机号应为 11 位数字'
  return '请填写 11 位手机号或带区号的固定电话'
}

// ---- the person form ----------------------------------------------------------------------

export interface ContactForm {
  name: string
  phone: string
  relation: string
}

/** PersonForm is what the register and edit forms hold while staff type. */
export interface PersonForm {
  name: string
  id_card: string
  gender: '' | 'male' | 'female'
  birth_date: string
  phone: string
  building_id: number | undefined
  unit: string
  room: string
  living_alone: boolean
  care_level: Schemas['CareLevel']
  diet_notes: string
  contacts: ContactForm[]
  /** editing only: send the emergency contacts (they are replaced as a whole). */
  edit_contacts: boolean
}

/** emptyForm is a new registration: a walk-in elder usually lives alone. */
export function emptyForm(): PersonForm {
  return {
    name: '',
    id_card: '',
    gender: '',
    birth_date: '',
    phone: '',
    building_id: undefined,
    unit: '',
    room: '',
    living_alone: true,
    care_level: 'self_care',
    diet_notes: '',
    contacts: [],
    edit_contacts: true,
  }
}

/**
 * formOf fills the edit form from a person. The ID card and phone come back masked, so their
 * fields start empty (left empty, they do not change); contacts' phones must be typed again.
 */
export function formOf(p: Person): PersonForm {
  return {
    name: p.name,
    id_card: '',
    gender: p.gender ?? '',
    birth_date: p.birth_date ?? '',
    phone: '',
    building_id: p.building_id,
    unit: p.unit,
    room: p.room,
    living_alone: p.living_alone,
    care_level: p.care_level,
    diet_notes: p.diet_notes,
    contacts: p.emergency_contacts.map((c) => ({ name: c.name, phone: '', relation: c.relation ?? '' })),
    edit_contacts: false,
  }
}

export type Problems = Record<string, string>

/**
 * formProblems checks the form as the server would, so most mistakes are caught before sending.
 * Keys are the API's field names (contacts as emergency_contacts[0].phone), as in the server's
 * `fields`. editing: the ID card, phone, gender and birth date may stay empty (unchanged).
 */
export function formProblems(f: PersonForm, editing = false, today: string = todayOf()): Problems {
  const out: Problems = {}
  if (!f.name.trim()) out.name = '请填写姓名'
  else if (f.name.trim().length > 32) out.name = '姓名最多 32 个字'
  const id = normalizeIDCard(f.id_card)
  let idOK = false
  if (id) {
    const p = idCardProblem(id, today)
    if (p) out.id_card = p
    else idOK = true
  }
  if (idOK) {
    if (f.gender && f.gender !== idCardGender(id)) out.gender = '与身份证号中的性别不一致'
    if (f.birth_date && f.birth_date !== idCardBirth(id)) out.birth_date = '与身份证号中的出生日期不一致'
  } else if (!editing) {
    if (!f.gender) out.gender = '请选择性别（或填写身份证号）'
    if (!f.birth_date) out.birth_date = '请选择出生日期（或填写身份证号）'
  }
  if (f.birth_date && f.birth_date > today) out.birth_date = '出生日期不能晚于今天'
  if (f.phone.trim()) {
    const p = phoneProblem(f.phone)
    if (p) out.phone = p
  }
  if (!f.building_id) out.building_id = '请选择楼栋'
  if (!f.unit.trim()) out.unit = '请填写单元'
  else if (f.unit.trim().length > 16) out.unit = '最多 16 个字'
  if (!f.room.trim()) out.room = '请填写室号'
  else if (f.room.trim().length > 16) out.room = '最多 16 个字'
  if (f.diet_notes.trim().length > 200) out.diet_notes = '最多 200 个字'
  if (f.edit_contacts) {
    f.contacts.forEach((c, i) => {
      const at = `emergency_contacts[${i}].`
      if (!c.name.trim()) out[at + 'name'] = '请填写联系人姓名'
      if (!c.phone.trim()) out[at + 'phone'] = '请填写联系人电话'
      else if (phoneProblem(c.phone)) out[at + 'phone'] = phoneProblem(c.phone)
    })
    if (f.contacts.length > 3) out.emergency_contacts = '最多 3 位紧急联系人'
  }
  return out
}

function contactsOf(f: PersonForm): Schemas['Contact'][] {
  return f.contacts.map((c) => {
    const out: Schemas['Contact'] = { name: c.name.trim(), phone: normalizePhone(c.phone) }
    if (c.relation.trim()) out.relation = c.relation.trim()
    return out
  })
}

/** registerBody turns the form into POST /admin/persons' body; what was left empty is left out. */
export function registerBody(f: PersonForm): PersonInput {
  const body: PersonInput = {
    name: f.name.trim(),
    building_id: f.building_id ?? 0,
    unit: f.unit.trim(),
    room: f.room.trim(),
    living_alone: f.living_alone,
    care_level: f.care_level,
  }
  if (f.id_card.trim()) body.id_card = normalizeIDCard(f.id_card)
  if (f.gender) body.gender = f.gender
  if (f.birth_date) body.birth_date = f.birth_date
  if (f.phone.trim()) body.phone = normalizePhone(f.phone)
  if (f.diet_notes.trim()) body.diet_notes = f.diet_notes.trim()
  if (f.contacts.length) body.emergency_contacts = contactsOf(f)
  return body
}

/** patchBody is PATCH /persons/{id}'s body: only what differs from the person (an empty ID card or phone means unchanged). */
export function patchBody(p: Person, f: PersonForm): PersonPatch {
  const body: PersonPatch = {}
  if (f.name.trim() !== p.name) body.name = f.name.trim()
  if (f.id_card.trim()) body.id_card = normalizeIDCard(f.id_card)
  if (f.gender && f.gender !== p.gender) body.gender = f.gender
  if (f.birth_date && f.birth_date !== p.birth_date) body.birth_date = f.birth_date
  if (f.phone.trim()) body.phone = normalizePhone(f.phone)
  if (f.building_id && f.building_id !== p.building_id) body.building_id = f.building_id
  if (f.unit.trim() !== p.unit) body.unit = f.unit.trim()
  if (f.room.trim() !== p.room) body.room = f.room.trim()
  if (f.living_alone !== p.living_alone) body.living_alone = f.living_alone
  if (f.care_level !== p.care_level) body.care_level = f.care_level
  if (f.diet_notes.trim() !== p.diet_notes) body.diet_notes = f.diet_notes.trim()
  if (f.edit_contacts) body.emergency_contacts = contactsOf(f)
  return body
}

// ---- the register's filters ---------------------------------------------------------------

export interface RegisterFilter {
  q: string
  building_id: number | undefined
  /** '' all, 'yes', 'no' */
  living_alone: '' | 'yes' | 'no'
  min_age: number | undefined
  care_level: '' | Schemas['CareLevel']
  verified: '' | 'yes' | 'no'
  /** 'oldest' in the order registered (the server's default), 'newest' the latest first. */
  order: ListOrder
}

export function emptyFilter(): RegisterFilter {
  return { q: '', building_id: undefined, living_alone: '', min_age: undefined, care_level: '', verified: '', order: 'oldest' }
}


export interface RegisterQuery {
  q?: string
  building_id?: number
  living_alone?: boolean
  min_age?: number
  care_level?: Schemas['CareLevel']
  verified?: boolean
  order?: 'newest'
}

/** registerQuery is the filter as GET /admin/persons (and persons.csv) take it; what is unset is left out. */
export function registerQuery(f: RegisterFilter): RegisterQuery {
  const q: RegisterQuery = {}
  const text = f.q.trim()
  if (text) q.q = text
  if (f.building_id) q.building_id = f.building_id
  if (f.living_alone) q.living_alone = f.living_alone === 'yes'
  if (f.min_age !== undefined && f.min_age !== null && Number.isFinite(f.min_age) && f.min_age > 0) q.min_age = Math.floor(f.min_age)
  if (f.care_level) q.care_level = f.care_level
  if (f.verified) q.verified = f.verified === 'yes'
  if (f.order === 'newest') q.order = 'newest'
  return q
}

/** csvQuery is registerQuery as strings, for download(). */
export function csvQuery(f: RegisterFilter): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(registerQuery(f))) out[k] = String(v)
  return out
}

// ---- showing ------------------------------------------------------------------------------

/** address is where a person lives: 2幢 1单元 102. */
export function address(p: { building_name: string; unit: string; room: string }): string {
  return [p.building_name, p.unit, p.room].filter(Boolean).join(' ') || '—'
}

export const subsidyOptions = [
  { value: '', label: '无' },
  { value: 'dibao', label: '低保' },
  { value: 'tekun', label: '特困' },
] as const

const capacities: Record<string, string> = {
  self: '本人',
  guardian: '监护人',
  pending_guardian: '待审核监护人',
  staff: '社区工作人员',
  applicant: '申请人',
  system: '系统',
  rider: '送餐骑手',
}

const actions: Record<string, string> = {
  created: '登记建档',
  updated: '修改资料',
  verified: '核验身份',
  guardian_requested: '申请成为监护人',
  claim_requested: '申请认领档案',
  request_approved: '通过申请',
  request_rejected: '驳回申请',
  guardian_left: '监护人退出',
  guardian_removed: '移除监护人',
  primary_changed: '更换主监护人',
  owner_released: '本人账号解除关联',
  erased: '账号注销',
  claimed: '本人认领档案',
  phone_read: '查看完整电话',
  moved: '迁入本社区',
  id_card_conflict: '身份证号被填在其他档案中',
}

const fieldNames: Record<string, string> = {
  name: '姓名',
  gender: '性别',
  birth_date: '出生日期',
  id_card: '身份证号',
  phone: '电话',
  building_id: '楼栋',
  unit: '单元',
  room: '室号',
  living_alone: '独居',
  care_level: '照护等级',
  diet_notes: '饮食备注',
  emergency_contacts: '紧急联系人',
  subsidy_status: '补贴身份',
  community_id: '所属社区',
  verified: '身份核验',
}

const requestKinds: Record<string, string> = { register: '登记家人', join: '加入监护', claim: '本人认领' }

/** auditAction names what an audit entry did. */
export function auditAction(e: Pick<AuditEntry, 'action'>): string {
  return actions[e.action] ?? e.action
}

/** auditCapacity names in what capacity the actor acted. */
export function auditCapacity(c: string): string {
  return capacities[c] ?? c
}

/** auditDetail says what changed (field names, never values) and the entry's note in words. */
export function auditDetail(e: Pick<AuditEntry, 'action' | 'fields' | 'note'>): string {
  const parts: string[] = []
  if (e.fields.length) parts.push(e.fields.map((f) => fieldNames[f] ?? f).join('、'))
  let note = e.note
  if (e.action === 'request_approved' || e.action === 'request_rejected') {
    // The server writes "kind:user_id reason".
    const m = /^(register|join|claim):(\d+)\s*(.*)$/.exec(note)
    if (m) note = `${requestKinds[m[1]]}申请（用户 ${m[2]}）${m[3] ? '：' + m[3] : ''}`
  } else if (e.action === 'guardian_requested' && labels.relation[note]) {
    note = `关系：${labels.relation[note]}`
  }
  if (note) parts.push(note)
  return parts.join('；') || '—'
}

// ---- booking a meal -----------------------------------------------------------------------

/** bookingProblem explains a refused booking in words staff can tell the elder. */
export function bookingProblem(code: string, fallback: string): string {
  switch (code) {
    case 'slot_full':
      return '该餐次已订满，请选择其他餐次。'
    case 'booking_closed':
      return '已过该餐次的订餐截止时间，或该餐次已停止供应，请选择其他餐次。'
    case 'already_booked':
      return '该居民已订过这一餐，每人每餐只能订一份。可在“订餐记录”中查看或取消。'
    case 'mode_not_allowed':
      return '该用餐方式不可选：送餐仅限独居或需要照护的老人，请改选堂食或自取。'
    case 'not_found':
      return '餐次或居民不存在，请刷新后重试。'
    default:
      return fallback
  }
}

export type SlotState = 'open' | 'closed' | 'full' | 'past'

/** slotState says whether a slot can still be booked at now. */
export function slotState(s: Pick<Slot, 'closed' | 'remaining' | 'book_by'>, now: Date = new Date()): SlotState {
  if (s.closed) return 'closed'
  if (Date.parse(s.book_by) <= now.getTime()) return 'past'
  if (s.remaining <= 0) return 'full'
  return 'open'
}

export const slotStateText: Record<SlotState, string> = { open: '可预订', closed: '已停供', full: '已订满', past: '已截止' }

/**
 * deliveryAllowed mirrors the server's rule: delivery only for persons living alone or needing
 * care, unless the canteen delivers to all.
 */
export function deliveryAllowed(p: Pick<Person, 'living_alone' | 'care_level'>, deliveryForAll: boolean): boolean {
  return deliveryForAll || p.living_alone || p.care_level !== 'self_care'
}

/** modesFor are the modes a person may pick for a slot. */
export function modesFor(slot: Pick<Slot, 'modes'>, p: Pick<Person, 'living_alone' | 'care_level'>, deliveryForAll: boolean): Schemas['Mode'][] {
  return slot.modes.filter((m) => m !== 'delivery' || deliveryAllowed(p, deliveryForAll))
}

/** slotsByDate groups slots by date (in order), each day's meals in breakfast-lunch-dinner order. */
export function slotsByDate<T extends Pick<Slot, 'date' | 'meal'>>(slots: T[]): { date: string; slots: T[] }[] {
  const order: Record<string, number> = { breakfast: 0, lunch: 1, dinner: 2 }
  const days = new Map<string, T[]>()
  for (const s of [...slots].sort((a, b) => a.date.localeCompare(b.date) || order[a.meal] - order[b.meal])) {
    days.set(s.date, [...(days.get(s.date) ?? []), s])
  }
  return [...days].map(([date, slots]) => ({ date, slots }))
}

/** idempotencyKey names one attempt of a POST, so a retried request is not done twice. */
export function idempotencyKey(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') return crypto.randomUUID()
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}-${Math.random().toString(36).slice(2)}`
}

