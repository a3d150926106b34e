/**
 * Faults on the service side, injected at the points of an exchange the 1C clients announce:
 * - SIGKILL of the process that is about to serve, or is serving, a request: before `query` (after checkauth), during
 *   `query` (a few milliseconds after it was sent: in the transaction, while the document is built, or while it is
 *   sent), after `query` (the answer read, before `success`), during `success`; the process is started again after
 *   a short pause. At most one process is down at a time, and a kill waits until both processes have
 *   served for a few seconds.
 * - `pg_terminate_backend` of every service connection to the campaign's database, a few milliseconds after a `query`
 *   or `success` was sent, and now and then while the services idle.
 */
import type pg from 'pg'
import { terminateServiceBackends } from './database.js'
import { sleep, type Random } from './random.js'
import type { ServiceProcess } from './services.js'

export type ExchangePoint = 'before query' | 'during query' | 'after query' | 'during success'

export class FaultLog {
  readonly counts = new Map<string, number>()
  add(kind: string, n = 1): void {
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + n)
  }
  get(kind: string): number {
    return this.counts.get(kind) ?? 0
  }
}

export class Injector {
  enabled = true
  private lastKill = 0
  private lastTerminate = 0
  private readonly restarts = new Set<Promise<void>>()
  private idleLoop: Promise<void> | null = null
  readonly restartErrors: string[] = []

  constructor(
    private readonly services: readonly ServiceProcess[],
    private readonly pgClient: pg.Client,
    private readonly database: string,
    private readonly random: Random,
    private readonly log: FaultLog,
    private readonly options: { killSpacingMs: number; killChance: number; terminateChance: number },
  ) {}

  /** Kills go round the points of an exchange, so that a short run covers each of them. */
  private nextKillPoint = 0
  private static readonly KILL_POINTS: readonly ExchangePoint[] = ['before query', 'during query', 'after query', 'during success']

  private mayKill(point: ExchangePoint): boolean {
    const ok =
      Injector.KILL_POINTS[this.nextKillPoint % Injector.KILL_POINTS.length] === point &&
      this.enabled &&
      this.services.every((s) => s.up) &&
      Date.now() - this.lastKill > this.options.killSpacingMs &&
      Date.now() - Math.max(...this.services.map((s) => s.readyAt)) > this.options.killSpacingMs &&
      this.random.chance(this.options.killChance)
    if (ok) this.nextKillPoint++
    return ok
  }

  private async killAndRestart(service: ServiceProcess, kind: string): Promise<void> {
    this.lastKill = Date.now()
    this.log.add(`SIGKILL ${kind}`)
    await service.kill()
    const restart = (async () => {
      await sleep(this.random.int(100, 1500))
      try {
        await service.start()
      } catch (error) {
        this.restartErrors.push((error as Error).message)
      }
    })()
    this.restarts.add(restart)
    void restart.finally(() => this.restarts.delete(restart))
  }

  private async terminate(kind: string): Promise<void> {
    this.lastTerminate = Date.now()
    try {
      const n = await this.terminateNow()
      if (n > 0) this.log.add(`pg_terminate_backend ${kind}`)
    } catch {
      // the harness's own connection is not a service's; a failure here only means no fault
    }
  }

  private terminateNow(): Promise<number> {
    return terminateServiceBackends(this.pgClient, this.database)
  }

  /**
   * A 1C client is at `point` of an exchange and its next request goes to `service`. Before a request (`before
   * query`, `after query`) the kill happens now; for the `during` points it is scheduled a few milliseconds ahead
   * and the request is sent at once.
   */
  async at(point: ExchangePoint, service: ServiceProcess): Promise<void> {
    if (point === 'before query' || point === 'after query') {
      if (this.mayKill(point)) await this.killAndRestart(service, point)
      return
    }
    if (this.mayKill(point)) {
      const delay = this.random.int(0, point === 'during query' ? 60 : 15)
      this.lastKill = Date.now()
      void sleep(delay).then(() => this.killAndRestart(service, point))
      return
    }
    if (this.enabled && Date.now() - this.lastTerminate > 700 && this.random.chance(this.options.terminateChance)) {
      this.lastTerminate = Date.now()
      const delay = this.random.int(0, 30)
      void sleep(delay).then(() => this.terminate(point))
    }
  }

  /** Terminates the services' idle pool connections every few seconds. */
  startIdleTerminations(): void {
    this.idleLoop = (async () => {
      while (this.enabled) {
        const until = Date.now() + this.random.int(3000, 8000)
        while (this.enabled && Date.now() < until) await sleep(200)
        if (this.enabled) await this.terminate('of idle connections')
      }
    })()
  }

  /** No more faults; resolves when every killed process is up again. */
  async stop(): Promise<void> {
    this.enabled = false
    await this.idleLoop
    while (this.restarts.size) await Promise.all([...this.restarts])
    for (const service of this.services) await service.settled()
    for (const service of this.services) if (!service.up) await service.start()
  }
}
