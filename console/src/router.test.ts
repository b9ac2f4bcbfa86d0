import { afterEach, describe, expect, it, vi } from 'vitest'
import { nextTick } from 'vue'
import { router } from './router'
import { session } from './session'

afterEach(() => session.clear())

describe('the router', () => {
  it('gives way to the sign-in page when the server ends the session under an open page', async () => {
    router.addRoute({ path: '/probe', name: 'probe', component: { render: () => null } })
    session.signIn('lc_x', new Date(Date.now() + 3600_000).toISOString())
    session.setUser({ id: 9, name: '李红梅', phone: null, community_id: 1, person_id: null, roles: [{ community_id: 1, role: 'staff' }] } as Parameters<typeof session.setUser>[0], new Map([[1, '中埂社区']]))
    await router.push('/probe?tab=all')
    expect(router.currentRoute.value.name).toBe('probe')

    session.expire('revoked')
    await nextTick()
    // The sign-in page loads as its own chunk first.
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('login'), { timeout: 10_000 })
    expect(router.currentRoute.value.query.next).toBe('/probe?tab=all')
  })
})
