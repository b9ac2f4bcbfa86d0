import type { Locator } from '@playwright/test'
import { test, expect, signIn, shot, login, serverURL, codes, shanghaiDate, type Client } from './fixtures'

// The demo community and a fresh resident of it, so what a test adds is its own.
async function community(): Promise<{ id: number; building: number }> {
  const cs = await (await fetch(serverURL() + '/api/v1/communities?limit=100')).json()
  const c = cs.items.find((x: { name: string }) => x.name === '中埂社区')
  const bs = await (await fetch(serverURL() + `/api/v1/communities/${c.id}/buildings`)).json()
  return { id: c.id, building: bs.items[0].id }
}

async function newResident(tag: string, at: { id: number; building: number }): Promise<{ client: Client; personId: number }> {
  const client = await login(`e2e-overview-${tag}`)
  await client.ok('PUT', '/api/v1/me/profile', { name: `概览测试${tag.slice(-6)}`, community_id: at.id, building_id: at.building, unit: '1单元', room: '101' })
  const persons = await client.get('/api/v1/persons')
  return { client, personId: persons.items[0].id }
}

/** count reads the number after a label in a card's text, e.g. 登记家人 3. */
async function count(card: Locator, name: string): Promise<number> {
  const text = (await card.innerText()).replace(/\s+/g, ' ')
  const m = new RegExp(`${name} (\\d+)`).exec(text)
  if (!m) throw new Error(`no "${name}" in: ${text}`)
  return Number(m[1])
}

/** big reads a card's big number (for meals, the booked of "booked / capacity"). */
async function big(card: Locator): Promise<number> {
  const text = await card.locator('.stat-big').innerText()
  return Number(/^(\d+)/.exec(text.trim())?.[1] ?? NaN)
}

test('the overview shows the day’s meals and counts a booking and a registration made in the mini-program', async ({ page }) => {
  const at = await community()
  const tomorrow = shanghaiDate(1)
  const canteens = await (await fetch(serverURL() + `/api/v1/canteens?community_id=${at.id}`)).json()
  const canteen = canteens.items.find((c: { name: string }) => c.name === '中埂邻里食堂')
  const slots = await (await fetch(serverURL() + `/api/v1/canteens/${canteen.id}/slots?from=${tomorrow}&to=${tomorrow}`)).json()
  const lunch = slots.items.find((s: { meal: string }) => s.meal === 'lunch')
  expect(lunch, 'the demo has a lunch tomorrow').toBeTruthy()

  await signIn(page)
  await expect(page.getByRole('heading', { name: '概览' })).toBeVisible()
  // Today: the demo canteen's lunch and dinner.
  const meals = page.getByTestId('meals-table')
  await expect(meals.getByRole('row').filter({ hasText: '中埂邻里食堂' }).filter({ hasText: '午餐' })).toBeVisible()
  await expect(meals.getByRole('row').filter({ hasText: '中埂邻里食堂' }).filter({ hasText: '晚餐' })).toBeVisible()
  await expect(page.getByTestId('card-meals')).toContainText('今日订餐')
  await shot(page, 'overview-today')

  // Tomorrow, before and after a resident books a delivered lunch and registers a parent.
  await page.getByRole('button', { name: '后一天' }).click()
  await expect(page.getByLabel('查看日期')).toHaveValue(tomorrow)
  await expect(page.getByTestId('card-meals')).toContainText(`${tomorrow.slice(5)} 订餐`)
  const lunchRow = meals.getByRole('row').filter({ hasText: '中埂邻里食堂' }).filter({ hasText: '午餐' })
  await expect(lunchRow).toBeVisible()
  const mealsCard = page.getByTestId('card-meals')
  const bookedBefore = await big(mealsCard)
  // Cells: 餐次, 已订/份数, 堂食, 自取, 送餐, 已取餐.
  const deliveryBefore = Number(await lunchRow.getByRole('cell').nth(4).innerText())
  const approvals = page.getByTestId('card-approvals')
  const registerBefore = await count(approvals, '登记家人')
  const reports = page.getByTestId('card-reports')
  const openBefore = await big(reports)

  const tag = String(Date.now())
  const r = await newResident(tag, at)
  // The parent lives alone, so a delivered meal is allowed; a pending guardian may already book.
  const parent = await r.client.post('/api/v1/persons', {
    name: `概览老人${tag.slice(-6)}`, gender: 'female', birth_date: '1942-03-04', building_id: at.building, unit: '2单元', room: '202',
    relation: 'parent', living_alone: true, care_level: 'self_care', diet_notes: '',
  })
  const order = await r.client.post('/api/v1/meal-orders', { slot_id: lunch.id, person_id: parent.id, mode: 'delivery', note: '' })
  expect(order.status).toBe('booked')
  const cats = await r.client.get('/api/v1/report-categories')
  await r.client.post('/api/v1/reports', {
    category: cats.items[0].key, description: `楼道灯不亮了（概览测试${tag.slice(-6)}）`, building_id: at.building, unit: '1单元', urgency: 'normal', photo_ids: [],
  })

  await page.getByRole('button', { name: '刷新' }).click()
  await expect.poll(() => big(mealsCard)).toBe(bookedBefore + 1)
  await expect(lunchRow.getByRole('cell').nth(4)).toHaveText(String(deliveryBefore + 1))
  await expect.poll(() => count(approvals, '登记家人')).toBe(registerBefore + 1)
  await expect.poll(() => big(reports)).toBe(openBefore + 1)
  await expect(page.getByLabel('查看日期')).toHaveValue(tomorrow)
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1366)
  await shot(page, 'overview-tomorrow')

  // The pending request leads to the approvals page.
  await page.getByRole('button', { name: '回到今天' }).click()
  await expect(page.getByLabel('查看日期')).toHaveValue(shanghaiDate(0))
  await approvals.getByRole('link', { name: '去审核' }).click()
  await expect(page).toHaveURL(/\/console\/approvals/)
})

test('this week’s courses show their fill and lead to the course; failed deliveries lead to their page', async ({ page }) => {
  const at = await community()
  const staff = await login(codes.staff)
  const today = shanghaiDate(0)
  // Sunday of this week (Monday to Sunday), so the session falls in the week whatever the day.
  const dow = (new Date(today + 'T00:00:00Z').getUTCDay() + 6) % 7
  const sunday = shanghaiDate(6 - dow)
  const title = `概览课程${Date.now() % 1_000_000}`
  const course = await staff.post(`/api/v1/admin/courses?community_id=${at.id}`, {
    theme: '家长成长', title, teacher: '测试老师', capacity: 4,
    enroll_by: `${shanghaiDate(7)}T20:00:00+08:00`,
    sessions: [{ starts_at: `${sunday}T20:00:00+08:00`, ends_at: `${sunday}T21:30:00+08:00`, place: '中埂社区家长大学教室' }],
  })
  const r = await newResident(String(Date.now()), at)
  const e = await r.client.post(`/api/v1/courses/${course.id}/enrollments`, { person_id: r.personId })
  expect(e.status).toBe('enrolled')

  await signIn(page)
  const row = page.getByTestId('courses-table').getByRole('row').filter({ hasText: title })
  await expect(row).toBeVisible()
  await expect(row).toContainText('1/4')
  await shot(page, 'overview-courses')
  await row.getByRole('link', { name: title }).click()
  await expect(page).toHaveURL(new RegExp(`/console/courses/${course.id}$`))

  await page.goto(serverURL() + '/console/')
  const dead = page.getByTestId('card-dead-letters')
  await expect(dead).toBeVisible()
  await dead.getByRole('link', { name: '查看' }).click()
  await expect(page).toHaveURL(/\/console\/settings\/dead-letters/)
  await expect(page.getByRole('heading', { name: '投递失败' })).toBeVisible()
})
