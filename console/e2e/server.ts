// Starts `linli serve --demo` for the browser tests: a database and a Redis prefix of its own,
// the fake WeChat, a free port. It answers Playwright's global setup with the teardown.
import { spawn, execFileSync } from 'node:child_process'
import { createServer } from 'node:net'
import { mkdtempSync, rmSync, existsSync, openSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer()
    s.once('error', fail)
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => ok(port))
    })
  })
}

async function waitReady(url: string, server: { exitCode: number | null }, log: string) {
  for (let i = 0; i < 240; i++) {
    if (server.exitCode !== null) throw new Error(`linli serve exited (${server.exitCode}); see ${log}`)
    try {
      const r = await fetch(url + '/readyz')
      if (r.ok) return
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new Error(`linli serve did not become ready; see ${log}`)
}

function dropDatabase(name: string) {
  for (const client of ['mariadb', 'mysql']) {
    try {
      execFileSync(client, ['-h', '127.0.0.1', '-u', 'linli', '-plinli', '-e', `DROP DATABASE IF EXISTS \`${name}\``], { stdio: 'ignore' })
      return
    } catch {
      /* try the other client */
    }
  }
}

function dropKeys(url: string, prefix: string) {
  try {
    const db = /\/(\d+)$/.exec(url)?.[1] ?? '0'
    const keys = execFileSync('redis-cli', ['-n', db, '--scan', '--pattern', `${prefix}*`]).toString().split('\n').filter(Boolean)
    for (let i = 0; i < keys.length; i += 200) execFileSync('redis-cli', ['-n', db, 'DEL', ...keys.slice(i, i + 200)], { stdio: 'ignore' })
  } catch {
    /* keys of a test run expire or stay harmlessly under their own prefix */
  }
}

export default async function globalSetup() {
  const bin = resolve(process.env.LINLI_BIN || '../bin/linli')
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run make build (make test does)`)
  const port = await freePort()
  const run = `${process.pid}_${Date.now() % 100000}`
  const db = `linli_e2e_${run}`
  const dir = mkdtempSync(join(tmpdir(), 'linli-e2e-'))
  const log = join(dir, 'server.log')
  const url = `http://127.0.0.1:${port}`
  const redisURL = process.env.LINLI_E2E_REDIS_URL || 'redis://127.0.0.1:6379/9'
  const server = spawn(bin, ['serve', '--demo'], {
    env: {
      ...process.env,
      LINLI_HTTP_ADDR: `127.0.0.1:${port}`,
      LINLI_PUBLIC_URL: url,
      LINLI_WECHAT_FAKE: '1',
      LINLI_MYSQL_DSN: `linli:linli@tcp(127.0.0.1:3306)/${db}`,
      LINLI_REDIS_URL: redisURL,
      LINLI_REDIS_PREFIX: `e2e${run}:`,
      LINLI_UPLOAD_DIR: join(dir, 'uploads'),
      LINLI_DATA_KEY: Buffer.alloc(32, 7).toString('base64'),
      // Every test signs in from this one address, dozens of times a minute.
      LINLI_LOGINS_PER_MINUTE: '10000',
    },
    stdio: ['ignore', openSync(log, 'a'), openSync(log, 'a')],
  })
  await waitReady(url, server, log)
  process.env.LINLI_E2E_URL = url
  process.env.LINLI_E2E_LOG = log
  return async () => {
    server.kill('SIGTERM')
    await new Promise((r) => setTimeout(r, 500))
    dropDatabase(db)
    dropKeys(redisURL, `e2e${run}:`)
    if (!process.env.LINLI_E2E_KEEP) rmSync(dir, { recursive: true, force: true })
  }
}
