// The counter: what a pick-up code's answer tells the person at the counter, in large text.
import { ApiError } from '../../api/client'

export interface Outcome {
  ok: boolean
  title: string
  detail: string
}

/** cleanCode keeps the digits of a typed or scanned code ("12 34-56" → "123456"). */
export function cleanCode(v: string): string {
  return v.replace(/\D/g, '')
}

/** checkCode says what is wrong with a code before asking the server, or ''. */
export function checkCode(code: string): string {
  if (!code) return '请输入取餐码'
  if (!/^\d{6}$/.test(code)) return '取餐码是 6 位数字'
  return ''
}

/** failure turns a refused redemption into what the counter shows. */
export function failure(e: unknown, code: string): Outcome {
  if (e instanceof ApiError) {
    if (e.status === 404) return { ok: false, title: '取餐码无效', detail: `没有找到今天的取餐码 ${code}。请核对号码；送餐的订单不在柜台核销。` }
    if (e.code === 'already_served') return { ok: false, title: '这份餐已经取过了', detail: `取餐码 ${code} 已核销，不能重复取餐。` }
    if (e.status === 400) return { ok: false, title: '取餐码格式不对', detail: e.fields.pickup_code ?? e.message }
    return { ok: false, title: '核销失败', detail: e.message }
  }
  return { ok: false, title: '核销失败', detail: '网络不通，请稍后再试' }
}
