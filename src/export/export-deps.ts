/**
 * What the export's use cases need from the process: the databases, the one setting of the export semantics, and a
 * logger. The export knows nothing of HTTP; the exchange and the admin API pass these in.
 */
import type { Config } from '../config.js'
import type { Databases } from '../olvery/databases.js'
import type { Log } from '../logger.js'

export interface ExportDeps {
  databases: Databases
  config: Pick<Config, 'exportSafetyLagSeconds'>
  logger: Log
}
