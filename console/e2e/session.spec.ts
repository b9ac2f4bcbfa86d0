import { test, expect, signIn, shot, login, serverURL, codes, type Client } from './fixtures'

async function community(): Promise<number> {
  const cs = await (await fetch(serverURL() + '/api/v1/communities?limit=100')).json()
  return cs.items.find((x: { name: string }) => x.name === '中埂社区').id
}

/** newStaff makes a fresh user of the mini-program and has the demo staff member grant them roles. */
async function newStaff(cid: number, roles: string[]): Promise<{ code: string; id: number; staff: Client }> {
  const code = `e2e-session-${Date.now()}-${Math.floor(Math.random() * 1000)}`
  const user = await login(code)
  const id = (await user.get('/api/v1/me')).id as number
  const staff = await login(codes.staff)
  for (const role of roles) await staff.post(`/api/v1/admin/members?community_id=${cid}`, { user_id: id, role })
  return { code, id, staff }
}

test('a session the server ended sends the console back to sign-in, saying so', async ({ page }) => {
  const cid = await community()
  const { code, id, staff } = await newStaff(cid, ['staff'])
  await signIn(page, code)
  await expect(page.locator('.t-menu').getByText('居民档案')).toBeVisible()

  // Another staff member revokes the only console role this user held: the server ends the session.
  await staff.ok('DELETE', `/api/v1/admin/members/${id}/staff?community_id=${cid}`)
  await page.locator('.t-menu').getByText('居民档案').click()

  await expect(page.getByTestId('expired')).toContainText('登录已失效，请重新扫码登录')
  await expect(page.getByTestId('login-qr')).toBeVisible()
  await expect(page).toHaveURL(/\/console\/login\?next=/)
  expect(await page.evaluate(() => localStorage.getItem('linli.console'))).toBeNull()
  await shot(page, 'session-ended')
})

test('staff whose staff role was revoked, but who keep another, are told so on the sign-in page', async ({ page }) => {
  const cid = await community()
  const { code, id, staff } = await newStaff(cid, ['staff', 'canteen_staff'])
  await signIn(page, code, '/console/persons')
  await expect(page.getByRole('heading', { name: '居民档案' })).toBeVisible()

  // Still canteen staff, so the session lives on; staff pages are refused from now on.
  await staff.ok('DELETE', `/api/v1/admin/members/${id}/staff?community_id=${cid}`)
  await page.locator('.t-menu').getByText('报事列表').click()

  await expect(page.getByTestId('expired')).toContainText('您已不是本社区工作人员')
  await expect(page.getByTestId('login-qr')).toBeVisible()
  await shot(page, 'session-revoked')
  await staff.ok('DELETE', `/api/v1/admin/members/${id}/canteen_staff?community_id=${cid}`)
})

test('signing out in another tab ends the session here too at the next step', async ({ page }) => {
  await signIn(page)
  const token = await page.evaluate(() => JSON.parse(localStorage.getItem('linli.console') ?? '{}').token as string)
  const r = await fetch(serverURL() + '/api/v1/auth/logout', { method: 'POST', headers: { Authorization: `Bearer ${token}` } })
  expect(r.status).toBeLessThan(300)
  await page.locator('.t-menu').getByText('审核').click()
  await expect(page.getByTestId('expired')).toContainText('登录已失效，请重新扫码登录')
  await expect(page.getByTestId('login-qr')).toBeVisible()
})
