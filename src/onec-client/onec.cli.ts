/**
 * A 1C for smoke tests: speaks the «exchange with site» protocol exactly as 1C does (the same client the tests use,
 * onec-client.ts) against a running service, and prints what 1C would see.
 *
 *   npm run onec -- --url http://localhost:8080/1c_exchange --login demo-1c --password demo-1c-password
 *   node dist/onec-client/onec.cli.js --url https://1c.example.ru/1c_exchange --login 1c-… [--profile unf|bitrix-module] [--json]
 *
 * Exit code: 0 clean, 1 any problem (a step 1C would stop at, a document 1C would fail or load wrongly, the service
 * unreachable), 2 usage errors. Progress goes to stderr when it is a terminal; the report goes to stdout.
 */
import fs from 'node:fs/promises'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { checkAnswerEnvelope, checkCharacters, checkLayout, checkQueryAnswer, documentNotes, type Problem } from './document-checks.js'
import { OneCClient, type OneCClientOptions, type OneCProfile, type OneCResponse, type OneCStep } from './onec-client.js'
import { describeDocument, redactSessid, renderText, type SmokeReport, type StepView } from './report.js'

export const USAGE = `Usage: npm run onec -- --url <url> --login <login> --password <password> [options]
       node dist/onec-client/onec.cli.js --url <url> --login <login> [options]   (password from ONEC_PASSWORD)

Plays 1C's «Обмен с сайтом» against the service and reports what 1C would see.

  --url <url>          the exchange URL as entered in the 1C node, e.g. http://localhost:8080/1c_exchange;
                       a bare host means /bitrix/admin/1c_exchange.php, as in 1C
  --login <login>      the integration's 1C login
  --password <pw>      its password; better: set ONEC_PASSWORD, so it does not show in the process list
  --profile ut11|unf|bitrix-module
                       ut11 = УТ 11 / КА 2 / ERP: checkauth → query → success (default);
                       unf  = УНФ 3.0, protocol «Битрикс»: checkauth → init → query → success;
                       bitrix-module = the 1C-side «Модуль обмена 1С-Битрикс» (УТ 10.3, УПП, КА 1.1):
                       as unf, init asks for version=3.1, and the answer is read as CommerceML 3.1
                       (each Документ inside a Контейнер)
  --no-success         do not send success: nothing is acknowledged and the same orders come again next time
                       (each such run counts as an unacknowledged serve towards the poison-batch alert)
  --upload <file>      instead of the download, upload this file as 1C does: checkauth → init → file… → import
  --bom                the integration sends a UTF-8 BOM on purpose ("bom": true); do not report it
  --json               print the report as JSON
  -h, --help           this text

Without --no-success the orders received are acknowledged, exactly as after a real 1C load: against a production
service, use a dedicated smoke-test integration, or the real 1C base will not receive them.

Exit code: 0 clean, 1 any problem, 2 usage error.`

export class UsageError extends Error {}

export interface CliArgs {
  help: boolean
  /** The URL as given. */
  url: string
  baseUrl: string
  path: string
  login: string
  password: string
  profile: OneCProfile
  success: boolean
  upload: string | null
  bom: boolean
  json: boolean
}

/**
 * Reads the command line (without node and the script). The password may come from ONEC_PASSWORD: the service's rule
 * that only config.ts reads process.env is about the service; this separate command reads its own variable (from the
 * `env` given, process.env by default) so that a password never has to appear in `ps`.
 */
export function parseCliArgs(argv: string[], env: Record<string, string | undefined>): CliArgs {
  let values
  try {
    ;({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        url: { type: 'string' },
        login: { type: 'string' },
        password: { type: 'string' },
        profile: { type: 'string' },
        'no-success': { type: 'boolean' },
        upload: { type: 'string' },
        bom: { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }))
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
  const help = values.help ?? false
  if (help) {
    return { help, url: '', baseUrl: '', path: '', login: '', password: '', profile: 'ut11', success: true, upload: null, bom: false, json: false }
  }
  if (!values.url) throw new UsageError('--url is required')
  if (!values.login) throw new UsageError('--login is required')
  const password = values.password ?? env['ONEC_PASSWORD']
  if (!password) throw new UsageError('--password (or the environment variable ONEC_PASSWORD) is required')
  const profile = values.profile ?? 'ut11'
  if (profile !== 'ut11' && profile !== 'unf' && profile !== 'bitrix-module') {
    throw new UsageError(`--profile must be ut11, unf or bitrix-module, got "${profile}"`)
  }
  let url: URL
  try {
    url = new URL(values.url)
  } catch {
    throw new UsageError(`--url "${values.url}" is not a URL (e.g. http://localhost:8080/1c_exchange)`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--url must be http:// or https://, got ${url.protocol}`)
  if (url.search || url.hash) throw new UsageError('--url must not carry a query string: the client adds type and mode itself')
  if (url.username || url.password) throw new UsageError('--url must not carry credentials: use --login and --password')
  // PROTOCOL.md §2: a bare host makes 1C use bitrix/admin/1c_exchange.php.
  const exchangePath = url.pathname === '/' || url.pathname === '' ? '/bitrix/admin/1c_exchange.php' : url.pathname
  return {
    help,
    url: values.url,
    baseUrl: url.origin,
    path: exchangePath,
    login: values.login,
    password,
    profile,
    success: !(values['no-success'] ?? false),
    upload: values.upload ?? null,
    bom: values.bom ?? false,
    json: values.json ?? false,
  }
}

export interface CliIo {
  stdout: { write(text: string): unknown }
  stderr: { write(text: string): unknown; isTTY?: boolean }
  env: Record<string, string | undefined>
}

/** PROTOCOL.md §2: БЭД's HTTPСоединение times out after 180 s. */
const TIMEOUT_MS = 180_000

/** The client, timing each request and showing progress on a terminal. */
class TimedClient extends OneCClient {
  readonly timings = new WeakMap<OneCResponse, number>()
  private count = 0

  constructor(
    options: OneCClientOptions,
    private readonly progress: CliIo['stderr'] | null,
  ) {
    super(options)
  }

  override async request(...args: Parameters<OneCClient['request']>): Promise<OneCResponse> {
    const mode = /[?&]mode=([^&]*)/.exec(args[0])?.[1] ?? '?'
    this.progress?.write(`  ${++this.count}. ${mode}… `)
    const started = performance.now()
    try {
      const response = await super.request(...args)
      const ms = Math.round(performance.now() - started)
      this.timings.set(response, ms)
      this.progress?.write(`${response.statusCode} ${JSON.stringify(firstLine(response.text).slice(0, 40))} ${ms} ms\n`)
      return response
    } catch (error) {
      this.progress?.write(`failed: ${(error as Error).message}\n`)
      throw error
    }
  }
}

function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? ''
  return Array.from(line.replace(/^\ufeff/, '')).slice(0, 80).join('')
}

function stepView(client: TimedClient, step: OneCStep): StepView {
  const view: StepView = {
    mode: step.mode,
    method: step.response.method,
    url: redactSessid(step.url),
    status: step.statusCode,
    firstLine: firstLine(step.response.text),
    bytes: step.response.body.length,
    ms: client.timings.get(step.response) ?? 0,
    contentType: step.response.contentType,
    ok: step.ok,
  }
  if (step.problem !== undefined) view.problem = step.problem
  return view
}

function transportProblem(args: CliArgs, error: unknown): Problem {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause
  const detail = cause?.code ?? cause?.message ?? (error as Error).message
  const timedOut = (error as Error).name === 'TimeoutError'
  return {
    check: 'transport',
    message: timedOut
      ? `No answer from ${args.baseUrl} within ${TIMEOUT_MS / 1000} s: 1C gives up too (PROTOCOL.md §2).`
      : `Cannot reach ${args.baseUrl}: ${detail}.`,
  }
}

/** One download run as 1C makes it (PROTOCOL.md §1.1, §1.2), with the document checks between query and success. */
async function download(client: TimedClient, args: CliArgs, report: SmokeReport): Promise<void> {
  const record = (step: OneCStep) => {
    report.steps.push(stepView(client, step))
    if (step.problem !== undefined) report.problems.push({ check: 'protocol', message: `${step.mode}: ${step.problem}` })
    return step.ok
  }
  if (!record(await client.checkauth())) return
  if (client.bitrixProtocol && !record(await client.init('download'))) return
  const query = await client.query()
  record(query)
  const checkOptions = { allowBom: args.bom }
  if (!query.ok) {
    // Explain what made 1C refuse the body, when there was one.
    if (query.response.body.length > 0) {
      report.problems.push(...checkAnswerEnvelope(query.response.body, query.response.contentType, checkOptions))
      report.problems.push(...checkCharacters(query.response.text))
    }
    return
  }
  report.documents = query.documents.map(describeDocument)
  report.notes.push(...query.notes.map((message) => ({ message })), ...documentNotes(query.documents))
  const problems = [
    ...checkLayout(query.unseen, client.layout),
    ...checkQueryAnswer(
      { body: query.response.body, contentType: query.response.contentType, text: query.document ?? query.response.text, documents: query.documents },
      checkOptions,
    ),
  ]
  report.problems.push(...problems)
  if (!args.success) {
    report.notes.push({ message: 'success not sent (--no-success): the batch stays unacknowledged and its orders come again with the next query.' })
    return
  }
  if (problems.length > 0) {
    report.notes.push({ message: 'success not sent: the answer has problems, so nothing is acknowledged and the orders stay pending.' })
    return
  }
  const success = await client.success()
  record(success)
  report.successSent = true
  // БЭД ignores the answer to success (PROTOCOL.md §3.4), but then nothing was acknowledged and the batch comes back.
  if (success.ok && success.keyword !== 'success') {
    report.problems.push({
      check: 'protocol',
      message: `success was answered ${JSON.stringify(firstLine(success.response.text))}, not "success": nothing is acknowledged and the same orders come again.`,
    })
  }
}

/** One upload portion as 1C sends it (PROTOCOL.md §1.3): checkauth → init → file… → import…. */
async function upload(client: TimedClient, args: CliArgs, report: SmokeReport, bytes: Buffer): Promise<void> {
  const result = await client.uploadCycle(path.basename(args.upload!), bytes)
  report.steps.push(...result.steps.map((step) => stepView(client, step)))
  for (const problem of result.problems) report.problems.push({ check: 'protocol', message: problem })
}

/** Runs the command; returns the exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let args: CliArgs
  let fileBytes: Buffer | null = null
  try {
    args = parseCliArgs(argv, io.env)
    if (args.upload !== null) {
      try {
        fileBytes = await fs.readFile(args.upload)
      } catch (error) {
        throw new UsageError(`--upload: cannot read ${args.upload}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`)
      }
    }
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    io.stderr.write(`${error.message}\n\n${USAGE}\n`)
    return 2
  }
  if (args.help) {
    io.stdout.write(`${USAGE}\n`)
    return 0
  }

  const progress = io.stderr.isTTY ? io.stderr : null
  progress?.write(`${args.upload ? 'Uploading to' : 'Downloading from'} ${args.baseUrl}${args.path} as ${args.profile}\n`)
  const client = new TimedClient(
    { baseUrl: args.baseUrl, path: args.path, login: args.login, password: args.password, profile: args.profile, timeoutMs: TIMEOUT_MS },
    progress,
  )
  const report: SmokeReport = {
    url: `${args.baseUrl}${args.path}`,
    login: args.login,
    profile: args.profile,
    action: fileBytes ? 'upload' : 'download',
    steps: [],
    documents: [],
    notes: [],
    problems: [],
    successSent: false,
    ok: false,
  }
  try {
    if (fileBytes) await upload(client, args, report, fileBytes)
    else await download(client, args, report)
  } catch (error) {
    report.problems.push(transportProblem(args, error))
  }
  report.ok = report.problems.length === 0
  io.stdout.write(args.json ? `${JSON.stringify(report, null, 2)}\n` : renderText(report))
  return report.ok ? 0 : 1
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }).then(
    (code) => {
      process.exitCode = code
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.stack ?? error.message : error)
      process.exitCode = 1
    },
  )
}
