/**
 * Imports the files 1C uploads (PROTOCOL.md §8) and answers `mode=import` (§3.6) while it runs.
 *
 * A poll takes the import's lease in PostgreSQL (imports.repository.ts) and starts the work in this process; it waits
 * for it up to `waitMs` and answers `success` when it finished by then, `progress` otherwise, while the work goes on in
 * the background. Later polls, on this replica or another, answer `progress` while the lease is alive, and the outcome
 * once it is recorded. A process that dies mid-file stops renewing its lease; the next poll after it expires takes the
 * import over and carries on after the documents already written.
 *
 * The file is read one stored chunk at a time and fed to the streaming reader in slices; documents are matched and
 * written in batches of at most BATCH_SIZE; so memory is bounded by one chunk and one batch whatever the file's size.
 * Facts are applied to orders only once the whole file was read (finishImport): a file that turns out to be malformed
 * half-way leaves nothing applied.
 */
import { randomBytes } from 'node:crypto'
import os from 'node:os'
import type { Databases } from '../olvery/databases.js'
import { findCompanyOrdersByIdsOrNumbers } from '../olvery/orders.source.js'
import {
  claimImport,
  failImport,
  finishImport,
  readChunk,
  releaseLease,
  renewLease,
  stageDocuments,
  type ImportCounts,
  type ImportProgress,
  type StagedDocument,
} from './import-runs.repository.js'
import { readOrderFacts, siteNumberOf } from './order-facts.js'
import { UnreadableUploadError, UploadReader, type UploadedDocument } from './upload-reader.js'
import type { Log } from '../logger.js'

/** Documents matched and written per round trip. */
const BATCH_SIZE = 200
/** Bytes fed to the parser at once, so one large chunk does not yield more than a slice's worth of documents. */
const FEED_BYTES = 64 * 1024
/** How long a lease lives without renewal; renewed with every chunk and batch, so only a dead process lets it lapse. */
const LEASE_SECONDS = 60
/** PROTOCOL.md §8: `Документ`s with another ХозОперация are not orders. */
const ORDER_OPERATION = 'Заказ товара'

export type ImportAnswer =
  | { kind: 'success'; counts: ImportCounts }
  | { kind: 'progress'; progress: ImportProgress | null }
  | { kind: 'failure'; error: string }
  /** The file was never stored in this session (or not completed): the caller's business. */
  | { kind: 'unknown' }

type JobResult = { kind: 'done'; counts: ImportCounts } | { kind: 'failed'; error: string } | { kind: 'stopped' }

/** The lease went to another process: stop quietly, it carries on. */
class LeaseLost extends Error {}

interface Job {
  uploadId: string
  integrationId: string
  companyId: string
  byteCount: number
  resumeAfter: number
}

export interface UploadImporterOptions {
  databases: Databases
  logger: Log
  /** How long a poll waits for the import before answering `progress` (0: at once). */
  waitMs: number
  leaseSeconds?: number
}

export class UploadImporter {
  /** Names this process in leases. */
  readonly owner = `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`
  private readonly jobs = new Map<string, Promise<JobResult>>()
  private closing = false
  private readonly leaseSeconds: number

  constructor(private readonly options: UploadImporterOptions) {
    this.leaseSeconds = options.leaseSeconds ?? LEASE_SECONDS
  }

  /** One `mode=import` poll for a stored upload of an integration. */
  async poll(params: { uploadId: string; companyId: string }): Promise<ImportAnswer> {
    const { uploadId } = params
    let job = this.jobs.get(uploadId)
    if (!job) {
      const claim = await claimImport(this.options.databases.db, { uploadId, owner: this.owner, leaseSeconds: this.leaseSeconds })
      switch (claim.kind) {
        case 'unknown':
          return { kind: 'unknown' }
        case 'done':
          return { kind: 'success', counts: claim.counts }
        case 'failed':
          return { kind: 'failure', error: claim.error }
        case 'running':
          return { kind: 'progress', progress: claim.progress }
        case 'claimed':
          if (this.closing) {
            await releaseLease(this.options.databases.db, uploadId, this.owner)
            return { kind: 'progress', progress: null }
          }
          job = this.start({ uploadId, integrationId: claim.integrationId, companyId: params.companyId, byteCount: claim.byteCount, resumeAfter: claim.resumeAfter })
      }
    }
    const result = await this.within(job, this.options.waitMs)
    if (result === null || result.kind === 'stopped') return { kind: 'progress', progress: null }
    return result.kind === 'done' ? { kind: 'success', counts: result.counts } : { kind: 'failure', error: result.error }
  }

  /** Stops the imports of this process at their next step and gives their leases up; resolves when they stopped. */
  async close(): Promise<void> {
    this.closing = true
    await Promise.allSettled(this.jobs.values())
  }

  private start(job: Job): Promise<JobResult> {
    const running = this.run(job).finally(() => this.jobs.delete(job.uploadId))
    this.jobs.set(job.uploadId, running)
    return running
  }

  private async within(job: Promise<JobResult>, ms: number): Promise<JobResult | null> {
    if (ms <= 0) return null
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), ms)
    })
    try {
      return await Promise.race([job, timeout])
    } finally {
      clearTimeout(timer)
    }
  }

  private async run(job: Job): Promise<JobResult> {
    const { databases, logger } = this.options
    const log = logger.child({ uploadId: job.uploadId, integrationId: job.integrationId })
    const reader = new UploadReader()
    let pending: Array<{ index: number; doc: UploadedDocument }> = []
    let bytesRead = 0
    const flush = async () => {
      const batch = pending
      pending = []
      await stageDocuments(databases.db, await this.match(job, batch))
      await this.renew(job, bytesRead, reader.documents)
    }
    /** Numbers the documents in file order; those a previous run already wrote are skipped. */
    const take = (docs: UploadedDocument[]) => {
      let index = reader.documents - docs.length
      for (const doc of docs) {
        index += 1
        if (index > job.resumeAfter) pending.push({ index, doc })
      }
    }
    try {
      for (let seq = 1; ; seq++) {
        if (this.closing) throw new LeaseLost()
        const chunk = await readChunk(databases.db, job.uploadId, seq)
        if (!chunk) break
        for (let offset = 0; offset < chunk.length; offset += FEED_BYTES) {
          take(reader.write(chunk.subarray(offset, offset + FEED_BYTES)))
          if (pending.length >= BATCH_SIZE) await flush()
        }
        bytesRead += chunk.length
        await this.renew(job, bytesRead, reader.documents)
      }
      take(reader.end())
      await flush()
      const counts = await finishImport(databases.db, { uploadId: job.uploadId, owner: this.owner, bytesRead })
      if (!counts) throw new LeaseLost()
      log.info({ ...counts, bytes: bytesRead, schemaVersion: reader.schemaVersion }, 'upload imported')
      return { kind: 'done', counts }
    } catch (error) {
      if (error instanceof UnreadableUploadError) {
        const recorded = await failImport(databases.db, { uploadId: job.uploadId, owner: this.owner, error: error.message, bytesRead })
        if (!recorded) return { kind: 'stopped' }
        log.warn({ reason: error.message, bytes: bytesRead }, 'upload not imported')
        return { kind: 'failed', error: error.message }
      }
      await releaseLease(databases.db, job.uploadId, this.owner).catch(() => undefined)
      if (error instanceof LeaseLost) return { kind: 'stopped' }
      // A storage error: the stored file is intact and the next poll (or 1C's next run) imports it again.
      log.error({ err: error }, 'upload import interrupted')
      return { kind: 'failed', error: 'The file could not be processed; the details are in the service log. 1C sends it again.' }
    }
  }

  private async renew(job: Job, bytesRead: number, documents: number): Promise<void> {
    const held = await renewLease(this.options.databases.db, {
      uploadId: job.uploadId,
      owner: this.owner,
      leaseSeconds: this.leaseSeconds,
      bytesRead,
      documents,
    })
    if (!held) throw new LeaseLost()
  }

  /**
   * PROTOCOL.md §8 "Identity": `Ид` is 1C's own document UUID and `Номер` our order number. An `Ид` that is the id of
   * one of the company's orders matches first (a site echoing our id); otherwise `Номер`, then the number a
   * `Комментарий` gives ("[Номер документа на сайте: …]", §8 "Dialects"). Only orders of the integration's company
   * are looked at, so a document naming another company's order is unmatched, never applied.
   */
  private async match(job: Job, batch: Array<{ index: number; doc: UploadedDocument }>): Promise<StagedDocument[]> {
    if (batch.length === 0) return []
    const orders = await findCompanyOrdersByIdsOrNumbers(this.options.databases.olvery, job.companyId, {
      ids: batch.flatMap(({ doc }) => (doc.id ? [doc.id] : [])),
      numbers: batch.flatMap(({ doc }) => [doc.number, siteNumberOf(doc)].filter((n): n is string => n !== null)),
    })
    const byId = new Map(orders.map((o) => [o.id, o]))
    const byNumber = new Map<string, string[]>()
    for (const order of orders) byNumber.set(order.number, [...(byNumber.get(order.number) ?? []), order.id])
    return batch.map(({ index, doc }) => {
      const { facts, problems, contentHash } = readOrderFacts(doc)
      const base = { uploadId: job.uploadId, integrationId: job.integrationId, index, facts, contentHash }
      const unmatched = (status: 'unmatched' | 'error', reason: string): StagedDocument => ({ ...base, status, orderId: null, matchedBy: null, reason })
      const siteNumber = siteNumberOf(doc)
      if (!doc.id && !doc.number && !siteNumber) return unmatched('error', 'The document has neither Ид nor Номер.')
      if (doc.operation !== null && doc.operation !== ORDER_OPERATION) {
        return unmatched('error', `ХозОперация "${doc.operation.slice(0, 60)}" is not "${ORDER_OPERATION}".`)
      }
      const reason = problems.length ? problems.join('; ') : null
      const byOwnId = doc.id ? byId.get(doc.id.toLowerCase()) : undefined
      if (byOwnId) return { ...base, status: 'matched', orderId: byOwnId.id, matchedBy: 'id', reason }
      for (const number of new Set([doc.number, siteNumber].filter((n): n is string => n !== null))) {
        const numbered = byNumber.get(number) ?? []
        if (numbered.length === 1) return { ...base, status: 'matched', orderId: numbered[0]!, matchedBy: 'number', reason }
        if (numbered.length > 1) {
          return unmatched('unmatched', `${numbered.length} orders of the company have the number "${number}" (numbers are unique per location).`)
        }
      }
      return unmatched('unmatched', "No order of the integration's company has this Ид or Номер.")
    })
  }
}
