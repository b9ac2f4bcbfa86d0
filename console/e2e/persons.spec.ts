import { readFileSync } from 'node:fs'
import { test, expect, signIn, shot, login, codes, type Client } from './fixtures'

/** idCard makes a well-formed ID card number (GB 11643 check digit) for a birth date, unique per call. */
let seq = 0
function idCard(birth: string, male: boolean): string {
  seq++
  const order = (Date.now() + seq * 7) % 50
  const body = `330702${birth.replaceAll('-', '')}${String(order * 2 + (male ? 1 : 0)).padStart(3, '0')}`
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  let sum = 0
  for (let i = 0; i < 17; i++) sum += Number(body[i]) * w[i]
  return body + '10X98765432'[sum % 11]
}

/** A unique, plausible birth date of an elder (so the ID card is unique in the community). */
function elderBirth(): string {
  const d = new Date(Date.UTC(1935, 0, 1) + (Date.now() % 3650) * 86400_000 + seq * 86400_000)
  return d.toISOString().slice(0, 10)
}

const suffix = () => String(Date.now()).slice(-5)

async function staffAPI(): Promise<Client> {
  return login(codes.staff)
}

test('staff search the register and export it as CSV', async ({ page }) => {
  await signIn(page)
  await page.locator('.t-menu').getByText('居民档案').click()
  await expect(page).toHaveURL(/\/console\/persons$/)
  await expect(page.getByRole('link', { name: '王秀英' })).toBeVisible()

  // The start of a name finds the person; others drop out.
  await page.getByLabel('搜索居民').fill('王秀')
  await page.getByLabel('搜索居民').press('Enter')
  await expect(page.getByRole('link', { name: '赵奶奶' })).toHaveCount(0)
  await expect(page.getByRole('link', { name: '王秀英' })).toBeVisible()
  const row = page.locator('.t-table tbody tr', { has: page.getByRole('link', { name: '王秀英' }) })
  await expect(row).toContainText('138****0001')
  await expect(row).toContainText('独居')
  await expect(row).toContainText('半失能')

  // A filter with no match shows the empty state.
  await page.getByLabel('搜索居民').fill('没有这个人')
  await page.getByRole('button', { name: '查询' }).click()
  await expect(page.getByText('没有符合条件的居民')).toBeVisible()
  await page.getByLabel('搜索居民').fill('王')
  await page.getByRole('button', { name: '查询' }).click()
  await expect(page.getByRole('link', { name: '王秀英' })).toBeVisible()
  // Typing alone searches too, once the typing pauses.
  const typed = page.waitForResponse((r) => r.url().includes('/api/v1/admin/persons?') && new URL(r.url()).searchParams.get('q') === '王秀英')
  await page.getByLabel('搜索居民').fill('王秀英')
  await typed
  await expect(page.getByRole('link', { name: '王秀英' })).toBeVisible()
  await expect(page.getByRole('link', { name: '赵奶奶' })).toHaveCount(0)
  await shot(page, 'persons-search')
  // So do its pinyin initials, typed on a keyboard without Chinese input.
  await page.getByLabel('搜索居民').fill('wxy')
  await page.getByRole('button', { name: '查询' }).click()
  await expect(page.getByRole('link', { name: '王秀英' })).toBeVisible()
  await expect(page.getByRole('link', { name: '赵奶奶' })).toHaveCount(0)

  // The server turns the register around: the latest registered first.
  const names = async () => (await page.locator('.t-table tbody tr td:first-child a').allTextContents()).map((t) => t.trim())
  const oldestFirst = await names()
  const sorted = page.waitForResponse((r) => r.url().includes('/api/v1/admin/persons?') && r.url().includes('order=newest'))
  await page.getByLabel('排序').click()
  await page.locator('.t-select-option').filter({ hasText: '最新在前' }).click()
  await sorted
  await expect.poll(names).toEqual([...oldestFirst].reverse())

  const downloading = page.waitForEvent('download')
  await page.getByRole('button', { name: '导出 CSV' }).click()
  const file = await downloading
  expect(file.suggestedFilename()).toMatch(/\.csv$/)
  const bytes = readFileSync(await file.path())
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
  const lines = bytes.subarray(3).toString('utf8').split(/\r?\n/)
  expect(lines[0]).toMatch(/^编号,姓名,性别,出生日期,年龄,身份证号,电话/)
  expect(lines.some((l) => l.includes('王秀英'))).toBe(true)
  // The export follows the filter: nobody without 王 in the name.
  expect(lines.slice(1).filter(Boolean).every((l) => l.split(',')[1].includes('王'))).toBe(true)
  await shot(page, 'persons-register')
})

test('staff register a walk-in elder and book a meal for them', async ({ page }) => {
  const name = `孙阿婆${suffix()}`
  const birth = elderBirth()
  const card = idCard(birth, false)
  await signIn(page, codes.staff, '/console/persons')
  await page.getByRole('button', { name: '登记独居老人' }).click()
  const drawer = page.locator('.t-drawer', { hasText: '登记独居老人' })
  await expect(drawer.getByLabel('姓名')).toBeFocused()

  // Checked before sending: a wrong ID card and phone, missing address.
  await drawer.getByLabel('姓名').fill(name)
  await drawer.getByLabel('身份证号').fill(card.slice(0, 17) + (card[17] === '1' ? '2' : '1'))
  await drawer.getByLabel('电话', { exact: true }).fill('1385790')
  await drawer.getByRole('button', { name: '登记并打开档案' }).click()
  await expect(drawer.getByText('身份证号校验位不正确，请核对')).toBeVisible()
  await expect(drawer.getByText('手机号应为 11 位数字')).toBeVisible()
  await expect(drawer.getByText('请选择楼栋')).toBeVisible()

  await drawer.getByLabel('身份证号').fill(card)
  await expect(drawer.getByText('身份证号校验位不正确，请核对')).toHaveCount(0)
  // The ID card gives the gender and birth date.
  await expect(drawer.getByLabel('出生日期')).toHaveValue(birth)
  await expect(drawer.getByRole('radio', { name: '女' })).toBeChecked()
  await drawer.getByLabel('电话', { exact: true }).fill('13857912345')
  await drawer.getByLabel('楼栋').click()
  await page.locator('.t-select-option', { hasText: '3幢' }).click()
  await drawer.getByLabel('单元').fill('2单元')
  await drawer.getByLabel('室号').fill('402')
  await drawer.locator('label', { hasText: '半失能' }).click()
  await expect(drawer.getByRole('radio', { name: '半失能' })).toBeChecked()
  await drawer.getByLabel('饮食备注').fill('少盐，饭菜要软')
  await drawer.getByRole('button', { name: '添加紧急联系人' }).click()
  await drawer.getByLabel('联系人1姓名').fill('对门刘阿姨')
  await drawer.getByLabel('联系人1电话').fill('13857954321')
  await drawer.getByLabel('联系人1关系').fill('邻居')
  await shot(page, 'persons-walk-in-form')
  // Enter submits.
  await drawer.getByLabel('室号').press('Enter')

  await expect(page).toHaveURL(/\/console\/persons\/\d+$/)
  const id = Number(/persons\/(\d+)$/.exec(page.url())![1])
  await expect(page.getByRole('heading', { name })).toBeVisible()
  await expect(page.getByText('已核验', { exact: true }).first()).toBeVisible()
  await expect(page.getByText('3幢 2单元 402')).toBeVisible()
  await expect(page.getByText('对门刘阿姨（邻居）')).toBeVisible()

  // 代订餐: the first slot still open, delivered (she lives alone).
  await page.getByRole('button', { name: '代订餐' }).click()
  const book = page.locator('.t-drawer', { hasText: `为 ${name} 代订餐` })
  const slot = book.locator('button.slot:not([disabled])').first()
  await expect(slot).toBeVisible()
  await slot.click()
  await expect(slot).toHaveAttribute('aria-checked', 'true')
  await book.locator('label', { hasText: '送餐' }).click()
  await expect(book.getByRole('radio', { name: '送餐' })).toBeChecked()
  await expect(book.getByText(/实付/)).toBeVisible()
  await book.getByLabel('订餐备注').fill('送到门口敲门')
  await book.getByRole('button', { name: '确认订餐' }).click()
  const done = book.getByTestId('booked')
  await expect(done).toBeVisible()
  const code = (await done.getByLabel('取餐码').textContent())!.trim()
  expect(code).toMatch(/^\d{6}$/)
  await shot(page, 'persons-book-meal')

  // The order is there, as staff read it through the API.
  const staff = await staffAPI()
  const orders = await staff.get(`/api/v1/meal-orders?person_id=${id}`)
  expect(orders.items).toHaveLength(1)
  expect(orders.items[0]).toMatchObject({ person_id: id, status: 'booked', mode: 'delivery', pickup_code: code, note: '送到门口敲门' })

  // Booking the same slot again is explained.
  await book.getByRole('button', { name: '再订一餐' }).click()
  const meal = { breakfast: '早餐', lunch: '午餐', dinner: '晚餐' }[orders.items[0].meal as string]
  await book.getByRole('radio', { name: `${orders.items[0].date} ${meal}` }).click()
  await book.locator('label', { hasText: '堂食' }).click()
  await book.getByRole('button', { name: '确认订餐' }).click()
  await expect(book.getByRole('alert').filter({ hasText: '已订过这一餐' })).toBeVisible()
  await page.keyboard.press('Escape')
  await expect(book.locator('.t-drawer__content-wrapper')).toBeHidden()

  // The order shows in its tab, and can be cancelled.
  await page.locator('.t-tabs').getByText('订餐记录', { exact: true }).click()
  const orderRow = page.locator('.t-table tbody tr', { hasText: code })
  await expect(orderRow).toContainText('已预订')
  await orderRow.getByRole('button', { name: '取消' }).click()
  await page.getByRole('button', { name: '取消订餐' }).click()
  await expect(orderRow).toContainText('已取消')
  const after = await staff.get(`/api/v1/meal-orders?person_id=${id}`)
  expect(after.items[0].status).toBe('cancelled')
})

test('staff verify a person and set 低保', async ({ page }) => {
  // A resident registers their father: unverified, waiting for staff.
  const resident = await login(`e2e-persons-verify-${Date.now()}`)
  const buildings = await resident.get('/api/v1/communities/1/buildings')
  const name = `周大伯${suffix()}`
  const p = await resident.post('/api/v1/persons', {
    name, gender: 'male', birth_date: '1948-05-06', building_id: buildings.items[1].id, unit: '1单元', room: '601',
    living_alone: false, care_level: 'self_care', relation: 'parent',
  })
  expect(p.verified).toBe(false)

  await signIn(page, codes.staff, `/console/persons/${p.id}`)
  await expect(page.getByRole('heading', { name })).toBeVisible()
  await expect(page.getByText('未核验', { exact: true })).toBeVisible()
  await page.getByRole('button', { name: '核验身份' }).click()
  await page.getByRole('button', { name: '确认核验' }).click()
  await expect(page.getByText('已核验身份')).toBeVisible()
  await expect(page.getByRole('button', { name: '核验身份' })).toHaveCount(0)

  await page.getByRole('button', { name: '补贴身份' }).click()
  const dialog = page.locator('.t-dialog', { hasText: '补贴身份' })
  await dialog.locator('label', { hasText: '低保' }).click()
  await dialog.getByRole('button', { name: '保存' }).click()
  await expect(page.getByTestId('subsidy-tag')).toHaveText('低保')

  // Edit details: only what changed is sent; a new phone replaces the (masked) old one.
  await page.getByRole('button', { name: '编辑资料' }).click()
  const edit = page.locator('.t-drawer', { hasText: '编辑资料' })
  await expect(edit.getByLabel('姓名')).toHaveValue(name)
  await edit.getByLabel('室号').fill('602')
  await edit.getByLabel('电话', { exact: true }).fill('12345')
  await edit.getByRole('button', { name: '保存' }).click()
  await expect(edit.getByText('手机号应为 11 位数字')).toBeVisible()
  await edit.getByLabel('电话', { exact: true }).fill('13857911111')
  await edit.getByRole('button', { name: '保存' }).click()
  await expect(page.getByText('资料已保存')).toBeVisible()
  await expect(page.getByText('2幢 1单元 602')).toBeVisible()
  await expect(page.getByText('138****1111')).toBeVisible()

  // What the family did for him in the mini-program: a report and a course enrolment.
  const cats = await resident.get(`/api/v1/report-categories?community_id=1`)
  await resident.post('/api/v1/reports', {
    category: cats.items[0].key, description: `水龙头漏水${suffix()}`, building_id: buildings.items[1].id, urgency: 'normal', photo_ids: [], person_id: p.id,
  })
  const courses = await resident.get('/api/v1/courses?community_id=1&limit=100')
  const open = courses.items.find((c: { closed: boolean; audience: string }) => !c.closed && c.audience === 'parents')
  await resident.post(`/api/v1/courses/${open.id}/enrollments`, { person_id: p.id })
  await page.locator('.t-tabs').getByText('报事', { exact: true }).click()
  await expect(page.getByText('水龙头漏水')).toBeVisible()
  await page.locator('.t-tabs').getByText('课程报名', { exact: true }).click()
  await expect(page.getByRole('link', { name: open.title })).toBeVisible()

  // The audit trail has all three.
  await page.locator('.t-tabs').getByText('操作记录', { exact: true }).click()
  const trail = page.locator('.t-table', { hasText: '操作人' })
  await expect(trail.getByRole('cell', { name: '核验身份' })).toBeVisible()
  await expect(trail.getByRole('cell', { name: '补贴身份' })).toBeVisible()
  await expect(trail.getByRole('cell', { name: '电话、室号' })).toBeVisible()
  await shot(page, 'persons-verify-dibao')

  const staff = await staffAPI()
  const got = await staff.get(`/api/v1/persons/${p.id}`)
  expect(got).toMatchObject({ verified: true, subsidy_status: 'dibao', room: '602', phone: '138****1111' })
})
