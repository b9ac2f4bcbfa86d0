import { describe, expect, it } from 'vitest'
import { guardiansFor, kindHint, mismatchHint, onFileHint, rejectProblem, relationText, requester } from './request'

describe('request', () => {
  it('names the requester, or says the name is missing', () => {
    expect(requester({ user_name: '王小明', user_id: 3 })).toBe('王小明')
    expect(requester({ user_name: ' ', user_id: 7 })).toBe('用户 7（未填写姓名）')
  })
  it('says what the person is to the requester', () => {
    expect(relationText({ relation: 'parent', kind: 'register' })).toBe('申请人的父母')
    expect(relationText({ relation: 'self', kind: 'claim' })).toBe('本人')
    expect(relationText({ relation: 'other', kind: 'register' })).toBe('申请人的其他亲友')
    expect(relationText({ relation: 'cousin', kind: 'join' })).toBe('申请人的cousin')
  })
  it('explains every kind', () => {
    for (const k of ['register', 'join', 'claim'] as const) expect(kindHint(k)).not.toBe('')
  })
  it('says why a request whose ID card did not match can only be rejected', () => {
    expect(mismatchHint({ id_card_matched: false, person_id: 11 })).toContain('与该居民档案不符')
    expect(mismatchHint({ id_card_matched: false, person_id: null })).toContain('没有与申请人填写的身份证号相符的档案')
    expect(mismatchHint({ id_card_matched: true, person_id: 11 })).toBe('')
    expect(mismatchHint({ id_card_matched: null, person_id: 11 })).toBe('')
  })
  it('says what deciding a registration of an ID card on file does', () => {
    expect(onFileHint({ on_file_person_id: 5 })).toContain('档案 5')
    expect(onFileHint({ on_file_person_id: null })).toBe('')
  })
  it('requires a reason to reject', () => {
    expect(rejectProblem('  ')).not.toBe('')
    expect(rejectProblem('x'.repeat(201))).toBe('最多 200 个字')
    expect(rejectProblem('关系无法核实')).toBe('')
  })
  it('puts the requester first among the guardians', () => {
    const got = guardiansFor([{ user_id: 1 }, { user_id: 2 }, { user_id: 3 }], 2)
    expect(got.map((g) => [g.user_id, g.requester])).toEqual([
      [2, true],
      [1, false],
      [3, false],
    ])
  })
})
