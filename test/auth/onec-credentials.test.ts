import t from 'tap'
import { hashPassword, verifyPassword } from '../../src/auth/onec-credentials.js'

t.test('a password verifies against its scrypt hash, a wrong one does not', async (t) => {
  const stored = await hashPassword('правильный пароль')
  t.match(stored, /^scrypt\$32768\$8\$1\$[\w-]+\$[\w-]+$/)
  t.ok(await verifyPassword('правильный пароль', stored))
  t.notOk(await verifyPassword('правильный парол', stored))
})

t.test('remembering a verification never lets another password or another stored hash through', async (t) => {
  const stored = await hashPassword('secret-1')
  t.ok(await verifyPassword('secret-1', stored))
  t.ok(await verifyPassword('secret-1', stored), 'a repeat is accepted')
  t.notOk(await verifyPassword('secret-2', stored), 'another password is still checked and refused')
  const other = await hashPassword('secret-3')
  t.notOk(await verifyPassword('secret-1', other), 'a remembered password does not open another hash')
})

t.test('a hash of another scheme or a broken hash never verifies', async (t) => {
  t.notOk(await verifyPassword('x', 'bcrypt$10$abc'))
  t.notOk(await verifyPassword('x', 'scrypt$32768$8$1$'))
})
