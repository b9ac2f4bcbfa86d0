import { describe, expect, it } from 'vitest'
import { ApiError } from '../../api/client'
import { checkCode, cleanCode, failure } from './counter'

describe('codes', () => {
  it('keep the digits typed or scanned', () => {
    expect(cleanCode(' 12 34-56\n')).toBe('123456')
  })

  it('are checked before asking', () => {
    expect(checkCode('')).toBe('请输入取餐码')
    expect(checkCode('12345')).toBe('取餐码是 6 位数字')
    expect(checkCode('1234567')).toBe('取餐码是 6 位数字')
    expect(checkCode('123456')).toBe('')
  })
})

describe('failure', () => {
  it('says an unknown code is not valid', () => {
    const o = failure(new ApiError(404, 'not_found', '未找到'), '123456')
    expect(o.ok).toBe(false)
    expect(o.title).toBe('取餐码无效')
    expect(o.detail).toContain('123456')
  })

  it('says an order served already', () => {
    expect(failure(new ApiError(409, 'already_served', '已取餐'), '654321').title).toBe('这份餐已经取过了')
  })

  it('shows the server field message for a malformed code, and any other message as is', () => {
    expect(failure(new ApiError(400, 'invalid_request', '请求有误', { pickup_code: '取餐码为 6 位数字' }), 'x').detail).toBe('取餐码为 6 位数字')
    expect(failure(new ApiError(503, 'unavailable', '服务暂不可用'), 'x')).toEqual({ ok: false, title: '核销失败', detail: '服务暂不可用' })
    expect(failure(new Error('boom'), 'x').detail).toBe('网络不通，请稍后再试')
  })
})
