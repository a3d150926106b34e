/**
 * The simulated 1C bases: for each integration a loop of exchanges made with the project's 1C client (which reads the
 * answers as 1C does), each request of an exchange going to the other service process than the one before. At
 * random an exchange:
 * - drops the connection in the middle of the `query` answer (a raw HTTP request destroyed after some bytes) and,
 *   as 1C, sends no `success`;
 * - skips `success` (1C failed to load), or repeats it;
 * - runs at the same time as a second exchange with the same credentials;
 * - parks its session after a whole `query` without `success`, and comes back with it once the session has expired
 *   (SESSION_TTL_SECONDS), sending `success` and `query` that must be refused;
 * - plays УНФ (checkauth → init → query → success, `sessid` on every request) or УТ 11 with or without `sessid`.
 * Every exchange is recorded for the checker: the documents of a whole answer (order id, number, and the fingerprint
 * of the `<Документ>` fragment exactly as received) and what `success` was answered.
 */
import { createHash } from 'node:crypto'
import http from 'node:http'
import { OneCClient, type OneCProfile } from '../../src/onec-client/onec-client.js'
import type { ExchangeRecord, ReceivedDocument, SuccessOutcome } from './checker.js'
import type { IntegrationUnderTest } from './database.js'
import type { FaultLog, Injector } from './injector.js'
import { sleep, type Random } from './random.js'
import type { ServiceProcess } from './services.js'

const TIMEOUT_MS = 60_000
const EXCHANGE_PATH = '/1c_exchange'

/** Each `<Документ>` fragment as the service renders it (depth 1, two spaces), and so as its fingerprint hashes it. */
const FRAGMENT = /^ {2}<Документ>\n[\s\S]*?^ {2}<\/Документ>\n/gm

function readFragments(text: string): ReceivedDocument[] {
  return [...text.matchAll(FRAGMENT)].map((m) => {
    const fragment = m[0]
    return {
      orderId: /<Ид>([^<]*)<\/Ид>/.exec(fragment)?.[1] ?? '',
      number: /<Номер>([^<]*)<\/Номер>/.exec(fragment)?.[1] ?? '',
      fingerprint: createHash('sha256').update(fragment, 'utf8').digest('hex'),
    }
  })
}

/** ECONNREFUSED, ECONNRESET, a timeout…: what broke a request, for the report. */
function transportError(error: unknown): string {
  let e = error as { code?: string; name?: string; message?: string; cause?: unknown } | undefined
  while (e && e.cause && !e.code) e = e.cause
  return e?.code ?? e?.name ?? String(e?.message ?? error)
}

export interface ExchangeStats {
  started: number
  /** The whole answer read and `success` answered `success`. */
  complete: number
  aborted: Map<string, number>
  /** Whole answers whose documents the fragment reader and the 1C client counted differently. */
  unreadable: number
  expiredRefused: number
  /** A request with an expired session that was not refused: a finding. */
  expiredAccepted: number
  finalExchanges: number
}

interface Parked {
  record: ExchangeRecord
  session: NonNullable<OneCClient['session']>
  profile: OneCProfile
  parkedAt: number
}

export interface PendingResolution {
  record: ExchangeRecord
  cookieValue: string
}

type Behaviour = 'normal' | 'skip success' | 'repeat success' | 'drop mid-query' | 'park session'

export class OneCFleet {
  readonly records: ExchangeRecord[] = []
  readonly toResolve: PendingResolution[] = []
  readonly stats: ExchangeStats = {
    started: 0,
    complete: 0,
    aborted: new Map(),
    unreadable: 0,
    expiredRefused: 0,
    expiredAccepted: 0,
    finalExchanges: 0,
  }
  private readonly parked: Parked[] = []
  private stopping = false
  private startedAt = 0
  private loops: Promise<void>[] = []

  constructor(
    private readonly integrations: readonly IntegrationUnderTest[],
    private readonly services: readonly ServiceProcess[],
    private readonly injector: Injector,
    private readonly faults: FaultLog,
    private readonly random: Random,
    private readonly sessionTtlSeconds: number,
  ) {}

  start(): void {
    this.startedAt = Date.now()
    for (const integration of this.integrations) this.loops.push(this.loop(integration, this.random.fork(integration.label)))
  }

  async stop(): Promise<void> {
    this.stopping = true
    await Promise.all(this.loops)
  }

  private abort(reason: string): void {
    this.stats.aborted.set(reason, (this.stats.aborted.get(reason) ?? 0) + 1)
  }

  private async loop(integration: IntegrationUnderTest, random: Random): Promise<void> {
    while (!this.stopping) {
      await this.reuseExpired(integration, random, false)
      if (random.chance(0.12)) {
        this.faults.add('two exchanges at once (same credentials)')
        await Promise.all([this.exchange(integration, random.fork('a')), this.exchange(integration, random.fork('b'))])
      } else {
        await this.exchange(integration, random)
      }
      await sleep(random.int(50, 400))
    }
  }

  private clientFor(integration: IntegrationUnderTest, service: ServiceProcess, profile: OneCProfile, useSessionId: boolean): OneCClient {
    return new OneCClient({
      baseUrl: service.baseUrl,
      path: EXCHANGE_PATH,
      login: integration.login,
      password: integration.password,
      profile,
      useSessionId,
      timeoutMs: TIMEOUT_MS,
    })
  }

  /** One exchange in a session of its own; requests alternate between the services. */
  async exchange(integration: IntegrationUnderTest, random: Random, options: { clean?: boolean } = {}): Promise<ExchangeRecord | null> {
    const clean = options.clean ?? false
    const behaviour: Behaviour = clean
      ? 'normal'
      : random.weightedKey({
          normal: 50,
          'skip success': 12,
          'repeat success': 12,
          'drop mid-query': 14,
          // Early in the run, so that a run of a minute or more sees the parked sessions expire.
          'park session': Date.now() - this.startedAt < 5_000 ? 30 : 2,
        })
    const profile: OneCProfile = clean ? 'ut11' : random.chance(0.3) ? 'unf' : 'ut11'
    const useSessionId = random.chance(0.5)
    let turn = random.int(0, this.services.length - 1)
    // Alternating, as a load balancer without affinity would; one that knows a process is down skips it.
    const next = () => {
      for (let i = 0; i < this.services.length; i++) {
        const service = this.services[turn++ % this.services.length]!
        if (service.up) return service
      }
      return this.services[turn++ % this.services.length]!
    }
    const clients = new Map<ServiceProcess, OneCClient>()
    let session: NonNullable<OneCClient['session']> | null = null
    let sessionHash: string
    const on = (service: ServiceProcess) => {
      let client = clients.get(service)
      if (!client) clients.set(service, (client = this.clientFor(integration, service, profile, useSessionId)))
      client.session = session
      return client
    }
    if (!clean) this.stats.started++
    const abort = (reason: string) => {
      if (!clean) this.abort(reason)
    }

    // checkauth (and init for УНФ)
    try {
      const auth = await on(next()).checkauth()
      if (!auth.ok) {
        abort(`checkauth refused: ${auth.response.text.split('\n').slice(0, 2).join(' ')}`)
        return null
      }
      session = { cookieName: auth.cookieName!, cookieValue: auth.cookieValue!, line4: auth.line4! }
      sessionHash = createHash('sha256').update(session.cookieValue, 'utf8').digest('hex')
      if (profile === 'unf' && !(await on(next()).init('download')).ok) {
        abort('init failed')
        return null
      }
    } catch (error) {
      abort(`checkauth/init: no answer (${transportError(error)})`)
      return null
    }

    // query
    const queryService = next()
    if (!clean) await this.injector.at('before query', queryService)
    const record: ExchangeRecord = {
      integrationId: integration.id,
      querySentAt: Date.now(),
      queryComplete: false,
      documents: [],
      success: 'not-sent',
      successAnsweredAt: null,
      sessionHash,
    }
    this.records.push(record)
    if (behaviour === 'drop mid-query') {
      const drop = await this.dropMidQuery(queryService, integration, session, profile, useSessionId, random)
      const what = {
        cut: 'connection dropped mid-query',
        unread: 'connection dropped, answer arrived whole but unread',
        'no answer': 'query to drop: no answer',
      }[drop]
      if (drop !== 'no answer') this.faults.add(what)
      abort(what)
      return record
    }
    if (!clean) void this.injector.at('during query', queryService)
    try {
      const query = await on(queryService).query()
      if (!query.ok || query.document === null) {
        abort(`query: ${query.problem ?? 'no document'}`)
        return record
      }
      const documents = readFragments(query.document)
      if (documents.length !== query.documents.length) {
        this.stats.unreadable++
        abort('query: fragments not readable')
        return record
      }
      record.queryComplete = true
      record.documents = documents
    } catch (error) {
      abort(`query: no answer (${transportError(error)})`)
      return record
    }

    if (behaviour === 'skip success') {
      this.faults.add('success skipped')
      abort('success skipped')
      return record
    }
    if (behaviour === 'park session') {
      this.parked.push({ record, session, profile, parkedAt: Date.now() })
      this.faults.add('session parked for reuse after expiry')
      abort('session parked')
      return record
    }

    // success (repeated at random)
    const times = behaviour === 'repeat success' ? random.int(2, 3) : 1
    if (times > 1) this.faults.add('success repeated')
    for (let i = 0; i < times; i++) {
      const service = next()
      if (!clean && i === 0) await this.injector.at('after query', service)
      if (!clean) void this.injector.at('during success', service)
      await this.sendSuccess(on(service), record, session)
    }
    if (record.success === 'success') {
      if (!clean) this.stats.complete++
    } else abort(`success: ${record.success}`)
    return record
  }

  private async sendSuccess(client: OneCClient, record: ExchangeRecord, session: NonNullable<OneCClient['session']>): Promise<void> {
    let outcome: SuccessOutcome
    try {
      const step = await client.success()
      outcome = step.keyword === 'success' ? 'success' : 'failure'
    } catch {
      outcome = 'no-answer'
    }
    const rank: Record<SuccessOutcome, number> = { 'not-sent': 0, 'no-answer': 1, failure: 2, success: 3 }
    if (outcome === 'success' && record.successAnsweredAt === null) record.successAnsweredAt = Date.now()
    if (outcome === 'no-answer' && !this.toResolve.some((r) => r.record === record)) {
      this.toResolve.push({ record, cookieValue: session.cookieValue })
    }
    if (rank[outcome] > rank[record.success]) record.success = outcome
  }

  /**
   * A `query` read with a raw socket and dropped after a random part of the answer: 1C's connection broke. An answer
   * that arrives in one piece before the cut point (a small one, on loopback) is dropped unread: 1C loads nothing
   * either way, and the service cannot tell the difference.
   */
  private async dropMidQuery(
    service: ServiceProcess,
    integration: IntegrationUnderTest,
    session: NonNullable<OneCClient['session']>,
    profile: OneCProfile,
    useSessionId: boolean,
    random: Random,
  ): Promise<'cut' | 'unread' | 'no answer'> {
    const sessid = session.line4.replace('sessid=', '')
    const query = `type=sale&mode=query${profile === 'unf' ? `&${session.line4}` : useSessionId ? `&sessid=${sessid}` : ''}`
    const fraction = random.between(0.05, 0.95)
    return new Promise((resolve) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port: service.port,
          path: `${EXCHANGE_PATH}?${query}`,
          method: 'GET',
          headers: {
            cookie: `${session.cookieName}=${session.cookieValue}`,
            authorization: `Basic ${Buffer.from(`${integration.login}:${integration.password}`).toString('base64')}`,
          },
        },
        (res) => {
          const length = Number(res.headers['content-length'] ?? 0)
          const cut = Math.max(1, Math.floor(length * fraction))
          let received = 0
          res.on('data', (chunk: Buffer) => {
            received += chunk.length
            if (received >= cut) {
              resolve(received < length ? 'cut' : 'unread')
              req.destroy()
            }
          })
          res.on('end', () => resolve('unread'))
          res.on('error', () => resolve(received > 0 ? 'cut' : 'no answer'))
          res.on('close', () => resolve(received > 0 ? 'cut' : 'no answer'))
        },
      )
      req.on('error', () => resolve('no answer'))
      req.setTimeout(TIMEOUT_MS, () => req.destroy())
      req.end()
    })
  }

  /**
   * Sessions parked longer than the session lifetime come back: `success` (and a `query`) with the expired cookie must
   * be answered `failure`. With `all`, every parked session is tried (those not expired yet are left alone).
   */
  async reuseExpired(integration: IntegrationUnderTest, random: Random, all: boolean): Promise<void> {
    const now = Date.now()
    for (const parked of [...this.parked]) {
      if (parked.record.integrationId !== integration.id) continue
      if (now - parked.parkedAt < (this.sessionTtlSeconds + 2) * 1000) continue
      this.parked.splice(this.parked.indexOf(parked), 1)
      this.faults.add('expired session reused')
      const client = this.clientFor(integration, random.pick(this.services), parked.profile, random.chance(0.5))
      client.session = parked.session
      await this.sendSuccess(client, parked.record, parked.session)
      let refused = parked.record.success !== 'success'
      try {
        const query = await client.query()
        if (query.ok) refused = false
      } catch {
        // no answer: not an acceptance
      }
      if (refused) this.stats.expiredRefused++
      else this.stats.expiredAccepted++
      if (!all) return
    }
  }

  /** Writes stopped: every expired parked session is tried, then exchanges run until a query sends nothing. */
  async finalExchanges(integration: IntegrationUnderTest, random: Random, maxRounds = 200): Promise<{ ok: boolean; rounds: number; problem?: string }> {
    // A session parked early in a run of about a minute expires a few seconds from now: worth the wait.
    const expiries = this.parked
      .filter((p) => p.record.integrationId === integration.id)
      .map((p) => p.parkedAt + (this.sessionTtlSeconds + 2) * 1000 - Date.now())
    const soonest = Math.min(...expiries)
    if (soonest > 0 && soonest < 25_000) await sleep(soonest + 100)
    await this.reuseExpired(integration, random, true)
    let failures = 0
    for (let round = 1; round <= maxRounds; round++) {
      const record = await this.exchange(integration, random, { clean: true })
      this.stats.finalExchanges++
      if (!record || !record.queryComplete || record.success !== 'success') {
        if (++failures > 5) return { ok: false, rounds: round, problem: 'clean exchanges keep failing' }
        await sleep(500)
        continue
      }
      if (record.documents.length === 0) return { ok: true, rounds: round }
    }
    return { ok: false, rounds: maxRounds, problem: `still sending documents after ${maxRounds} exchanges` }
  }
}
