import { describe, expect, it } from 'vitest'
import { buildingError, heldRoles, memberName, payloadTargets, payloadText, residence, topicLabel, userQuery } from './settings'

describe('a building name', () => {
  it.each([
    ['', '请填写楼栋名称'],
    ['   ', '请填写楼栋名称'],
    ['7幢', ''],
    [' 东区3号楼 ', ''],
    ['幢'.repeat(64), ''],
    ['幢'.repeat(65), '楼栋名称最多 64 个字'],
  ])('%j → %j', (name, want) => expect(buildingError(name)).toBe(want))
})

describe('finding a user', () => {
  it.each([
    ['13812345678', { q: '13812345678', by: 'phone' }],
    [' 138 1234 5678 ', { q: '13812345678', by: 'phone' }],
    ['138-1234-5678', { q: '13812345678', by: 'phone' }],
    ['+8613812345678', { q: '13812345678', by: 'phone' }],
    ['王', { q: '王', by: 'name' }],
    [' 王小明 ', { q: '王小明', by: 'name' }],
    ['Li Wei', { q: 'Li Wei', by: 'name' }],
  ])('%j is sent as %j', (raw, want) => expect(userQuery(raw)).toEqual(want))

  it.each([
    ['', '请输入姓名或完整手机号'],
    ['5678', '按手机号查找请输入完整的 11 位手机号'],
    ['1381234567', '按手机号查找请输入完整的 11 位手机号'],
    ['23812345678', '按手机号查找请输入完整的 11 位手机号'],
    ['名'.repeat(33), '姓名最多 32 个字'],
  ])('%j is refused: %s', (raw, want) => expect(userQuery(raw)).toEqual({ error: want }))
})

describe('a member', () => {
  it('is named, or said to have no name', () => {
    expect(memberName({ user_id: 7, name: '王小明' })).toBe('王小明')
    expect(memberName({ user_id: 7, name: '' })).toBe('未填写姓名（用户 7）')
  })

  it('lives here, elsewhere, or nowhere known', () => {
    expect(residence({ community_id: 1 }, 1)).toBe('本社区居民')
    expect(residence({ community_id: 2 }, 1)).toBe('其他社区居民')
    expect(residence({ community_id: null }, 1)).toBe('未登记住址')
  })

  it('lists the roles held in Chinese', () => {
    expect(
      heldRoles({
        roles: [
          { role: 'grid_worker', since: '2026-01-01T00:00:00+08:00' },
          { role: 'volunteer', since: '2026-01-02T00:00:00+08:00' },
        ],
      }),
    ).toEqual(['网格员', '志愿者'])
  })
})

describe('a dead letter', () => {
  it('names known work and keeps unknown topics as they are', () => {
    expect(topicLabel('report.submitted')).toBe('报事派单')
    expect(topicLabel('something.new')).toBe('something.new')
  })

  it('links to the records its payload names', () => {
    expect(payloadTargets({ report_id: 12, order_id: 3, note: 'x' })).toEqual([
      { text: '报事 #12', to: '/reports/12' },
      { text: '订单 #3', to: undefined },
    ])
    expect(payloadTargets({ report_id: '12' })).toEqual([])
    expect(payloadTargets(null)).toEqual([])
    expect(payloadTargets([1, 2])).toEqual([])
  })

  it('shows its payload as compact JSON', () => {
    expect(payloadText({ report_id: 12 })).toBe('{"report_id":12}')
    expect(payloadText(undefined)).toBe('')
  })
})
