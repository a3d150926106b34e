/**
 * The admin API's token settings in loadConfig: exactly one of ADMIN_JWT_SECRET and ADMIN_JWT_PUBLIC_KEY, an
 * algorithm that fits the key, every problem reported at start-up without echoing a secret.
 */
import t from 'tap'
import { ConfigError, loadConfig } from '../src/config.js'
import { ecKeys, rsaKeys, TEST_ADMIN_SECRET } from './helpers/admin-token.js'

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env)
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems]
    throw error
  }
  return []
}

t.test('without a secret or a public key the admin API is off', async (t) => {
  t.equal(loadConfig({}).adminJwt, null)
})

t.test('ADMIN_JWT_SECRET selects HS256 with a 60-second skew by default', async (t) => {
  t.same(loadConfig({ ADMIN_JWT_SECRET: TEST_ADMIN_SECRET }).adminJwt, {
    algorithm: 'HS256',
    secret: TEST_ADMIN_SECRET,
    publicKey: null,
    maxSkewSeconds: 60,
  })
})

t.test('a secret shorter than 32 characters is refused without echoing it', async (t) => {
  const found = problems({ ADMIN_JWT_SECRET: 'short-secret-123' })
  t.same(found, ['ADMIN_JWT_SECRET must be at least 32 characters long (e.g. the output of `openssl rand -base64 48`)'])
  t.notMatch(found.join(), /short-secret-123/)
})

t.test('a secret and a public key together are refused', async (t) => {
  t.match(problems({ ADMIN_JWT_SECRET: TEST_ADMIN_SECRET, ADMIN_JWT_PUBLIC_KEY: rsaKeys().publicPem }), [/both set; set exactly one/])
})

t.test('ADMIN_JWT_PUBLIC_KEY selects RS256 by default', async (t) => {
  const config = loadConfig({ ADMIN_JWT_PUBLIC_KEY: rsaKeys().publicPem })
  t.equal(config.adminJwt?.algorithm, 'RS256')
  t.equal(config.adminJwt?.secret, null)
})

t.test('ES256 is chosen with ADMIN_JWT_ALGORITHM and needs an EC P-256 key', async (t) => {
  t.equal(loadConfig({ ADMIN_JWT_PUBLIC_KEY: ecKeys().publicPem, ADMIN_JWT_ALGORITHM: 'ES256' }).adminJwt?.algorithm, 'ES256')
  t.match(problems({ ADMIN_JWT_PUBLIC_KEY: rsaKeys().publicPem, ADMIN_JWT_ALGORITHM: 'ES256' }), [/must be an EC P-256 key for ES256/])
  t.match(problems({ ADMIN_JWT_PUBLIC_KEY: ecKeys().publicPem }), [/must be an RSA key of at least 2048 bits for RS256/])
})

t.test('an algorithm that does not fit the key kind is refused', async (t) => {
  t.match(problems({ ADMIN_JWT_SECRET: TEST_ADMIN_SECRET, ADMIN_JWT_ALGORITHM: 'RS256' }), [/RS256 needs ADMIN_JWT_PUBLIC_KEY/])
  t.match(problems({ ADMIN_JWT_PUBLIC_KEY: rsaKeys().publicPem, ADMIN_JWT_ALGORITHM: 'HS256' }), [/HS256 needs ADMIN_JWT_SECRET/])
  t.match(problems({ ADMIN_JWT_ALGORITHM: 'HS256' }), [/set but neither ADMIN_JWT_SECRET nor ADMIN_JWT_PUBLIC_KEY is/])
  t.match(problems({ ADMIN_JWT_SECRET: TEST_ADMIN_SECRET, ADMIN_JWT_ALGORITHM: 'none' }), [/ADMIN_JWT_ALGORITHM must be one of HS256, RS256, ES256/])
})

t.test('a public key that is not PEM is refused', async (t) => {
  t.match(problems({ ADMIN_JWT_PUBLIC_KEY: 'ssh-rsa AAAAB3Nza…' }), [/ADMIN_JWT_PUBLIC_KEY must be a PEM public key/])
  t.match(problems({ ADMIN_JWT_PUBLIC_KEY: '-----BEGIN PUBLIC KEY-----\ngarbage\n-----END PUBLIC KEY-----' }), [/not a readable PEM public key/])
})

t.test('an RSA key in PKCS#1 PEM is read too', async (t) => {
  const pkcs1 = rsaKeys().publicKey.export({ type: 'pkcs1', format: 'pem' }).toString()
  t.match(pkcs1, /^-----BEGIN RSA PUBLIC KEY-----/)
  t.equal(loadConfig({ ADMIN_JWT_PUBLIC_KEY: pkcs1 }).adminJwt?.algorithm, 'RS256')
})

t.test('a PEM written on one line with \\n escapes is read', async (t) => {
  const oneLine = rsaKeys().publicPem.trim().replace(/\n/g, '\\n')
  t.equal(loadConfig({ ADMIN_JWT_PUBLIC_KEY: oneLine }).adminJwt?.publicKey, rsaKeys().publicPem.trim())
})

t.test('the allowed clock skew is configurable and bounded', async (t) => {
  t.equal(loadConfig({ ADMIN_JWT_SECRET: TEST_ADMIN_SECRET, ADMIN_JWT_MAX_SKEW_SECONDS: '5' }).adminJwt?.maxSkewSeconds, 5)
  t.match(problems({ ADMIN_JWT_MAX_SKEW_SECONDS: '86400' }), [/ADMIN_JWT_MAX_SKEW_SECONDS must be <= 3600/])
})
