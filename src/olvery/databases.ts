/**
 * The two databases as the service uses them: its own (schema `commerceml`) and the platform's, whose tables are typed
 * by the source contract (olvery.schema.ts). src/db/ connects; this file gives the platform's side its type.
 */
import { openConnections, type ConnectionOptions, type Connections } from '../db/connection.js'
import type { OlveryDatabase } from './olvery.schema.js'

export type Databases = Connections<OlveryDatabase>

export function openDatabases(options: ConnectionOptions): Promise<Databases> {
  return openConnections<OlveryDatabase>(options)
}
