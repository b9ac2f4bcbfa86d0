// What the course pages compute: a course's state and fill, the course form and the bodies it
// sends (create and edit), the roster's groups, and the server's conflicts in words.
import type { Schemas } from '../../api/client'
import { addDays, dateTime, stamp, today, weekday } from '../../lib/format'

type Course = Schemas['Course']
type RosterLine = { enrollment_id: number; person_id: number; name: string; status: string; waitlist_position?: number | null; attended: number[]; certificate: boolean }

/** stateOf is a course's state for staff: 已取消, 已截止 (enrolment closed) or 报名中. */
export function stateOf(c: Pick<Course, 'cancelled' | 'closed'>): { text: string; theme: 'default' | 'warning' | 'success' } {
  if (c.cancelled) return { text: '已取消', theme: 'default' }
  if (c.closed) return { text: '已截止', theme: 'warning' }
  return { text: '报名中', theme: 'success' }
}

/** fillOf is the share of seats taken, 0 to 100. */
export function fillOf(c: Pick<Course, 'enrolled' | 'capacity'>): number {
  if (c.capacity <= 0) return 0
  return Math.min(100, Math.round((c.enrolled / c.capacity) * 100))
}

/** dayOf shows a stamp's Shanghai date with its weekday: 2026-12-03 周四. */
export function dayOf(t: string): string {
  const d = dateTime(t).slice(0, 10)
  return `${d} ${weekday(d)}`
}

/** sessionsText sums up the sessions: "3 次 · 首次 12-03 周四 19:00" (the year shown when it is not this one). */
export function sessionsText(c: Pick<Course, 'sessions'>, now: Date = new Date()): string {
  if (c.sessions.length === 0) return '未排课'
  const first = c.sessions[0].starts_at
  const day = dayOf(first)
  return `${c.sessions.length} 次 · 首次 ${day.startsWith(today(now).slice(0, 4)) ? day.slice(5) : day} ${dateTime(first).slice(11)}`
}

/** audienceText says who the course is for. */
export function audienceText(c: Pick<Course, 'audience' | 'min_age' | 'max_age'>): string {
  if (c.audience !== 'children') return '家长'
  if (c.min_age !== null && c.min_age !== undefined && c.max_age !== null && c.max_age !== undefined) return `儿童 ${c.min_age}–${c.max_age} 岁`
  return '儿童'
}

/** A session as edited: a Shanghai date and two clock times. */
export interface SessionRow {
  date: string
  start: string
  end: string
  place: string
  /** The session's index in the saved course (from 1), for a row read from it. */
  index?: number
}

/** The course form, for creating and editing. */
export interface CourseForm {
  theme: string
  title: string
  teacher: string
  description: string
  audience: 'parents' | 'children'
  minAge: number | undefined
  maxAge: number | undefined
  capacity: number | undefined
  enrollByDate: string
  enrollByTime: string
  certificateSessions: number | undefined
  sessions: SessionRow[]
}

/** emptyForm is a new course: one evening session a week from now, enrolment closing the day before. */
export function emptyForm(now: Date = new Date()): CourseForm {
  const first = addDays(today(now), 7)
  return {
    theme: '',
    title: '',
    teacher: '',
    description: '',
    audience: 'parents',
    minAge: undefined,
    maxAge: undefined,
    capacity: 30,
    enrollByDate: addDays(first, -1),
    enrollByTime: '20:00',
    certificateSessions: undefined,
    sessions: [{ date: first, start: '19:00', end: '20:30', place: '' }],
  }
}

/** nextSession is the row the 添加一次课 button adds: a week after the last, same times and place. */
export function nextSession(rows: SessionRow[], now: Date = new Date()): SessionRow {
  const last = rows[rows.length - 1]
  if (!last) return { date: addDays(today(now), 7), start: '19:00', end: '20:30', place: '' }
  return { date: /^\d{4}-\d{2}-\d{2}$/.test(last.date) ? addDays(last.date, 7) : '', start: last.start, end: last.end, place: last.place }
}

/** formOf fills the form from a course, for editing. */
export function formOf(c: Course): CourseForm {
  const at = (t: string) => dateTime(t).split(' ') as [string, string]
  const [enrollByDate, enrollByTime] = at(c.enroll_by)
  return {
    theme: c.theme,
    title: c.title,
    teacher: c.teacher,
    description: c.description,
    audience: c.audience,
    minAge: c.min_age ?? undefined,
    maxAge: c.max_age ?? undefined,
    capacity: c.capacity,
    enrollByDate,
    enrollByTime,
    certificateSessions: c.certificate_sessions,
    sessions: c.sessions.map((s) => ({ date: at(s.starts_at)[0], start: at(s.starts_at)[1], end: at(s.ends_at)[1], place: s.place, index: s.index })),
  }
}

/** clockOf reads a typed time ("9:30", "09:30", "0930") as HH:mm, or '' when it is not one. */
export function clockOf(v: string): string {
  const m = /^\s*(\d{1,2})[:：]?(\d{2})\s*$/.exec(v)
  if (!m) return ''
  const h = Number(m[1])
  const min = Number(m[2])
  if (h > 23 || min > 59) return ''
  return `${String(h).padStart(2, '0')}:${m[2]}`
}

const isDate = (v: string) => /^\d{4}-\d{2}-\d{2}$/.test(v)
const len = (v: string) => [...v].length

type Session = { starts_at: string; ends_at: string; place: string }
type CreateBody = {
  theme: string
  title: string
  teacher: string
  description?: string
  audience?: Schemas['Audience']
  min_age?: number
  max_age?: number
  capacity: number
  enroll_by: string
  certificate_sessions?: number
  sessions: Session[]
}
export type PatchBody = Partial<Pick<CreateBody, 'capacity' | 'title' | 'teacher' | 'description' | 'enroll_by' | 'certificate_sessions' | 'sessions'>>

/** check reads and checks the form; errors are keyed as the server keys them. */
function check(f: CourseForm, creating: boolean): { errors: Record<string, string>; body: CreateBody } {
  const errors: Record<string, string> = {}
  const theme = f.theme.trim()
  const title = f.title.trim()
  const teacher = f.teacher.trim()
  const description = f.description.trim()
  if (creating) {
    if (!theme) errors.theme = '请填写主题'
    else if (len(theme) > 32) errors.theme = '最多 32 个字'
  }
  if (!title) errors.title = '请填写课程名称'
  else if (len(title) > 64) errors.title = '最多 64 个字'
  if (!teacher) errors.teacher = '请填写授课老师'
  else if (len(teacher) > 32) errors.teacher = '最多 32 个字'
  if (len(description) > 400) errors.description = '最多 400 个字'
  if (creating && f.audience === 'children') {
    const okAge = (a: number | undefined) => a === undefined || (Number.isInteger(a) && a >= 0 && a <= 18)
    if (f.minAge === undefined || !okAge(f.minAge)) errors.min_age = '请填写 0 到 18 岁'
    if (f.maxAge === undefined || !okAge(f.maxAge)) errors.max_age = '请填写 0 到 18 岁'
    else if (f.minAge !== undefined && f.minAge > f.maxAge) errors.max_age = '不能小于最小年龄'
  }
  const capacity = Number(f.capacity)
  if (f.capacity === undefined || !Number.isInteger(capacity) || capacity < 1 || capacity > 1000) errors.capacity = '名额应为 1 到 1000'

  const enrollClock = clockOf(f.enrollByTime)
  if (!isDate(f.enrollByDate)) errors.enroll_by = '请选择报名截止日期'
  else if (!enrollClock) errors.enroll_by = '截止时间应为 时:分，如 20:00'

  const sessions: Session[] = []
  if (f.sessions.length === 0) errors.sessions = '至少安排一次课'
  if (f.sessions.length > 30) errors.sessions = '最多 30 次课'
  let prev = 0
  f.sessions.forEach((s, i) => {
    const at = `sessions[${i}].`
    const start = clockOf(s.start)
    const end = clockOf(s.end)
    const place = s.place.trim()
    if (!isDate(s.date)) errors[at + 'starts_at'] = '请选择日期'
    else if (!start) errors[at + 'starts_at'] = '开始时间应为 时:分，如 19:00'
    if (!end) errors[at + 'ends_at'] = '结束时间应为 时:分，如 20:30'
    else if (start && end <= start) errors[at + 'ends_at'] = '结束应晚于开始'
    if (!place) errors[at + 'place'] = '请填写地点'
    else if (len(place) > 64) errors[at + 'place'] = '最多 64 个字'
    const starts = isDate(s.date) && start ? Date.parse(stamp(s.date, start)) : NaN
    if (!errors[at + 'starts_at'] && starts <= prev) errors[at + 'starts_at'] = '应晚于上一次课'
    if (Number.isFinite(starts)) prev = starts
    sessions.push({ starts_at: isDate(s.date) && start ? stamp(s.date, start) : '', ends_at: isDate(s.date) && end ? stamp(s.date, end) : '', place })
  })

  const cert = f.certificateSessions
  if (cert !== undefined && (!Number.isInteger(cert) || cert < 1 || cert > Math.max(1, f.sessions.length)))
    errors.certificate_sessions = `应为 1 到 ${Math.max(1, f.sessions.length)} 次`

  const body: CreateBody = { theme, title, teacher, capacity, enroll_by: enrollClock && isDate(f.enrollByDate) ? stamp(f.enrollByDate, enrollClock) : '', sessions }
  if (description) body.description = description
  body.audience = f.audience
  if (f.audience === 'children') {
    if (f.minAge !== undefined) body.min_age = f.minAge
    if (f.maxAge !== undefined) body.max_age = f.maxAge
  }
  if (cert !== undefined) body.certificate_sessions = cert
  return { errors, body }
}

/** courseBody checks the form and makes the POST /admin/courses body. */
export function courseBody(f: CourseForm): { body?: CreateBody; errors: Record<string, string> } {
  const { errors, body } = check(f, true)
  return Object.keys(errors).length ? { errors } : { body, errors }
}

const same = (a: string, b: string) => Date.parse(a) === Date.parse(b)

/**
 * patchBody checks the form and makes the PATCH body of what changed from the course (theme,
 * audience and ages cannot change). An empty body means nothing changed. attended lists the
 * sessions (from 1) someone checked in to: the server keeps attendance by position, so such a
 * session must stay where it is (neither dropped nor moved by dropping one before it).
 */
export function patchBody(c: Course, f: CourseForm, attended: number[] = []): { body?: PatchBody; errors: Record<string, string>; sessionsChanged: boolean } {
  const { errors, body: b } = check(f, false)
  for (const i of attended)
    if (f.sessions[i - 1]?.index !== i) {
      errors.sessions = `第 ${i} 次课已有人签到，不能删除，也不能删除它前面的课次（可以修改它的时间和地点）`
      break
    }
  if (Object.keys(errors).length) return { errors, sessionsChanged: false }
  const body: PatchBody = {}
  if (b.title !== c.title) body.title = b.title
  if (b.teacher !== c.teacher) body.teacher = b.teacher
  if ((b.description ?? '') !== c.description) body.description = b.description ?? ''
  if (b.capacity !== c.capacity) body.capacity = b.capacity
  if (!same(b.enroll_by, c.enroll_by)) body.enroll_by = b.enroll_by
  if (b.certificate_sessions !== undefined && b.certificate_sessions !== c.certificate_sessions) body.certificate_sessions = b.certificate_sessions
  const sessionsChanged =
    b.sessions.length !== c.sessions.length ||
    b.sessions.some((s, i) => !same(s.starts_at, c.sessions[i].starts_at) || !same(s.ends_at, c.sessions[i].ends_at) || s.place !== c.sessions[i].place)
  if (sessionsChanged) body.sessions = b.sessions
  return { body, errors, sessionsChanged }
}

/** rosterGroups splits the roster: the enrolled (in the server's order), then the waiting list by position. */
export function rosterGroups<T extends RosterLine>(items: T[]): { enrolled: T[]; waiting: T[] } {
  const enrolled = items.filter((l) => l.status === 'enrolled')
  const waiting = items.filter((l) => l.status === 'waitlisted').sort((a, b) => (a.waitlist_position ?? 1e9) - (b.waitlist_position ?? 1e9))
  return { enrolled, waiting }
}

/** attendanceCount counts check-ins per session (index from 1). */
export function attendanceCount(lines: Pick<RosterLine, 'attended'>[], sessions: number): number[] {
  const out = Array.from({ length: sessions }, () => 0)
  for (const l of lines) for (const i of l.attended) if (i >= 1 && i <= sessions) out[i - 1]++
  return out
}

/** conflictText explains the server's 409 answers to an edit; '' for other errors. */
export function conflictText(code: string, c: Pick<Course, 'enrolled'>): { field: string; text: string } | null {
  switch (code) {
    case 'capacity_below_enrolled':
      return { field: 'capacity', text: `已有 ${c.enrolled} 人报名，名额不能少于 ${c.enrolled}。要减少名额，请先请部分人取消报名。` }
    case 'session_has_attendance':
      return { field: 'sessions', text: '已有人签到的课次不能删除：请保留它（可以修改它的时间和地点）。' }
    case 'invalid_transition':
      return { field: '', text: '这门课已取消，不能再修改。' }
    default:
      return null
  }
}
