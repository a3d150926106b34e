/**
 * Integrations and their 1C credentials: list, create («Новая интеграция»: name, company, settings JSON), read,
 * change (name, settings, enabled), archive, and a new password (and login). A password is shown once, in the answer
 * that made it; only its hash is kept.
 */
import type { FastifyPluginAsync } from 'fastify'
import { locationScope, managesLocation } from '../auth/admin-auth.js'
import { generatePassword, hashPassword, issueCredentials } from '../auth/onec-credentials.js'
import { AppError } from '../errors.js'
import { documentTimezone, startOfDayIn } from '../export/wall-clock.js'
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
  type IntegrationChanges,
} from '../integration/integrations.repository.js'
import { InvalidSettingsError, parseSettings, type IntegrationSettingsInput } from '../integration/settings.schema.js'
import { findCompany, findLocationTimezone } from '../olvery/companies.source.js'
import { integrationJson } from './admin.mappers.js'
import {
  createIntegrationBody,
  integrationParams,
  integrationsQuery,
  patchIntegrationBody,
  rotateCredentialsBody,
  type CreateIntegrationBody,
  type IntegrationParams,
  type IntegrationsQuery,
  type PatchIntegrationBody,
  type RotateCredentialsBody,
} from './requests.schema.js'
import { createdIntegrationResponse, credentialsResponse, integrationListResponse, integrationResponse } from './responses.schema.js'
import { actorOf, refuseArchived, scopedRecord, type AdminRoutesOptions } from './scope.js'

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

export const integrationsRoutes: FastifyPluginAsync<AdminRoutesOptions> = async (app, { databases }) => {
  const api = app.prefix // `/api/v1`: the paths the answers name
  app.get<{ Querystring: IntegrationsQuery }>(
    '/integrations',
    { schema: { querystring: integrationsQuery, response: { 200: integrationListResponse } } },
    async (request) => {
      const records = await listIntegrationRecords(databases.db, {
        locationId: locationScope(request.admin),
        companyId: request.query.companyId ?? null,
        includeArchived: request.query.includeArchived ?? false,
      })
      return { integrations: records.map(integrationJson) }
    },
  )

  app.post<{ Body: CreateIntegrationBody }>(
    '/integrations',
    { schema: { body: createIntegrationBody, response: { 201: createdIntegrationResponse } } },
    async (request, reply) => {
      const body = request.body
      const settings = readSettings(body.settings)
      const company = await findCompany(databases.olvery, body.companyId)
      if (!company || !managesLocation(request.admin, company.locationId)) {
        const where = request.admin.role === 'location_admin' ? 'in your location' : 'in the platform data'
        throw new AppError(
          'UNKNOWN_COMPANY',
          `No company ${body.companyId} ${where}; GET ${api}/companies lists the companies an integration can be made for`,
        )
      }
      if (await findIntegrationIdByName(databases.db, company.id, body.name)) throw duplicateName(body.name)
      // Rule 6: export_from starts the candidate scan at midnight of that date in the documents' time zone.
      const watermark = settings.exportFrom
        ? startOfDayIn(
            settings.exportFrom,
            documentTimezone(settings.timezone, await findLocationTimezone(databases.olvery, company.locationId)),
          )
        : null
      const credentials = await issueCredentials()
      let created
      try {
        created = await createIntegration(databases.db, {
          name: body.name,
          companyId: company.id,
          locationId: company.locationId,
          settings: settings.stored,
          enabled: body.enabled ?? true,
          watermark,
          credentials,
        }, actorOf(request))
      } catch (error) {
        if (isUniqueViolation(error, DUPLICATE_NAME_INDEX)) throw duplicateName(body.name)
        throw error
      }
      request.logFields['integrationId'] = created.id
      request.log.info({ integrationId: created.id, companyId: company.id, by: request.admin.sub }, 'integration created')
      const record = await findIntegrationRecord(databases.db, created.id)
      reply
        .code(201)
        .header('location', `${api}/integrations/${created.id}`)
        .header('cache-control', 'no-store')
      return { ...integrationJson(record!), password: credentials.password }
    },
  )

  app.get<{ Params: IntegrationParams }>(
    '/integrations/:id',
    { schema: { params: integrationParams, response: { 200: integrationResponse } } },
    async (request) => integrationJson(await scopedRecord(databases, request, request.params.id)),
  )

  app.patch<{ Params: IntegrationParams; Body: PatchIntegrationBody }>(
    '/integrations/:id',
    {
      schema: { params: integrationParams, body: patchIntegrationBody, response: { 200: integrationResponse } },
    },
    async (request) => {
      const body = request.body
      const { integration } = await scopedRecord(databases, request, request.params.id)
      if (body.companyId !== undefined && body.companyId !== integration.companyId) {
        throw new AppError(
          'BAD_REQUEST',
          'companyId cannot be changed: an integration and its journal belong to one company. Create an integration for the other company (and DELETE this one).',
        )
      }
      refuseArchived(integration)
      const changes: IntegrationChanges = {}
      if (body.name !== undefined) {
        const other = await findIntegrationIdByName(databases.db, integration.companyId, body.name)
        if (other && other !== integration.id) throw duplicateName(body.name)
        changes.name = body.name
      }
      if (body.settings !== undefined) {
        const settings = readSettings(body.settings)
        if (settings.exportFrom !== integration.settings.exportFrom) {
          throw new AppError(
            'INVALID_SETTINGS',
            `export_from applies when an integration is created and cannot be changed (it is ${JSON.stringify(integration.settings.exportFrom)}). ` +
              `To send orders again from a date, POST ${api}/integrations/${integration.id}/reexport with {"from":"YYYY-MM-DD"}.`,
            { problems: [{ path: 'export_from', message: 'cannot be changed after creation; use the re-export instead' }] },
          )
        }
        changes.settings = settings.stored
      }
      if (body.enabled !== undefined) changes.enabled = body.enabled
      try {
        await updateIntegration(databases.db, integration.id, changes, actorOf(request))
      } catch (error) {
        if (isUniqueViolation(error, DUPLICATE_NAME_INDEX)) throw duplicateName(body.name ?? integration.name)
        throw error
      }
      request.log.info({ integrationId: integration.id, fields: Object.keys(changes), by: request.admin.sub }, 'integration changed')
      return integrationJson((await findIntegrationRecord(databases.db, integration.id))!)
    },
  )

  app.delete<{ Params: IntegrationParams }>(
    '/integrations/:id',
    { schema: { params: integrationParams, response: { 200: integrationResponse } } },
    async (request) => {
      const { integration } = await scopedRecord(databases, request, request.params.id)
      await archiveIntegration(databases.db, integration.id, actorOf(request))
      request.log.info({ integrationId: integration.id, by: request.admin.sub }, 'integration archived')
      return integrationJson((await findIntegrationRecord(databases.db, integration.id))!)
    },
  )

  app.post<{ Params: IntegrationParams; Body: RotateCredentialsBody }>(
    '/integrations/:id/credentials',
    {
      schema: { params: integrationParams, body: rotateCredentialsBody, response: { 200: credentialsResponse } },
    },
    async (request, reply) => {
      const { integration, login: currentLogin } = await scopedRecord(databases, request, request.params.id)
      refuseArchived(integration)
      const login = request.body.login
      const taken = () => new AppError('CONFLICT', `The login "${login}" is taken by another integration; choose another`)
      if (login !== undefined && login !== currentLogin && (await isLoginTaken(databases.db, login))) throw taken()
      const password = generatePassword()
      let rotated
      try {
        rotated = await rotateCredentials(databases.db, {
          integrationId: integration.id,
          passwordHash: await hashPassword(password),
          ...(login !== undefined ? { login } : {}),
        }, actorOf(request))
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
}
