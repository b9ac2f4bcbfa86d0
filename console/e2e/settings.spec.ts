import { createHash } from 'node:crypto'
import { test, expect, signIn, shot, login, serverURL, codes } from './fixtures'

async function community(): Promise<number> {
  const cs = await (await fetch(serverURL() + '/api/v1/communities?limit=100')).json()
  return cs.items.find((x: { name: string }) => x.name === '中埂社区').id
}

/** fakePhone is the number the fake WeChat gives for a getPhoneNumber code (API.md). */
function fakePhone(code: string): string {
  const n = createHash('sha256').update(code).digest().readUInt32BE(0) % 100_000_000
  return '138' + String(n).padStart(8, '0')
}

test('staff add a building, and a duplicate name is refused beside the field', async ({ page }) => {
  const cid = await community()
  const name = `测试楼${Date.now() % 1_000_000}`
  await signIn(page, codes.staff, '/console/settings/buildings')
  await expect(page.getByRole('heading', { name: '楼栋' })).toBeVisible()
  await expect(page.getByTestId('buildings-table').getByText('1幢', { exact: true })).toBeVisible()

  // An empty name does not leave the page.
  await page.getByRole('button', { name: '添加', exact: true }).click()
  await expect(page.getByText('请填写楼栋名称')).toBeVisible()

  await page.getByLabel('楼栋名称').fill(name)
  await page.getByLabel('楼栋名称').press('Enter')
  await expect(page.getByText(`已添加楼栋“${name}”`)).toBeVisible()
  await expect(page.getByTestId('buildings-table').getByText(name, { exact: true })).toBeVisible()
  await expect(page.getByLabel('楼栋名称')).toHaveValue('')
  const bs = await (await fetch(serverURL() + `/api/v1/communities/${cid}/buildings?limit=100`)).json()
  expect(bs.items.map((b: { name: string }) => b.name)).toContain(name)

  await page.getByLabel('楼栋名称').fill(name)
  await page.getByRole('button', { name: '添加', exact: true }).click()
  await expect(page.getByText('本社区已有同名楼栋')).toBeVisible()
  await expect(page.getByLabel('楼栋名称')).toHaveValue(name)
  await shot(page, 'settings-buildings')
})

test('staff find a user by phone, grant a role, and revoke it', async ({ page }) => {
  const cid = await community()
  const tag = String(Date.now())
  // A new resident who bound a phone in the mini-program.
  const user = await login(`e2e-member-${tag}`)
  const bs = await (await fetch(serverURL() + `/api/v1/communities/${cid}/buildings`)).json()
  const name = `成员测试${tag.slice(-6)}`
  await user.ok('PUT', '/api/v1/me/profile', { name, community_id: cid, building_id: bs.items[0].id, unit: '1单元', room: '808' })
  const phoneCode = `e2e-phone-${tag}`
  await user.post('/api/v1/me/phone', { code: phoneCode })
  const phone = fakePhone(phoneCode)
  const masked = `${phone.slice(0, 3)}****${phone.slice(7)}`

  await signIn(page, codes.staff, '/console/settings/members')
  await expect(page.getByRole('heading', { name: '成员与角色' })).toBeVisible()

  await page.getByRole('button', { name: '授予角色' }).click()
  const dialog = page.getByRole('dialog')
  // A part of a number is refused with a hint, before any call.
  await dialog.getByLabel('查找用户').fill(phone.slice(0, 7))
  await dialog.getByLabel('查找用户').press('Enter')
  await expect(dialog.getByText('按手机号查找请输入完整的 11 位手机号')).toBeVisible()

  await dialog.getByLabel('查找用户').fill(phone)
  await dialog.getByLabel('查找用户').press('Enter')
  const results = dialog.getByTestId('user-results')
  await expect(results.getByText(name)).toBeVisible()
  await expect(results.getByText(masked)).toBeVisible()
  await expect(results.getByText(phone)).toHaveCount(0)
  await expect(results.getByRole('radio')).toHaveCount(1)
  // Granting with no role picked asks for one.
  await dialog.getByRole('button', { name: '授予', exact: true }).click()
  await expect(dialog.getByText('请选择要授予的角色')).toBeVisible()
  await dialog.getByText('网格员', { exact: true }).click()
  await expect(dialog.getByRole('radio', { name: /^网格员/ })).toBeChecked()
  await shot(page, 'settings-members-grant')
  await dialog.getByRole('button', { name: '授予', exact: true }).click()
  await expect(page.getByText(`已授予${name}“网格员”角色`)).toBeVisible()

  const me = async () => (await user.get('/api/v1/me')).roles.filter((r: { community_id: number }) => r.community_id === cid).map((r: { role: string }) => r.role)
  expect(await me()).toContain('grid_worker')

  // The member shows in the list, found by name and role.
  await page.getByLabel('按姓名筛选').fill(name)
  await page.getByLabel('按姓名筛选').press('Enter')
  const row = page.getByTestId('members-table').getByRole('row').filter({ hasText: name })
  await expect(row).toContainText('网格员')
  await expect(row).toContainText(masked)
  await expect(row).toContainText('本社区居民')
  await shot(page, 'settings-members')

  await row.getByRole('button', { name: '撤销网格员' }).click()
  const confirm = page.getByRole('dialog').filter({ hasText: '撤销角色' })
  await expect(confirm).toContainText(name)
  await confirm.getByRole('button', { name: '确认撤销' }).click()
  await expect(page.getByText(`已撤销${name}的“网格员”角色`)).toBeVisible()
  await expect(page.getByTestId('members-table').getByText('没有符合条件的成员')).toBeVisible()
  expect(await me()).not.toContain('grid_worker')
})

test('the last staff member cannot be revoked, and the page says why', async ({ page }) => {
  const cid = await community()
  const staff = await login(codes.staff)
  const list = await staff.get(`/api/v1/admin/members?role=staff&community_id=${cid}`)
  // Only meaningful (and only safe) while demo-staff is the community's one staff member.
  test.skip(list.items.length !== 1, 'another staff member exists')
  const only = list.items[0]

  await signIn(page, codes.staff, '/console/settings/members')
  await page.getByLabel('按角色筛选').click()
  await page.getByRole('listitem').filter({ hasText: '社区工作人员' }).click()
  const row = page.getByTestId('members-table').getByRole('row').filter({ hasText: '我' })
  await expect(row).toHaveCount(1)
  await row.getByRole('button', { name: '撤销社区工作人员' }).click()
  const confirm = page.getByRole('dialog').filter({ hasText: '撤销角色' })
  await expect(confirm).toContainText('撤销后你将立即退出工作台')
  await confirm.getByRole('button', { name: '确认撤销' }).click()
  await expect(confirm.getByText(/社区至少要保留一名工作人员/)).toBeVisible()
  await shot(page, 'settings-members-last-staff')
  await confirm.getByRole('button', { name: '取消' }).click()
  const after = await staff.get(`/api/v1/admin/members?role=staff&community_id=${cid}`)
  expect(after.items.map((m: { user_id: number }) => m.user_id)).toEqual([only.user_id])
})

test('failed deliveries: the page lists them, or says there are none', async ({ page }) => {
  const staff = await login(codes.staff)
  const letters = await staff.get('/api/v1/admin/dead-letters')
  await signIn(page, codes.staff, '/console/settings/dead-letters')
  await expect(page.getByRole('heading', { name: '投递失败' })).toBeVisible()
  const table = page.getByTestId('dead-letters-table')
  if (letters.items.length === 0) {
    await expect(table.getByText('没有投递失败的工作')).toBeVisible()
  } else {
    await expect(table.getByRole('row').filter({ hasText: String(letters.items[0].last_error) }).first()).toBeVisible()
  }
  // Wide tables scroll inside their card; the page itself never scrolls sideways at 1366.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1366)
  await shot(page, 'settings-dead-letters')
})
