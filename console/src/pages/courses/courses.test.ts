import { describe, expect, it } from 'vitest'
import type { Schemas } from '../../api/client'
import {
  attendanceCount,
  audienceText,
  clockOf,
  conflictText,
  courseBody,
  emptyForm,
  fillOf,
  formOf,
  nextSession,
  patchBody,
  rosterGroups,
  sessionsText,
  stateOf,
  type CourseForm,
} from './courses'

const course: Schemas['Course'] = {
  id: 7,
  community_id: 1,
  theme: '家长成长',
  title: '缓解育儿焦虑',
  teacher: '林老师',
  description: '不比较、不内卷',
  audience: 'parents',
  min_age: null,
  max_age: null,
  sessions: [
    { index: 1, starts_at: '2026-12-03T19:00:00+08:00', ends_at: '2026-12-03T20:30:00+08:00', place: '教室' },
    { index: 2, starts_at: '2026-12-10T19:00:00+08:00', ends_at: '2026-12-10T20:30:00+08:00', place: '教室' },
  ],
  capacity: 30,
  enrolled: 12,
  waitlisted: 0,
  enroll_by: '2026-12-02T20:00:00+08:00',
  closed: false,
  certificate_sessions: 2,
  cancelled: false,
  cancel_reason: '',
}

const filled = (over: Partial<CourseForm> = {}): CourseForm => ({
  theme: ' 家长成长 ',
  title: ' 新课 ',
  teacher: '林老师',
  description: '',
  audience: 'parents',
  minAge: undefined,
  maxAge: undefined,
  capacity: 20,
  enrollByDate: '2026-12-02',
  enrollByTime: '20:00',
  certificateSessions: undefined,
  sessions: [
    { date: '2026-12-03', start: '19:00', end: '20:30', place: '教室' },
    { date: '2026-12-10', start: '9:30', end: '11:00', place: ' 活动室 ' },
  ],
  ...over,
})

describe('a course as staff see it', () => {
  it.each([
    [{ cancelled: true, closed: true }, '已取消'],
    [{ cancelled: false, closed: true }, '已截止'],
    [{ cancelled: false, closed: false }, '报名中'],
  ])('%o is %s', (c, want) => expect(stateOf(c).text).toBe(want))

  it('fills up to 100', () => {
    expect(fillOf({ enrolled: 12, capacity: 30 })).toBe(40)
    expect(fillOf({ enrolled: 3, capacity: 2 })).toBe(100)
    expect(fillOf({ enrolled: 0, capacity: 0 })).toBe(0)
  })

  it('sums up sessions and audience', () => {
    expect(sessionsText(course, new Date('2026-12-01T10:00:00+08:00'))).toBe('2 次 · 首次 12-03 周四 19:00')
    expect(sessionsText(course, new Date('2025-12-01T10:00:00+08:00'))).toBe('2 次 · 首次 2026-12-03 周四 19:00')
    expect(sessionsText({ sessions: [] })).toBe('未排课')
    expect(audienceText(course)).toBe('家长')
    expect(audienceText({ audience: 'children', min_age: 6, max_age: 12 })).toBe('儿童 6–12 岁')
  })
})

describe('the course form', () => {
  it('starts a week ahead, enrolment closing the day before', () => {
    const f = emptyForm(new Date('2026-11-30T17:00:00Z')) // 2026-12-01 in Shanghai
    expect(f.sessions).toEqual([{ date: '2026-12-08', start: '19:00', end: '20:30', place: '' }])
    expect([f.enrollByDate, f.enrollByTime]).toEqual(['2026-12-07', '20:00'])
  })

  it('adds the next session a week later', () => {
    expect(nextSession([{ date: '2026-12-29', start: '09:30', end: '11:00', place: '活动室' }])).toEqual({
      date: '2027-01-05',
      start: '09:30',
      end: '11:00',
      place: '活动室',
    })
  })

  it.each([
    ['19:00', '19:00'],
    ['9:30', '09:30'],
    ['0930', '09:30'],
    ['19：05', '19:05'],
    ['24:00', ''],
    ['7', ''],
    ['', ''],
  ])('clockOf(%s) = %s', (v, want) => expect(clockOf(v)).toBe(want))

  it('makes the create body with Shanghai stamps', () => {
    const { body, errors } = courseBody(filled({ certificateSessions: 1, description: ' 简介 ' }))
    expect(errors).toEqual({})
    expect(body).toEqual({
      theme: '家长成长',
      title: '新课',
      teacher: '林老师',
      description: '简介',
      audience: 'parents',
      capacity: 20,
      enroll_by: '2026-12-02T20:00:00+08:00',
      certificate_sessions: 1,
      sessions: [
        { starts_at: '2026-12-03T19:00:00+08:00', ends_at: '2026-12-03T20:30:00+08:00', place: '教室' },
        { starts_at: '2026-12-10T09:30:00+08:00', ends_at: '2026-12-10T11:00:00+08:00', place: '活动室' },
      ],
    })
  })

  it('sends ages only for children', () => {
    expect(courseBody(filled({ audience: 'children', minAge: 6, maxAge: 12 })).body).toMatchObject({ audience: 'children', min_age: 6, max_age: 12 })
    expect(courseBody(filled({ minAge: 6, maxAge: 12 })).body).not.toHaveProperty('min_age')
  })

  it('keys errors as the server does', () => {
    const { body, errors } = courseBody(
      filled({
        theme: '',
        teacher: '',
        capacity: 0,
        audience: 'children',
        minAge: 10,
        maxAge: 6,
        enrollByTime: '8点',
        certificateSessions: 4,
        sessions: [
          { date: '2026-12-10', start: '19:00', end: '18:00', place: '' },
          { date: '2026-12-03', start: '19:00', end: '20:00', place: '教室' },
          { date: '', start: '19:00', end: '20:00', place: '教室' },
        ],
      }),
    )
    expect(body).toBeUndefined()
    expect(errors).toEqual({
      theme: '请填写主题',
      teacher: '请填写授课老师',
      capacity: '名额应为 1 到 1000',
      max_age: '不能小于最小年龄',
      enroll_by: '截止时间应为 时:分，如 20:00',
      'sessions[0].ends_at': '结束应晚于开始',
      'sessions[0].place': '请填写地点',
      'sessions[1].starts_at': '应晚于上一次课',
      'sessions[2].starts_at': '请选择日期',
      certificate_sessions: '应为 1 到 3 次',
    })
  })

  it('needs a session', () => {
    expect(courseBody(filled({ sessions: [] })).errors.sessions).toBe('至少安排一次课')
  })
})

describe('editing a course', () => {
  it('reads a course back into the form', () => {
    const f = formOf(course)
    expect(f).toMatchObject({ title: '缓解育儿焦虑', capacity: 30, enrollByDate: '2026-12-02', enrollByTime: '20:00', certificateSessions: 2 })
    expect(f.sessions[1]).toEqual({ date: '2026-12-10', start: '19:00', end: '20:30', place: '教室', index: 2 })
  })

  it('sends nothing when nothing changed', () => {
    expect(patchBody(course, formOf(course))).toEqual({ body: {}, errors: {}, sessionsChanged: false })
  })

  it('sends only what changed', () => {
    const f = formOf(course)
    f.capacity = 40
    f.teacher = '周老师'
    f.enrollByTime = '21:00'
    expect(patchBody(course, f).body).toEqual({ capacity: 40, teacher: '周老师', enroll_by: '2026-12-02T21:00:00+08:00' })
  })

  it('sends the whole session list when one changed', () => {
    const f = formOf(course)
    f.sessions[1].place = '活动室'
    const { body, sessionsChanged } = patchBody(course, f)
    expect(sessionsChanged).toBe(true)
    expect(body?.sessions).toEqual([
      { starts_at: '2026-12-03T19:00:00+08:00', ends_at: '2026-12-03T20:30:00+08:00', place: '教室' },
      { starts_at: '2026-12-10T19:00:00+08:00', ends_at: '2026-12-10T20:30:00+08:00', place: '活动室' },
    ])
    f.sessions.pop()
    expect(patchBody(course, f).errors.certificate_sessions).toBe('应为 1 到 1 次')
    f.certificateSessions = 1
    expect(patchBody(course, f).body?.sessions).toHaveLength(1)
  })

  it('keeps attended sessions where they are', () => {
    const f = formOf(course)
    f.certificateSessions = 1
    f.sessions.splice(0, 1)
    expect(patchBody(course, f, [1]).errors.sessions).toContain('第 1 次课已有人签到')
    expect(patchBody(course, f, [2]).errors.sessions).toContain('第 2 次课已有人签到')
    expect(patchBody(course, f, []).body?.sessions).toHaveLength(1)
    const g = formOf(course)
    g.certificateSessions = 1
    g.sessions.pop()
    expect(patchBody(course, g, [1]).errors).toEqual({})
  })

  it('explains the conflicts', () => {
    expect(conflictText('capacity_below_enrolled', course)?.field).toBe('capacity')
    expect(conflictText('capacity_below_enrolled', course)?.text).toContain('12')
    expect(conflictText('session_has_attendance', course)?.field).toBe('sessions')
    expect(conflictText('invalid_transition', course)?.text).toContain('已取消')
    expect(conflictText('slot_full', course)).toBeNull()
  })
})

describe('the roster', () => {
  const line = (id: number, status: string, pos: number | null, attended: number[] = []) => ({
    enrollment_id: id,
    person_id: id,
    name: `人${id}`,
    status,
    waitlist_position: pos,
    attended,
    certificate: false,
  })

  it('puts the enrolled first, then the waiting list in order, and leaves out the cancelled', () => {
    const g = rosterGroups([line(1, 'waitlisted', 2), line(2, 'enrolled', null), line(3, 'cancelled', null), line(4, 'waitlisted', 1), line(5, 'enrolled', null)])
    expect(g.enrolled.map((l) => l.enrollment_id)).toEqual([2, 5])
    expect(g.waiting.map((l) => l.enrollment_id)).toEqual([4, 1])
  })

  it('counts check-ins per session', () => {
    expect(attendanceCount([line(1, 'enrolled', null, [1, 2]), line(2, 'enrolled', null, [1]), line(3, 'enrolled', null, [9])], 2)).toEqual([2, 1])
  })
})
