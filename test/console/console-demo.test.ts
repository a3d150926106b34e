/**
 * `npm start` on a fresh clone: the embedded demo prints a ready console link beside its other hints, and that link
 * opens the console on the demo data. The service runs as `npm run dev` runs it (tsx, from the sources) and serves
 * the console from dist/console/web, built here first as `npm run build` builds it.
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import t from 'tap'
import { ENV_VARIABLES } from '../../src/config.js'
import { buildConsole } from '../../src/console/console.build.js'
import { openBrowser, visibleText, watchPage } from './console-harness.js'

const LINK = /web console: (http:\/\/127\.0\.0\.1:\d+)\/admin#token=([\w-]+\.[\w-]+\.[\w-]+)/

/** Starts the demo and resolves with what it printed once the hints are out; the process is stopped at teardown. */
async function startDemo(t: { teardown(fn: () => unknown): void }): Promise<string> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'olvery-demo-'))
  // The service's own variables are left out, so the demo configures itself as on a developer's machine.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !(ENV_VARIABLES as readonly string[]).includes(name)))
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: new URL('../../', import.meta.url),
    env: { ...env, DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  t.teardown(async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
    }
    fs.rmSync(dataDir, { recursive: true, force: true })
  })
  let output = ''
  return new Promise((resolve, reject) => {
    const read = (chunk: Buffer) => {
      output += chunk.toString('utf8')
      if (LINK.test(output)) resolve(output)
    }
    child.stdout.on('data', read)
    child.stderr.on('data', read)
    child.once('exit', (code) => reject(new Error(`the demo exited with code ${code} before printing its hints:\n${output}`)))
  })
}

t.test('the demo prints a console link that opens the console on the demo data', async (t) => {
  buildConsole()
  const output = await startDemo(t)
  const [, origin, token] = LINK.exec(output)!
  t.match(output, /1C exchange: http:\/\/127\.0\.0\.1:\d+\/1c_exchange/, 'beside the other hints')
  t.match(output, /curl -H 'Authorization: Bearer [\w.-]+' /, 'the same token as the admin API hint')

  const context = await openBrowser(t)
  const page = await context.newPage()
  const watch = watchPage(page, origin!)
  await page.goto(`${origin}/admin#token=${token}`)
  const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: 'Демо: бухгалтерия поставщика' }) })
  t.match(await visibleText(row), /Включена/)
  await row.getByRole('cell', { name: /^\d+ заказ(а|ов)?$/ }).waitFor()
  t.pass('the demo orders wait for 1C')
  t.same(watch.errors, [])
  t.same(watch.foreign, [])
})
