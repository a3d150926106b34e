/**
 * JSON schemas of the admin API's requests, validated by Fastify before a handler runs (admin.plugin.ts: bodies
 * strictly, query strings and paths coerced from their text), and the types of those requests, derived from the
 * schemas so the two cannot differ. openapi.yaml describes the same shapes for clients (test/app/openapi.test.ts).
 */
import type { FromSchema } from 'json-schema-to-ts'
import { PREVIEW_DOCUMENT_ORDERS_MAX } from '../export/support.js'

const uuid = { type: 'string', format: 'uuid' } as const

export const integrationParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', maxLength: 100 } },
} as const

export const batchParams = {
  type: 'object',
  required: ['id', 'batchId'],
  properties: { id: { type: 'string', maxLength: 100 }, batchId: { type: 'string', pattern: '^[0-9]{1,15}$' } },
} as const

export const orderParams = {
  type: 'object',
  required: ['id', 'orderIdOrNumber'],
  properties: { id: { type: 'string', maxLength: 100 }, orderIdOrNumber: { type: 'string', minLength: 1, maxLength: 100 } },
} as const

export const companiesQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { locationId: uuid },
} as const

export const integrationsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { companyId: uuid, includeArchived: { type: 'boolean', default: false } },
} as const

/** A page of a list, newest first: at most `limit` entries, after the `cursor` the previous page ended with. */
function pageQuery<const Cursor extends object>(cursor: Cursor) {
  return {
    type: 'object',
    additionalProperties: false,
    properties: { limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 }, cursor },
  } as const
}

/** The journal's cursor is a batch id. */
export const batchesQuery = pageQuery({ type: 'string', pattern: '^[0-9]{1,15}$' })

/** The uploads' cursor is an upload id. */
export const uploadsQuery = pageQuery(uuid)

export const previewQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    format: { type: 'string', enum: ['json', 'xml'], default: 'json' },
    documentOrders: { type: 'integer', minimum: 0, maximum: PREVIEW_DOCUMENT_ORDERS_MAX, default: 100 },
  },
} as const

const name = { type: 'string', minLength: 1, maxLength: 200, pattern: '\\S' } as const
/** A JSON object, or the text of the admin screen's box holding one; src/integration/settings.schema.ts checks it. */
const settings = { type: ['object', 'string'] } as const

export const createIntegrationBody = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'companyId', 'settings'],
  properties: {
    name,
    class: { type: 'string', enum: ['CommerceML'] },
    companyId: uuid,
    settings,
    enabled: { type: 'boolean' },
  },
} as const

export const patchIntegrationBody = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    name,
    class: { type: 'string', enum: ['CommerceML'] },
    settings,
    enabled: { type: 'boolean' },
    // Accepted by the schema only to be refused with a message that says why (an integration stays with its company).
    companyId: {},
  },
} as const

/** The login check of credentials.login. */
const LOGIN_PATTERN = '^[A-Za-z0-9._-]{3,64}$'

export const rotateCredentialsBody = {
  type: 'object',
  additionalProperties: false,
  properties: { login: { type: 'string', pattern: LOGIN_PATTERN } },
} as const

/** `cursor` of the journal and the audit trail: the id of the last entry of the previous page. */
const idCursor = { type: 'string', pattern: '^[0-9]{1,15}$' } as const

export const auditQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
    cursor: idCursor,
  },
} as const

/** Rule 9: an acknowledgement by hand takes no fields (a body may be left out). */
export const acknowledgeBody = { type: 'object', additionalProperties: false, properties: {} } as const

/** Rule 10: why the order is left out, as the order status and the audit trail will show it. */
export const exclusionBody = {
  type: 'object',
  additionalProperties: false,
  required: ['reason'],
  properties: { reason: { type: 'string', minLength: 1, maxLength: 500, pattern: '\\S' } },
} as const

export const reexportBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    from: { type: 'string', format: 'date' },
    orderIds: { type: 'array', minItems: 1, maxItems: 1000, uniqueItems: true, items: uuid },
  },
} as const

export type IntegrationParams = FromSchema<typeof integrationParams>
export type BatchParams = FromSchema<typeof batchParams>
export type OrderParams = FromSchema<typeof orderParams>
export type CompaniesQuery = FromSchema<typeof companiesQuery>
export type IntegrationsQuery = FromSchema<typeof integrationsQuery>
export type BatchesQuery = FromSchema<typeof batchesQuery>
export type UploadsQuery = FromSchema<typeof uploadsQuery>
export type PreviewQuery = FromSchema<typeof previewQuery>
export type CreateIntegrationBody = FromSchema<typeof createIntegrationBody>
export type PatchIntegrationBody = FromSchema<typeof patchIntegrationBody>
export type RotateCredentialsBody = FromSchema<typeof rotateCredentialsBody>
export type ReexportBody = FromSchema<typeof reexportBody>
export type AuditQuery = FromSchema<typeof auditQuery>
export type ExclusionBody = FromSchema<typeof exclusionBody>
