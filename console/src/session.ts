// The console's session: its token (kept in this browser for its 12 hours), the signed-in user,
// and the community the staff member acts in.
import { reactive } from 'vue'
import type { components } from './api/schema'

type Me = components['schemas']['Me']

const storeKey = 'linli.console'

export type ConsoleRole = 'staff' | 'canteen_staff'

export type ExpiryReason = '' | 'ended' | 'revoked'

export interface Place {
  id: number
  name: string
  roles: ConsoleRole[]
}

interface Kept {
  token: string
  expiresAt: string
  communityId: number
}

function load(): Kept | null {
  try {
    const k = JSON.parse(localStorage.getItem(storeKey) ?? 'null') as Kept | null
    if (k && k.token && Date.parse(k.expiresAt) > Date.now()) return k
  } catch {
    /* a damaged entry is a signed-out browser */
  }
  localStorage.removeItem(storeKey)
  return null
}

const kept = load()

export const session = reactive({
  token: kept?.token ?? '',
  expiresAt: kept?.expiresAt ?? '',
  communityId: kept?.communityId ?? 0,
  user: null as Me | null,
  /** The communities where the user may use the console, with the roles held there. */
  places: [] as Place[],
  /** Why the server ended the session: 'ended' (expired, signed out elsewhere) or 'revoked' (the staff role taken away); '' while it lives. */
  reason: '' as ExpiryReason,
  /** Whether the server ended the session. */
  get expired(): boolean {
    return this.reason !== ''
  },

  signIn(token: string, expiresAt: string) {
    this.token = token
    this.expiresAt = expiresAt
    this.reason = ''
    this.save()
  },
  setUser(user: Me, names: Map<number, string>) {
    this.user = user
    const byCommunity = new Map<number, ConsoleRole[]>()
    for (const r of user.roles) {
      if (r.role !== 'staff' && r.role !== 'canteen_staff') continue
      byCommunity.set(r.community_id, [...(byCommunity.get(r.community_id) ?? []), r.role])
    }
    this.places = [...byCommunity].map(([id, roles]) => ({ id, name: names.get(id) ?? `社区 ${id}`, roles }))
    if (!this.places.some((p) => p.id === this.communityId)) {
      const home = this.places.find((p) => p.id === user.community_id)
      this.communityId = (home ?? this.places[0])?.id ?? 0
    }
    this.save()
  },
  pick(communityId: number) {
    this.communityId = communityId
    this.save()
  },
  /** roles are the user's console roles in the community acted in. */
  get roles(): ConsoleRole[] {
    return this.places.find((p) => p.id === this.communityId)?.roles ?? []
  },
  get isStaff(): boolean {
    return this.roles.includes('staff')
  },
  get community(): Place | undefined {
    return this.places.find((p) => p.id === this.communityId)
  },
  save() {
    if (!this.token) return
    localStorage.setItem(storeKey, JSON.stringify({ token: this.token, expiresAt: this.expiresAt, communityId: this.communityId }))
  },
  clear() {
    this.token = ''
    this.expiresAt = ''
    this.user = null
    this.places = []
    localStorage.removeItem(storeKey)
  },
  expire(reason: ExpiryReason = 'ended') {
    this.clear()
    this.reason = reason
  },
  /** What the sign-in page says after the server ended the session. */
  get expiryMessage(): string {
    if (!this.expired) return ''
    return this.reason === 'revoked' ? '您已不是本社区工作人员，如有疑问请联系社区管理员。' : '登录已失效，请重新扫码登录。'
  },
})
