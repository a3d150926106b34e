/**
 * The settings JSON of a CommerceML integration, as an administrator types it into the Olvery admin screen, e.g.
 *   {"paymentrules":[{"status":"purchased","gateway":"CKassa"}],"paymentmethod_name":"Оплата картой внешняя"}
 * Validated with ajv; every problem is reported with its JSON path and what to do about it.
 */
import { Ajv, type ErrorObject, type JSONSchemaType } from 'ajv'

export interface PaymentRule {
  /** Compared with payments.status without regard to case (e.g. `purchased`). */
  status?: string
  /** Compared with payments.gateway without regard to case (e.g. `CKassa`). */
  gateway?: string
}

export type DocumentEncoding = 'UTF-8' | 'windows-1251'

/**
 * The CommerceML layout of the `query` answer (../shared/commerceml/PROTOCOL.md §5.9): `2.08`, each `Документ` directly
 * under the root, for БЭД (УТ 11, КА 2, ERP) and УНФ; `3.1`, each `Документ` in a `Контейнер`, for the 1C-side
 * «Модуль обмена 1С-Битрикс». The `Документ` itself is the same in both (order-document.ts).
 */
export type SchemaVersion = '2.08' | '3.1'

export const SCHEMA_VERSIONS: readonly SchemaVersion[] = ['2.08', '3.1']

/** Settings as stored (snake_case keys, the admin screen's own vocabulary). */
export interface IntegrationSettingsInput {
  paymentrules: PaymentRule[]
  paymentmethod_name: string
  paymentmethod_id?: string
  encoding?: DocumentEncoding
  bom?: boolean
  batch_size?: number
  export_from?: string
  currency?: string
  timezone?: string
  schema_version?: SchemaVersion
}

/** Settings with defaults applied, as the export uses them. */
export interface IntegrationSettings {
  paymentRules: PaymentRule[]
  paymentMethodName: string
  paymentMethodId: string | null
  encoding: DocumentEncoding
  bom: boolean
  batchSize: number
  exportFrom: string | null
  currency: string | null
  timezone: string | null
  schemaVersion: SchemaVersion
}

const DEFAULT_BATCH_SIZE = 500

export const settingsJsonSchema: JSONSchemaType<IntegrationSettingsInput> = {
  type: 'object',
  additionalProperties: false,
  required: ['paymentrules', 'paymentmethod_name'],
  properties: {
    paymentrules: {
      type: 'array',
      minItems: 1,
      maxItems: 50,
      items: {
        type: 'object',
        additionalProperties: false,
        minProperties: 1,
        properties: {
          status: { type: 'string', minLength: 1, maxLength: 64, nullable: true },
          gateway: { type: 'string', minLength: 1, maxLength: 64, nullable: true },
        },
      },
    },
    paymentmethod_name: { type: 'string', minLength: 1, maxLength: 100, pattern: '\\S' },
    paymentmethod_id: { type: 'string', minLength: 1, maxLength: 50, pattern: '^[A-Za-z0-9_.-]+$', nullable: true },
    encoding: { type: 'string', enum: ['UTF-8', 'windows-1251'], nullable: true },
    bom: { type: 'boolean', nullable: true },
    batch_size: { type: 'integer', minimum: 1, maximum: 50000, nullable: true },
    export_from: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$', nullable: true },
    currency: { type: 'string', minLength: 3, maxLength: 3, nullable: true },
    timezone: { type: 'string', minLength: 1, maxLength: 64, nullable: true },
    schema_version: { type: 'string', enum: SCHEMA_VERSIONS, nullable: true },
  },
}

const ajv = new Ajv({ allErrors: true })
const validate = ajv.compile(settingsJsonSchema)

export interface SettingsProblem {
  /** JSON path of the offending value, e.g. `paymentrules[0].gateway`; empty for the whole document. */
  path: string
  message: string
}

export class InvalidSettingsError extends Error {
  readonly problems: SettingsProblem[]
  constructor(problems: SettingsProblem[]) {
    super(`Invalid integration settings: ${problems.map((p) => (p.path ? `${p.path} ${p.message}` : p.message)).join('; ')}`)
    this.name = 'InvalidSettingsError'
    this.problems = problems
  }
}

const TYPOGRAPHIC_QUOTES = /[«»“”„‟″〝〞＂‘’‚‛]/

function jsonPath(instancePath: string): string {
  return instancePath
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part), '')
}

function describe(error: ErrorObject): SettingsProblem {
  let path = jsonPath(error.instancePath)
  const at = (name: string) => (path ? `${path}.${name}` : name)
  switch (error.keyword) {
    case 'required':
      return { path: at(String(error.params['missingProperty'])), message: 'is required' }
    case 'additionalProperties': {
      const name = String(error.params['additionalProperty'])
      return { path: at(name), message: 'is not a known setting; check its spelling' }
    }
    case 'type':
      // `"schema_version": 3.1` is the likely slip: a JSON number, where the version is a text.
      if (path === 'schema_version') return { path, message: 'must be "2.08" or "3.1", written in double quotes' }
      return { path, message: `must be ${error.params['type'] === 'integer' ? 'a whole number' : `a ${String(error.params['type'])}`}` }
    case 'enum':
      return { path, message: `must be one of ${(error.params['allowedValues'] as string[]).map((v) => `"${v}"`).join(', ')}` }
    case 'minItems':
      return { path, message: 'must list at least one rule, e.g. {"status":"purchased","gateway":"CKassa"}' }
    case 'minProperties':
      return { path, message: 'must name a "status", a "gateway", or both' }
    case 'minLength':
      return { path, message: 'must not be empty' }
    case 'pattern':
      if (path === 'export_from') return { path, message: 'must be a date written YYYY-MM-DD' }
      if (path === 'paymentmethod_id') return { path, message: 'may use only Latin letters, digits, "_", "." and "-"' }
      return { path, message: 'must not be blank' }
    default:
      path ||= ''
      return { path, message: error.message ?? 'is invalid' }
  }
}

function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone })
    return true
  } catch {
    return false
  }
}

function isRealDate(date: string): boolean {
  const parsed = new Date(`${date}T00:00:00Z`)
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(date)
}

/**
 * Accepts the settings as a JSON object or as the text of the admin screen's text box, and returns them with
 * defaults applied. Throws `InvalidSettingsError` listing every problem.
 */
export function parseSettings(input: unknown): { stored: IntegrationSettingsInput; settings: IntegrationSettings } {
  let value = input
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input)
    } catch (error) {
      const hint = TYPOGRAPHIC_QUOTES.test(input)
        ? 'The text contains typographic quotes (« » “ ” „): replace them with plain double quotes (").'
        : `It is not valid JSON: ${(error as Error).message}.`
      throw new InvalidSettingsError([{ path: '', message: hint }])
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidSettingsError([{ path: '', message: 'must be a JSON object such as {"paymentrules":[…],"paymentmethod_name":"…"}' }])
  }
  if (!validate(value)) {
    // One problem per value: an empty string breaks both minLength and pattern, and one message is enough.
    const problems: SettingsProblem[] = []
    for (const problem of (validate.errors ?? []).map(describe)) {
      if (!problem.path || !problems.some((p) => p.path === problem.path)) problems.push(problem)
    }
    if (typeof input === 'string' && TYPOGRAPHIC_QUOTES.test(input)) {
      problems.push({ path: '', message: 'Note: the text contains typographic quotes (« » “ ” „); JSON needs plain double quotes (").' })
    }
    throw new InvalidSettingsError(problems)
  }
  const problems: SettingsProblem[] = []
  if (value.export_from && !isRealDate(value.export_from)) problems.push({ path: 'export_from', message: 'is not a real calendar date' })
  if (value.timezone && !isValidTimeZone(value.timezone)) {
    problems.push({ path: 'timezone', message: 'must be an IANA time zone such as "Europe/Moscow"' })
  }
  if (problems.length) throw new InvalidSettingsError(problems)
  return { stored: value, settings: toSettings(value) }
}

/** Applies defaults to settings already validated (e.g. read back from the database). */
export function toSettings(input: IntegrationSettingsInput): IntegrationSettings {
  return {
    paymentRules: input.paymentrules.map((rule) => ({
      ...(rule.status != null ? { status: rule.status } : {}),
      ...(rule.gateway != null ? { gateway: rule.gateway } : {}),
    })),
    paymentMethodName: input.paymentmethod_name.trim(),
    paymentMethodId: input.paymentmethod_id ?? null,
    encoding: input.encoding ?? 'UTF-8',
    bom: input.bom ?? false,
    batchSize: input.batch_size ?? DEFAULT_BATCH_SIZE,
    exportFrom: input.export_from ?? null,
    currency: input.currency ?? null,
    timezone: input.timezone ?? null,
    schemaVersion: input.schema_version ?? '2.08',
  }
}
