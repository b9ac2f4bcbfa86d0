// How a guardian request reads for the staff who decide it.
import type { Schemas } from '../../api/client'
import { labels } from '../../lib/format'

type Request = Schemas['GuardianRequest']

/** requester names who asks; a new user may not have given a name yet. */
export function requester(r: Pick<Request, 'user_name' | 'user_id'>): string {
  return r.user_name.trim() || `用户 ${r.user_id}（未填写姓名）`
}

/** relationText says what the person is to the one who asks ("本人" for a claim). */
export function relationText(r: Pick<Request, 'relation' | 'kind'>): string {
  if (r.kind === 'claim' || r.relation === 'self') return '本人'
  if (r.relation === 'other') return '申请人的其他亲友'
  return `申请人的${labels.relation[r.relation] ?? r.relation}`
}

/** kindHint tells staff what approving does and what to check before. */
export function kindHint(kind: Request['kind']): string {
  switch (kind) {
    case 'register':
      return '申请人在小程序中登记了这位居民，并申请成为其监护人。通过后申请人成为监护人，居民视为已核验（补贴生效）。请核对居民身份与住址，并确认双方关系。'
    case 'join':
      return '申请人申请成为这位居民的又一位监护人。通过后可为其订餐、报事。建议与现有监护人或居民本人电话核实。'
    case 'claim':
      return '申请人称这是本人的档案，申请认领。通过后档案归其本人账号管理，并视为已核验。请当面核对身份证件。'
    default:
      return ''
  }
}

/**
 * mismatchHint says why a join or claim cannot be approved: the ID card the requester gave did not
 * match the record, or (a claim) any record of the community. Staff can only reject it; '' when
 * it may be approved.
 */
export function mismatchHint(r: Pick<Request, 'id_card_matched' | 'person_id'>): string {
  if (r.id_card_matched !== false) return ''
  return r.person_id
    ? '申请人填写的身份证号与该居民档案不符，不能通过。请驳回并写明原因（申请人会看到），如有需要请其携带证件到社区服务中心办理。'
    : '社区中没有与申请人填写的身份证号相符的档案，不能通过。请驳回并写明原因（申请人会看到），如有需要请其携带证件到社区服务中心办理。'
}

/**
 * onFileHint says, for a registration whose ID card is on file as another record, what deciding
 * it does ('' for any other request). The requester was answered as for a new ID card.
 */
export function onFileHint(r: Pick<Request, 'on_file_person_id'>): string {
  if (!r.on_file_person_id) return ''
  return `申请人登记的身份证号已在档案 ${r.on_file_person_id} 中。请先核实申请人与该居民的关系：通过后申请人成为该档案的监护人，本次登记的记录注销；驳回则本次登记的记录注销。`
}

/** statusTheme colours a request's status tag. */
export function statusTheme(s: Request['status']): 'warning' | 'success' | 'danger' | 'default' {
  if (s === 'pending') return 'warning'
  if (s === 'approved') return 'success'
  if (s === 'rejected') return 'danger'
  return 'default'
}

/** rejectProblem checks a rejection's reason, which the requester reads ('' when fine). */
export function rejectProblem(reason: string): string {
  const r = reason.trim()
  if (!r) return '请填写驳回原因，申请人会看到'
  if (r.length > 200) return '最多 200 个字'
  return ''
}

/** markRequester puts the one who asks first among the guardians, flagged. */
export function guardiansFor<T extends { user_id: number }>(guardians: T[], userId: number): (T & { requester: boolean })[] {
  const out = guardians.map((g) => ({ ...g, requester: g.user_id === userId }))
  return [...out.filter((g) => g.requester), ...out.filter((g) => !g.requester)]
}
