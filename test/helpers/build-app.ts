/**
 * The real app on a fresh test database, closed at teardown. Tests call `app.inject` (real HTTP semantics through
 * Fastify, no socket) exactly as 1C or an administrator would.
 */
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.js'
import { loadConfig, type Config } from '../../src/config.js'
import { createTestDatabases, type TestDatabase, type TestDatabaseOptions } from './test-database.js'

interface Teardown {
  teardown(fn: () => unknown): void
}

export interface TestApp {
  app: FastifyInstance
  databases: TestDatabase
  config: Readonly<Config>
}

export function testConfig(overrides: Record<string, string> = {}): Readonly<Config> {
  return loadConfig({ LOG_LEVEL: 'silent', DATA_DIR: 'memory://', ...overrides })
}

export async function buildTestApp(
  t: Teardown,
  options: { env?: Record<string, string>; databases?: TestDatabase; database?: TestDatabaseOptions } = {},
): Promise<TestApp> {
  const databases = options.databases ?? (await createTestDatabases(t, options.database))
  const config = testConfig(options.env)
  const app = await buildApp({ config, databases })
  t.teardown(() => app.close())
  await app.ready()
  return { app, databases, config }
}
