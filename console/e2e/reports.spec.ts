import { deflateSync } from 'node:zlib'
import { test, expect, signIn, shot, login, codes, serverURL } from './fixtures'

/** png makes a small valid PNG (a w×h orange square), for a report's photo. */
function png(w = 64, h = 48): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    return c >>> 0
  })
  const crc = (b: Buffer) => {
    let c = 0xffffffff
    for (const x of b) c = crcTable[(c ^ x) & 0xff] ^ (c >>> 8)
    return (c ^ 0xffffffff) >>> 0
  }
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4)
    len.writeUInt32BE(data.length)
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data])
    const sum = Buffer.alloc(4)
    sum.writeUInt32BE(crc(td))
    return Buffer.concat([len, td, sum])
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(w, 0)
  ihdr.writeUInt32BE(h, 4)
  ihdr.set([8, 2, 0, 0, 0], 8)
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(w * 3, Buffer.from([240, 140, 40]))])
  const raw = Buffer.concat(Array.from({ length: h }, () => row))
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))])
}

/** upload sends a photo as the mini-program does and answers its id. */
async function upload(token: string): Promise<number> {
  const form = new FormData()
  form.append('file', new Blob([new Uint8Array(png())], { type: 'image/png' }), 'photo.png')
  const r = await fetch(serverURL() + '/api/v1/uploads', { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: form })
  if (r.status !== 201) throw new Error(`upload: ${r.status} ${await r.text()}`)
  return ((await r.json()) as { id: number }).id
}

// 报事调度: staff dispatch what no grid covers, keep the categories, and draw the grids.

test('staff assign a report that came to them to the grid worker', async ({ page }) => {
  const resident = await login(codes.resident)
  const cats = await resident.get<{ items: { key: string; level: string }[] }>('/api/v1/report-categories')
  const category = (cats.items.find((c) => c.level !== 'urgent') ?? cats.items[0]).key
  // 待审 makes the fake WeChat's content check ask for review: the report is flagged for staff.
  const text = `E2E 东门路灯不亮 待审 ${Date.now()}`
  const photo = await upload(resident.token)
  // Only a described place: no grid covers it, so it goes to staff (待派单).
  const report = await resident.post<{ id: number; status: string }>('/api/v1/reports', {
    category,
    description: text,
    urgency: 'normal',
    photo_ids: [photo],
    location_text: '小区东门岗亭旁',
    anonymous: true,
  })
  expect(report.status).toBe('submitted')
  const worker = await (await login(codes.worker)).get<{ id: number; name: string }>('/api/v1/me')

  await signIn(page, codes.staff, '/console/reports')
  await expect(page.getByRole('heading', { name: '报事列表' })).toBeVisible()
  await page.locator('.t-tabs__nav-item').filter({ hasText: '待派单' }).click()
  await expect(page).toHaveURL(/tab=submitted/)
  const row = page.getByRole('row').filter({ hasText: text })
  await expect(row).toBeVisible()
  await expect(row).toContainText('小区东门岗亭旁')
  await expect(row).toContainText('未派单')
  await expect(row).toContainText('内容待复核')
  // Anonymous to the worker, not to staff.
  await expect(row).toContainText('匿名')
  await expect(row).toContainText('王小明')
  await shot(page, 'reports-list')
  await row.getByText(text).click()

  await expect(page).toHaveURL(new RegExp(`/console/reports/${report.id}$`))
  await expect(page.getByText(text)).toBeVisible()
  await expect(page.getByTestId('report-status')).toHaveText('待派单')
  await expect(page.getByText('标记为“待复核”')).toBeVisible()
  // The photo comes through its signed URL, and opens large.
  const thumb = page.getByRole('img', { name: '报事照片 1' })
  await expect(thumb).toBeVisible()
  expect(await thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true)
  await page.getByRole('button', { name: '查看第 1 张照片' }).click()
  const large = page.locator('.t-image-viewer__modal-image:visible')
  await expect(large).toHaveCount(1)
  await shot(page, 'reports-photo')
  await page.keyboard.press('Escape')
  await expect(large).toHaveCount(0)
  await page.getByLabel('派给').click()
  await page.locator('.t-select-option').filter({ hasText: worker.name || `#${worker.id}）` }).first().click()
  await page.getByRole('button', { name: '派单', exact: true }).click()
  await expect(page.getByText('已派给')).toBeVisible()
  await expect(page.getByTestId('report-status')).toHaveText('已派单')
  const timeline = page.getByTestId('timeline')
  await expect(timeline).toContainText('派单')
  await expect(timeline).toContainText('派给')
  await shot(page, 'reports-assigned')

  const after = await resident.get<{ status: string; assignee_user_id: number }>(`/api/v1/reports/${report.id}`)
  expect(after.status).toBe('assigned')
  expect(after.assignee_user_id).toBe(worker.id)
})

test('staff add a report category with its deadlines in hours and minutes', async ({ page }) => {
  const staff = await login(codes.staff)
  const me = await staff.get<{ roles: { community_id: number; role: string }[] }>('/api/v1/me')
  const community = me.roles.find((r) => r.role === 'staff')!.community_id
  const before = await staff.get<{ items: unknown[] }>(`/api/v1/report-categories?community_id=${community}`)
  const n = before.items.length + 1
  const name = `E2E类别${Date.now() % 100000}`

  await signIn(page, codes.staff, '/console/reports/categories')
  await expect(page.getByLabel('类别1名称')).not.toHaveValue('')
  await page.getByRole('button', { name: '添加类别' }).click()
  await page.getByLabel(`类别${n}名称`).fill(name)
  await page.getByLabel(`类别${n}等级`).click()
  await page.locator('.t-select-option').filter({ hasText: /^大事$/ }).click()
  await page.getByLabel(`类别${n}接单小时`).fill('0')
  await page.getByLabel(`类别${n}接单分钟`).fill('45')
  await page.getByLabel(`类别${n}办结小时`).fill('0')
  await page.getByLabel(`类别${n}办结分钟`).fill('30')
  await page.getByLabel(`类别${n}办结分钟`).press('Tab')
  await page.getByRole('button', { name: '保存' }).click()
  // A resolve time shorter than the accept time is refused before anything is sent.
  await expect(page.getByText('办结时限不能短于接单时限')).toBeVisible()
  await page.getByLabel(`类别${n}办结小时`).fill('6')
  await page.getByLabel(`类别${n}办结分钟`).fill('0')
  await page.getByLabel(`类别${n}办结分钟`).press('Tab')
  await expect(page.getByText('共 6 小时')).toBeVisible()
  await page.getByRole('button', { name: '保存' }).click()
  await expect(page.getByText('报事类别已保存')).toBeVisible()
  await expect(page.getByText('有未保存的修改')).toHaveCount(0)
  await shot(page, 'reports-categories')

  const after = await staff.get<{ items: { name: string; level: string; accept_minutes: number; resolve_minutes: number }[] }>(
    `/api/v1/report-categories?community_id=${community}`,
  )
  expect(after.items.find((c) => c.name === name)).toMatchObject({ level: 'major', accept_minutes: 45, resolve_minutes: 360 })
  expect(after.items).toHaveLength(n)
})

test('staff create a grid, and are told when a building is already in another', async ({ page }) => {
  const staff = await login(codes.staff)
  const stamp = Date.now() % 1_000_000
  const building = await staff.post<{ id: number; name: string }>('/api/v1/admin/buildings', { name: `E2E楼${stamp}` })
  const worker = await (await login(codes.worker)).get<{ id: number; name: string }>('/api/v1/me')
  const name = `E2E网格${stamp}`

  await signIn(page, codes.staff, '/console/reports/grids')
  await expect(page.getByRole('row').filter({ hasText: '中埂第一网格' })).toBeVisible()
  await page.getByRole('button', { name: '新建网格' }).click()
  // TDesign's dialog carries no dialog role.
  const dialog = page.locator('.t-dialog').filter({ hasText: '新建网格' })
  await dialog.getByLabel('网格名称').fill(name)
  await dialog.getByLabel('楼栋').click()
  await page.locator('.t-select-option').filter({ hasText: building.name }).click()
  // 1幢 is in the demo's first grid.
  await page.locator('.t-select-option').filter({ hasText: /^1幢/ }).click()
  await dialog.getByLabel('网格名称').click()
  await dialog.getByLabel('网格员', { exact: true }).click()
  await page.locator('.t-select-option').filter({ hasText: worker.name || `#${worker.id}）` }).first().click()
  await dialog.getByLabel('网格名称').click()
  await dialog.getByRole('button', { name: '保存' }).click()
  await expect(dialog.getByText('一栋楼只能属于一个网格')).toBeVisible()
  await expect(dialog.getByText('1幢（中埂第一网格） 已在其他网格中')).toBeVisible()
  await shot(page, 'reports-grid-conflict')

  // Take 1幢 out again and save.
  await dialog.locator('.t-tag').filter({ hasText: /^1幢/ }).locator('.t-tag__icon-close').click()
  await dialog.getByRole('button', { name: '保存' }).click()
  await expect(page.getByText('网格已创建')).toBeVisible()
  await expect(dialog).toBeHidden()
  const row = page.getByRole('row').filter({ hasText: name })
  await expect(row).toContainText(building.name)
  await shot(page, 'reports-grids')

  const grids = await staff.get<{ items: { name: string; building_ids: number[]; worker_user_ids: number[]; on_duty_user_id: number }[] }>('/api/v1/admin/grids?limit=100')
  expect(grids.items.find((g) => g.name === name)).toMatchObject({ building_ids: [building.id], worker_user_ids: [worker.id], on_duty_user_id: worker.id })
})

test('staff turn the report list around: oldest first, then newest first again', async ({ page }) => {
  const staff = await login(codes.staff)
  const expected = async (order: string) => ((await staff.get(`/api/v1/admin/reports?order=${order}&limit=20`)).items as { id: number }[]).map((r) => r.id)
  const newest = await expected('newest')
  test.skip(newest.length < 2, 'the demo has fewer than two reports')

  await signIn(page, codes.staff, '/console/reports?tab=all')
  const buttons = page.getByRole('button', { name: /^查看报事 #/ })
  const ids = async () => (await buttons.evaluateAll((bs) => bs.map((b) => Number(b.getAttribute('aria-label')?.split('#')[1]))))
  await expect.poll(ids).toEqual(newest)

  const oldest = await expected('oldest')
  expect(oldest).not.toEqual(newest)
  await page.getByLabel('排序', { exact: true }).click()
  await page.locator('.t-select-option').filter({ hasText: '最早在前' }).click()
  await expect.poll(ids).toEqual(oldest)
  await shot(page, 'reports-oldest-first')

  await page.getByLabel('排序', { exact: true }).click()
  await page.locator('.t-select-option').filter({ hasText: '最新在前' }).click()
  await expect.poll(ids).toEqual(newest)
})
