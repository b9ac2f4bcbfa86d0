// What every browser test shares: the server's address, API calls made as the mini-program would
// (to set the scene or act as a resident), signing in to the console, and screenshots.
import { test as base, expect, type Page } from '@playwright/test'
import { mkdirSync } from 'node:fs'
import { randomUUID } from 'node:crypto'

export const serverURL = () => {
  const u = process.env.LINLI_E2E_URL
  if (!u) throw new Error('LINLI_E2E_URL is not set: run through playwright.config.ts')
  return u
}

/** Demo login codes (server/cmd/linli/demo.go): the fake WeChat turns code X into openid fake-X. */
export const codes = {
  staff: 'demo-staff',
  kitchen: 'demo-kitchen',
  worker: 'demo-worker',
  resident: 'demo-resident',
  relative: 'demo-relative',
  rider: 'demo-rider',
} as const

export interface Answer<T = any> {
  status: number
  body: T
}

/** An API client signed in as one mini-program user. */
export class Client {
  constructor(readonly token: string) {}

  async call<T = any>(method: string, path: string, body?: unknown): Promise<Answer<T>> {
    const headers: Record<string, string> = { Authorization: `Bearer ${this.token}` }
    if (body !== undefined) headers['Content-Type'] = 'application/json'
    if (method === 'POST') headers['Idempotency-Key'] = randomUUID()
    const r = await fetch(serverURL() + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
    const text = await r.text()
    return { status: r.status, body: text ? JSON.parse(text) : undefined }
  }

  /** ok calls and expects a 2xx answer, returning its body. */
  async ok<T = any>(method: string, path: string, body?: unknown): Promise<T> {
    const a = await this.call<T>(method, path, body)
    if (a.status >= 300) throw new Error(`${method} ${path}: ${a.status} ${JSON.stringify(a.body)}`)
    return a.body
  }

  get = <T = any>(path: string) => this.ok<T>('GET', path)
  post = <T = any>(path: string, body?: unknown) => this.ok<T>('POST', path, body)
}

/** login signs in through the mini-program's silent login with a fake WeChat code. */
export async function login(code: string): Promise<Client> {
  const r = await fetch(serverURL() + '/api/v1/auth/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ code }),
  })
  if (!r.ok) throw new Error(`login ${code}: ${r.status}`)
  const { token } = (await r.json()) as { token: string }
  return new Client(token)
}

/**
 * signIn opens the console's sign-in page and signs in as a staff member the way a person does:
 * the page shows a ticket's QR code, and the mini-program (here, its API calls) scans and
 * approves it. The page then collects its session.
 */
export async function signIn(page: Page, code: string = codes.staff, path = '/console/'): Promise<void> {
  const ticket = page.waitForResponse((r) => r.url().endsWith('/api/v1/console/tickets') && r.request().method() === 'POST')
  await page.goto(serverURL() + path)
  const { id } = (await (await ticket).json()) as { id: string }
  await expect(page.getByTestId('login-qr')).toBeVisible()
  const phone = await login(code)
  await phone.post(`/api/v1/console/tickets/${id}/scan`)
  await phone.post(`/api/v1/console/tickets/${id}/approve`)
  await expect(page.getByRole('button', { name: '退出' })).toBeVisible({ timeout: 15_000 })
}

/** shot saves a screenshot of the page under e2e/screenshots (git-ignored) for a person to look at. */
export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync('e2e/screenshots', { recursive: true })
  // Transitions are finished at once, so a drawer or dialog is pictured where it comes to rest.
  await page.screenshot({ path: `e2e/screenshots/${name}.png`, fullPage: true, animations: 'disabled' })
}

/** Dates as the server counts them (Asia/Shanghai). */
export function shanghaiDate(offsetDays = 0): string {
  const d = new Date(Date.now() + 8 * 3600_000 + offsetDays * 86400_000)
  return d.toISOString().slice(0, 10)
}

/**
 * test is Playwright's, with every page watched: a script error or a request the
 * Content-Security-Policy refused fails the test, so the policy and the console stay in step.
 */
export const test = base.extend<{ pageErrors: void }>({
  pageErrors: [
    async ({ page }, use) => {
      const problems: string[] = []
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`))
      page.on('console', (m) => {
        if (m.type() === 'error' && /Content Security Policy|Refused to/.test(m.text())) problems.push(`console: ${m.text()}`)
      })
      await use()
      expect(problems, 'the page reported errors').toEqual([])
    },
    { auto: true },
  ],
})
export { expect }
