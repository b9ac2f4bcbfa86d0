import { test, expect, signIn, shot } from './fixtures'

// The pages staff reach from the menu, by the menu's own names.
const pages: [string, RegExp][] = [
  ['概览', /\/console\/$/],
  ['安危确认', /\/console\/alerts$/],
  ['居民档案', /\/console\/persons$/],
  ['审核', /\/console\/approvals$/],
  ['周菜单', /\/console\/canteen\/week$/],
  ['今日备餐', /\/console\/canteen\/prep$/],
  ['送餐单', /\/console\/canteen\/delivery$/],
  ['取餐核销', /\/console\/canteen\/counter$/],
  ['月度结算', /\/console\/canteen\/settlement$/],
  ['补贴规则', /\/console\/canteen\/subsidy$/],
  ['食堂管理', /\/console\/canteen\/canteens$/],
  ['报事列表', /\/console\/reports$/],
  ['报事类别', /\/console\/reports\/categories$/],
  ['网格', /\/console\/reports\/grids$/],
  ['家长大学', /\/console\/courses$/],
  ['楼栋', /\/console\/settings\/buildings$/],
  ['成员与角色', /\/console\/settings\/members$/],
  ['投递失败', /\/console\/settings\/dead-letters$/],
]

test('every page fits 1366×768 without scrolling sideways, and is reached from the menu', async ({ page }) => {
  await signIn(page)
  const menu = page.getByRole('navigation', { name: '工作台菜单' }).or(page.locator('.t-menu'))
  for (const [name, url] of pages) {
    await menu.getByRole('link', { name, exact: true }).click()
    await expect(page).toHaveURL(url)
    await expect(page.locator('.page-head h1').first()).toBeVisible()
    await page.waitForLoadState('networkidle')
    const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    expect(wide, `${name} scrolls sideways by ${wide}px`).toBeLessThanOrEqual(0)
  }
})

test('the keyboard alone reaches the menu, a page and its search', async ({ page }) => {
  await signIn(page)
  // Tab from the top of the page until the menu's 居民档案 has the focus, then Enter.
  let found = false
  for (let i = 0; i < 40 && !found; i++) {
    await page.keyboard.press('Tab')
    found = await page.evaluate(() => (document.activeElement?.textContent ?? '').trim() === '居民档案')
  }
  expect(found, 'the menu item 居民档案 never took the focus').toBe(true)
  await page.keyboard.press('Enter')
  await expect(page).toHaveURL(/\/console\/persons$/)
  // On to the search field, type, Enter.
  found = false
  for (let i = 0; i < 40 && !found; i++) {
    await page.keyboard.press('Tab')
    found = await page.evaluate(() => document.activeElement?.getAttribute('aria-label') === '搜索居民')
  }
  expect(found, 'the search field never took the focus').toBe(true)
  await page.keyboard.type('秀英')
  await page.keyboard.press('Enter')
  await expect(page.getByRole('link', { name: '王秀英' })).toBeVisible()
  await expect(page.getByRole('link', { name: '王小明' })).toHaveCount(0)
  await shot(page, 'shell-keyboard')
})
