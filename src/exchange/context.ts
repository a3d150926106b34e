/**
 * What a handler of one exchange mode gets (PROTOCOL.md §2, §3): the request, the query parameters as 1C sent them,
 * the service's configuration and databases, and a pino logger of the request. `SessionContext` adds the exchange
 * session that every mode but checkauth belongs to (session-check.ts).
 */
import type { FastifyRequest } from 'fastify'
import type { Config } from '../config.js'
import type { UploadImporter } from '../import/upload-importer.js'
import type { Databases } from '../olvery/databases.js'
import type { FoundSession } from './sessions.repository.js'
import type { Log } from '../logger.js'

/** Query parameters by name, first occurrence wins (1C sends them in varying order, PROTOCOL.md §2). */
export type ExchangeParams = ReadonlyMap<string, string>

export interface ExchangeContext {
  request: FastifyRequest
  /** The request's logger (a pino child logger, as the export's use cases take it). */
  log: Log
  config: Readonly<Config>
  databases: Databases
  params: ExchangeParams
  /** Imports uploads (mode=import); one per app, stopped when the app closes. */
  importer: UploadImporter
}

export interface SessionContext extends ExchangeContext {
  session: FoundSession
}
