/**
 * The admin REST API under `/api/v1` (openapi.yaml describes every route): integrations and their 1C credentials,
 * the exchange journal, the files 1C uploaded, one order's delivery status (with what 1C reported about it), the
 * preview of the next `query`, and re-export.
 *
 * Every route needs an admin token (src/auth/admin-auth.ts). A location administrator sees the integrations and
 * companies of its own location only; anything of another location answers 404 exactly as if it did not exist.
 * Errors are JSON `{ "error": { "code", "message", "details"? } }` (src/errors.ts); a 5xx never says more than that.
 */
import { Readable } from 'node:stream'
import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import { Ajv, type Options as AjvOptions } from 'ajv'
import addFormatsModule from 'ajv-formats'
import iconv from 'iconv-lite'
import type { Logger } from 'pino'
import { authenticateAdmin, locationScope, managesLocation, type AdminIdentity } from '../auth/admin-auth.js'
import { generatePassword, hashPassword } from '../auth/onec-credentials.js'
import type { Config } from '../config.js'
import type { Databases } from '../olvery/databases.js'
import { AppError } from '../errors.js'
import { batchDocumentChunks } from '../export/batches.repository.js'
import { orderDeliveryStatus, previewNextBatch, requestReexport, type OrderDeliveryStatus } from '../export/export-admin.js'
import type { ExportDeps } from '../export/export-orders.js'
import { findOrderReport, listUploads, type OrderReport, type UploadSummary } from '../import/imports.repository.js'
import {
  documentTimezone,
  findCompany,
  findCompanyOrderIds,
  findCompanyOrdersByIdOrNumber,
  listCompanies,
  type CompanySummary,
} from '../olvery/orders.source.js'
import { startOfDayIn } from './export-from.js'
import {
  archiveIntegration,
  createIntegration,
  DUPLICATE_NAME_INDEX,
  findIntegrationIdByName,
  findIntegrationRecord,
  isLoginTaken,
  isUniqueViolation,
  listIntegrationRecords,
  LOGIN_UNIQUE_CONSTRAINT,
  rotateCredentials,
  updateIntegration,
  type Integration,
  type IntegrationChanges,
  type IntegrationRecord,
} from './integrations.repository.js'
import * as schemas from './integrations.schemas.js'
import { findBatch, findBatchDocument, findBatchOrders, listBatches, type JournalBatch } from './journal.repository.js'
import { InvalidSettingsError, parseSettings, type IntegrationSettingsInput } from './settings.schema.js'

export interface IntegrationsPluginOptions {
  config: Readonly<Config>
  databases: Databases
}

export const ADMIN_API_PREFIX = '/api/v1'

// ajv-formats is CommonJS: at run time the default import is the plugin function, NodeNext types it as the module.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv

/**
 * Request validation: bodies strictly as sent (no type coercion, unknown fields refused rather than silently
 * dropped, which Fastify's default would do); query strings and path parameters coerced from their text.
 */
function validatorCompiler() {
  const base: AjvOptions = { allErrors: true, removeAdditional: false, useDefaults: true, strict: false }
  const bodyAjv = addFormats(new Ajv({ ...base, coerceTypes: false }))
  const textAjv = addFormats(new Ajv({ ...base, coerceTypes: true }))
  return ({ schema, httpPart }: { schema: object; httpPart?: string }) => {
    if (httpPart === 'body') {
      return bodyAjv.compile(schema)
    }
    return textAjv.compile(schema)
  }
}

// --- the JSON shapes ------------------------------------------------------------------------------------------------

const iso = (date: Date | null) => (date ? date.toISOString() : null)

function integrationJson(record: IntegrationRecord) {
  const { integration } = record
  return {
    id: integration.id,
    name: integration.name,
    class: integration.class,
    companyId: integration.companyId,
    locationId: integration.locationId,
    settings: integration.storedSettings,
    enabled: integration.enabled,
    archivedAt: iso(integration.archivedAt),
    createdAt: integration.createdAt.toISOString(),
    updatedAt: integration.updatedAt.toISOString(),
    login: record.login,
    credentialsRotatedAt: record.credentialsRotatedAt.toISOString(),
    lastQueryAt: iso(record.lastQueryAt),
    lastSuccessAt: iso(record.lastSuccessAt),
  }
}

function companyJson(company: CompanySummary) {
  return {
    id: company.id,
    locationId: company.locationId,
    kind: company.kind,
    name: company.fullName,
    shortName: company.shortName,
    inn: company.inn,
    kpp: company.kpp,
  }
}

function batchJson(batch: JournalBatch) {
  return {
    id: batch.id,
    createdAt: batch.createdAt.toISOString(),
    queryStartedAt: batch.queryStartedAt.toISOString(),
    sessionId: batch.sessionId,
    orderCount: batch.orderCount,
    byteCount: batch.byteCount,
    contentType: batch.contentType,
    acknowledged: batch.acknowledgedAt !== null,
    acknowledgedAt: iso(batch.acknowledgedAt),
    superseded: batch.superseded,
  }
}

function uploadJson(upload: UploadSummary) {
  return {
    id: upload.id,
    sessionId: upload.sessionId,
    filename: upload.filename,
    receivedAt: upload.receivedAt.toISOString(),
    byteCount: upload.byteCount,
    chunkCount: upload.chunkCount,
    sha256: upload.sha256,
    state: upload.state,
    importStartedAt: iso(upload.importStartedAt),
    importFinishedAt: iso(upload.importFinishedAt),
    attempts: upload.attempts,
    outcome: upload.counts,
    error: upload.error,
    problems: upload.problems,
  }
}

function orderStatusJson(status: OrderDeliveryStatus, report: OrderReport | null) {
  return {
    ...status,
    reportedBy1C: report ? { ...report, reportedAt: report.reportedAt.toISOString() } : null,
    payments: status.payments.map((p) => ({ ...p, paidAt: iso(p.paidAt) })),
    lastSent: status.lastSent ? { ...status.lastSent, at: iso(status.lastSent.at) } : null,
    lastAcknowledged: status.lastAcknowledged ? { ...status.lastAcknowledged, at: iso(status.lastAcknowledged.at) } : null,
    excluded: status.excluded ? { ...status.excluded, at: status.excluded.at.toISOString() } : null,
  }
}

// --- helpers --------------------------------------------------------------------------------------------------------

/** Where a NUL character is in a request's parts (`body.settings.paymentrules[0].gateway`), in keys or values; null if nowhere. */
export function findNulCharacter(parts: Record<string, unknown>): string | null {
  const stack: Array<[path: string, value: unknown]> = Object.entries(parts)
  while (stack.length) {
    const [path, value] = stack.pop()!
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return path
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => stack.push([`${path}[${i}]`, item]))
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        if (key.includes('\u0000')) return path
        stack.push([`${path}.${key}`, item])
      }
    }
  }
  return null
}

function notFound(id: string): AppError {
  return new AppError('NOT_FOUND', `No integration ${id.slice(0, 100)}`)
}

/** Settings from a JSON object or the text of one; problems are reported with their JSON paths. */
function readSettings(input: unknown): { stored: IntegrationSettingsInput; exportFrom: string | null; timezone: string | null } {
  try {
    const { stored, settings } = parseSettings(input)
    return { stored, exportFrom: settings.exportFrom, timezone: settings.timezone }
  } catch (error) {
    if (!(error instanceof InvalidSettingsError)) throw error
    throw new AppError('INVALID_SETTINGS', error.message, { problems: error.problems })
  }
}

function duplicateName(name: string): AppError {
  return new AppError(
    'CONFLICT',
    `The company already has an integration named "${name.trim()}"; choose another name (letter case is ignored)`,
  )
}

function refuseArchived(integration: Integration): void {
  if (integration.archivedAt) {
    throw new AppError(
      'INTEGRATION_ARCHIVED',
      `Integration "${integration.name}" is archived: its journal stays readable, but it cannot be changed; create a new one instead`,
    )
  }
}

export const integrationsPlugin: FastifyPluginAsync<IntegrationsPluginOptions> = async (app, { config, databases }) => {
  const { db, olvery } = databases
  app.setValidatorCompiler(validatorCompiler())
  app.decorateRequest('admin', null as unknown as AdminIdentity)
  app.addHook('onRequest', authenticateAdmin(config.adminJwt))
  // No body at all (or JSON null) is read as `{}`: a missing field is then reported by name, and an optional body
  // (credentials) may be left out.
  app.addHook('preValidation', async (request) => {
    if (request.body === undefined || request.body === null) request.body = {}
    // PostgreSQL refuses U+0000 in text and jsonb: a NUL anywhere in the request is a 400 naming where, before the
    // database would turn it into a 500 (an order number `T-%00`, a name or a settings string with "\u0000").
    const where = findNulCharacter({ path: request.params, query: request.query, body: request.body })
    if (where !== null) {
      throw new AppError('BAD_REQUEST', `Invalid request: ${where} contains a NUL character (U+0000), which no field accepts`, {
        problems: [{ path: where, message: 'contains a NUL character (U+0000)' }],
      })
    }
  })

  const exportDeps = (request: FastifyRequest): ExportDeps => ({
    databases,
    config,
    logger: request.log as unknown as Logger,
  })

  /** The integration if the caller manages it; 404 otherwise, whether it exists in another location or not at all. */
  async function scopedRecord(request: FastifyRequest, id: string): Promise<IntegrationRecord> {
    const record = await findIntegrationRecord(db, id)
    if (!record || !managesLocation(request.admin, record.integration.locationId)) throw notFound(id)
    request.logFields['integrationId'] = record.integration.id
    return record
  }

  // --- companies ---------------------------------------------------------------------------------------------------

  app.get<{ Querystring: { locationId?: string } }>(
    '/companies',
    { schema: { querystring: schemas.companiesQuery, response: { 200: schemas.companyListResponse } } },
    async (request) => {
      const scope = locationScope(request.admin)
      const wanted = request.query.locationId?.toLowerCase() ?? null
      // A location administrator asking for another location sees nothing there, as for a location that does not exist.
      if (scope !== null && wanted !== null && wanted !== scope) return { companies: [] }
      const companies = await listCompanies(olvery, wanted ?? scope)
      return { companies: companies.map(companyJson) }
    },
  )

  // --- integrations ------------------------------------------------------------------------------------------------

  app.get<{ Querystring: { companyId?: string; includeArchived?: boolean } }>(
    '/integrations',
    { schema: { querystring: schemas.integrationsQuery, response: { 200: schemas.integrationListResponse } } },
    async (request) => {
      const records = await listIntegrationRecords(db, {
        locationId: locationScope(request.admin),
        companyId: request.query.companyId ?? null,
        includeArchived: request.query.includeArchived ?? false,
      })
      return { integrations: records.map(integrationJson) }
    },
  )

  app.post<{ Body: schemas.CreateIntegrationBody }>(
    '/integrations',
    { schema: { body: schemas.createIntegrationBody, response: { 201: schemas.createdIntegrationResponse } } },
    async (request, reply) => {
      const body = request.body
      const settings = readSettings(body.settings)
      const company = await findCompany(olvery, body.companyId)
      if (!company || !managesLocation(request.admin, company.locationId)) {
        const where = request.admin.role === 'location_admin' ? 'in your location' : 'in the platform data'
        throw new AppError(
          'UNKNOWN_COMPANY',
          `No company ${body.companyId} ${where}; GET ${ADMIN_API_PREFIX}/companies lists the companies an integration can be made for`,
        )
      }
      if (await findIntegrationIdByName(db, company.id, body.name)) throw duplicateName(body.name)
      // Rule 6: export_from starts the candidate scan at midnight of that date in the documents' time zone.
      const watermark = settings.exportFrom
        ? startOfDayIn(
            settings.exportFrom,
            await documentTimezone(olvery, { settingsTimezone: settings.timezone, locationId: company.locationId }),
          )
        : null
      let created
      try {
        created = await createIntegration(db, {
          name: body.name,
          companyId: company.id,
          locationId: company.locationId,
          settings: settings.stored,
          enabled: body.enabled ?? true,
          watermark,
        })
      } catch (error) {
        if (isUniqueViolation(error, DUPLICATE_NAME_INDEX)) throw duplicateName(body.name)
        throw error
      }
      request.logFields['integrationId'] = created.integration.id
      request.log.info({ integrationId: created.integration.id, companyId: company.id, by: request.admin.sub }, 'integration created')
      const record = await findIntegrationRecord(db, created.integration.id)
      reply
        .code(201)
        .header('location', `${ADMIN_API_PREFIX}/integrations/${created.integration.id}`)
        .header('cache-control', 'no-store')
      return { ...integrationJson(record!), password: created.password }
    },
  )

  app.get<{ Params: schemas.IntegrationParams }>(
    '/integrations/:id',
    { schema: { params: schemas.integrationParams, response: { 200: schemas.integrationResponse } } },
    async (request) => integrationJson(await scopedRecord(request, request.params.id)),
  )

  app.patch<{ Params: schemas.IntegrationParams; Body: schemas.PatchIntegrationBody }>(
    '/integrations/:id',
    {
      schema: { params: schemas.integrationParams, body: schemas.patchIntegrationBody, response: { 200: schemas.integrationResponse } },
    },
    async (request) => {
      const body = request.body
      const { integration } = await scopedRecord(request, request.params.id)
      if (body.companyId !== undefined && body.companyId !== integration.companyId) {
        throw new AppError(
          'BAD_REQUEST',
          'companyId cannot be changed: an integration and its journal belong to one company. Create an integration for the other company (and DELETE this one).',
        )
      }
      refuseArchived(integration)
      const changes: IntegrationChanges = {}
      if (body.name !== undefined) {
        const other = await findIntegrationIdByName(db, integration.companyId, body.name)
        if (other && other !== integration.id) throw duplicateName(body.name)
        changes.name = body.name
      }
      if (body.settings !== undefined) {
        const settings = readSettings(body.settings)
        if (settings.exportFrom !== integration.settings.exportFrom) {
          throw new AppError(
            'INVALID_SETTINGS',
            `export_from applies when an integration is created and cannot be changed (it is ${JSON.stringify(integration.settings.exportFrom)}). ` +
              `To send orders again from a date, POST ${ADMIN_API_PREFIX}/integrations/${integration.id}/reexport with {"from":"YYYY-MM-DD"}.`,
            { problems: [{ path: 'export_from', message: 'cannot be changed after creation; use the re-export instead' }] },
          )
        }
        changes.settings = settings.stored
      }
      if (body.enabled !== undefined) changes.enabled = body.enabled
      try {
        await updateIntegration(db, integration.id, changes)
      } catch (error) {
        if (isUniqueViolation(error, DUPLICATE_NAME_INDEX)) throw duplicateName(body.name ?? integration.name)
        throw error
      }
      request.log.info({ integrationId: integration.id, fields: Object.keys(changes), by: request.admin.sub }, 'integration changed')
      return integrationJson((await findIntegrationRecord(db, integration.id))!)
    },
  )

  app.delete<{ Params: schemas.IntegrationParams }>(
    '/integrations/:id',
    { schema: { params: schemas.integrationParams, response: { 200: schemas.integrationResponse } } },
    async (request) => {
      const { integration } = await scopedRecord(request, request.params.id)
      await archiveIntegration(db, integration.id)
      request.log.info({ integrationId: integration.id, by: request.admin.sub }, 'integration archived')
      return integrationJson((await findIntegrationRecord(db, integration.id))!)
    },
  )

  app.post<{ Params: schemas.IntegrationParams; Body: { login?: string } }>(
    '/integrations/:id/credentials',
    {
      schema: { params: schemas.integrationParams, body: schemas.rotateCredentialsBody, response: { 200: schemas.credentialsResponse } },
    },
    async (request, reply) => {
      const { integration, login: currentLogin } = await scopedRecord(request, request.params.id)
      refuseArchived(integration)
      const login = request.body.login
      const taken = () => new AppError('CONFLICT', `The login "${login}" is taken by another integration; choose another`)
      if (login !== undefined && login !== currentLogin && (await isLoginTaken(db, login))) throw taken()
      const password = generatePassword()
      let rotated
      try {
        rotated = await rotateCredentials(db, {
          integrationId: integration.id,
          passwordHash: await hashPassword(password),
          ...(login !== undefined ? { login } : {}),
        })
      } catch (error) {
        if (isUniqueViolation(error, LOGIN_UNIQUE_CONSTRAINT)) throw taken()
        throw error
      }
      request.log.info(
        { integrationId: integration.id, loginChanged: rotated.login !== currentLogin, revokedSessions: rotated.revokedSessions, by: request.admin.sub },
        'integration credentials rotated',
      )
      reply.header('cache-control', 'no-store')
      return { login: rotated.login, password, rotatedAt: rotated.rotatedAt.toISOString(), revokedSessions: rotated.revokedSessions }
    },
  )

  // --- the journal -------------------------------------------------------------------------------------------------

  app.get<{ Params: schemas.IntegrationParams; Querystring: { limit: number; cursor?: string } }>(
    '/integrations/:id/batches',
    {
      schema: { params: schemas.integrationParams, querystring: schemas.batchesQuery, response: { 200: schemas.batchPageResponse } },
    },
    async (request) => {
      const { integration } = await scopedRecord(request, request.params.id)
      const { limit, cursor } = request.query
      const page = await listBatches(db, integration.id, { limit, before: cursor === undefined ? null : Number(cursor) })
      const last = page.batches[page.batches.length - 1]
      return { batches: page.batches.map(batchJson), nextCursor: page.more && last ? String(last.id) : null }
    },
  )

  async function scopedBatch(request: FastifyRequest, params: schemas.BatchParams) {
    const { integration } = await scopedRecord(request, params.id)
    const batchId = Number(params.batchId)
    const batch = await findBatch(db, integration.id, batchId)
    if (!batch) throw new AppError('NOT_FOUND', `No batch ${params.batchId} in the journal of integration ${integration.id}`)
    return { integration, batch }
  }

  app.get<{ Params: schemas.BatchParams }>(
    '/integrations/:id/batches/:batchId',
    { schema: { params: schemas.batchParams, response: { 200: schemas.batchDetailResponse } } },
    async (request) => {
      const { integration, batch } = await scopedBatch(request, request.params)
      const orders = await findBatchOrders(db, integration.id, batch.id)
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

  app.get<{ Params: schemas.BatchParams }>(
    '/integrations/:id/batches/:batchId/document',
    { schema: { params: schemas.batchParams } },
    async (request, reply) => {
      const { integration, batch } = await scopedBatch(request, request.params)
      const stored = await findBatchDocument(db, integration.id, batch.id)
      if (!stored) throw new AppError('NOT_FOUND', `No batch ${batch.id} in the journal of integration ${integration.id}`)
      return reply
        .type(stored.contentType)
        .header('content-disposition', `inline; filename="batch-${batch.id}.xml"`)
        .header('content-length', String(stored.byteCount))
        .send(Readable.from(batchDocumentChunks(db, batch.id), { objectMode: false }))
    },
  )

  // --- uploads from 1C (PROTOCOL.md §8) ---------------------------------------------------------------------------

  app.get<{ Params: schemas.IntegrationParams; Querystring: { limit: number; cursor?: string } }>(
    '/integrations/:id/uploads',
    {
      schema: { params: schemas.integrationParams, querystring: schemas.uploadsQuery, response: { 200: schemas.uploadPageResponse } },
    },
    async (request) => {
      const { integration } = await scopedRecord(request, request.params.id)
      const { limit, cursor } = request.query
      const page = await listUploads(db, integration.id, { limit, after: cursor ?? null })
      const last = page.uploads[page.uploads.length - 1]
      return { uploads: page.uploads.map(uploadJson), nextCursor: page.more && last ? last.id : null }
    },
  )

  // --- support: one order, the next batch, re-export ---------------------------------------------------------------

  app.get<{ Params: schemas.OrderParams }>(
    '/integrations/:id/orders/:orderIdOrNumber',
    { schema: { params: schemas.orderParams, response: { 200: schemas.orderStatusResponse } } },
    async (request) => {
      const { integration } = await scopedRecord(request, request.params.id)
      const wanted = request.params.orderIdOrNumber.trim()
      const matches = await findCompanyOrdersByIdOrNumber(olvery, integration.companyId, wanted)
      if (matches.length === 0) {
        throw new AppError('NOT_FOUND', `No order "${wanted.slice(0, 100)}" (by id or number) of the integration's company`)
      }
      if (matches.length > 1) {
        throw new AppError(
          'AMBIGUOUS_ORDER_NUMBER',
          `${matches.length} orders of the integration's company have the number "${wanted}" (numbers are unique per location); ask again by order id`,
          { orders: matches.map((m) => ({ orderId: m.id, number: m.number, locationId: m.locationId, createdAt: m.createdAt.toISOString() })) },
        )
      }
      const status = await orderDeliveryStatus(exportDeps(request), { integration, orderId: matches[0]!.id })
      if (!status) throw new AppError('NOT_FOUND', `No order "${wanted.slice(0, 100)}" of the integration's company`)
      // What 1C uploaded about it (PROTOCOL.md §8): kept apart from the export, which never reads it.
      return orderStatusJson(status, await findOrderReport(db, integration.id, status.orderId))
    },
  )

  app.get<{ Params: schemas.IntegrationParams; Querystring: { format: 'json' | 'xml'; documentOrders: number } }>(
    '/integrations/:id/preview',
    { schema: { params: schemas.integrationParams, querystring: schemas.previewQuery, response: { 200: schemas.previewResponse } } },
    async (request, reply) => {
      const { integration } = await scopedRecord(request, request.params.id)
      const { format, documentOrders } = request.query
      const preview = await previewNextBatch(exportDeps(request), { integration, documentOrders })
      reply.header('cache-control', 'no-store')
      if (format === 'xml') {
        // The raw document as `query` would send it now, or its first orders (a Buffer is sent as it is, past the
        // JSON schema); the headers say how many of the batch's orders it holds.
        return reply
          .header('x-document-orders', preview.documentOrderCount)
          .header('x-batch-orders', preview.orders.length)
          .type(preview.contentType)
          .send(preview.body)
      }
      return {
        orders: preview.orders.map((o) => ({ ...o, changedAt: o.changedAt.toISOString() })),
        orderCount: preview.orders.length,
        leftOut: preview.leftOut,
        notExportable: preview.notExportable,
        contentType: preview.contentType,
        byteCount: preview.byteCount,
        documentOrderCount: preview.documentOrderCount,
        document: iconv.decode(preview.body, integration.settings.encoding, { stripBOM: true }),
      }
    },
  )

  app.post<{ Params: schemas.IntegrationParams; Body: schemas.ReexportBody }>(
    '/integrations/:id/reexport',
    { schema: { params: schemas.integrationParams, body: schemas.reexportBody, response: { 200: schemas.reexportResponse } } },
    async (request) => {
      const { integration } = await scopedRecord(request, request.params.id)
      const { from, orderIds } = request.body
      if ((from === undefined) === (orderIds === undefined)) {
        throw new AppError(
          'BAD_REQUEST',
          'Give exactly one of "from" (a date, YYYY-MM-DD: every order changed since its midnight is sent again) and "orderIds" (the orders to send again)',
        )
      }
      refuseArchived(integration)
      const deps = exportDeps(request)
      if (from !== undefined) {
        const timezone = await documentTimezone(olvery, {
          settingsTimezone: integration.settings.timezone,
          locationId: integration.locationId,
        })
        const instant = startOfDayIn(from, timezone)
        const result = await requestReexport(deps, { integration, from: instant })
        request.log.info({ integrationId: integration.id, from, cleared: result.cleared, by: request.admin.sub }, 're-export requested')
        return { cleared: result.cleared, watermark: iso(result.watermark), from: instant.toISOString(), unknownOrderIds: [] }
      }
      const known = new Set(await findCompanyOrderIds(olvery, integration.companyId, orderIds!))
      const unknownOrderIds = orderIds!.filter((id) => !known.has(id))
      if (known.size === 0) {
        throw new AppError('BAD_REQUEST', "None of orderIds is an order of the integration's company", { unknownOrderIds })
      }
      const result = await requestReexport(deps, { integration, orderIds: [...known] })
      request.log.info({ integrationId: integration.id, orders: known.size, cleared: result.cleared, by: request.admin.sub }, 're-export requested')
      return { cleared: result.cleared, watermark: iso(result.watermark), from: null, unknownOrderIds }
    },
  )
}
