import { describe, expect, it } from 'vitest'
import type { Schemas } from '../../api/client'
import {
  auditDetail,
  bookingProblem,
  csvQuery,
  deliveryAllowed,
  emptyFilter,
  emptyForm,
  formOf,
  formProblems,
  idCardBirth,
  idCardGender,
  idCardProblem,
  modesFor,
  patchBody,
  phoneProblem,
  registerBody,
  registerQuery,
  slotState,
  slotsByDate,
} from './person'

const today = '2026-12-01'

function person(over: Partial<Schemas['Person']> = {}): Schemas['Person'] {
  return {
    id: 3, community_id: 1, name: '王秀英', gender: 'female', birth_date: '1945-03-05', age: 81, id_card: '330702********0022',
    phone: '138****0001', building_id: 2, building_name: '2幢', unit: '1单元', room: '102', living_alone: true,
    care_level: 'partly_dependent', diet_notes: '少糖', emergency_contacts: [{ name: '王小明', phone: '138****0002', relation: '儿子' }],
    verified: true, has_account: false, guardianship: null, relation: null, primary: false, created_at: '', updated_at: '', ...over,
  }
}

describe('idCardProblem', () => {
  const tests: { give: string; want: string }[] = [
    { give: '330702194503050022', want: '' },
    { give: '330702193809110054', want: '' },
    { give: ' 330702194503050022 ', want: '' },
    { give: '33070219450305002', want: '身份证号应为 18 位' },
    { give: '3307021945030500221', want: '身份证号应为 18 位' },
    { give: '33070219450305002A', want: '身份证号前 17 位应为数字，最后一位为数字或 X' },
    { give: '330702194503050023', want: '身份证号校验位不正确，请核对' },
    // A valid check digit on an impossible date (Feb 30).
    { give: '330702194502300026', want: '身份证号中的出生日期不正确' },
  ]
  for (const tt of tests) {
    it(tt.give, () => {
      expect(idCardProblem(tt.give, today)).toBe(tt.want)
    })
  }
  it('refuses a birth date after today', () => {
    // 2030-01-01, check digit computed for it.
    expect(idCardProblem('330702203001010014', today)).toBe('身份证号中的出生日期不正确')
  })
  it('reads the birth date and gender', () => {
    expect(idCardBirth('330702194503050022')).toBe('1945-03-05')
    expect(idCardGender('330702194503050022')).toBe('female')
    expect(idCardGender('330702194503050011')).toBe('male')
  })
})

describe('phoneProblem', () => {
  const tests: { give: string; want: boolean }[] = [
    { give: '13857900001', want: true },
    { give: '138 5790 0001', want: true },
    { give: '0579-82345678', want: true },
    { give: '057982345678', want: true },
    { give: '1385790000', want: false },
    { give: '23857900001', want: false },
    { give: '12', want: false },
  ]
  for (const tt of tests) {
    it(tt.give, () => {
      expect(phoneProblem(tt.give) === '').toBe(tt.want)
    })
  }
  it('says a short mobile number needs 11 digits', () => {
    expect(phoneProblem('1385790')).toBe('手机号应为 11 位数字')
  })
})

describe('formProblems', () => {
  it('asks for everything required of a new registration', () => {
    const got = formProblems(emptyForm(), false, today)
    expect(Object.keys(got).sort()).toEqual(['birth_date', 'building_id', 'gender', 'name', 'room', 'unit'])
  })
  it('takes gender and birth date from a valid ID card', () => {
    const f = { ...emptyForm(), name: '张奶奶', id_card: '330702194503050022', building_id: 1, unit: '1单元', room: '101' }
    expect(formProblems(f, false, today)).toEqual({})
  })
  it('flags a gender that disagrees with the ID card', () => {
    const f = { ...emptyForm(), name: '张奶奶', id_card: '330702194503050022', gender: 'male' as const, building_id: 1, unit: '1', room: '1' }
    expect(formProblems(f, false, today)).toEqual({ gender: '与身份证号中的性别不一致' })
  })
  it('checks the phone and the contacts', () => {
    const f = {
      ...emptyForm(), name: '张', gender: 'female' as const, birth_date: '1940-01-01', building_id: 1, unit: '1', room: '1', phone: '123',
      contacts: [{ name: '', phone: '13800000000', relation: '' }, { name: '李', phone: '1', relation: '邻居' }],
    }
    expect(formProblems(f, false, today)).toEqual({
      phone: '手机号应为 11 位数字',
      'emergency_contacts[0].name': '请填写联系人姓名',
      'emergency_contacts[1].phone': '手机号应为 11 位数字',
    })
  })
  it('lets an edit leave the ID card, gender and birth date as they are', () => {
    const f = { ...formOf(person({ gender: null, birth_date: null })) }
    expect(formProblems(f, true, today)).toEqual({})
  })
})

describe('registerBody', () => {
  it('leaves out what was left empty and tidies what was typed', () => {
    const f = {
      ...emptyForm(), name: ' 张奶奶 ', id_card: '33070219380911005x', building_id: 4, unit: '1单元', room: '201', phone: '138 5790 0009',
      gender: 'female' as const, birth_date: '1938-09-11', care_level: 'fully_dependent' as const, living_alone: false,
    }
    expect(registerBody(f)).toEqual({
      name: '张奶奶', id_card: '33070219380911005X', gender: 'female', birth_date: '1938-09-11', phone: '13857900009',
      building_id: 4, unit: '1单元', room: '201', living_alone: false, care_level: 'fully_dependent',
    })
  })
  it('sends contacts without an empty relation', () => {
    const f = { ...emptyForm(), name: 'a', gender: 'male' as const, birth_date: '1940-01-01', building_id: 1, unit: '1', room: '1', contacts: [{ name: '李', phone: '13800000000', relation: ' ' }] }
    expect(registerBody(f).emergency_contacts).toEqual([{ name: '李', phone: '13800000000' }])
  })
})

describe('patchBody', () => {
  it('is empty when nothing changed', () => {
    const p = person()
    expect(patchBody(p, formOf(p))).toEqual({})
  })
  it('sends only the changes; a new phone replaces the masked one', () => {
    const p = person()
    const f = { ...formOf(p), room: '103', living_alone: false, phone: '13900000000', diet_notes: '' }
    expect(patchBody(p, f)).toEqual({ room: '103', living_alone: false, phone: '13900000000', diet_notes: '' })
  })
  it('sends the contacts as a whole once staff retype them', () => {
    const p = person()
    const f = formOf(p)
    f.edit_contacts = true
    f.contacts[0].phone = '13857900002'
    expect(patchBody(p, f)).toEqual({ emergency_contacts: [{ name: '王小明', phone: '13857900002', relation: '儿子' }] })
  })
})

describe('registerQuery', () => {
  it('leaves out what is unset', () => {
    expect(registerQuery(emptyFilter())).toEqual({})
  })
  it('turns every filter into the API query', () => {
    const f = { q: ' 王 ', building_id: 2, living_alone: 'yes' as const, min_age: 80.6, care_level: 'self_care' as const, verified: 'no' as const, order: 'newest' as const }
    expect(registerQuery(f)).toEqual({ q: '王', building_id: 2, living_alone: true, min_age: 80, care_level: 'self_care', verified: false, order: 'newest' })
    expect(csvQuery(f)).toEqual({ q: '王', building_id: '2', living_alone: 'true', min_age: '80', care_level: 'self_care', verified: 'false', order: 'newest' })
  })
  it('ignores an age of 0 or none', () => {
    expect(registerQuery({ ...emptyFilter(), min_age: 0 })).toEqual({})
    expect(registerQuery({ ...emptyFilter(), living_alone: 'no' })).toEqual({ living_alone: false })
  })
})

describe('auditDetail', () => {
  it('names the fields changed', () => {
    expect(auditDetail({ action: 'updated', fields: ['phone', 'room'], note: '' })).toBe('电话、室号')
  })
  it('reads a decision note', () => {
    expect(auditDetail({ action: 'request_rejected', fields: [], note: 'join:4 关系无法核实' })).toBe('加入监护申请（用户 4）：关系无法核实')
    expect(auditDetail({ action: 'request_approved', fields: [], note: 'register:3' })).toBe('登记家人申请（用户 3）')
  })
  it('shows a dash for nothing', () => {
    expect(auditDetail({ action: 'verified', fields: [], note: '' })).toBe('—')
  })
})

describe('booking', () => {
  it('explains the conflicts in words', () => {
    expect(bookingProblem('slot_full', 'x')).toContain('已订满')
    expect(bookingProblem('booking_closed', 'x')).toContain('截止')
    expect(bookingProblem('already_booked', 'x')).toContain('已订过')
    expect(bookingProblem('mode_not_allowed', 'x')).toContain('送餐仅限')
    expect(bookingProblem('rate_limited', '请求太频繁')).toBe('请求太频繁')
  })
  it('tells a slot that can be booked', () => {
    const now = new Date('2026-12-01T10:00:00+08:00')
    const s = { closed: false, remaining: 3, book_by: '2026-12-02T09:30:00+08:00' }
    expect(slotState(s, now)).toBe('open')
    expect(slotState({ ...s, remaining: 0 }, now)).toBe('full')
    expect(slotState({ ...s, book_by: '2026-12-01T09:30:00+08:00' }, now)).toBe('past')
    expect(slotState({ ...s, closed: true }, now)).toBe('closed')
  })
  it('offers delivery only to those who may have it', () => {
    const slot = { modes: ['eat_in', 'pickup', 'delivery'] as Schemas['Mode'][] }
    expect(modesFor(slot, { living_alone: false, care_level: 'self_care' }, false)).toEqual(['eat_in', 'pickup'])
    expect(modesFor(slot, { living_alone: true, care_level: 'self_care' }, false)).toEqual(['eat_in', 'pickup', 'delivery'])
    expect(deliveryAllowed({ living_alone: false, care_level: 'fully_dependent' }, false)).toBe(true)
    expect(deliveryAllowed({ living_alone: false, care_level: 'self_care' }, true)).toBe(true)
  })
  it('groups slots by day, meals in order', () => {
    const got = slotsByDate([
      { id: 1, date: '2026-12-02', meal: 'dinner' as const },
      { id: 2, date: '2026-12-01', meal: 'lunch' as const },
      { id: 3, date: '2026-12-02', meal: 'breakfast' as const },
    ])
    expect(got.map((d) => [d.date, d.slots.map((s) => s.id)])).toEqual([
      ['2026-12-01', [2]],
      ['2026-12-02', [3, 1]],
    ])
  })
})
