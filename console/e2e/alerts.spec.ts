// Safety alerts (安危确认): a rider finds nobody at an elder's door; staff see it on the overview
// and the alerts page, call the numbers the alert gives, and confirm the elder safe; the elder's
// page lists it. The scene is set through the API as the mini-program would.
import { createHash } from 'node:crypto'
import type { Page } from '@playwright/test'
import { test, expect, signIn, shot, login, serverURL, codes, shanghaiDate, type Client } from './fixtures'

/** fakePhone is the number the fake WeChat gives for a getPhoneNumber code (API.md). */
function fakePhone(code: string): string {
  const n = createHash('sha256').update(code).digest().readUInt32BE(0) % 100_000_000
  return '138' + String(n).padStart(8, '0')
}

interface Alert {
  id: number
  person_id: number
  status: string
  note: string
  closed_by_name: string | null
  steps: { actor: string; role: string; action: string; note: string }[]
}

const workerPhoneCode = 'e2e-alerts-demo-worker'
const elderPhone = '13857900001' // 王秀英's number in the demo

/**
 * noAnswer sets the scene: the demo resident books a delivered dinner today for his mother 王秀英
 * in a canteen of the test's own, and the demo rider finds nobody at her door. It gives the alert.
 */
async function noAnswer(note: string): Promise<{ alert: Alert; elderId: number; resident: Client }> {
  const staff = await login(codes.staff)
  const resident = await login(codes.resident)
  const rider = await login(codes.rider)
  // The grid worker on duty for her building has a phone bound, so the alert gives it to call.
  await (await login(codes.worker)).post('/api/v1/me/phone', { code: workerPhoneCode })
  const tag = `${Date.now() % 1_000_000}`
  const canteen = await staff.post<{ id: number }>('/api/v1/admin/canteens', { name: `安危测试食堂${tag}`, address: '测试楼一楼', delivery_for_all: false })
  const date = shanghaiDate()
  const slot = await staff.post<{ id: number }>(`/api/v1/admin/canteens/${canteen.id}/slots`, {
    date,
    meal: 'dinner',
    dishes: [{ name: '清蒸鲈鱼' }, { name: '青菜豆腐' }],
    capacity: 10,
    price_fen: 1200,
    book_by: `${date}T23:59:00+08:00`,
    modes: ['eat_in', 'delivery'],
  })
  const persons = (await resident.get<{ items: { id: number; name: string }[] }>('/api/v1/persons')).items
  const elder = persons.find((p) => p.name === '王秀英')!
  expect(elder, 'the demo resident looks after 王秀英').toBeTruthy()
  const order = await resident.post<{ id: number }>('/api/v1/meal-orders', { slot_id: slot.id, person_id: elder.id, mode: 'delivery', note: '' })
  const delivered = await rider.post<{ status: string }>(`/api/v1/worker/deliveries/${order.id}/no-answer`, { note })
  expect(delivered.status).toBe('no_answer')
  const alerts = (await resident.get<{ items: Alert[] }>(`/api/v1/persons/${elder.id}/alerts?limit=50`)).items
  const alert = alerts.find((a) => a.note === note)!
  expect(alert, 'the no-answer raised an alert').toBeTruthy()
  expect(alert.status).toBe('open')
  return { alert, elderId: elder.id, resident }
}

async function pickTab(page: Page, name: string, query: string) {
  await page.locator('.t-tabs__nav-item').filter({ hasText: name }).click()
  await expect(page).toHaveURL(new RegExp(`tab=${query}`))
}

test('staff see a no-answer on the overview, call the numbers and confirm the elder safe', async ({ page }) => {
  const note = `敲门三次无人应答，电话未接 ${Date.now() % 1_000_000}`
  const { alert, elderId, resident } = await noAnswer(note)
  const staffName = (await (await login(codes.staff)).get<{ name: string }>('/api/v1/me')).name

  // The overview leads with a red warning.
  await signIn(page)
  const card = page.getByTestId('alerts-card')
  await expect(card).toBeVisible()
  await expect(card).toContainText('王秀英')
  await expect(card).toContainText('待确认平安')
  await shot(page, 'alerts-overview')

  // The alerts page opens on 待确认, with the time left before it escalates.
  await card.getByRole('link', { name: '去处理' }).click()
  await expect(page).toHaveURL(/\/console\/alerts$/)
  await expect(page.getByRole('heading', { name: '安危确认' })).toBeVisible()
  await expect(page.locator('.t-tabs__nav-item.t-is-active')).toHaveText('待确认')
  const row = page.getByTestId('alerts-table').getByRole('row').filter({ hasText: note })
  await expect(row).toContainText('王秀英')
  await expect(row).toContainText('送餐')
  await expect(row).toContainText(/还剩 (30|29|28) 分钟/)
  await expect(row).toContainText('待确认')
  await shot(page, 'alerts-list')

  // Its drawer: the steps, and the numbers to call (the read is audited).
  await row.getByRole('button', { name: '处理 王秀英 的安危确认' }).click()
  const drawer = page.getByTestId('alert-drawer')
  const steps = drawer.getByTestId('alert-steps')
  await expect(steps).toContainText('送餐无人应答，发起安危确认')
  await expect(steps).toContainText('赵志强（送餐员）')
  await expect(steps).toContainText(note)
  const phones = drawer.getByTestId('alert-phones')
  await expect(phones).toContainText(elderPhone)
  await expect(phones).toContainText('张建国')
  await expect(phones).toContainText(fakePhone(workerPhoneCode))
  await expect(drawer).toContainText('号码仅用于安危确认，查看已记录')
  await shot(page, 'alerts-drawer')

  // 已联系上，平安, with a note, confirmed.
  const said = `已电话联系，老人在女儿家 ${Date.now() % 1_000_000}`
  await drawer.getByLabel('处理备注').fill(said)
  await drawer.getByRole('button', { name: '已联系上，平安' }).click()
  await page.getByRole('button', { name: '确认平安' }).click()
  await expect(page.getByText('已确认平安，已告知家属和网格员')).toBeVisible()
  await expect(steps).toContainText(`${staffName}（社区工作人员）`)
  await expect(steps).toContainText(said)
  await expect(drawer).toContainText('本次安危确认已结束')
  await expect(drawer.getByRole('button', { name: '已联系上，平安' })).toHaveCount(0)
  await shot(page, 'alerts-confirmed')

  // It leaves 待确认 and shows under 已确认, with who confirmed it.
  await page.keyboard.press('Escape')
  await expect(row).toHaveCount(0)
  await pickTab(page, '已确认', 'closed')
  const closedRow = page.getByTestId('alerts-table').getByRole('row').filter({ hasText: note })
  await expect(closedRow).toContainText('已确认平安')
  await expect(closedRow).toContainText(staffName)

  // The family's view through the API: closed, by the staff member.
  const got = await resident.get<Alert>(`/api/v1/alerts/${alert.id}`)
  expect(got.status).toBe('closed')
  expect(got.closed_by_name).toBe(staffName)
  expect(got.steps.at(-1)).toMatchObject({ role: 'staff', action: 'safe', note: said })

  // The elder's page lists it, and its row leads back to the alert.
  await page.goto(serverURL() + `/console/persons/${elderId}`)
  await page.locator('.t-tabs__nav-item').filter({ hasText: '安危确认' }).click()
  const personRow = page.getByTestId('person-alerts').getByRole('row').filter({ hasText: note })
  await expect(personRow).toContainText('已确认平安')
  await expect(personRow).toContainText(staffName)
  await shot(page, 'alerts-person')
  await personRow.getByRole('link', { name: '查看' }).click()
  await expect(page).toHaveURL(new RegExp(`/console/alerts\\?id=${alert.id}$`))
  await expect(page.getByTestId('alert-drawer')).toContainText(note)
  await expect(page.getByTestId('alert-drawer')).toContainText(`${staffName} · `)
})

test('staff who answer an alert a relative already closed are told, and see who did', async ({ page }) => {
  const note = `无人应答，邻居说早上出门了 ${Date.now() % 1_000_000}`
  const { alert, resident } = await noAnswer(note)
  const residentName = (await resident.get<{ name: string }>('/api/v1/me')).name

  await signIn(page, codes.staff, `/console/alerts?id=${alert.id}`)
  const drawer = page.getByTestId('alert-drawer')
  await expect(drawer.getByTestId('alert-phones')).toContainText(elderPhone)

  // 我去看看 keeps it open and says so on the timeline.
  await drawer.getByRole('button', { name: '我去看看' }).click()
  await expect(page.getByText('已告知家属和网格员：你正前往查看')).toBeVisible()
  await expect(drawer.getByTestId('alert-steps')).toContainText('前往查看')
  await expect(drawer.getByRole('button', { name: '已联系上，平安' })).toBeVisible()

  // Meanwhile her son confirms her safe in the mini-program.
  await resident.post(`/api/v1/alerts/${alert.id}/acknowledge`, { outcome: 'safe', note: '妈妈在我家' })

  // The staff member's answer comes too late: told, and the alert is read again.
  await drawer.getByRole('button', { name: '已联系上，平安' }).click()
  await page.getByRole('button', { name: '确认平安' }).click()
  await expect(page.getByText('已有人确认过老人平安，已为你刷新')).toBeVisible()
  await expect(drawer).toContainText('本次安危确认已结束')
  await expect(drawer.getByTestId('alert-steps')).toContainText(`${residentName}（家属）`)
  await expect(drawer.getByTestId('alert-steps')).toContainText('妈妈在我家')
  await shot(page, 'alerts-already-closed')
})
