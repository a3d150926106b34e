import { execFile } from 'node:child_process'
import os from 'node:os'
import { promisify } from 'node:util'
import t from 'tap'
import { verifyPassword } from '../../src/auth/onec-credentials.js'
import { createFromCli, UsageError } from '../../src/admin/integrations.cli.js'
import { findIntegrationByLogin } from '../../src/integration/integrations.repository.js'
import { createSupplier } from '../helpers/factories.js'
import { createTestDatabases } from '../helpers/test-database.js'

const SEED = '{"paymentrules":[{"status":"purchased","gateway":"CKassa"}],"paymentmethod_name":"Оплата картой внешняя"}'

t.test('create prints id, login and password; only a scrypt hash of the password is stored', async (t) => {
  const databases = await createTestDatabases(t)
  const supplier = await createSupplier(databases.olvery)
  const created = await createFromCli(databases, { company: supplier.companyId, name: 'Бухгалтерия', settings: SEED })
  t.match(created, { id: /^[0-9a-f-]{36}$/, login: /^1c-[a-z0-9]{10}$/, password: /^[A-Za-z0-9]{24}$/ })
  const found = await findIntegrationByLogin(databases.db, created.login)
  t.equal(found?.integration.id, created.id)
  t.equal(found?.integration.locationId, supplier.locationId, 'the location is taken from the company')
  t.match(found?.passwordHash, /^scrypt\$/)
  t.notMatch(found?.passwordHash, created.password)
  t.ok(await verifyPassword(created.password, found!.passwordHash))
  t.notOk(await verifyPassword(`${created.password}x`, found!.passwordHash))
})

t.test('create is audited naming the operating-system user, with role cli, and never the password', async (t) => {
  const databases = await createTestDatabases(t)
  const supplier = await createSupplier(databases.olvery)
  const created = await createFromCli(databases, { company: supplier.companyId, name: 'Из командной строки', settings: SEED })
  const events = await databases.db.selectFrom('audit_events').selectAll().where('integration_id', '=', created.id).execute()
  t.equal(events.length, 1)
  t.match(events[0], { action: 'create', role: 'cli', sub: `${os.userInfo().username}@${os.hostname()}` })
  t.match(events[0]!.changes, { name: 'Из командной строки', login: created.login })
  t.notMatch(JSON.stringify(events), created.password)
})

t.test('export_from starts the scan at midnight of that date in the location time zone', async (t) => {
  const databases = await createTestDatabases(t)
  const supplier = await createSupplier(databases.olvery, { timezone: 'Asia/Novosibirsk' })
  const settings = JSON.stringify({ ...JSON.parse(SEED), export_from: '2025-03-01' })
  const created = await createFromCli(databases, { company: supplier.companyId, name: 'С марта', settings })
  const state = await databases.db.selectFrom('export_state').select('watermark').where('integration_id', '=', created.id).executeTakeFirstOrThrow()
  t.equal(state.watermark?.toISOString(), '2025-02-28T17:00:00.000Z')
})

t.test('invalid settings and an unknown company are refused with what to fix', async (t) => {
  const databases = await createTestDatabases(t)
  const supplier = await createSupplier(databases.olvery)
  await t.rejects(
    createFromCli(databases, { company: supplier.companyId, name: 'x', settings: '{«paymentrules»:[]}' }),
    { constructor: UsageError, message: /typographic quotes/ },
  )
  await t.rejects(
    createFromCli(databases, { company: '00000000-0000-4000-8000-000000000000', name: 'x', settings: SEED }),
    { constructor: UsageError, message: /No company/ },
  )
  await t.rejects(createFromCli(databases, { company: 'abc', settings: SEED }), {
    message: /--company must be the UUID.*\n--name is required/s,
  })
})

t.test('the command without a known subcommand prints its usage and exits 2', async (t) => {
  const run = promisify(execFile)
  const result = await run(process.execPath, ['--import', 'tsx', 'src/admin/integrations.cli.ts', 'frobnicate'], {
    cwd: new URL('../..', import.meta.url).pathname,
    env: { ...process.env, DATABASE_URL: '', DATA_DIR: 'memory://' },
  }).catch((error: { code: number; stderr: string }) => error)
  t.equal((result as { code: number }).code, 2)
  t.match((result as { stderr: string }).stderr, /Usage:\n {2}npm run integrations -- create/)
})
