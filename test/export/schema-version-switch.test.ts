/**
 * Switching an integration's schema_version (EXPORT-SEMANTICS.md "Fingerprint": equal exactly when 1C would receive
 * the same data): the 3.1 answer carries the 2.08 `Документ` in a `Контейнер`, so a switch sends nothing again by
 * itself, while what was pending stays pending and comes in the new layout. Each test runs from either version.
 */
import t, { type Test } from 'tap'
import { SCHEMA_VERSIONS, type SchemaVersion } from '../../src/integration/settings.schema.js'
import { checkAnswer } from '../helpers/answer-check.js'
import { createHarness } from '../helpers/export-harness.js'
import { createOrder, createSupplier, setOrderComment } from '../helpers/factories.js'
import { createTestDatabases } from '../helpers/test-database.js'

/** A test from each schema version to the other one. */
function versions(name: string, body: (t: Test, schemaVersion: SchemaVersion, other: SchemaVersion) => Promise<void>): void {
  for (const from of SCHEMA_VERSIONS) {
    const to = SCHEMA_VERSIONS.find((v) => v !== from)!
    t.test(`${name} [${from} to ${to}]`, (t) => body(t, from, to))
  }
}

versions('switching schema_version sends nothing again; a later change comes in the new layout, once', async (t, schemaVersion, other) => {
  const databases = await createTestDatabases(t)
  const supplier = await createSupplier(databases.olvery)
  const a = await createOrder(databases.olvery, supplier)
  const b = await createOrder(databases.olvery, supplier)
  const h = await createHarness(databases, supplier, { schemaVersion })
  t.same((await h.exchange()).sort(), [a.number, b.number].sort())
  await h.reconfigure({ schema_version: other })
  t.equal(h.integration.settings.schemaVersion, other)
  t.same(await h.pendingNumbers(), [], 'the same Документ in another layout is the same data: the history stays acknowledged')
  t.same(await h.exchange(), [])
  await setOrderComment(databases.olvery, a.id, 'после смены версии')
  t.same(await h.exchange(), [a.number], 'read in the new layout (the harness fails any other)')
  await h.reconfigure({ schema_version: schemaVersion })
  t.same(await h.exchange(), [], 'and switching back sends nothing either')
})

versions('a batch lost before switching schema_version is sent again after it, in the new layout', async (t, schemaVersion, other) => {
  const databases = await createTestDatabases(t)
  const supplier = await createSupplier(databases.olvery)
  const a = await createOrder(databases.olvery, supplier)
  const h = await createHarness(databases, supplier, { schemaVersion })
  t.same((await h.query(await h.openSession())).numbers, [a.number])
  await h.reconfigure({ schema_version: other })
  const session = await h.openSession()
  const again = await h.query(session)
  t.same(again.numbers, [a.number])
  t.same(await checkAnswer(again.body, other), { valid: true, errors: [] })
  await h.success(session)
  t.same(await h.pendingNumbers(), [])
})
