/**
 * The platform's tables in a database of their own (`OLVERY_DATABASE_URL`), as a deployment may keep them: every read
 * of the platform goes to that database, and the common poll checks for changes there in a statement of its own
 * before it records its empty answer in the service's database (where both share one database, that is one
 * statement: test/exchange/statements-per-cycle.test.ts).
 *
 * Runs on PostgreSQL even when the suite runs on PGlite (no TEST_DATABASE_URL): two databases of the local server
 * postgres://postgres@127.0.0.1:5432/postgres, which CI always has.
 */
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { migrate } from '../../src/db/migrate.js'
import { createLogger } from '../../src/logger.js'
import { openDatabases } from '../../src/olvery/databases.js'
import { applyReferenceSchema } from '../../src/olvery/reference-schema.js'
import { HS256_ENV } from '../helpers/admin-token.js'
import { testConfig } from '../helpers/build-app.js'
import { createOrder, createSupplier, SEED_SETTINGS, setOrderComment } from '../helpers/factories.js'
import { createIntegration } from '../helpers/integrations.js'
import { OneCClient } from '../helpers/onec-client.js'
import { createServerDatabase, LOCAL_SERVER_URL, serverUrl } from '../helpers/test-database.js'

const adminUrl = serverUrl ?? LOCAL_SERVER_URL

t.test('with the platform in another database, 1C gets new and changed orders once, and empty polls in between', async (t) => {
  const service = await createServerDatabase(adminUrl)
  t.teardown(service.drop)
  const platformDatabase = await createServerDatabase(adminUrl)
  t.teardown(platformDatabase.drop)
  const databases = await openDatabases({ databaseUrl: service.url, dataDir: 'memory://', olveryDatabaseUrl: platformDatabase.url, olveryDbSchema: 'olvery' })
  t.teardown(() => databases.close())
  t.equal(databases.platformShared, false)
  await migrate(databases)
  await applyReferenceSchema(databases, 'olvery')
  const app = await buildApp({ config: testConfig(HS256_ENV), databases, logger: createLogger({ logLevel: 'warn' }) })
  t.teardown(() => app.close())

  const supplier = await createSupplier(databases.olvery)
  const first = await createOrder(databases.olvery, supplier, { number: 'P-1' })
  const created = await createIntegration(databases.db, { name: 'Отдельная база', companyId: supplier.companyId, locationId: supplier.locationId, settings: SEED_SETTINGS })
  const onec = new OneCClient({ inject: app, login: created.login, password: created.password })

  t.same((await onec.exchange()).documents.map((d) => d.number), ['P-1'], 'the first query reads the other database')
  t.same((await onec.exchange()).documents, [], 'nothing changed: an empty answer')
  await setOrderComment(databases.olvery, first.id, 'Изменён')
  await createOrder(databases.olvery, supplier, { number: 'P-2' })
  t.same((await onec.exchange()).documents.map((d) => d.number).sort(), ['P-1', 'P-2'], 'the changed and the new order')
  t.same((await onec.exchange()).documents, [], 'and then nothing again')

  const batches = await databases.db.selectFrom('batches').select(['order_count', 'acknowledged_at']).where('integration_id', '=', created.integration.id).orderBy('id').execute()
  t.same(
    batches.map((b) => [b.order_count, b.acknowledged_at !== null]),
    [
      [1, true],
      [0, true],
      [2, true],
      [0, true],
    ],
    'each exchange is journaled in the service database, acknowledged by its success',
  )
})
