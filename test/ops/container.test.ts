/**
 * The image and the compose stack, checked without a Docker engine: the Dockerfile is read instruction by
 * instruction and docker-compose.yml is parsed with `yaml`. What these cannot prove (the image builds, the built
 * service starts, becomes ready and stops on SIGTERM) is what CI's .ci/check-dist does with `node dist/server.js`.
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { parse } from 'yaml'
import { type Instruction, parseDockerfile, runtimeEnv, runtimeNodeVersion } from '../../scripts/dockerfile.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8')

// ---------------------------------------------------------------------------------------------------------------
// Dockerfile

const dockerfile = parseDockerfile(read('Dockerfile'))
const froms = dockerfile.filter((i) => i.keyword === 'FROM')
const runtimeStage = froms.length - 1
const inStage = (stage: number, keyword: string) => dockerfile.filter((i) => i.stage === stage && i.keyword === keyword)
const stageNamed = (name: string) => froms.findIndex((f) => new RegExp(`\\sAS\\s+${name}$`, 'i').test(f.args))
const execForm = (args: string): string[] | null => {
  try {
    const value = JSON.parse(args) as unknown
    return Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value) : null
  } catch {
    return null
  }
}
const runtimeEnvironment = runtimeEnv(dockerfile)
/** `COPY [--flags] <src>… <dest>`: the sources, for COPYs from the build context (not `--from`). */
function contextSources(instruction: Instruction): string[] {
  const parts = instruction.args.split(/\s+/).filter((p) => !p.startsWith('--'))
  const json = execForm(instruction.args)
  const all = json ?? parts
  return all.slice(0, -1)
}
const contextCopies = dockerfile.filter((i) => (i.keyword === 'COPY' || i.keyword === 'ADD') && !/--from=/.test(i.args))

t.test('the Dockerfile is multi-stage: a build stage and a runtime stage', async (t) => {
  t.ok(froms.length >= 2, `${froms.length} FROM`)
  t.ok(stageNamed('build') >= 0, 'a stage named build')
  t.not(stageNamed('build'), runtimeStage, 'the build stage is not the runtime stage')
})

t.test('the build stage installs with npm ci and builds with tsc', async (t) => {
  const build = stageNamed('build')
  const runs = inStage(build, 'RUN').map((i) => i.args)
  t.ok(runs.some((r) => /\bnpm ci\b/.test(r) && !/--omit=dev/.test(r)), 'npm ci with the dev dependencies (TypeScript)')
  const buildScript = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts['build'] ?? ''
  t.ok(runs.some((r) => /\btsc\b/.test(r) || (/\bnpm run build\b/.test(r) && /\btsc\b/.test(buildScript))), 'tsc, directly or through npm run build')
})

/** `node:24.22.3-bookworm-slim[@sha256:…] AS x` → the image reference without the stage name. */
const baseImage = (from: Instruction) => from.args.replace(/\s+AS\s+\S+$/i, '')

t.test('every stage builds on one exact Node.js 24 LTS slim release (no floating tag)', async (t) => {
  const images = [...new Set(froms.map(baseImage))]
  t.equal(images.length, 1, `one base image: ${images.join(', ')}`)
  t.match(images[0], /^node:24\.\d+\.\d+-bookworm-slim(@sha256:[0-9a-f]{64})?$/)
})

t.test('package.json supports the Node.js the image ships, and types the same major', async (t) => {
  const pkg = JSON.parse(read('package.json')) as { engines: { node: string }; devDependencies: Record<string, string> }
  const release = runtimeNodeVersion(dockerfile)
  t.match(release, /^\d+\.\d+\.\d+$/, `the image runs Node.js ${release} (what .ci/run and .ci/check-dist read)`)
  const shipped = Number(release?.split('.')[0])
  t.equal(pkg.engines.node, `>=${shipped}`, 'engines: the shipped major is the oldest supported')
  t.equal(Number(/^\D*(\d+)\./.exec(pkg.devDependencies['@types/node'] ?? '')?.[1]), shipped, '@types/node')
})

t.test('the runtime stage has production dependencies only', async (t) => {
  const runs = inStage(runtimeStage, 'RUN').map((i) => i.args)
  t.ok(runs.some((r) => /\bnpm ci\b.*--omit=dev/.test(r)), 'npm ci --omit=dev')
  t.notOk(runs.some((r) => /\bnpm (ci|install)\b/.test(r) && !/--omit=dev/.test(r)), 'no install with dev dependencies')
  t.ok(
    inStage(runtimeStage, 'COPY').some((i) => /--from=build\b/.test(i.args) && /\/dist\b/.test(i.args)),
    'dist/ comes from the build stage',
  )
})

t.test('the runtime runs as a non-root user', async (t) => {
  const users = inStage(runtimeStage, 'USER')
  t.ok(users.length > 0, 'a USER instruction')
  t.notMatch(users.at(-1)?.args ?? 'root', /^(root|0)(:|$)/)
})

t.test('the embedded database directory is a volume owned by that user, prepared before it is declared', async (t) => {
  const dataDir = '/app/data' // DATA_DIR's default, ./data, in the WORKDIR
  const runtime = dockerfile.filter((i) => i.stage === runtimeStage)
  const volume = runtime.findIndex((i) => i.keyword === 'VOLUME' && (execForm(i.args) ?? i.args.split(/\s+/)).includes(dataDir))
  t.ok(volume >= 0, `VOLUME ${dataDir}`)
  const user = inStage(runtimeStage, 'USER').at(-1)?.args ?? ''
  // Changes to a path after VOLUME declares it are discarded, so the chown must come first.
  const chown = runtime.findIndex((i) => i.keyword === 'RUN' && new RegExp(`chown\\s+${user}(:${user})?\\s+${dataDir}\\b`).test(i.args))
  t.ok(chown >= 0 && chown < volume, `chown ${user} ${dataDir} before the VOLUME`)
  t.equal(inStage(runtimeStage, 'WORKDIR').at(-1)?.args, '/app')
})

t.test('the image listens on 0.0.0.0, exposes its port and checks its health on /ready', async (t) => {
  t.equal(runtimeEnvironment.get('HOST'), '0.0.0.0')
  const port = runtimeEnvironment.get('PORT') ?? '8080'
  t.same(inStage(runtimeStage, 'EXPOSE').map((i) => i.args), [port])
  const health = inStage(runtimeStage, 'HEALTHCHECK')
  t.equal(health.length, 1)
  t.match(health[0]?.args, /\bCMD\b.*\/ready\b/)
  t.notMatch(health[0]?.args, /\bcurl\b|\bwget\b/, 'no tool the slim image lacks')
})

t.test('the image limits the V8 heap, and only with node options (nothing else in NODE_OPTIONS)', async (t) => {
  const options = (runtimeEnvironment.get('NODE_OPTIONS') ?? '').split(/\s+/).filter(Boolean)
  const limit = options.map((o) => /^--max-old-space-size=(\d+)$/.exec(o)?.[1]).find(Boolean)
  t.ok(limit, `--max-old-space-size in NODE_OPTIONS: ${options.join(' ')}`)
  t.ok(Number(limit) >= 128, `a limit of ${limit} MiB leaves room for the live heap of a query (about 50 MiB)`)
  t.same(options.filter((o) => !o.startsWith('--')), [], 'no --require or loader a production image would not have')
})

t.test('npm start runs dist/server.js with the node options of the image, so both measure alike', async (t) => {
  const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts
  const run = / node ((?:--\S+ )*)dist\/server\.js$/.exec(scripts['start'] ?? '')
  t.ok(run, `npm start ends by starting dist/server.js with node: ${scripts['start']}`)
  const startOptions = (run?.[1] ?? '').split(/\s+/).filter(Boolean)
  const imageOptions = (runtimeEnvironment.get('NODE_OPTIONS') ?? '').split(/\s+/).filter(Boolean)
  t.same(startOptions.sort(), imageOptions.sort(), 'the same flags as the image NODE_OPTIONS')
  t.ok(imageOptions.some((o) => o.startsWith('--max-semi-space-size=')), 'the young generation is capped too')
})

t.test('CMD is ["node", "dist/server.js"] in exec form, and neither CMD nor ENTRYPOINT runs npm', async (t) => {
  const cmd = inStage(runtimeStage, 'CMD')
  t.equal(cmd.length, 1)
  t.same(execForm(cmd[0]?.args ?? ''), ['node', 'dist/server.js'])
  for (const i of [...cmd, ...inStage(runtimeStage, 'ENTRYPOINT')]) t.notMatch(i.args, /\bnpm\b|\bnpx\b/, i.keyword)
})

t.test('the runtime image carries the migrations and the Olvery reference SQL that dist/ reads at run time', async (t) => {
  const copied = inStage(runtimeStage, 'COPY').flatMap(contextSources)
  t.ok(copied.some((src) => src.replace(/\/$/, '') === 'migrations'), 'migrations/ (node dist/db/migrate.js)')
  const { REFERENCE_DDL_PATH } = await import('../../src/olvery/reference-schema.js')
  const reference = path.relative(ROOT, REFERENCE_DDL_PATH)
  const carries = (file: string) => copied.some((src) => file === src || file.startsWith(`${src.replace(/\/$/, '')}/`))
  t.ok(carries(reference), `${reference} (the demo profile)`)
  t.notOk(reference.startsWith('test/'), 'the service reads nothing under test/ at run time')
  t.same(copied.filter((src) => src === 'test' || src.startsWith('test/')), [], 'the runtime stage copies nothing from test/')
})

t.test('every file the Dockerfile copies from the build context exists and is not excluded by .dockerignore', async (t) => {
  const ignored = read('.dockerignore')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
  t.ok(contextCopies.length > 0)
  for (const source of contextCopies.flatMap(contextSources)) {
    t.ok(fs.existsSync(path.join(ROOT, source)), `${source} exists`)
    const top = source.split('/')[0]!
    t.notOk(ignored.includes(top) || ignored.includes(source), `${source} is not in .dockerignore`)
  }
})

// ---------------------------------------------------------------------------------------------------------------
// docker-compose.yml

interface ComposeService {
  image?: string
  build?: unknown
  command?: string[] | string
  environment?: Record<string, string> | string[]
  depends_on?: Record<string, { condition: string }> | string[]
  healthcheck?: { test?: string[] | string; disable?: boolean }
  volumes?: string[]
  profiles?: string[]
  restart?: string
  ports?: string[]
  read_only?: boolean
  tmpfs?: string[] | string
  cap_drop?: string[]
  security_opt?: string[]
  stop_grace_period?: string
}

// `merge`: the file shares settings between services with YAML merge keys (`<<: *hardened`), as Compose reads them.
const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, ComposeService>; volumes?: Record<string, unknown> }
const services = compose.services
const envOf = (s: ComposeService | undefined): Record<string, string> =>
  Array.isArray(s?.environment)
    ? Object.fromEntries(s.environment.map((e) => [e.split('=')[0]!, e.split('=').slice(1).join('=')]))
    : (s?.environment ?? {})
const commandOf = (s: ComposeService | undefined): string[] =>
  Array.isArray(s?.command) ? s.command : typeof s?.command === 'string' ? s.command.split(/\s+/) : []
/** The service built from this repository that runs the exchange: no profile, no command of its own. */
const appName = Object.keys(services).find((name) => services[name]?.build !== undefined && !services[name]?.command && !services[name]?.profiles)
const app = appName ? services[appName] : undefined
const dbName = Object.keys(services).find((name) => /^postgres:/.test(services[name]?.image ?? ''))
const db = dbName ? services[dbName] : undefined
const migrateName = Object.keys(services).find((name) => commandOf(services[name]).join(' ') === 'node dist/db/migrate.js')
const demoName = Object.keys(services).find((name) => services[name]?.profiles?.includes('demo'))
/** The services that run this repository's image: the one that builds it and those naming the image it builds. */
const ownNames = Object.keys(services).filter((name) => services[name]?.build !== undefined || (app?.image !== undefined && services[name]?.image === app.image))
const oneShotNames = ownNames.filter((name) => services[name]?.restart === 'no')

/** Compose durations: `1m30s`, `20s`, `500ms`. */
function seconds(duration: string | undefined): number {
  const units: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001, us: 1e-6 }
  const parts = [...(duration ?? '').matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us)/g)]
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== duration) return Number.NaN
  return parts.reduce((sum, p) => sum + Number(p[1]) * units[p[2]!]!, 0)
}

t.test('compose runs PostgreSQL with a healthcheck and a named volume for its data', async (t) => {
  t.ok(db, 'a postgres service')
  const test = [db?.healthcheck?.test ?? []].flat().join(' ')
  t.match(test, /pg_isready/)
  const dataVolume = db?.volumes?.find((v) => v.endsWith(':/var/lib/postgresql/data'))
  t.ok(dataVolume, 'the data directory is a volume')
  const volumeName = dataVolume?.split(':')[0] ?? ''
  t.ok(compose.volumes && volumeName in compose.volumes, `${volumeName} is a named volume`)
})

t.test('compose pins PostgreSQL to a minor release', async (t) => {
  t.match(db?.image, /^postgres:\d+\.\d+(-[a-z0-9]+)?(@sha256:[0-9a-f]{64})?$/)
})

t.test('one image is built once, by the exchange service, and every service of this repository runs it', async (t) => {
  const builders = Object.keys(services).filter((name) => services[name]?.build !== undefined)
  t.same(builders, [appName], 'one build:, on the exchange service')
  t.match(app?.image, /^[a-z0-9][\w./-]*:[\w.-]+$/, 'which names the image it builds')
  t.same([...ownNames].sort(), [appName, migrateName, demoName].sort(), 'migrate and the demo run that image')
  for (const name of ownNames) t.equal(services[name]?.image, app?.image, `${name}: ${services[name]?.image}`)
})

t.test('every container of this repository runs read-only, without capabilities, unable to gain privileges', async (t) => {
  t.ok(ownNames.length >= 3)
  for (const name of ownNames) {
    const service = services[name]
    t.equal(service?.read_only, true, `${name}: read_only`)
    t.ok([service?.tmpfs ?? []].flat().some((mount) => mount.split(':')[0] === '/tmp'), `${name}: a tmpfs for /tmp`)
    t.same(service?.cap_drop, ['ALL'], `${name}: cap_drop ALL`)
    t.ok(service?.security_opt?.includes('no-new-privileges:true'), `${name}: no-new-privileges`)
  }
})

t.test('the one-shot services are not health-checked; the exchange keeps the image HEALTHCHECK', async (t) => {
  t.same([...oneShotNames].sort(), [migrateName, demoName].sort(), 'migrate and the demo are the one-shot services')
  for (const name of oneShotNames) t.same(services[name]?.healthcheck, { disable: true }, `${name}: healthcheck disabled`)
  t.equal(app?.healthcheck, undefined, 'the exchange service does not override it')
})

t.test("Docker waits longer than the service's own shutdown grace before it kills the exchange", async (t) => {
  const grace = /closeWithGrace\(\s*\{\s*delay:\s*([\d_]+)/.exec(read('src/server.ts'))?.[1]
  t.ok(grace, 'the shutdown grace of src/server.ts')
  const graceSeconds = Number(grace?.replaceAll('_', '')) / 1000
  const stop = seconds(app?.stop_grace_period)
  t.ok(stop > graceSeconds, `stop_grace_period ${app?.stop_grace_period} > ${graceSeconds} s`)
})

t.test('a one-shot migrate service runs node dist/db/migrate.js once the database is healthy', async (t) => {
  t.ok(migrateName, 'a service with command node dist/db/migrate.js')
  const migrate = services[migrateName ?? '']
  t.equal(migrate?.restart ?? 'no', 'no', 'not restarted: it runs once')
  t.same((migrate?.depends_on as Record<string, { condition: string }>)?.[dbName ?? ''], { condition: 'service_healthy' })
  t.ok(envOf(migrate)['DATABASE_URL'], 'DATABASE_URL')
})

t.test('the service waits for a healthy database and a successful migration, and does not migrate itself', async (t) => {
  t.ok(app, 'the exchange service (built here, the image CMD)')
  const dependsOn = app?.depends_on as Record<string, { condition: string }> | undefined
  t.same(dependsOn?.[dbName ?? ''], { condition: 'service_healthy' })
  t.same(dependsOn?.[migrateName ?? ''], { condition: 'service_completed_successfully' })
  t.equal(envOf(app)['MIGRATE_ON_START'], 'false')
  t.ok(app?.ports?.length, 'a port published')
  for (const port of app?.ports ?? []) t.match(String(port), /^127\.0\.0\.1:\d+:8080$/, `${port}: port 8080, on this machine only`)
})

t.test('the stack is configured through environment variables the service knows', async (t) => {
  const documented = new Set([...read('.env.example').matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]!))
  for (const name of [appName, migrateName, demoName]) {
    for (const key of Object.keys(envOf(services[name ?? '']))) t.ok(documented.has(key), `${name}: ${key} is in .env.example`)
  }
  const dbEnv = envOf(db)
  const url = new URL(envOf(app)['DATABASE_URL'] ?? 'invalid:')
  t.equal(url.hostname, dbName, 'DATABASE_URL points at the compose database')
  t.equal(decodeURIComponent(url.username), dbEnv['POSTGRES_USER'])
  t.equal(decodeURIComponent(url.password), dbEnv['POSTGRES_PASSWORD'])
  t.equal(url.pathname.slice(1), dbEnv['POSTGRES_DB'])
  for (const name of [migrateName, demoName]) t.equal(envOf(services[name ?? ''])['DATABASE_URL'], envOf(app)['DATABASE_URL'], `${name}: the same database`)
})

t.test('the demo profile loads the reference schema with demo data and the demo integration after the migration', async (t) => {
  t.ok(demoName, 'a service in profile demo')
  const demo = services[demoName ?? '']
  const command = commandOf(demo)
  t.same(command.slice(0, 2), ['node', 'dist/demo/seed.js'])
  t.ok(command.includes('--demo-integration'))
  t.same((demo?.depends_on as Record<string, { condition: string }>)?.[migrateName ?? ''], { condition: 'service_completed_successfully' })
})

t.test('every command the stack and the image run is built from a source file in src/', async (t) => {
  const commands = [
    ...Object.values(services).map(commandOf),
    execForm(inStage(runtimeStage, 'CMD')[0]?.args ?? '') ?? [],
  ]
  const scripts = commands.flatMap((c) => (c[0] === 'node' && c[1] ? [c[1]] : []))
  t.same([...new Set(scripts)].sort(), ['dist/db/migrate.js', 'dist/demo/seed.js', 'dist/server.js'])
  for (const script of scripts) {
    const source = script.replace(/^dist\//, 'src/').replace(/\.js$/, '.ts')
    t.ok(fs.existsSync(path.join(ROOT, source)), `${script} ← ${source}`)
  }
  const build = JSON.parse(read('tsconfig.build.json')) as { compilerOptions: { rootDir: string; outDir: string } }
  t.same([build.compilerOptions.rootDir, build.compilerOptions.outDir], ['src', 'dist'], 'src/X.ts compiles to dist/X.js')
})
