/**
 * The one place that reads the environment. `loadConfig(env)` validates every variable with ajv, lists every
 * problem at once, and returns a frozen object; nothing else in the service touches `process.env`.
 * Every variable is documented in `.env.example` and the README.
 */
import { createPublicKey } from 'node:crypto'
import { Ajv, type JSONSchemaType, type ErrorObject } from 'ajv'

type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'
type DatabasePooling = 'session' | 'transaction'

export interface Config {
  host: string
  port: number
  /** The service's own state. Unset: an embedded PGlite database in `dataDir`. */
  databaseUrl: string | null
  /**
   * How the PostgreSQL servers behind `databaseUrl` and `olveryDatabaseUrl` hand out connections: `session` (directly,
   * or a pooler in session mode) or `transaction` (PgBouncer's transaction pooling, README "Behind PgBouncer").
   */
  databasePooling: DatabasePooling
  dataDir: string
  /** Platform data, read-only. Unset: the service's own database. */
  olveryDatabaseUrl: string | null
  olveryDbSchema: string
  logLevel: LogLevel
  /** Apply pending migrations when the server starts. */
  migrateOnStart: boolean
  /** Fill the embedded database with the Olvery reference schema and demo data when it has none. */
  demoSeed: boolean
  /** Idle lifetime of a 1C exchange session (PROTOCOL.md §2: at least an hour, 1C may load for minutes). */
  sessionTtlSeconds: number
  /** EXPORT-SEMANTICS.md rule 4: how far behind the query start the watermark stays. */
  exportSafetyLagSeconds: number
  /** `file_limit` advertised by `init` and the body limit of `mode=file` (PROTOCOL.md §3.2). */
  fileLimitBytes: number
  /**
   * How long `mode=import` works on an uploaded file before answering `progress` (the import goes on in the
   * background and 1C polls again, PROTOCOL.md §3.6); 0 answers `progress` at once.
   */
  importWaitMs: number
  /** The service's own exchange path; `/bitrix/admin/1c_exchange.php` is always served too (PROTOCOL.md §2). */
  exchangePath: string
  /** Public base URL used only in the start-up hints, e.g. `https://1c.example.ru`. */
  publicUrl: string | null
  /**
   * Which proxies to believe about the client address (X-Forwarded-For): false, true (any), or a list of
   * addresses/CIDRs. The login throttle counts failures per client address, so behind the required HTTPS proxy this
   * must be set, or every 1C base would share the proxy's address.
   */
  trustProxy: boolean | string[]
  /** How the admin API checks its bearer tokens; null when neither a secret nor a public key is configured (503). */
  adminJwt: Readonly<AdminJwtConfig> | null
  /** Where the web console is served, e.g. `/admin` (no trailing slash). */
  consolePath: string
  /** Origins allowed to embed the console in a frame (CSP frame-ancestors); empty: no framing at all. */
  consoleFrameAncestors: readonly string[]
  /** EXPORT-SEMANTICS.md rule 11: how long the journal keeps what it may forget, and how often it is pruned. */
  retention: Readonly<RetentionConfig>
}

/** Seconds each; see `.env.example` and README "Retention". */
export interface RetentionConfig {
  /** Stored document bytes of batches older than this are cleared (the batch stays in the journal). */
  documentsSeconds: number
  /** Empty polls (batches of no order) older than this are deleted. */
  emptyPollsSeconds: number
  /** Batches with their items, upload outcomes and audit events older than this are deleted. */
  journalSeconds: number
  /** Raw upload files older than this are deleted (their outcome stays as long as the journal). */
  uploadsSeconds: number
  /** Time between two pruning runs. */
  intervalSeconds: number
}

type AdminJwtAlgorithm = 'HS256' | 'RS256' | 'ES256'

/** Exactly one of `secret` (HS256) and `publicKey` (RS256/ES256) is set; only `algorithm` is accepted. */
export interface AdminJwtConfig {
  algorithm: AdminJwtAlgorithm
  /** HS256 shared secret, at least 32 characters. */
  secret: string | null
  /** The platform's public key (SPKI PEM) for RS256 or ES256. */
  publicKey: string | null
  /** Tolerance for `exp`, `nbf` and `iat` against this host's clock. */
  maxSkewSeconds: number
}

/** Names of the environment variables, in the order the README lists them. */
export const ENV_VARIABLES = [
  'HOST',
  'PORT',
  'DATABASE_URL',
  'DATABASE_POOLING',
  'DATA_DIR',
  'OLVERY_DATABASE_URL',
  'OLVERY_DB_SCHEMA',
  'LOG_LEVEL',
  'MIGRATE_ON_START',
  'DEMO_SEED',
  'SESSION_TTL_SECONDS',
  'EXPORT_SAFETY_LAG_SECONDS',
  'FILE_LIMIT_BYTES',
  'IMPORT_WAIT_MS',
  'EXCHANGE_PATH',
  'PUBLIC_URL',
  'TRUST_PROXY',
  'ADMIN_JWT_SECRET',
  'ADMIN_JWT_PUBLIC_KEY',
  'ADMIN_JWT_ALGORITHM',
  'ADMIN_JWT_MAX_SKEW_SECONDS',
  'CONSOLE_PATH',
  'CONSOLE_FRAME_ANCESTORS',
  'RETENTION_DOCUMENTS',
  'RETENTION_EMPTY_POLLS',
  'RETENTION_JOURNAL',
  'RETENTION_UPLOADS',
  'RETENTION_INTERVAL',
] as const

type EnvName = (typeof ENV_VARIABLES)[number]

/** The raw environment as ajv sees it: strings, coerced by the schema. */
type RawEnv = {
  HOST: string
  PORT: number
  DATABASE_URL?: string | null
  DATABASE_POOLING: DatabasePooling
  DATA_DIR: string
  OLVERY_DATABASE_URL?: string | null
  OLVERY_DB_SCHEMA: string
  LOG_LEVEL: LogLevel
  MIGRATE_ON_START: boolean
  DEMO_SEED?: boolean | null
  SESSION_TTL_SECONDS: number
  EXPORT_SAFETY_LAG_SECONDS: number
  FILE_LIMIT_BYTES: number
  IMPORT_WAIT_MS: number
  EXCHANGE_PATH: string
  PUBLIC_URL?: string | null
  TRUST_PROXY?: string | null
  ADMIN_JWT_SECRET?: string | null
  ADMIN_JWT_PUBLIC_KEY?: string | null
  ADMIN_JWT_ALGORITHM?: AdminJwtAlgorithm | null
  ADMIN_JWT_MAX_SKEW_SECONDS: number
  CONSOLE_PATH: string
  CONSOLE_FRAME_ANCESTORS?: string | null
  RETENTION_DOCUMENTS: string
  RETENTION_EMPTY_POLLS: string
  RETENTION_JOURNAL: string
  RETENTION_UPLOADS: string
  RETENTION_INTERVAL: string
}

/** A CSP source that names one origin: scheme and host (a leading `*.` for subdomains), an optional port, no path. */
const ORIGIN = 'https?://(\\*\\.)?[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*(:[0-9]{1,5})?'

const postgresUrl = { type: 'string', nullable: true, pattern: '^postgres(ql)?://' } as const

/** A duration with its unit: `90d`, `12h`, `10m`, `30s`. */
const DURATION = '^[0-9]{1,9}[smhd]$'
const duration = (fallback: string) => ({ type: 'string', pattern: DURATION, default: fallback }) as const
const RETENTION_KEYS = ['RETENTION_DOCUMENTS', 'RETENTION_EMPTY_POLLS', 'RETENTION_JOURNAL', 'RETENTION_UPLOADS', 'RETENTION_INTERVAL'] as const
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 }

/** `90d` → 7,776,000 (the pattern DURATION has been checked). */
function durationSeconds(text: string): number {
  return Number(text.slice(0, -1)) * UNIT_SECONDS[text.slice(-1)]!
}

const envSchema: JSONSchemaType<RawEnv> = {
  type: 'object',
  additionalProperties: true,
  properties: {
    HOST: { type: 'string', minLength: 1, default: '0.0.0.0' },
    PORT: { type: 'integer', minimum: 0, maximum: 65535, default: 8080 },
    DATABASE_URL: { ...postgresUrl, default: null },
    DATABASE_POOLING: { type: 'string', enum: ['session', 'transaction'], default: 'session' },
    DATA_DIR: { type: 'string', minLength: 1, default: './data' },
    OLVERY_DATABASE_URL: { ...postgresUrl, default: null },
    OLVERY_DB_SCHEMA: { type: 'string', pattern: '^[a-z_][a-z0-9_]{0,62}$', default: 'olvery' },
    LOG_LEVEL: {
      type: 'string',
      enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
      default: 'info',
    },
    MIGRATE_ON_START: { type: 'boolean', default: true },
    DEMO_SEED: { type: 'boolean', nullable: true, default: null },
    SESSION_TTL_SECONDS: { type: 'integer', minimum: 60, maximum: 7 * 24 * 3600, default: 3 * 3600 },
    EXPORT_SAFETY_LAG_SECONDS: { type: 'integer', minimum: 0, maximum: 7 * 24 * 3600, default: 600 },
    FILE_LIMIT_BYTES: { type: 'integer', minimum: 1024, maximum: 100 * 1024 * 1024, default: 1024 * 1024 },
    IMPORT_WAIT_MS: { type: 'integer', minimum: 0, maximum: 60_000, default: 5000 },
    EXCHANGE_PATH: { type: 'string', pattern: '^/[A-Za-z0-9._/-]*$', default: '/1c_exchange' },
    PUBLIC_URL: { type: 'string', nullable: true, pattern: '^https?://', default: null },
    TRUST_PROXY: { type: 'string', nullable: true, pattern: '^(true|false|[0-9A-Fa-f.:/]+(\\s*,\\s*[0-9A-Fa-f.:/]+)*)$', default: null },
    ADMIN_JWT_SECRET: { type: 'string', nullable: true, minLength: 32, default: null },
    ADMIN_JWT_PUBLIC_KEY: { type: 'string', nullable: true, pattern: '-----BEGIN (RSA )?PUBLIC KEY-----', default: null },
    ADMIN_JWT_ALGORITHM: { type: 'string', nullable: true, enum: ['HS256', 'RS256', 'ES256', null], default: null },
    ADMIN_JWT_MAX_SKEW_SECONDS: { type: 'integer', minimum: 0, maximum: 3600, default: 60 },
    // Segments of letters, digits and . _ ~ -, but no `.` or `..` segment (a browser would resolve it away).
    CONSOLE_PATH: { type: 'string', pattern: '^(/(?!\\.\\.?(/|$))[A-Za-z0-9._~-]+)+/?$', default: '/admin' },
    CONSOLE_FRAME_ANCESTORS: { type: 'string', nullable: true, pattern: `^${ORIGIN}([\\s,]+${ORIGIN})*$`, default: null },
    RETENTION_DOCUMENTS: duration('90d'),
    RETENTION_EMPTY_POLLS: duration('7d'),
    RETENTION_JOURNAL: duration('400d'),
    RETENTION_UPLOADS: duration('90d'),
    RETENTION_INTERVAL: duration('10m'),
  },
  required: [
    'HOST',
    'PORT',
    'DATABASE_POOLING',
    'DATA_DIR',
    'OLVERY_DB_SCHEMA',
    'LOG_LEVEL',
    'MIGRATE_ON_START',
    'SESSION_TTL_SECONDS',
    'EXPORT_SAFETY_LAG_SECONDS',
    'FILE_LIMIT_BYTES',
    'IMPORT_WAIT_MS',
    'EXCHANGE_PATH',
    'ADMIN_JWT_MAX_SKEW_SECONDS',
    'CONSOLE_PATH',
    ...RETENTION_KEYS,
  ],
}

const ajv = new Ajv({ allErrors: true, coerceTypes: true, useDefaults: true })
const validateEnv = ajv.compile(envSchema)

export class ConfigError extends Error {
  readonly problems: readonly string[]
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
    this.name = 'ConfigError'
    this.problems = problems
  }
}

function describe(error: ErrorObject): string {
  const name = error.instancePath.replace(/^\//, '') || String(error.params['missingProperty'] ?? 'environment')
  if (error.keyword === 'enum') {
    return `${name} must be one of ${(error.params['allowedValues'] as string[]).join(', ')}`
  }
  if (error.keyword === 'pattern') {
    const hint: Partial<Record<EnvName, string>> = {
      DATABASE_URL: 'a postgres:// URL',
      OLVERY_DATABASE_URL: 'a postgres:// URL',
      OLVERY_DB_SCHEMA: 'a lower-case SQL identifier',
      EXCHANGE_PATH: 'a path starting with /',
      PUBLIC_URL: 'an http:// or https:// URL',
      TRUST_PROXY: 'true, false, or a comma-separated list of proxy addresses or CIDRs',
      ADMIN_JWT_PUBLIC_KEY: 'a PEM public key (-----BEGIN PUBLIC KEY-----…); line breaks may be written \\n on one line',
      CONSOLE_PATH: 'a path such as /admin (letters, digits, ".", "_", "~", "-" between the slashes)',
      CONSOLE_FRAME_ANCESTORS:
        'origins such as https://olvery.example.ru (scheme and host, optionally a port, no path), separated by spaces or commas',
      ...Object.fromEntries(RETENTION_KEYS.map((key) => [key, 'a duration with its unit, such as 90d, 12h, 10m or 30s'])),
    }
    return `${name} must be ${hint[name as EnvName] ?? `like ${String(error.params['pattern'])}`}`
  }
  if (error.keyword === 'minLength' && name === 'ADMIN_JWT_SECRET') {
    return 'ADMIN_JWT_SECRET must be at least 32 characters long (e.g. the output of `openssl rand -base64 48`)'
  }
  return `${name} ${error.message ?? 'is invalid'}`
}

/** A PEM given on one line with `\n` escapes (common in env files and compose) is read with real line breaks. */
function readPem(value: string): string {
  return value.includes('\\n') ? value.replace(/\\n/g, '\n') : value
}

/**
 * The admin API's token check: exactly one of the secret (HS256) and the public key (RS256 by default, or ES256),
 * and an algorithm that fits the key. Returns the problems found; `adminJwt` is null when neither is set.
 */
function adminJwtFrom(raw: RawEnv): { adminJwt: AdminJwtConfig | null; problems: string[] } {
  const secret = raw.ADMIN_JWT_SECRET ?? null
  const publicKey = raw.ADMIN_JWT_PUBLIC_KEY ? readPem(raw.ADMIN_JWT_PUBLIC_KEY) : null
  const chosen = raw.ADMIN_JWT_ALGORITHM ?? null
  const problems: string[] = []
  if (secret !== null && publicKey !== null) {
    problems.push('ADMIN_JWT_SECRET and ADMIN_JWT_PUBLIC_KEY are both set; set exactly one (a secret for HS256, or a public key for RS256/ES256)')
    return { adminJwt: null, problems }
  }
  if (secret === null && publicKey === null) {
    if (chosen !== null) problems.push('ADMIN_JWT_ALGORITHM is set but neither ADMIN_JWT_SECRET nor ADMIN_JWT_PUBLIC_KEY is')
    return { adminJwt: null, problems }
  }
  const base = { maxSkewSeconds: raw.ADMIN_JWT_MAX_SKEW_SECONDS }
  if (secret !== null) {
    if (chosen !== null && chosen !== 'HS256') {
      problems.push(`ADMIN_JWT_ALGORITHM ${chosen} needs ADMIN_JWT_PUBLIC_KEY; ADMIN_JWT_SECRET is for HS256`)
    }
    return { adminJwt: { ...base, algorithm: 'HS256', secret, publicKey: null }, problems }
  }
  const algorithm = chosen ?? 'RS256'
  if (algorithm === 'HS256') {
    problems.push('ADMIN_JWT_ALGORITHM HS256 needs ADMIN_JWT_SECRET; ADMIN_JWT_PUBLIC_KEY is for RS256 or ES256')
    return { adminJwt: null, problems }
  }
  try {
    const key = createPublicKey(publicKey!)
    const details = key.asymmetricKeyDetails
    if (algorithm === 'RS256' && (key.asymmetricKeyType !== 'rsa' || (details?.modulusLength ?? 0) < 2048)) {
      problems.push('ADMIN_JWT_PUBLIC_KEY must be an RSA key of at least 2048 bits for RS256')
    }
    if (algorithm === 'ES256' && (key.asymmetricKeyType !== 'ec' || details?.namedCurve !== 'prime256v1')) {
      problems.push('ADMIN_JWT_PUBLIC_KEY must be an EC P-256 key for ES256')
    }
  } catch {
    problems.push('ADMIN_JWT_PUBLIC_KEY is not a readable PEM public key')
  }
  return { adminJwt: { ...base, algorithm, secret: null, publicKey }, problems }
}

/**
 * Rule 11's periods in seconds. None may be zero (a zero period would prune what was just written); the documents
 * cannot outlive the batches that hold them, nor a raw upload the outcome it belongs to.
 */
function retentionFrom(raw: RawEnv): { retention: RetentionConfig; problems: string[] } {
  const retention: RetentionConfig = {
    documentsSeconds: durationSeconds(raw.RETENTION_DOCUMENTS),
    emptyPollsSeconds: durationSeconds(raw.RETENTION_EMPTY_POLLS),
    journalSeconds: durationSeconds(raw.RETENTION_JOURNAL),
    uploadsSeconds: durationSeconds(raw.RETENTION_UPLOADS),
    intervalSeconds: durationSeconds(raw.RETENTION_INTERVAL),
  }
  const problems = RETENTION_KEYS.filter((key) => durationSeconds(raw[key]) === 0).map((key) => `${key} must be longer than 0 (a duration such as 30s)`)
  if (retention.documentsSeconds > retention.journalSeconds) {
    problems.push(`RETENTION_DOCUMENTS (${raw.RETENTION_DOCUMENTS}) must not be longer than RETENTION_JOURNAL (${raw.RETENTION_JOURNAL}): a document is kept with its batch at most`)
  }
  if (retention.uploadsSeconds > retention.journalSeconds) {
    problems.push(`RETENTION_UPLOADS (${raw.RETENTION_UPLOADS}) must not be longer than RETENTION_JOURNAL (${raw.RETENTION_JOURNAL}): a raw file is kept with its outcome at most`)
  }
  return { retention, problems }
}

/** The paths the service itself answers: the console must not hide one of them, nor sit inside one. */
const SERVICE_PATHS = ['/api', '/docs', '/health', '/ready', '/metrics', '/bitrix']

function consolePathProblems(consolePath: string, exchangePath: string): string[] {
  const taken = [...SERVICE_PATHS, exchangePath.replace(/\/+$/, '')].find(
    (path) => consolePath === path || consolePath.startsWith(`${path}/`) || path.startsWith(`${consolePath}/`),
  )
  return taken ? [`CONSOLE_PATH ${consolePath} overlaps ${taken}, which the service answers itself; choose another path such as /admin`] : []
}

function parseTrustProxy(value: string | null): boolean | string[] {
  if (value === null || value === 'false') return false
  if (value === 'true') return true
  return value.split(',').map((part) => part.trim())
}

/**
 * Reads the service configuration from an environment map (normally `process.env`, passed in by `server.ts`).
 * Empty strings count as unset, so `DATABASE_URL=` in a compose file means "embedded".
 * Throws `ConfigError` listing every problem.
 */
export function loadConfig(env: Record<string, string | undefined>): Readonly<Config> {
  const raw: Record<string, unknown> = {}
  for (const name of ENV_VARIABLES) {
    const value = env[name]?.trim()
    if (value !== undefined && value !== '') raw[name] = value
  }
  if (!validateEnv(raw)) {
    throw new ConfigError((validateEnv.errors ?? []).map(describe))
  }
  const { adminJwt, problems } = adminJwtFrom(raw)
  const consolePath = raw.CONSOLE_PATH.replace(/\/+$/, '')
  problems.push(...consolePathProblems(consolePath, raw.EXCHANGE_PATH))
  const retention = retentionFrom(raw)
  problems.push(...retention.problems)
  if (problems.length) throw new ConfigError(problems)
  const databaseUrl = raw.DATABASE_URL ?? null
  const config: Config = {
    host: raw.HOST,
    port: raw.PORT,
    databaseUrl,
    databasePooling: raw.DATABASE_POOLING,
    dataDir: raw.DATA_DIR,
    olveryDatabaseUrl: raw.OLVERY_DATABASE_URL ?? null,
    olveryDbSchema: raw.OLVERY_DB_SCHEMA,
    logLevel: raw.LOG_LEVEL,
    migrateOnStart: raw.MIGRATE_ON_START,
    demoSeed: raw.DEMO_SEED ?? databaseUrl === null,
    sessionTtlSeconds: raw.SESSION_TTL_SECONDS,
    exportSafetyLagSeconds: raw.EXPORT_SAFETY_LAG_SECONDS,
    fileLimitBytes: raw.FILE_LIMIT_BYTES,
    importWaitMs: raw.IMPORT_WAIT_MS,
    exchangePath: raw.EXCHANGE_PATH.replace(/\/+$/, '') || '/1c_exchange',
    publicUrl: raw.PUBLIC_URL ?? null,
    trustProxy: parseTrustProxy(raw.TRUST_PROXY ?? null),
    adminJwt: adminJwt ? Object.freeze(adminJwt) : null,
    consolePath,
    consoleFrameAncestors: Object.freeze((raw.CONSOLE_FRAME_ANCESTORS ?? '').split(/[\s,]+/).filter(Boolean)),
    retention: Object.freeze(retention.retention),
  }
  return Object.freeze(config)
}
