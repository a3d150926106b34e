/**
 * 1C's side of the benchmark: integrations created as ops create them (`npm run integrations -- create`, which
 * validates the settings JSON and turns `export_from` into the starting watermark), and exchanges made by the
 * project's 1C client over HTTP, exactly as УТ 11 makes them (profile ut11: checkauth → query → success, Basic
 * credentials on every request).
 */
import type { Databases } from '../../src/olvery/databases.js'
import { createFromCli, UsageError } from '../../src/admin/integrations.cli.js'
import { settingsJsonSchema } from '../../src/integration/settings.schema.js'
import { OneCClient, type ExchangeResult } from '../../test/helpers/onec-client.js'

/** БЭД's HTTPСоединение timeout (PROTOCOL.md §2): an answer slower than this fails the exchange in 1C. */
export const ONEC_TIMEOUT_MS = 180_000

const BENCH_SETTINGS = {
  paymentrules: [{ status: 'purchased', gateway: 'CKassa' }],
  paymentmethod_name: 'Оплата картой внешняя',
}

/** The largest batch_size the settings schema accepts today. */
export const MAX_BATCH_SIZE: number = (settingsJsonSchema.properties as { batch_size: { maximum: number } }).batch_size.maximum

export interface Credentials {
  id: string
  login: string
  password: string
}

/** The settings were refused by the service's own validation (e.g. a batch_size above its maximum). */
export class SettingsRejected extends Error {}

export async function createIntegration(
  databases: Databases,
  params: { companyId: string; name: string; settings?: Record<string, unknown> },
): Promise<Credentials> {
  const settings = JSON.stringify({ ...BENCH_SETTINGS, ...params.settings })
  try {
    return await createFromCli(databases, { company: params.companyId, name: params.name, settings })
  } catch (error) {
    if (error instanceof UsageError) throw new SettingsRejected(error.message)
    throw error
  }
}

export function oneCClient(baseUrl: string, credentials: Credentials, timeoutMs = ONEC_TIMEOUT_MS): OneCClient {
  return new OneCClient({ baseUrl, login: credentials.login, password: credentials.password, profile: 'ut11', timeoutMs })
}

/**
 * What went wrong in an exchange as 1C would see it, plus what the ut11 profile does not check but an operator would
 * call an error: a status other than 200, or a success answer other than `success`.
 */
function exchangeProblems(result: ExchangeResult): string[] {
  const problems = [...result.problems]
  for (const step of result.steps) {
    if (step.statusCode !== 200) problems.push(`${step.mode}: HTTP ${step.statusCode}`)
    else if (step.mode === 'success' && step.keyword !== 'success') problems.push(`success answered "${step.keyword}"`)
  }
  if (!result.successSent && problems.length === 0) problems.push('success was not sent')
  return problems
}

export interface TimedExchange {
  ms: number
  documents: number
  problems: string[]
}

/** One full download exchange (checkauth → query → success), timed from the first request to the last answer. */
export async function timedExchange(client: OneCClient): Promise<TimedExchange> {
  const started = performance.now()
  try {
    const result = await client.exchange()
    return { ms: performance.now() - started, documents: result.documentCount, problems: exchangeProblems(result) }
  } catch (error) {
    const ms = performance.now() - started
    const problem = (error as Error).name === 'TimeoutError' ? `timed out after ${(ms / 1000).toFixed(1)} s` : `transport: ${(error as Error).message}`
    return { ms, documents: 0, problems: [problem] }
  }
}

export interface SteadyState {
  /** False when an exchange failed as 1C would see it (e.g. a query slower than 1C's timeout) or orders never ran out. */
  reached: boolean
  problem: string | null
  exchanges: number
  /** Orders acknowledged. */
  orders: number
  seconds: number
  /** The slowest exchange, seconds. */
  slowestSeconds: number
}

/**
 * Rule 2 until nothing is pending: real exchanges until a query returns no document, so every order in scope is
 * acknowledged and the watermark has moved past history. Stops at the first exchange that fails.
 */
export async function exchangeUntilEmpty(
  client: OneCClient,
  params: { maxExchanges: number; log: (line: string) => void },
): Promise<SteadyState> {
  const started = performance.now()
  const state: SteadyState = { reached: false, problem: null, exchanges: 0, orders: 0, seconds: 0, slowestSeconds: 0 }
  while (!state.reached && state.problem === null && state.exchanges < params.maxExchanges) {
    const result = await timedExchange(client)
    state.exchanges++
    state.slowestSeconds = Math.max(state.slowestSeconds, result.ms / 1000)
    if (result.problems.length) {
      state.problem = `exchange ${state.exchanges}: ${result.problems.join('; ')}`
    } else if (result.documents === 0) {
      state.reached = true
    } else {
      state.orders += result.documents
      if (state.exchanges === 1 || state.exchanges % 5 === 0) {
        params.log(`    exchange ${state.exchanges}: ${result.documents} orders in ${(result.ms / 1000).toFixed(1)} s (${state.orders} so far)`)
      }
    }
  }
  if (!state.reached && state.problem === null) state.problem = `orders still pending after ${state.exchanges} exchanges`
  state.seconds = (performance.now() - started) / 1000
  return state
}
