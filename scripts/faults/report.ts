/** The printed report of a campaign and its verdict (the exit code). */
import type { CheckResult } from './checker.js'
import type { Platform } from './database.js'
import type { FaultLog } from './injector.js'
import type { ExchangeStats } from './onec.js'
import type { FaultOptions } from './options.js'
import type { ServiceProcess } from './services.js'
import type { WriterStats } from './writers.js'

export interface CampaignReport {
  options: FaultOptions
  platform: Platform
  writers: WriterStats
  fleet: ExchangeStats
  faults: FaultLog
  result: CheckResult
  /** Reasons the run could not check. */
  problems: string[]
  services: readonly ServiceProcess[]
  /** What the journal says of the first lost orders, by order id + integration id. */
  explanations: ReadonlyMap<string, string[]>
  /** With --retention-seconds: what was left of the journal once the periods had passed after the last exchange. */
  journal: { batches: number; batchesRecorded: number; batchItems: number; sessions: number } | null
}

const SHOWN = 10

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted.length ? sorted[Math.floor(sorted.length / 2)]! : 0
}

function rows(entries: Array<[string, number | string]>, indent = '  '): string[] {
  const width = Math.max(0, ...entries.map(([k]) => k.length))
  return entries.map(([k, v]) => `${indent}${k.padEnd(width)}  ${v}`)
}

export function verdict(report: CampaignReport): number {
  const { result, fleet, problems } = report
  const crashes = report.services.reduce((n, s) => n + s.crashes.length, 0)
  const failed = result.lost.length + result.duplicates.length + result.foreign.length + fleet.expiredAccepted + problems.length + crashes
  return failed > 0 ? 1 : 0
}

export function renderReport(report: CampaignReport): string {
  const { options, platform, writers, fleet, faults, result, problems } = report
  const out: string[] = []
  const aborted = [...fleet.aborted.values()].reduce((a, b) => a + b, 0)
  const restarts = report.services.reduce((n, s) => n + s.starts - 1, 0)
  const crashes = report.services.flatMap((s) => s.crashes.map((c) => `${s.label}: ${c}`))
  out.push(
    '',
    `Fault campaign: ${options.seconds} s of workload, seed ${options.seed}, EXPORT_SAFETY_LAG_SECONDS=${options.safetyLagSeconds}, ` +
      `SESSION_TTL_SECONDS=60, 2 service processes (${options.dist ? 'dist/server.js' : 'tsx src/server.ts'}, ${restarts} restarts, ` +
      `${median(report.services.flatMap((s) => s.startSeconds)).toFixed(1)} s median start)`,
    '',
    'Platform writes',
    ...rows([
      ['orders written', `${writers.ordersCreated} new (beside ${platform.historyOrders} seeded before the run)`],
      ...Object.entries(writers.byKind).map(([k, v]): [string, number] => [`  ${k}`, v]),
      ['transactions held open within the lag', writers.longTransactions['within the lag']],
      ['transactions held open beyond the lag', writers.longTransactions['beyond the lag']],
      ['orders touched by a commit later than the lag', writers.beyondLagOrders.size],
      ['transactions that failed', writers.failedTransactions],
    ]),
    '',
    'Exchanges (checkauth → [init] → query → success)',
    ...rows([
      ['started during the workload', fleet.started],
      ['complete (whole answer, success answered)', fleet.complete],
      ['aborted', aborted],
      ...[...fleet.aborted].sort((a, b) => b[1] - a[1]).map(([k, v]): [string, number] => [`  ${k}`, v]),
      ['final clean exchanges', fleet.finalExchanges],
    ]),
    '',
    'Faults injected',
    ...rows([...faults.counts].sort((a, b) => a[0].localeCompare(b[0]))),
    ...(report.journal
      ? [
          '',
          `Retention (every period ${options.retentionSeconds} s, a run every 2 s), the journal once the periods had passed`,
          ...rows([
            ['batches left / ever recorded', `${report.journal.batches} / ${report.journal.batchesRecorded}`],
            ['batch items left', report.journal.batchItems],
            ['sessions left', report.journal.sessions],
          ]),
        ]
      : []),
    '',
    'Integrations',
    ...rows(
      result.perIntegration.map((i): [string, string] => [
        i.label,
        `${i.inScope} orders in scope, ${i.exchanges} exchanges, ${i.acknowledged} acknowledged` +
          (i.notExportable ? `, ${i.notExportable} not exportable` : ''),
      ]),
    ),
    '',
    'Properties (../shared/design/EXPORT-SEMANTICS.md)',
    ...rows([
      ['orders lost', result.lost.length + (result.lost.length ? ` (${result.lost.filter((l) => l.beyondLag).length} of them last written by a transaction that committed later than the safety lag)` : '')],
      ['orders delivered twice after acknowledgement', result.duplicates.length],
      ['orders of other companies delivered', result.foreign.length],
      ['service processes that crashed (exits not caused by a SIGKILL of the campaign)', crashes.length],
      ['expired sessions refused / accepted', `${fleet.expiredRefused} / ${fleet.expiredAccepted}`],
      ['success answers lost and not resolvable from the journal', result.unresolvedAcks],
    ]),
  )
  if (result.lost.length) {
    out.push('', 'Lost (first ones):')
    for (const l of result.lost.slice(0, SHOWN)) {
      out.push(`  ${l.integration} ${l.number} (${l.orderId}): 1C holds ${l.holds}${l.beyondLag ? '; written by a transaction longer than the lag' : ''}`)
      for (const line of report.explanations.get(l.orderId + l.integrationId) ?? []) out.push(`      ${line}`)
    }
  }
  if (result.duplicates.length) {
    out.push('', 'Delivered twice after acknowledgement (first ones):')
    for (const d of result.duplicates.slice(0, SHOWN)) {
      out.push(`  ${d.integration} ${d.number} (${d.orderId}): acknowledged, then sent unchanged ${d.sentAgainAt - d.acknowledgedAt} ms later`)
    }
  }
  if (result.foreign.length) {
    out.push('', 'Orders of other companies delivered:')
    for (const f of result.foreign.slice(0, SHOWN)) out.push(`  ${f.integration} ${f.number} (${f.orderId}) of company ${f.companyId ?? 'unknown'}`)
  }
  if (crashes.length) {
    out.push('', 'Crashes (the process was started again):')
    const counted = new Map<string, number>()
    for (const c of crashes) counted.set(c, (counted.get(c) ?? 0) + 1)
    for (const [c, n] of counted) out.push(`  ${n} × ${c}`)
  }
  if (problems.length) {
    out.push('', 'The run could not check:')
    for (const p of problems) out.push(`  ${p}`)
  }
  out.push('', verdict(report) === 0 ? 'Result: clean (exit 0)' : 'Result: FAILED (exit 1)', '')
  return out.join('\n')
}
