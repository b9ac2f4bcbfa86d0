import { describe, expect, it } from 'vitest'
import {
  actorText,
  categoriesBody,
  duration,
  gridBody,
  gridOwner,
  lateness,
  memberName,
  minutesOf,
  newKey,
  noteText,
  placeOf,
  queryOf,
  rowOf,
  shortTime,
  type CategoryRow,
} from './reports'

describe('tabs', () => {
  it.each([
    ['overdue', { overdue: true }],
    ['submitted', { status: 'submitted' }],
    ['escalated', { status: 'escalated' }],
    ['all', {}],
    ['nonsense', {}],
  ])('queryOf(%s)', (tab, want) => expect(queryOf(tab)).toEqual(want))
})

describe('placeOf', () => {
  const none = { building_name: '', unit: '', location_text: '', lat: null, lng: null }
  it.each([
    [{ ...none, building_name: '4幢', unit: '2单元' }, '4幢 2单元'],
    [{ ...none, building_name: '4幢', location_text: '楼道' }, '4幢（楼道）'],
    [{ ...none, location_text: '小区东门' }, '小区东门'],
    [{ ...none, lat: 30.123456, lng: 120.5 }, '地图位置 30.12346, 120.50000'],
    [none, '—'],
  ])('%o is %s', (r, want) => expect(placeOf(r)).toBe(want))
})

describe('shortTime', () => {
  const now = new Date('2026-12-01T10:00:00+08:00')
  it('drops this year', () => expect(shortTime('2026-12-03T11:29:00+08:00', now)).toBe('12-03 11:29'))
  it('keeps another year', () => expect(shortTime('2027-01-02T08:00:00+08:00', now)).toBe('2027-01-02 08:00'))
  it('shows a dash for none', () => expect(shortTime('', now)).toBe('—'))
})

describe('lateness follows the server rule for 需处理', () => {
  const now = new Date('2026-12-01T10:00:00+08:00')
  const past = '2026-12-01T09:00:00+08:00'
  const future = '2026-12-01T11:00:00+08:00'
  it.each([
    ['submitted', past, future, { accept: true, resolve: false, overdue: true }],
    ['assigned', past, past, { accept: true, resolve: false, overdue: true }],
    ['assigned', future, future, { accept: false, resolve: false, overdue: false }],
    ['accepted', past, past, { accept: false, resolve: true, overdue: true }],
    ['accepted', past, future, { accept: false, resolve: false, overdue: false }],
    ['escalated', future, future, { accept: false, resolve: false, overdue: true }],
    ['resolved', past, past, { accept: false, resolve: false, overdue: false }],
    ['closed', past, past, { accept: false, resolve: false, overdue: false }],
  ])('%s, accept by %s, resolve by %s', (status, acceptBy, resolveBy, want) =>
    expect(lateness({ status: status as 'submitted', accept_by: acceptBy, resolve_by: resolveBy }, now)).toEqual(want),
  )
})

describe('timeline in words', () => {
  it('names actors by name and role, the system as such', () => {
    expect(actorText({ actor: '张三', role: 'staff', actor_user_id: 1 })).toBe('张三（社区工作人员）')
    expect(actorText({ actor: '', role: 'worker', actor_user_id: 7 })).toBe('网格员 #7')
    expect(actorText({ actor: '系统', role: 'system', actor_user_id: null })).toBe('系统')
  })
  it('puts names for ids in notes', () => {
    const names = new Map([[12, '李四']])
    expect(noteText('派给 12', names)).toBe('派给 李四')
    expect(noteText('派给网格员 12', names)).toBe('派给网格员 李四')
    expect(noteText('派给 13', names)).toBe('派给 13')
    expect(noteText('水管漏了 12', names)).toBe('水管漏了 12')
  })
  it('names members without a name by phone or id', () => {
    expect(memberName({ user_id: 2, name: '王五', phone: null })).toBe('王五')
    expect(memberName({ user_id: 2, name: '', phone: '138****0000' })).toBe('138****0000（#2）')
    expect(memberName({ user_id: 2, name: '', phone: null })).toBe('未填姓名（#2）')
  })
})

describe('deadlines in hours and minutes', () => {
  it.each([
    [15, '15 分钟'],
    [60, '1 小时'],
    [90, '1 小时 30 分钟'],
    [2880, '2 天'],
    [1530, '1 天 1 小时 30 分钟'],
    [0, '—'],
  ])('duration(%i) = %s', (m, want) => expect(duration(m)).toBe(want))

  it('splits and joins minutes', () => {
    const row = rowOf({ key: 'repair', name: '设施报修', level: 'major', accept_minutes: 90, resolve_minutes: 2880 })
    expect(row).toMatchObject({ acceptHours: 1, acceptMins: 30, resolveHours: 48, resolveMins: 0 })
    expect(minutesOf(row.acceptHours, row.acceptMins)).toBe(90)
    expect(minutesOf(null, 5)).toBe(5)
  })

  it('makes keys the server accepts, unlike the others', () => {
    const k = newKey([], 1_700_000_000_000)
    expect(k).toMatch(/^[a-z][a-z0-9_]{0,31}$/)
    expect(newKey([k], 1_700_000_000_000)).not.toBe(k)
  })
})

describe('categoriesBody', () => {
  const row = (over: Partial<CategoryRow> = {}): CategoryRow => ({
    key: 'repair',
    name: '设施报修',
    level: 'major',
    acceptHours: 1,
    acceptMins: 0,
    resolveHours: 48,
    resolveMins: 0,
    ...over,
  })

  it('sends minutes', () => {
    const { body, errors } = categoriesBody([row({ name: ' 设施报修 ', acceptHours: 0, acceptMins: 30 })])
    expect(errors).toEqual({})
    expect(body).toEqual({ categories: [{ key: 'repair', name: '设施报修', level: 'major', accept_minutes: 30, resolve_minutes: 2880 }] })
  })

  it('keys errors as the server does', () => {
    const { body, errors } = categoriesBody([
      row(),
      row({ key: 'noise', name: '' }),
      row({ key: 'x', name: '设施报修', acceptHours: 0, acceptMins: 0 }),
      row({ key: 'late', name: '迟', acceptHours: 5, resolveHours: 2 }),
      row({ key: 'long', name: '久', resolveHours: 721 }),
    ])
    expect(body).toBeUndefined()
    expect(errors).toEqual({
      'categories[1].name': '请填写名称',
      'categories[2].name': '名称重复',
      'categories[2].accept_minutes': '应在 1 分钟到 30 天之间',
      'categories[3].resolve_minutes': '办结时限不能短于接单时限',
      'categories[4].resolve_minutes': '不能超过 30 天',
    })
  })

  it('refuses an empty list', () => {
    expect(categoriesBody([]).errors.categories).toBe('至少保留一类')
  })
})

describe('grids', () => {
  it('makes the body, on duty only when chosen', () => {
    expect(gridBody({ name: ' 第二网格 ', building_ids: [4, 5], worker_user_ids: [2], on_duty_user_id: null })).toEqual({
      body: { name: '第二网格', building_ids: [4, 5], worker_user_ids: [2] },
      errors: {},
    })
    expect(gridBody({ name: 'g', building_ids: [], worker_user_ids: [2, 3], on_duty_user_id: 3 }).body?.on_duty_user_id).toBe(3)
  })

  it('checks the name and who is on duty', () => {
    expect(gridBody({ name: ' ', building_ids: [], worker_user_ids: [2], on_duty_user_id: 9 }).errors).toEqual({
      name: '请填写网格名称',
      on_duty_user_id: '值班人应是本网格的网格员',
    })
  })

  it('knows which grid holds each building, but for the one edited', () => {
    const grids = [
      { id: 1, name: '一', building_ids: [1, 2] },
      { id: 2, name: '二', building_ids: [3] },
    ]
    expect([...gridOwner(grids)]).toEqual([
      [1, '一'],
      [2, '一'],
      [3, '二'],
    ])
    expect([...gridOwner(grids, 1)]).toEqual([[3, '二']])
  })
})
