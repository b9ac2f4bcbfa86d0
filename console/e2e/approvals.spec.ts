import { test, expect, signIn, shot, login, codes, type Client } from './fixtures'

/** idCard makes a well-formed ID card number (GB 11643 check digit), unique per call in a run. */
let seq = 0
function idCard(birth: string, male: boolean): string {
  seq++
  const order = (Date.now() + seq * 13) % 50
  const body = `330702${birth.replaceAll('-', '')}${String(order * 2 + (male ? 1 : 0)).padStart(3, '0')}`
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  let sum = 0
  for (let i = 0; i < 17; i++) sum += Number(body[i]) * w[i]
  return body + '10X98765432'[sum % 11]
}

function birthOf(n: number): string {
  const d = new Date(Date.UTC(1936, 0, 1) + ((Date.now() + n * 97) % 3650) * 86400_000)
  return d.toISOString().slice(0, 10)
}

/** A new resident of the demo community, with a name, through the mini-program's API. */
async function resident(name: string): Promise<{ client: Client; buildingId: number }> {
  const client = await login(`e2e-approvals-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`)
  const communities = await client.get('/api/v1/communities?limit=100')
  const community = communities.items.find((c: { name: string }) => c.name === '中埂社区')
  const buildings = await client.get(`/api/v1/communities/${community.id}/buildings`)
  await client.ok('PUT', '/api/v1/me/profile', { name, community_id: community.id, building_id: buildings.items[0].id, unit: '1单元', room: '808' })
  return { client, buildingId: buildings.items[2].id }
}

/** A resident registers an elder relative: a pending 'register' request for staff. */
async function registerElder(r: { client: Client; buildingId: number }, name: string, relation: string, n: number) {
  const birth = birthOf(n)
  const card = idCard(birth, n % 2 === 1)
  const p = await r.client.post('/api/v1/persons', {
    name, id_card: card, building_id: r.buildingId, unit: '2单元', room: `${100 + n}`, living_alone: true, care_level: 'self_care', relation,
  })
  return { person: p, card, birth }
}

const tag = () => String(Date.now()).slice(-5)

test('staff approve a relative registering an elder, and reject another with a reason', async ({ page }) => {
  const t = tag()
  const daughter = await resident(`李女士${t}`)
  const approved = await registerElder(daughter, `李老伯${t}`, 'parent', 1)
  const grandson = await resident(`陈先生${t}`)
  const rejected = await registerElder(grandson, `陈奶奶${t}`, 'grandparent', 2)

  await signIn(page, codes.staff, '/console/approvals')
  await expect(page.getByRole('radio', { name: '待审核' })).toBeChecked()

  // Look before deciding: the person, the requester, the relation, the guardians.
  const rowA = page.locator('.t-table tbody tr', { hasText: `李老伯${t}` })
  await expect(rowA).toContainText(`李女士${t}`)
  await expect(rowA).toContainText('登记家人')
  await rowA.getByRole('button', { name: /审核/ }).click()
  const drawer = page.getByTestId('request-drawer')
  await expect(drawer).toContainText('申请人的父母')
  await expect(drawer).toContainText(approved.birth)
  await expect(drawer).toContainText(`${approved.card.slice(0, 6)}********${approved.card.slice(14)}`)
  await expect(drawer.locator('.guardians')).toContainText(`李女士${t}`)
  await expect(drawer.locator('.guardians')).toContainText('本申请人')
  await shot(page, 'approvals-drawer')
  await drawer.getByRole('button', { name: '通过' }).click()
  await expect(page.getByText(`已通过 李老伯${t} 的登记家人申请`)).toBeVisible()
  await expect(rowA).toHaveCount(0)

  // Rejecting needs a reason, which the requester reads.
  const rowB = page.locator('.t-table tbody tr', { hasText: `陈奶奶${t}` })
  await expect(rowB).toContainText('申请人的祖父母')
  await rowB.getByRole('button', { name: /审核/ }).click()
  await expect(drawer).toContainText(`陈先生${t}`)
  await drawer.getByRole('button', { name: '驳回…' }).click()
  await expect(drawer.getByLabel('驳回原因')).toBeFocused()
  await drawer.getByRole('button', { name: '确认驳回' }).click()
  await expect(drawer.getByText('请填写驳回原因，申请人会看到')).toBeVisible()
  const reason = '关系无法核实，请携带户口本到社区服务中心办理'
  await drawer.getByLabel('驳回原因').fill(reason)
  await drawer.getByRole('button', { name: '确认驳回' }).click()
  await expect(page.getByText('已驳回，申请人会收到原因')).toBeVisible()
  await expect(rowB).toHaveCount(0)

  // The outcomes, as the server has them.
  const staff = await login(codes.staff)
  const a = await staff.get(`/api/v1/persons/${approved.person.id}`)
  expect(a.verified).toBe(true)
  const guardians = await staff.get(`/api/v1/persons/${approved.person.id}/guardians`)
  expect(guardians.items).toEqual([expect.objectContaining({ name: `李女士${t}`, status: 'approved', primary: true })])
  const mine = await grandson.client.get('/api/v1/me/guardian-requests')
  expect(mine.items[0]).toMatchObject({ person_id: rejected.person.id, status: 'rejected', reason })

  // The rejected tab shows it with its reason.
  await page.locator('label', { hasText: '已驳回' }).click()
  const done = page.locator('.t-table tbody tr', { hasText: `陈奶奶${t}` })
  await expect(done).toContainText('已驳回')
  await expect(done).toContainText(reason)
  await shot(page, 'approvals-rejected')
})

test('a request decided meanwhile is refreshed away', async ({ page }) => {
  const t = tag()
  const son = await resident(`赵先生${t}`)
  const { person } = await registerElder(son, `赵老太${t}`, 'parent', 3)
  await signIn(page, codes.staff, '/console/approvals')
  const row = page.locator('.t-table tbody tr', { hasText: `赵老太${t}` })
  await row.getByRole('button', { name: /审核/ }).click()
  const drawer = page.getByTestId('request-drawer')
  await expect(drawer).toContainText(`赵先生${t}`)

  // Another member of staff decides it first.
  const staff = await login(codes.staff)
  const pending = await staff.get('/api/v1/admin/guardian-requests?status=pending&limit=100')
  const req = pending.items.find((r: { person_id: number }) => r.person_id === person.id)
  await staff.post(`/api/v1/admin/guardian-requests/${req.id}/approve`)

  await drawer.getByRole('button', { name: '通过' }).click()
  await expect(page.getByText('该申请已被处理（可能是其他工作人员），列表已刷新')).toBeVisible()
  await expect(drawer).toBeHidden()
  await expect(row).toHaveCount(0)
})

test('a claim whose ID card matched no record can only be rejected', async ({ page }) => {
  const t = tag()
  const claimant = await resident(`孙奶奶${t}`)
  const communities = await claimant.client.get('/api/v1/communities?limit=100')
  const community = communities.items.find((c: { name: string }) => c.name === '中埂社区')
  const claim = await claimant.client.post('/api/v1/me/claims', { community_id: community.id, id_card: idCard(birthOf(4), false) })
  // Answered as any claim: the claimant cannot tell that nothing matched.
  expect(claim).toMatchObject({ kind: 'claim', status: 'pending', person_id: null, id_card_matched: null })

  await signIn(page, codes.staff, '/console/approvals')
  const row = page.locator('.t-table tbody tr', { hasText: `孙奶奶${t}` })
  await expect(row).toContainText('未找到档案')
  await expect(row).toContainText('身份证号不符')
  await row.getByRole('button', { name: /审核/ }).click()
  const drawer = page.getByTestId('request-drawer')
  await expect(drawer).toContainText('社区中没有与申请人填写的身份证号相符的档案，不能通过')
  await expect(drawer.getByRole('button', { name: '通过' })).toHaveCount(0)
  await drawer.getByRole('button', { name: '驳回…' }).click()
  await drawer.getByLabel('驳回原因').fill('没有找到您的档案，请携带身份证到社区服务中心办理')
  await drawer.getByRole('button', { name: '确认驳回' }).click()
  await expect(page.getByText('已驳回，申请人会收到原因')).toBeVisible()
  await expect(row).toHaveCount(0)
})
