/**
 * The query plan of the candidate scan, the one query of a poll whose cost can grow with history. The SQL is not
 * copied: `findCandidateOrders` of the build under measurement (dist/, not src/, which may have moved on since the
 * build) builds it on a Kysely that compiles without executing, with the integration's current watermark and
 * unsettled orders as the service would pass them; that exact statement and its parameters are then run under
 * EXPLAIN (ANALYZE, BUFFERS), bounded by a statement timeout.
 */
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, type CompiledQuery } from 'kysely'
import type { Databases } from '../../src/olvery/databases.js'
import type { OlveryDatabase } from '../../src/olvery/olvery.schema.js'
import { OLVERY_SCHEMA, withPg } from './databases.js'
import { REPO_ROOT } from './processes.js'

/** A module of the build under measurement, typed by its source. */
const fromBuild = <Module>(file: string): Promise<Module> => import(pathToFileURL(path.join(REPO_ROOT, 'dist', file)).href)
const candidatesSource = () =>
  fromBuild<typeof import('../../src/olvery/candidates.source.js')>('olvery/candidates.source.js')
const exportStateRepository = () =>
  fromBuild<typeof import('../../src/export/export-state.repository.js')>('export/export-state.repository.js')

/** EXPLAIN ANALYZE runs the query: past this, the plan is shown without execution figures. */
export const ANALYZE_TIMEOUT_MS = 60_000

export interface CandidatePlan {
  watermark: Date | null
  unsettled: number
  /** Whether the plan carries execution figures: false when not asked for, or not finished within the timeout. */
  analyzed: boolean
  analyzeTimedOut: boolean
  plan: string
  executionMs: number
}

/** The statement `findCandidateOrders` sends for these parameters, compiled but not run. */
async function candidateQuery(params: { companyId: string; changedSince: Date | null; alsoIds: string[] }): Promise<CompiledQuery> {
  const { findCandidateOrders } = await candidatesSource()
  const compiled: CompiledQuery[] = []
  const compiler = new Kysely<OlveryDatabase>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => new PostgresIntrospector(db),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
    log: (event) => {
      if (event.level === 'query') compiled.push(event.query)
    },
  })
  await findCandidateOrders(compiler.withSchema(OLVERY_SCHEMA), params)
  await compiler.destroy()
  const query = compiled.at(-1)
  if (!query) throw new Error('findCandidateOrders built no query')
  return query
}

export async function explainCandidateScan(
  url: string,
  databases: Databases,
  params: { integrationId: string; companyId: string; analyze: boolean },
): Promise<CandidatePlan> {
  const state = await databases.db
    .selectFrom('export_state')
    .select('watermark')
    .where('integration_id', '=', params.integrationId)
    .executeTakeFirstOrThrow()
  const { findQueryBacklog } = await exportStateRepository()
  const { unsettled } = await databases.db.transaction().execute((trx) => findQueryBacklog(trx, params.integrationId))
  const query = await candidateQuery({ companyId: params.companyId, changedSince: state.watermark, alsoIds: unsettled })

  return withPg(url, async (client) => {
    const explain = async (options: string) => {
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(`explain ${options} ${query.sql}`, query.parameters as unknown[])
      return rows.map((r) => r['QUERY PLAN']).join('\n')
    }
    let plan: string | null = null
    if (params.analyze) {
      await client.query(`set statement_timeout = ${ANALYZE_TIMEOUT_MS}`)
      plan = await explain('(analyze, buffers)').catch((error: { code?: string }) => {
        if (error.code === '57014') return null // statement timeout
        throw error
      })
      await client.query('reset statement_timeout')
    }
    const analyzed = plan !== null
    plan ??= await explain('')
    const executionMs = Number(/Execution Time: ([\d.]+) ms/.exec(plan)?.[1] ?? Number.NaN)
    return { watermark: state.watermark, unsettled: unsettled.length, analyzed, analyzeTimedOut: params.analyze && !analyzed, plan, executionMs }
  })
}
