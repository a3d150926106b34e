/**
 * The process: configuration, logger, databases, migrations, the embedded demo, listen, graceful shutdown.
 * `node dist/server.js` in the image; `npm start` on a developer's machine.
 */
import v8 from 'node:v8'
import closeWithGrace from 'close-with-grace'
import { buildApp } from './app.js'
import { ConfigError, loadConfig, type Config } from './config.js'
import { openDatabases } from './olvery/databases.js'
import { migrate } from './db/migrate.js'
import { demoAdminJwt, demoAdminToken, ensureDemo, type DemoInfo } from './demo/demo-bootstrap.js'
import { createLogger } from './logger.js'

function startupHints(config: Readonly<Config>, address: string, demo: DemoInfo | null, adminToken: string | null): string {
  const base = config.publicUrl ?? address.replace('0.0.0.0', 'localhost').replace('[::]', 'localhost')
  const lines = [
    `olvery-1c-exchange is listening on ${base}`,
    `  database:    ${config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `embedded PGlite in ${config.dataDir}`}`,
    `  readiness:   ${base}/ready`,
    `  1C exchange: ${base}${config.exchangePath}  (also ${base}/bitrix/admin/1c_exchange.php)`,
  ]
  if (demo) {
    const url = `${base}${config.exchangePath}`
    lines.push(
      `  demo:        ${demo.orders} orders of «${demo.companyName}»; 1C login ${demo.login}, password ${demo.password}`,
      `  try it:      curl -u ${demo.login}:${demo.password} '${url}?type=sale&mode=checkauth'`,
      `               curl -H 'Cookie: <line 2>=<line 3>' '${url}?type=sale&mode=query'`,
      `               curl -H 'Cookie: <line 2>=<line 3>' '${url}?type=sale&mode=success'`,
      `  In 1C (УТ 11 / КА / ERP / УНФ): exchange node «Обмен с сайтом», site address ${url}, the login and password above.`,
    )
  }
  // The console takes the platform's token in the fragment (never sent to the server); the demo's token opens it.
  lines.push(`  web console: ${base}${config.consolePath}${adminToken ? `#token=${adminToken}` : '  (opened by the platform with #token=<jwt>)'}`)
  if (adminToken) {
    lines.push(
      `  admin API:   ${base}/docs  (token of a location administrator, 12 h:)`,
      `               curl -H 'Authorization: Bearer ${adminToken}' ${base}/api/v1/integrations`,
    )
  }
  return lines.join('\n')
}

async function start(): Promise<void> {
  let config: Readonly<Config>
  try {
    config = loadConfig(process.env)
    const demoJwt = demoAdminJwt(config)
    if (demoJwt) config = Object.freeze({ ...config, adminJwt: demoJwt })
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message)
      process.exit(78) // EX_CONFIG
    }
    throw error
  }
  const logger = createLogger(config)
  const databases = await openDatabases({ ...config, logger })

  const closeDatabases = async () => databases.close()
  try {
    if (config.migrateOnStart) {
      const { applied } = await migrate(databases)
      if (applied.length) logger.info({ applied }, 'migrations applied')
    }
    const demo = await ensureDemo(databases, config, logger)
    const adminToken = demo && config.adminJwt ? await demoAdminToken(databases, config.adminJwt, demo) : null
    const app = await buildApp({ config, databases, logger, pruneInBackground: true })

    closeWithGrace({ delay: 10_000, logger }, async ({ signal, err }) => {
      if (err) logger.error({ err }, 'shutting down after an error')
      else logger.info({ signal }, 'shutting down: finishing requests in flight')
      await app.close() // stops accepting, waits for requests in flight
      await closeDatabases()
    })

    const address = await app.listen({ host: config.host, port: config.port })
    // The heap limit shows whether the image's NODE_OPTIONS reached node (README "Image").
    const heapLimitMiB = Math.round(v8.getHeapStatistics().heap_size_limit / 2 ** 20)
    logger.info({ address, node: process.version, heapLimitMiB }, 'service started')
    if (process.stdout.isTTY || demo) console.log(startupHints(config, address, demo, adminToken))
  } catch (error) {
    await closeDatabases().catch(() => undefined)
    throw error
  }
}

start().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
})
