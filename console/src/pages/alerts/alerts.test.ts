import { describe, expect, it } from 'vitest'
import {
  ackBody,
  actionText,
  actorText,
  alertPage,
  idOf,
  noteProblem,
  polls,
  statusQuery,
  summarize,
  summaryText,
  tabOf,
  timeLeft,
  withListRow,
  type Alert,
} from './alerts'

function alert(p: Partial<Alert>): Alert {
  return {
    id: 1,
    community_id: 1,
    person_id: 9,
    person_name: '王秀英',
    address: '1号楼 2单元 301',
    order_id: 5,
    kind: 'no_answer',
    status: 'open',
    what: '12-01 午餐送餐',
    note: '敲门无人应答',
    raised_at: '2026-12-01T03:30:00Z',
    escalate_at: '2026-12-01T04:00:00Z',
    closed_at: null,
    closed_by_name: null,
    escalated_at: null,
    report_id: null,
    steps: [{ at: '2026-12-01T03:30:00Z', actor: '李骑手', actor_user_id: 3, role: 'rider', action: 'raised', note: '敲门无人应答' }],
    person_phone: null,
    worker: null,
    your_role: null,
    ...p,
  }
}

describe('tabs and the address', () => {
  it('opens the tab named, else 待确认, else 全部 for an alert asked for by id', () => {
    expect(tabOf('closed', undefined)).toBe('closed')
    expect(tabOf(undefined, undefined)).toBe('open')
    expect(tabOf('bogus', undefined)).toBe('open')
    expect(tabOf(undefined, '12')).toBe('all')
    expect(tabOf('escalated', '12')).toBe('escalated')
  })
  it('reads an id only when it is one', () => {
    expect(idOf('12')).toBe(12)
    expect(idOf(['7'])).toBe(7)
    expect(idOf('12a')).toBe(0)
    expect(idOf(undefined)).toBe(0)
    expect(idOf('')).toBe(0)
  })
  it('asks the server for the tab’s status, 全部 for all', () => {
    expect(statusQuery('open')).toBe('open')
    expect(statusQuery('all')).toBeUndefined()
  })
  it('refreshes only tabs that show waiting alerts', () => {
    expect(polls('open')).toBe(true)
    expect(polls('escalated')).toBe(true)
    expect(polls('all')).toBe(true)
    expect(polls('closed')).toBe(false)
  })
})

describe('time left before escalation', () => {
  const at = '2026-12-01T04:00:00Z'
  it('counts whole minutes up', () => {
    expect(timeLeft(at, new Date('2026-12-01T03:30:00Z'))).toEqual({ text: '还剩 30 分钟', late: false, soon: false })
    expect(timeLeft(at, new Date('2026-12-01T03:59:01Z'))).toEqual({ text: '还剩 1 分钟', late: false, soon: true })
    expect(timeLeft(at, new Date('2026-12-01T03:50:00Z')).soon).toBe(true)
    expect(timeLeft(at, new Date('2026-12-01T03:49:00Z')).soon).toBe(false)
  })
  it('shows hours past the hour', () => {
    expect(timeLeft(at, new Date('2026-12-01T02:45:00Z')).text).toBe('还剩 1 小时 15 分钟')
  })
  it('says when the time has come', () => {
    expect(timeLeft(at, new Date('2026-12-01T04:00:00Z'))).toEqual({ text: '已到时，正在派网格员', late: true, soon: true })
    expect(timeLeft('nonsense', new Date()).text).toBe('—')
  })
})

describe('steps', () => {
  it('says what each step did', () => {
    expect(actionText('raised')).toContain('无人应答')
    expect(actionText('safe')).toBe('已联系上，平安')
    expect(actionText('going')).toBe('前往查看')
    expect(actionText('escalated')).toContain('网格员')
    expect(actionText('other')).toBe('other')
  })
  it('names who took it and in what capacity', () => {
    expect(actorText({ actor: '王小明', role: 'guardian' })).toBe('王小明（家属）')
    expect(actorText({ actor: '系统', role: 'system' })).toBe('系统')
    expect(actorText({ actor: ' ', role: 'staff' })).toBe('社区工作人员')
  })
})

describe('an answer', () => {
  it('sends the note only when one was written', () => {
    expect(ackBody('safe', '  ')).toEqual({ outcome: 'safe' })
    expect(ackBody('going', ' 马上到 ')).toEqual({ outcome: 'going', note: '马上到' })
  })
  it('keeps the note within 200 characters', () => {
    expect(noteProblem('好'.repeat(200))).toBe('')
    expect(noteProblem('好'.repeat(201))).toBe('最多 200 个字')
  })
})

describe('the drawer kept up to date', () => {
  const shown = alert({ person_phone: '13800000000', worker: { user_id: 4, name: '张网格', phone: '13900000000' }, your_role: 'staff' })
  it('keeps the alert when its row did not change or is not in the list', () => {
    expect(withListRow(shown, [alert({})])).toBe(shown)
    expect(withListRow(shown, [alert({ id: 2, status: 'closed' })])).toBe(shown)
  })
  it('takes the new steps and keeps the numbers while the alert is not closed', () => {
    const row = alert({ status: 'escalated', escalated_at: '2026-12-01T03:40:00Z', report_id: 9, steps: [...shown.steps, { at: '2026-12-01T03:40:00Z', actor: '', actor_user_id: null, role: 'system', action: 'escalated', note: '' }] })
    const got = withListRow(shown, [row])
    expect(got.status).toBe('escalated')
    expect(got.steps).toHaveLength(2)
    expect(got.person_phone).toBe('13800000000')
    expect(got.worker?.phone).toBe('13900000000')
    expect(got.your_role).toBe('staff')
  })
  it('takes the closing and drops the numbers: nobody is left to call', () => {
    const row = alert({ status: 'closed', closed_by_name: '李家属', closed_at: '2026-12-01T03:40:00Z', steps: [...shown.steps, { at: '2026-12-01T03:40:00Z', actor: '李家属', actor_user_id: 8, role: 'guardian', action: 'safe', note: '' }] })
    const got = withListRow(shown, [row])
    expect(got.status).toBe('closed')
    expect(got.closed_by_name).toBe('李家属')
    expect(got.steps).toHaveLength(2)
    expect(got.person_phone).toBeNull()
    expect(got.worker).toBeNull()
    expect(got.your_role).toBe('staff')
  })
})

describe('the overview’s warning', () => {
  it('is null when nothing waits', () => {
    expect(summarize({ items: [], next_cursor: '' }, { items: [], next_cursor: '' })).toBeNull()
  })
  it('counts and names the elders, escalated first, without repeats', () => {
    const s = summarize(
      { items: [alert({ id: 1, person_name: '王秀英' }), alert({ id: 2, person_name: '王秀英' })], next_cursor: '' },
      { items: [alert({ id: 3, person_name: '李桂兰', status: 'escalated' })], next_cursor: '' },
    )!
    expect(s).toEqual({ open: 2, escalated: 1, openMore: false, escalatedMore: false, names: ['李桂兰', '王秀英'], moreNames: false })
    expect(summaryText(s)).toBe('2 位老人送餐无人应答，待确认平安；1 位超时未确认，已派网格员上门：李桂兰、王秀英')
  })
  it('says 20+ when there are more pages, and lists at most five names', () => {
    const items = Array.from({ length: 20 }, (_, i) => alert({ id: i + 1, person_name: `老人${i}` }))
    const s = summarize({ items, next_cursor: 'x' }, { items: [], next_cursor: '' })!
    expect(s.names).toHaveLength(5)
    expect(summaryText(s)).toBe('20+ 位老人送餐无人应答，待确认平安：老人0、老人1、老人2、老人3、老人4 等')
  })
  it('needs no 等 when every name is shown', () => {
    const s = summarize({ items: [alert({})], next_cursor: '' }, { items: [], next_cursor: '' })!
    expect(summaryText(s)).toBe('1 位老人送餐无人应答，待确认平安：王秀英')
  })
})

describe('a list answer', () => {
  it('reads missing items as none', () => {
    expect(alertPage({ next_cursor: '' })).toEqual({ items: [], next_cursor: '' })
  })
})
