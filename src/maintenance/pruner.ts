/**
 * Retention (EXPORT-SEMANTICS.md rule 11): the journal may forget, never the state. A run prunes each kind in small
 * transactions (retention.repository.ts) until nothing of that kind is due, and logs what it pruned by kind; in the
 * server a run starts every RETENTION_INTERVAL, and `stop` waits for the step in flight only. A run that finds the
 * pruning lock held (another replica is pruning) stops and leaves the work to that replica.
 */
import type { Kysely } from 'kysely'
import type { RetentionConfig } from '../config.js'
import type { ServiceDatabase } from '../db/database.js'
import {
  pruneAuditEvents,
  pruneDocuments,
  pruneEmptyPolls,
  pruneJournalBatches,
  pruneLoginFailures,
  pruneSessions,
  pruneUploadFiles,
  pruneUploads,
} from './retention.repository.js'
import type { Log } from '../logger.js'

/** What a run prunes, as `/metrics` labels it. */
export const PRUNE_KINDS = [
  'sessions',
  'login_failures',
  'documents',
  'empty_polls',
  'batches',
  'batch_items',
  'upload_files',
  'uploads',
  'audit_events',
] as const

type PruneKind = (typeof PRUNE_KINDS)[number]

export type RetentionPeriods = Omit<RetentionConfig, 'intervalSeconds'>

export interface PruneReport {
  pruned: Record<PruneKind, number>
  /** Another replica held the pruning lock: this run stopped early. */
  busy: boolean
  /** `stop` was called: this run stopped early. */
  stopped: boolean
}

/** Rows each step touches at most, per table. */
const ROWS_PER_STEP = 1000

type PruneListener = (kind: PruneKind, rows: number) => void

export class Pruner {
  private readonly listeners: PruneListener[] = []
  private timer: NodeJS.Timeout | null = null
  private running: Promise<unknown> | null = null
  private stopping = false

  constructor(
    private readonly deps: {
      db: Kysely<ServiceDatabase>
      retention: Readonly<RetentionConfig>
      logger: Log
      /** How long a login-failure counter can still decide a refusal (the throttle's, from auth/: wired by app.ts). */
      loginFailuresMatterSeconds: number
    },
  ) {}

  /** Called with the rows of each kind as each step prunes them (the metrics count them). */
  onPruned(listener: PruneListener): void {
    this.listeners.push(listener)
  }

  /**
   * One run. `now` and `periods` default to the clock and the configuration; tests and the simulation pass their own.
   * `rowsPerStep` bounds each transaction.
   */
  async runOnce(options: { now?: Date; periods?: RetentionPeriods; rowsPerStep?: number } = {}): Promise<PruneReport> {
    const now = options.now ?? new Date()
    const periods = options.periods ?? this.deps.retention
    const limit = options.rowsPerStep ?? ROWS_PER_STEP
    const { db } = this.deps
    const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000)
    const report: PruneReport = { pruned: Object.fromEntries(PRUNE_KINDS.map((k) => [k, 0])) as Record<PruneKind, number>, busy: false, stopped: false }
    const count = (kind: PruneKind, rows: number) => {
      if (rows <= 0) return
      report.pruned[kind] += rows
      for (const listener of this.listeners) listener(kind, rows)
    }
    /** Repeats one kind's step while it finds work; false when the run must stop. */
    const until = async <T>(run: () => Promise<T | null>, record: (result: T) => number): Promise<boolean> => {
      for (;;) {
        if (this.stopping) return !(report.stopped = true)
        const result = await run()
        if (result === null) return !(report.busy = true)
        if (record(result) === 0) return true
      }
    }
    // Sessions first: a session gone no longer protects its latest batch.
    const steps: Array<() => Promise<boolean>> = [
      () => until(() => pruneSessions(db, { now, limit }), (n) => (count('sessions', n), n)),
      () =>
        until(
          () => pruneLoginFailures(db, { before: ago(this.deps.loginFailuresMatterSeconds), now, limit }),
          (n) => (count('login_failures', n), n),
        ),
      () => until(() => pruneEmptyPolls(db, { before: ago(periods.emptyPollsSeconds), now, limit }), (n) => (count('empty_polls', n), n)),
      () =>
        until(
          () => pruneJournalBatches(db, { before: ago(periods.journalSeconds), now, limit }),
          (r) => (count('batches', r.batches), count('empty_polls', r.emptyPolls), count('batch_items', r.items), r.batches + r.emptyPolls + r.items),
        ),
      () =>
        until(
          () => pruneDocuments(db, { before: ago(periods.documentsSeconds), now, limit }),
          (r) => (count('documents', r.documents), r.rows),
        ),
      () =>
        until(
          () => pruneUploads(db, { before: ago(periods.journalSeconds), now, limit }),
          (r) => (count('uploads', r.uploads), r.rows),
        ),
      () =>
        until(
          () => pruneUploadFiles(db, { before: ago(periods.uploadsSeconds), now, limit }),
          (r) => (count('upload_files', r.files), r.rows),
        ),
      () => until(() => pruneAuditEvents(db, { before: ago(periods.journalSeconds), limit }), (n) => (count('audit_events', n), n)),
    ]
    for (const next of steps) if (!(await next())) break
    return report
  }

  /** Runs every RETENTION_INTERVAL until `stop`; a failed run is logged and the next one comes all the same. */
  start(): void {
    const { logger, retention } = this.deps
    const schedule = () => {
      if (this.stopping) return
      this.timer = setTimeout(() => {
        this.timer = null
        const started = performance.now()
        const run = this.runOnce()
          .then((report) => {
            if (report.stopped) return
            const durationMs = Math.round(performance.now() - started)
            logger.info({ pruned: report.pruned, busy: report.busy, durationMs }, 'retention: pruning run done')
          })
          .catch((error: unknown) => logger.warn({ err: error }, 'retention: pruning run failed; the next run tries again'))
          .finally(() => {
            this.running = null
            schedule()
          })
        this.running = run
      }, retention.intervalSeconds * 1000)
      this.timer.unref()
    }
    schedule()
  }

  /** Stops the schedule; resolves once the step in flight, if any, has ended. */
  async stop(): Promise<void> {
    this.stopping = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    await this.running
  }
}
