/**
 * The real app on a fresh test database, closed at teardown. Tests call `app.inject` (real HTTP semantics through
 * Fastify, no socket) exactly as 1C or an administrator would.
 */
import type { FastifyInstance } from 'fastify'
import type { Logger } from 'pino'
import { buildApp } from '../../src/app.js'
import { loadConfig, type Config } from '../../src/config.js'
import { createLogger } from '../../src/logger.js'
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

/** A logger at trace level whose every line lands in `lines`: for tests of what the service logs, and never logs. */
export function capturingLogger(): { lines: string[]; logger: Logger } {
  const lines: string[] = []
  return { lines, logger: createLogger({ logLevel: 'trace' }, { write: (line: string) => void lines.push(line) }) }
}

export async function buildTestApp(
  t: Teardown,
  options: { env?: Record<string, string>; databases?: TestDatabase; database?: TestDatabaseOptions; logger?: Logger } = {},
): Promise<TestApp> {
  const databases = options.databases ?? (await createTestDatabases(t, options.database))
  const config = testConfig(options.env)
  const app = await buildApp({ config, databases, ...(options.logger ? { logger: options.logger } : {}) })
  t.teardown(() => app.close())
  await app.ready()
  return { app, databases, config }
}
