import { AUDIT_ACTIONS } from '../integration/audit-trail.repository.js'

/**
 * JSON schemas of the admin API's responses: Fastify serialises every answer through them, so nothing outside the
 * documented shape ever leaves. The tests validate real responses against openapi.yaml, which describes the same
 * shapes, so the two cannot drift apart unnoticed.
 */

const dateTime = { type: 'string', format: 'date-time' } as const
const nullableDateTime = { type: ['string', 'null'], format: 'date-time' } as const

const company = {
  type: 'object',
  required: ['id', 'locationId', 'kind', 'name', 'shortName', 'inn', 'kpp'],
  properties: {
    id: { type: 'string' },
    locationId: { type: 'string' },
    kind: { type: 'string' },
    name: { type: 'string' },
    shortName: { type: ['string', 'null'] },
    inn: { type: ['string', 'null'] },
    kpp: { type: ['string', 'null'] },
  },
} as const

export const companyListResponse = {
  type: 'object',
  required: ['companies'],
  properties: { companies: { type: 'array', items: company } },
} as const

const integrationProperties = {
  id: { type: 'string' },
  name: { type: 'string' },
  class: { type: 'string' },
  companyId: { type: 'string' },
  locationId: { type: 'string' },
  settings: { type: 'object', additionalProperties: true },
  enabled: { type: 'boolean' },
  archivedAt: nullableDateTime,
  createdAt: dateTime,
  updatedAt: dateTime,
  login: { type: 'string' },
  credentialsRotatedAt: dateTime,
  lastQueryAt: nullableDateTime,
  lastSuccessAt: nullableDateTime,
} as const

const integrationRequired = Object.keys(integrationProperties)

export const integrationResponse = {
  type: 'object',
  required: integrationRequired,
  properties: integrationProperties,
} as const

export const createdIntegrationResponse = {
  type: 'object',
  required: [...integrationRequired, 'password'],
  properties: { ...integrationProperties, password: { type: 'string' } },
} as const

export const integrationListResponse = {
  type: 'object',
  required: ['integrations'],
  properties: { integrations: { type: 'array', items: integrationResponse } },
} as const

export const credentialsResponse = {
  type: 'object',
  required: ['login', 'password', 'rotatedAt', 'revokedSessions'],
  properties: {
    login: { type: 'string' },
    password: { type: 'string' },
    rotatedAt: dateTime,
    revokedSessions: { type: 'integer' },
  },
} as const

const batchProperties = {
  id: { type: 'integer' },
  createdAt: dateTime,
  queryStartedAt: dateTime,
  sessionId: { type: 'string' },
  orderCount: { type: 'integer' },
  byteCount: { type: 'integer' },
  contentType: { type: 'string' },
  acknowledged: { type: 'boolean' },
  acknowledgedAt: nullableDateTime,
  acknowledgedBy: { type: ['string', 'null'] },
  superseded: { type: 'boolean' },
  documentPrunedAt: nullableDateTime,
} as const

export const batchResponse = { type: 'object', required: Object.keys(batchProperties), properties: batchProperties } as const

export const batchPageResponse = {
  type: 'object',
  required: ['batches', 'nextCursor'],
  properties: { batches: { type: 'array', items: batchResponse }, nextCursor: { type: ['string', 'null'] } },
} as const

const batchOrderProperties = {
  orderId: { type: 'string' },
  number: { type: 'string' },
  fingerprint: { type: 'string' },
  changedAt: dateTime,
  acknowledged: { type: 'boolean' },
  acknowledgedBatchId: { type: ['integer', 'null'] },
  acknowledgedAt: nullableDateTime,
} as const

export const batchDetailResponse = {
  type: 'object',
  required: [...Object.keys(batchProperties), 'orders'],
  properties: {
    ...batchProperties,
    orders: { type: 'array', items: { type: 'object', required: Object.keys(batchOrderProperties), properties: batchOrderProperties } },
  },
} as const

const paymentRule = {
  type: 'object',
  properties: { status: { type: 'string' }, gateway: { type: 'string' } },
} as const

const nullableString = { type: ['string', 'null'] } as const
const nullableBoolean = { type: ['boolean', 'null'] } as const

const orderReportProperties = {
  number1c: nullableString,
  date1c: nullableString,
  posted: nullableBoolean,
  deletionMark: nullableBoolean,
  cancelled: nullableBoolean,
  paymentNumber1c: nullableString,
  paymentDate1c: nullableString,
  shipmentNumber1c: nullableString,
  shipmentDate1c: nullableString,
  onecId: nullableString,
  onecNumber: nullableString,
  requisites: { type: 'object', additionalProperties: { type: 'string' } },
  reportedAt: dateTime,
  uploadId: { type: ['string', 'null'] },
  filename: nullableString,
  documentIndex: { type: 'integer' },
} as const

const orderReport = { type: 'object', required: Object.keys(orderReportProperties), properties: orderReportProperties } as const

export const orderStatusResponse = {
  type: 'object',
  required: [
    'orderId',
    'number',
    'inScope',
    'reason',
    'matchedRule',
    'payments',
    'currentFingerprint',
    'notExportable',
    'lastSent',
    'lastAcknowledged',
    'pending',
    'unacknowledgedServes',
    'isolated',
    'excluded',
    'reportedBy1C',
  ],
  properties: {
    orderId: { type: 'string' },
    number: { type: 'string' },
    inScope: { type: 'boolean' },
    reason: { type: 'string' },
    matchedRule: { anyOf: [paymentRule, { type: 'null' }] },
    payments: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'gateway', 'status', 'amount', 'paidAt', 'matchesRules'],
        properties: {
          id: { type: 'string' },
          gateway: { type: 'string' },
          status: { type: 'string' },
          amount: { type: 'string' },
          paidAt: nullableDateTime,
          matchesRules: { type: 'boolean' },
        },
      },
    },
    currentFingerprint: { type: ['string', 'null'] },
    notExportable: { type: ['string', 'null'] },
    lastSent: {
      anyOf: [
        {
          type: 'object',
          required: ['batchId', 'at', 'fingerprint'],
          properties: { batchId: { type: ['integer', 'null'] }, at: nullableDateTime, fingerprint: { type: 'string' } },
        },
        { type: 'null' },
      ],
    },
    lastAcknowledged: {
      anyOf: [
        {
          type: 'object',
          required: ['batchId', 'at', 'fingerprint'],
          properties: { batchId: { type: ['integer', 'null'] }, at: nullableDateTime, fingerprint: { type: ['string', 'null'] } },
        },
        { type: 'null' },
      ],
    },
    pending: { type: 'boolean' },
    unacknowledgedServes: { type: 'integer' },
    isolated: { type: 'boolean' },
    excluded: {
      anyOf: [
        {
          type: 'object',
          required: ['at', 'by', 'reason'],
          properties: { at: dateTime, by: { type: ['string', 'null'] }, reason: { type: ['string', 'null'] } },
        },
        { type: 'null' },
      ],
    },
    reportedBy1C: { anyOf: [orderReport, { type: 'null' }] },
  },
} as const

export const previewResponse = {
  type: 'object',
  required: ['orders', 'orderCount', 'leftOut', 'notExportable', 'contentType', 'byteCount', 'documentOrderCount', 'document'],
  properties: {
    orders: {
      type: 'array',
      items: {
        type: 'object',
        required: ['orderId', 'number', 'changedAt', 'fingerprint'],
        properties: { orderId: { type: 'string' }, number: { type: 'string' }, changedAt: dateTime, fingerprint: { type: 'string' } },
      },
    },
    orderCount: { type: 'integer' },
    leftOut: { type: 'integer' },
    notExportable: {
      type: 'array',
      items: {
        type: 'object',
        required: ['orderId', 'number', 'reason'],
        properties: { orderId: { type: 'string' }, number: { type: 'string' }, reason: { type: 'string' } },
      },
    },
    contentType: { type: 'string' },
    byteCount: { type: 'integer' },
    documentOrderCount: { type: 'integer' },
    document: { type: 'string' },
  },
} as const

export const reexportResponse = {
  type: 'object',
  required: ['cleared', 'watermark', 'from', 'unknownOrderIds'],
  properties: {
    cleared: { type: 'integer' },
    watermark: nullableDateTime,
    from: nullableDateTime,
    unknownOrderIds: { type: 'array', items: { type: 'string' } },
  },
} as const

const uploadCountsProperties = {
  documents: { type: 'integer' },
  matched: { type: 'integer' },
  unmatched: { type: 'integer' },
  errors: { type: 'integer' },
} as const

const uploadProblemProperties = {
  documentIndex: { type: 'integer' },
  status: { type: 'string' },
  onecId: nullableString,
  onecNumber: nullableString,
  reason: nullableString,
} as const

const uploadProperties = {
  id: { type: 'string' },
  sessionId: { type: 'string' },
  filename: { type: 'string' },
  receivedAt: dateTime,
  byteCount: { type: 'integer' },
  chunkCount: { type: 'integer' },
  sha256: nullableString,
  state: { type: 'string' },
  importStartedAt: nullableDateTime,
  importFinishedAt: nullableDateTime,
  attempts: { type: 'integer' },
  outcome: {
    anyOf: [{ type: 'object', required: Object.keys(uploadCountsProperties), properties: uploadCountsProperties }, { type: 'null' }],
  },
  error: nullableString,
  problems: {
    type: 'array',
    items: { type: 'object', required: Object.keys(uploadProblemProperties), properties: uploadProblemProperties },
  },
  filePrunedAt: nullableDateTime,
} as const

export const uploadPageResponse = {
  type: 'object',
  required: ['uploads', 'nextCursor'],
  properties: {
    uploads: { type: 'array', items: { type: 'object', required: Object.keys(uploadProperties), properties: uploadProperties } },
    nextCursor: { type: ['string', 'null'] },
  },
} as const

const auditEventProperties = {
  id: { type: 'integer' },
  at: dateTime,
  sub: { type: 'string' },
  role: { type: 'string' },
  action: { type: 'string', enum: AUDIT_ACTIONS },
  changes: { type: 'object', additionalProperties: true },
} as const

export const auditPageResponse = {
  type: 'object',
  required: ['events', 'nextCursor'],
  properties: {
    events: { type: 'array', items: { type: 'object', required: Object.keys(auditEventProperties), properties: auditEventProperties } },
    nextCursor: { type: ['string', 'null'] },
  },
} as const
