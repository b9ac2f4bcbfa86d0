import { test, expect, signIn, shot, login, serverURL, codes } from './fixtures'

test('staff sign in by scanning the QR code with the mini-program, and sign out', async ({ page }) => {
  await signIn(page)
  await expect(page.locator('.brand')).toContainText('社区工作台')
  await shot(page, 'signin-overview')
  await page.getByRole('button', { name: '退出' }).click()
  await expect(page.getByTestId('login-qr')).toBeVisible()
})

test('a declined ticket does not sign in', async ({ page }) => {
  const ticket = page.waitForResponse((r) => r.url().endsWith('/api/v1/console/tickets') && r.request().method() === 'POST')
  await page.goto(serverURL() + '/console/login')
  const { id } = await (await ticket).json()
  await expect(page.getByTestId('login-qr')).toBeVisible()
  const phone = await login(codes.staff)
  await phone.post(`/api/v1/console/tickets/${id}/scan`)
  await expect(page.getByText('已扫码，请在手机上确认登录')).toBeVisible()
  await phone.post(`/api/v1/console/tickets/${id}/decline`)
  await expect(page.getByText('已在手机上取消登录')).toBeVisible()
  await shot(page, 'signin-declined')
})

test('a resident cannot approve a console sign-in', async ({ page }) => {
  const ticket = page.waitForResponse((r) => r.url().endsWith('/api/v1/console/tickets') && r.request().method() === 'POST')
  await page.goto(serverURL() + '/console/login')
  const { id } = await (await ticket).json()
  const phone = await login(codes.resident)
  const a = await phone.call('POST', `/api/v1/console/tickets/${id}/approve`)
  expect(a.status).toBe(403)
})

test('the development login code signs in too (fake WeChat only)', async ({ page }) => {
  await page.goto(serverURL() + '/console/login')
  await page.getByLabel('登录码').fill(codes.kitchen)
  await page.getByRole('button', { name: '登录', exact: true }).click()
  await expect(page.getByRole('button', { name: '退出' })).toBeVisible()
  // Canteen staff land in the canteen and see only its pages.
  await expect(page).toHaveURL(/\/console\/canteen\/prep/)
  await expect(page.getByText('居民档案')).toHaveCount(0)
})
