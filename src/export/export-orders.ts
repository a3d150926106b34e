/**
 * Which orders go to 1C and when (../shared/design/EXPORT-SEMANTICS.md). `queryOrders` records a batch and returns
 * the CommerceML document; `acknowledgeBatch` is the only thing that makes anything count as delivered.
 * Knows nothing of HTTP: the exchange module calls these two functions.
 */
import type { Logger } from 'pino'
import type { Config } from '../config.js'
import type { Databases } from '../db/connection.js'
import type { Integration } from '../integrations/integrations.repository.js'

export interface ExportDeps {
  databases: Databases
  config: Pick<Config, 'exportSafetyLagSeconds'>
  logger: Logger
}

export interface QueryResult {
  /** The recorded batch; null when nothing was pending (an empty document, no batch). */
  batchId: number | null
  orderCount: number
  /** The whole document, already encoded; first bytes `<?xml` (or a BOM when the integration asks for one). */
  body: Buffer
  /** e.g. `application/xml; charset=UTF-8` (charset last, PROTOCOL.md §4). */
  contentType: string
}

export interface AcknowledgeResult {
  /** The batch acknowledged now; null when the session had none (or it was acknowledged already). */
  batchId: number | null
  orderCount: number
  alreadyAcknowledged: boolean
}

export async function queryOrders(
  deps: ExportDeps,
  params: { integration: Integration; sessionId: string; now?: Date },
): Promise<QueryResult> {
  void deps
  void params
  throw new Error('not implemented yet')
}

export async function acknowledgeBatch(
  deps: ExportDeps,
  params: { integration: Integration; sessionId: string; now?: Date },
): Promise<AcknowledgeResult> {
  void deps
  void params
  throw new Error('not implemented yet')
}
