/**
 * What every route of an integration does first: find it, within the caller's reach. A location administrator sees
 * the integrations of its own location only; anything of another location answers 404 exactly as if it did not exist.
 */
import type { FastifyRequest } from 'fastify'
import { managesLocation } from '../auth/admin-auth.js'
import type { Config } from '../config.js'
import { AppError } from '../errors.js'
import type { ExportDeps } from '../export/export-deps.js'
import { findBatch, type JournalBatch } from '../export/journal.repository.js'
import type { AuditActor } from '../integration/audit-trail.repository.js'
import type { Integration } from '../integration/integration.js'
import { findIntegrationRecord, type IntegrationRecord } from '../integration/integrations.repository.js'
import type { Databases } from '../olvery/databases.js'
import type { BatchParams } from './requests.schema.js'

/** What each routes file of the admin API is registered with. */
export interface AdminRoutesOptions {
  config: Readonly<Config>
  databases: Databases
}

function notFound(id: string): AppError {
  return new AppError('NOT_FOUND', `No integration ${id.slice(0, 100)}`)
}

/** The integration if the caller manages it; 404 otherwise, whether it exists in another location or not at all. */
export async function scopedRecord(databases: Databases, request: FastifyRequest, id: string): Promise<IntegrationRecord> {
  const record = await findIntegrationRecord(databases.db, id)
  if (!record || !managesLocation(request.admin, record.integration.locationId)) throw notFound(id)
  request.logFields['integrationId'] = record.integration.id
  return record
}

/** A batch of the journal of an integration the caller manages; 404 otherwise. */
export async function scopedBatch(
  databases: Databases,
  request: FastifyRequest,
  params: BatchParams,
): Promise<{ integration: Integration; batch: JournalBatch }> {
  const { integration } = await scopedRecord(databases, request, params.id)
  const batch = await findBatch(databases.db, integration.id, Number(params.batchId))
  if (!batch) throw new AppError('NOT_FOUND', `No batch ${params.batchId} in the journal of integration ${integration.id}`)
  return { integration, batch }
}

/** An archived integration stays readable and can no longer change. */
export function refuseArchived(integration: Integration): void {
  if (integration.archivedAt) {
    throw new AppError(
      'INTEGRATION_ARCHIVED',
      `Integration "${integration.name}" is archived: its journal stays readable, but it cannot be changed; create a new one instead`,
    )
  }
}

/** Who the audit trail names for this request: the token's `sub` and `role`. */
export function actorOf(request: FastifyRequest): AuditActor {
  return { sub: request.admin.sub, role: request.admin.role }
}

/** The export's dependencies for one request, logging on the request's logger (a pino child logger). */
export function exportDeps(options: AdminRoutesOptions, request: FastifyRequest): ExportDeps {
  return { databases: options.databases, config: options.config, logger: request.log }
}
