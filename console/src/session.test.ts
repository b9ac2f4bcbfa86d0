import { afterEach, describe, expect, it } from 'vitest'
import { session } from './session'

afterEach(() => session.clear())

const user = (roles: { community_id: number; role: string }[], home: number | null = null) =>
  ({ id: 9, name: '李红梅', phone: null, community_id: home, person_id: null, roles }) as Parameters<typeof session.setUser>[0]

describe('session', () => {
  it('lists the communities where the user may use the console, and starts in their own', () => {
    session.signIn('lc_x', new Date(Date.now() + 3600_000).toISOString())
    session.setUser(
      user(
        [
          { community_id: 1, role: 'resident' },
          { community_id: 1, role: 'canteen_staff' },
          { community_id: 2, role: 'staff' },
          { community_id: 2, role: 'grid_worker' },
          { community_id: 3, role: 'volunteer' },
        ],
        2,
      ),
      new Map([
        [1, '中埂社区'],
        [2, '西街社区'],
      ]),
    )
    expect(session.places).toEqual([
      { id: 1, name: '中埂社区', roles: ['canteen_staff'] },
      { id: 2, name: '西街社区', roles: ['staff'] },
    ])
    expect(session.communityId).toBe(2)
    expect(session.isStaff).toBe(true)
    session.pick(1)
    expect(session.isStaff).toBe(false)
    expect(session.roles).toEqual(['canteen_staff'])
    // The choice and the token survive a reload of the page, nothing else.
    expect(JSON.parse(localStorage.getItem('linli.console') ?? '{}')).toMatchObject({ token: 'lc_x', communityId: 1 })
  })

  it('forgets everything on sign-out, and says so when the server ended the session', () => {
    session.signIn('lc_x', new Date(Date.now() + 3600_000).toISOString())
    session.expire()
    expect(session.token).toBe('')
    expect(session.expired).toBe(true)
    expect(localStorage.getItem('linli.console')).toBeNull()
  })
})
