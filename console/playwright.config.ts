import { defineConfig } from '@playwright/test'

// Browser tests: Debian's Chromium (never a downloaded browser) drives the console served by a
// real `linli serve` (MariaDB, Redis, the fake WeChat) that e2e/server.ts starts with a database
// of its own.
export default defineConfig({
  testDir: 'e2e',
  testMatch: '*.spec.ts',
  globalSetup: './e2e/server.ts',
  // One server and one demo community: the tests take turns.
  workers: 1,
  fullyParallel: false,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  // A test that passes only on its retry is reported as flaky, not hidden.
  retries: 1,
  reporter: process.env.CI ? 'line' : 'list',
  outputDir: 'e2e/results',
  use: {
    browserName: 'chromium',
    viewport: { width: 1366, height: 768 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    trace: 'off',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    },
  },
})
