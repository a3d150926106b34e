/**
 * The exchange journal (EXPORT-SEMANTICS.md rule 8): the batches of an integration newest first, one batch with its
 * orders, its document exactly as 1C received it, the files 1C uploaded with their outcome (PROTOCOL.md §8), and the
 * audit trail of what administrators did to the integration.
 */
import { Readable } from 'node:stream'
import type { FastifyPluginAsync } from 'fastify'
import { AppError } from '../errors.js'
import { findBatchOrders, listBatches } from '../export/journal.repository.js'
import { journaledDocument } from '../export/support.js'
import { listUploads } from '../import/uploads-journal.repository.js'
import { listAuditEvents } from '../integration/audit-trail.repository.js'
import { auditEventJson, batchJson, iso, uploadJson } from './admin.mappers.js'
import {
  auditQuery,
  batchesQuery,
  batchParams,
  integrationParams,
  uploadsQuery,
  type AuditQuery,
  type BatchesQuery,
  type BatchParams,
  type IntegrationParams,
  type UploadsQuery,
} from './requests.schema.js'
import { auditPageResponse, batchDetailResponse, batchPageResponse, uploadPageResponse } from './responses.schema.js'
import { exportDeps, scopedBatch, scopedRecord, type AdminRoutesOptions } from './scope.js'

/** Rule 11: the batch stays listed with its orders; the bytes 1C received are no longer kept. */
function documentPruned(batchId: number, at: Date): AppError {
  return new AppError(
    'DOCUMENT_PRUNED',
    `The document of batch ${batchId} was pruned on ${at.toISOString()} (RETENTION_DOCUMENTS); the batch, its orders and fingerprints stay in the journal`,
    { documentPrunedAt: at.toISOString() },
  )
}

export const journalRoutes: FastifyPluginAsync<AdminRoutesOptions> = async (app, options) => {
  const { databases } = options
  app.get<{ Params: IntegrationParams; Querystring: BatchesQuery }>(
    '/integrations/:id/batches',
    {
      schema: { params: integrationParams, querystring: batchesQuery, response: { 200: batchPageResponse } },
    },
    async (request) => {
      const { integration } = await scopedRecord(databases, request, request.params.id)
      const { limit, cursor } = request.query
      const page = await listBatches(databases.db, integration.id, { limit, before: cursor === undefined ? null : Number(cursor) })
      const last = page.batches[page.batches.length - 1]
      return { batches: page.batches.map(batchJson), nextCursor: page.more && last ? String(last.id) : null }
    },
  )

  app.get<{ Params: BatchParams }>(
    '/integrations/:id/batches/:batchId',
    { schema: { params: batchParams, response: { 200: batchDetailResponse } } },
    async (request) => {
      const { integration, batch } = await scopedBatch(databases, request, request.params)
      const orders = await findBatchOrders(databases.db, integration.id, batch.id)
      return {
        ...batchJson(batch),
        orders: orders.map((o) => ({
          orderId: o.orderId,
          number: o.number,
          fingerprint: o.fingerprint,
          changedAt: o.changedAt.toISOString(),
          acknowledged: o.acknowledgedBatchId !== null,
          acknowledgedBatchId: o.acknowledgedBatchId,
          acknowledgedAt: iso(o.acknowledgedAt),
        })),
      }
    },
  )

  app.get<{ Params: BatchParams }>(
    '/integrations/:id/batches/:batchId/document',
    { schema: { params: batchParams } },
    async (request, reply) => {
      const { integration, batch } = await scopedBatch(databases, request, request.params)
      if (batch.documentPrunedAt) throw documentPruned(batch.id, batch.documentPrunedAt)
      const stored = await journaledDocument(exportDeps(options, request), { integrationId: integration.id, batchId: batch.id })
      // Pruned since the batch was read: as gone as one pruned before.
      if (!stored) throw documentPruned(batch.id, new Date())
      return reply
        .type(stored.contentType)
        .header('content-disposition', `inline; filename="batch-${batch.id}.xml"`)
        .header('content-length', String(stored.byteCount))
        .send(Readable.from(stored.chunks, { objectMode: false }))
    },
  )

  // Uploads from 1C (PROTOCOL.md §8)
  app.get<{ Params: IntegrationParams; Querystring: UploadsQuery }>(
    '/integrations/:id/uploads',
    {
      schema: { params: integrationParams, querystring: uploadsQuery, response: { 200: uploadPageResponse } },
    },
    async (request) => {
      const { integration } = await scopedRecord(databases, request, request.params.id)
      const { limit, cursor } = request.query
      const page = await listUploads(databases.db, integration.id, { limit, after: cursor ?? null })
      const last = page.uploads[page.uploads.length - 1]
      return { uploads: page.uploads.map(uploadJson), nextCursor: page.more && last ? last.id : null }
    },
  )

  // The audit trail: every administrator action on the integration, newest first.
  app.get<{ Params: IntegrationParams; Querystring: AuditQuery }>(
    '/integrations/:id/audit',
    { schema: { params: integrationParams, querystring: auditQuery, response: { 200: auditPageResponse } } },
    async (request) => {
      const { integration } = await scopedRecord(databases, request, request.params.id)
      const { limit, cursor } = request.query
      const page = await listAuditEvents(databases.db, integration.id, { limit, before: cursor === undefined ? null : Number(cursor) })
      const last = page.events[page.events.length - 1]
      return { events: page.events.map(auditEventJson), nextCursor: page.more && last ? String(last.id) : null }
    },
  )
}
