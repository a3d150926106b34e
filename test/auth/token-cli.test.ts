/**
 * `npm run token`: a short-lived HS256 token with the configured secret, accepted by the admin API.
 */
import t from 'tap'
import { decodeJwt, decodeProtectedHeader } from 'jose'
import { mintFromCli, TokenUsageError } from '../../src/auth/token.cli.js'
import { loadConfig } from '../../src/config.js'
import { AdminApi } from '../helpers/admin-api.js'
import { HS256_ENV, rsaKeys } from '../helpers/admin-token.js'
import { buildTestApp } from '../helpers/build-app.js'
import { createSupplier } from '../helpers/factories.js'

const config = loadConfig(HS256_ENV)
const LOCATION = '3f9a1c2e-5b7d-4e8f-9a0b-1c2d3e4f5a6b'

t.test('a location_admin token carries the role, the location and an expiry an hour away', async (t) => {
  const token = await mintFromCli(config, { role: 'location_admin', location: LOCATION, sub: 'ops@example.ru' })
  t.equal(decodeProtectedHeader(token).alg, 'HS256')
  const claims = decodeJwt(token)
  t.match(claims, { sub: 'ops@example.ru', role: 'location_admin', location_id: LOCATION })
  t.equal(claims.exp! - claims.iat!, 3600)
})

t.test('--ttl sets the lifetime, up to a day', async (t) => {
  const token = await mintFromCli(config, { role: 'system_operator', ttl: '600' })
  const claims = decodeJwt(token)
  t.equal(claims.exp! - claims.iat!, 600)
  await t.rejects(mintFromCli(config, { role: 'system_operator', ttl: '604800' }), /--ttl must be a whole number of seconds, 1 to 86400/)
})

t.test('the token opens the admin API of a service with the same secret', async (t) => {
  const { app, databases } = await buildTestApp(t, { env: HS256_ENV })
  const supplier = await createSupplier(databases.olvery)
  const token = await mintFromCli(config, { role: 'location_admin', location: supplier.locationId })
  const res = await new AdminApi(app, token).get(t, '/api/v1/companies')
  t.equal(res.statusCode, 200)
  t.same(res.json.companies.map((c: { id: string }) => c.id), [supplier.companyId])
})

t.test('without ADMIN_JWT_SECRET it says to set it', async (t) => {
  await t.rejects(mintFromCli(loadConfig({}), { role: 'system_operator' }), { constructor: TokenUsageError, message: /ADMIN_JWT_SECRET is not set/ })
})

t.test('with a public key configured it explains that only the platform can issue tokens', async (t) => {
  const keyed = loadConfig({ ADMIN_JWT_PUBLIC_KEY: rsaKeys().publicPem })
  await t.rejects(mintFromCli(keyed, { role: 'system_operator' }), /only the platform holding the private key can issue them/)
})

t.test('a location_admin needs --location, and a role must be one of the two', async (t) => {
  await t.rejects(mintFromCli(config, { role: 'location_admin' }), /--location must be the UUID of the location/)
  await t.rejects(mintFromCli(config, { role: 'admin' }), /--role must be one of location_admin, system_operator/)
})
