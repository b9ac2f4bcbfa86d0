import { readFileSync } from 'node:fs'
import { test, expect, signIn, shot, login, codes, shanghaiDate } from './fixtures'

// 家长大学: staff open a course, take its roll and hand out its roster; and cancel one.

test('staff create a course, see who enrolled, check them in and export the roster', async ({ page }) => {
  const stamp = Date.now() % 1_000_000
  const title = `E2E亲子沟通${stamp}`
  const resident = await login(codes.resident)
  const staff = await login(codes.staff)

  await signIn(page, codes.staff, '/console/courses')
  await expect(page.getByRole('heading', { name: '课程' })).toBeVisible()
  await expect(page.locator('tbody tr').first()).toContainText(/报名中|已截止|已取消/)
  await page.getByRole('button', { name: '新建课程' }).click()
  const drawer = page.locator('.t-drawer').filter({ hasText: '新建课程' })
  await drawer.getByLabel('主题').fill('家长成长')
  await drawer.getByLabel('课程名称').fill(title)
  await drawer.getByLabel('授课老师').fill('E2E 林老师')
  await drawer.getByLabel('简介').fill('和孩子好好说话。')
  await drawer.getByLabel('名额').fill('10')
  await drawer.getByLabel('第1次地点').fill('中埂社区家长大学教室')
  await drawer.getByRole('button', { name: '添加一次课' }).click()
  await expect(drawer.getByLabel('第2次地点')).toHaveValue('中埂社区家长大学教室')
  await drawer.getByLabel('第2次开始').fill('9:30')
  await drawer.getByLabel('第2次结束').fill('11:00')
  await shot(page, 'courses-create')
  await drawer.getByRole('button', { name: '创建课程' }).click()

  await expect(page).toHaveURL(/\/console\/courses\/\d+$/)
  const id = Number(/courses\/(\d+)$/.exec(page.url())![1])
  await expect(page.getByRole('heading', { name: title })).toBeVisible()
  await expect(page.getByTestId('course-state')).toHaveText('报名中')
  const created = await staff.get<{ sessions: { starts_at: string; ends_at: string }[]; capacity: number; enroll_by: string }>(`/api/v1/courses/${id}`)
  expect(created.capacity).toBe(10)
  expect(created.sessions).toHaveLength(2)
  expect(created.sessions[0].starts_at).toBe(`${shanghaiDate(7)}T19:00:00+08:00`)
  expect(created.sessions[1].starts_at).toBe(`${shanghaiDate(14)}T09:30:00+08:00`)
  expect(created.enroll_by).toBe(`${shanghaiDate(6)}T20:00:00+08:00`)

  // A resident enrols their own record in the mini-program.
  const persons = await resident.get<{ items: { id: number; name: string; relation: string }[] }>('/api/v1/persons')
  const me = persons.items.find((p) => p.relation === 'self') ?? persons.items[0]
  const enrolment = await resident.post<{ status: string }>(`/api/v1/courses/${id}/enrollments`, { person_id: me.id })
  expect(enrolment.status).toBe('enrolled')

  await page.getByRole('button', { name: '刷新名单' }).click()
  const roster = page.getByTestId('roster')
  await expect(roster.getByRole('row').filter({ hasText: me.name })).toBeVisible()
  const tick = page.getByLabel(`${me.name} 第1次签到`)
  await expect(tick).not.toBeChecked()
  // TDesign draws its own box over the input: click the box, as a person does.
  await tick.locator('..').click()
  await expect(page.getByText(`${me.name} 第 1 次已签到`)).toBeVisible()
  await expect(page.getByRole('img', { name: `${me.name} 第1次已签到` })).toBeVisible()
  await expect(page.getByLabel(`${me.name} 第2次签到`)).not.toBeChecked()
  await expect(page.getByText('1/10')).toBeVisible()
  await shot(page, 'courses-roster')

  const lines = await staff.get<{ items: { name: string; attended: number[] }[] }>(`/api/v1/admin/courses/${id}/roster`)
  expect(lines.items.find((l) => l.name === me.name)?.attended).toEqual([1])

  // A session someone attended cannot be dropped; a larger capacity is saved.
  await page.getByRole('button', { name: '编辑' }).click()
  const edit = page.locator('.t-drawer').filter({ hasText: '编辑课程' })
  await expect(edit.getByRole('button', { name: '删除第1次课' })).toBeDisabled()
  await expect(edit.getByRole('button', { name: '删除第2次课' })).toBeEnabled()
  await expect(edit.getByLabel('主题')).toBeDisabled()
  await edit.getByLabel('名额').fill('12')
  await edit.getByRole('button', { name: '保存' }).click()
  await expect(page.getByText('课程已保存')).toBeVisible()
  await expect(page.getByText('1/12')).toBeVisible()
  expect((await staff.get<{ capacity: number; sessions: unknown[] }>(`/api/v1/courses/${id}`)).sessions).toHaveLength(2)

  const saved = page.waitForEvent('download')
  await page.getByRole('button', { name: '导出名单' }).click()
  const file = await saved
  expect(file.suggestedFilename()).toMatch(/\.csv$/)
  const csv = readFileSync((await file.path())!, 'utf8')
  expect(csv).toContain(me.name)
})

test('staff cancel a course, and the enrolled are told', async ({ page }) => {
  const title = `E2E待取消课程${Date.now() % 1_000_000}`
  const staff = await login(codes.staff)
  const resident = await login(codes.resident)
  const day = shanghaiDate(10)
  const course = await staff.post<{ id: number }>('/api/v1/admin/courses', {
    theme: '家长成长',
    title,
    teacher: 'E2E 陈老师',
    capacity: 5,
    enroll_by: `${shanghaiDate(9)}T20:00:00+08:00`,
    sessions: [{ starts_at: `${day}T19:00:00+08:00`, ends_at: `${day}T20:30:00+08:00`, place: '中埂社区家长大学教室' }],
  })
  const persons = await resident.get<{ items: { id: number; relation: string }[] }>('/api/v1/persons')
  const me = persons.items.find((p) => p.relation === 'self') ?? persons.items[0]
  await resident.post(`/api/v1/courses/${course.id}/enrollments`, { person_id: me.id })

  await signIn(page, codes.staff, `/console/courses/${course.id}`)
  await expect(page.getByRole('heading', { name: title })).toBeVisible()
  await page.getByRole('button', { name: '取消课程' }).click()
  const dialog = page.locator('.t-dialog').filter({ hasText: '取消原因' })
  await expect(dialog).toContainText('已报名的 1 人')
  // A reason is asked for before anything is sent.
  await dialog.getByRole('button', { name: '确定取消课程' }).click()
  await expect(dialog.getByText('请写明取消原因')).toBeVisible()
  await dialog.getByLabel('取消原因').fill('老师临时有事，改期另行通知')
  await shot(page, 'courses-cancel')
  await dialog.getByRole('button', { name: '确定取消课程' }).click()
  await expect(page.getByText('课程已取消，已通知报名和候补的人')).toBeVisible()
  await expect(page.getByTestId('course-state')).toHaveText('已取消')
  await expect(page.getByText('本课程已取消：老师临时有事，改期另行通知')).toBeVisible()
  await expect(page.getByRole('button', { name: '取消课程', exact: true })).toBeDisabled()

  const after = await staff.get<{ cancelled: boolean; cancel_reason: string }>(`/api/v1/courses/${course.id}`)
  expect(after).toMatchObject({ cancelled: true, cancel_reason: '老师临时有事，改期另行通知' })
  const mine = await resident.get<{ items: { course_id: number; status: string }[] }>('/api/v1/enrollments')
  expect(mine.items.find((e) => e.course_id === course.id)?.status).toBe('cancelled')

  // The list still shows it, as cancelled.
  await page.goto(page.url().replace(/\/courses\/\d+$/, '/courses'))
  await page.getByLabel('搜索课程名称').fill(title)
  await page.getByLabel('搜索课程名称').press('Enter')
  const row = page.getByRole('row').filter({ hasText: title })
  await expect(row).toContainText('已取消')
  await shot(page, 'courses-list')
})
