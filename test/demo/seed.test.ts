import t from 'tap'
import { parseSeedArgs } from '../../src/demo/seed.js'

t.test('seed command line: numbers are validated with a message naming the flag', async (t) => {
  t.throws(() => parseSeedArgs(['--orders', 'abc']), /--orders must be a whole number/)
  t.throws(() => parseSeedArgs(['--orders', '10', '--locations', '0']), /--locations must be a whole number from 1/)
  t.throws(() => parseSeedArgs(['--order', '10']), /Unknown option '--order'/)
  const args = parseSeedArgs(['--orders', '1000', '--seed', 'x', '--locations', '2'])
  t.match(args, { orders: 1000, seed: 'x', locations: 2 })
})
