import { randomUUID } from 'node:crypto'
import t from 'tap'
import { PackedUuids } from '../../src/olvery/packed-uuids.js'

t.test('packed ids come back as the same strings, in order, sliced like an array', async (t) => {
  const ids = Array.from({ length: 1000 }, () => randomUUID())
  const packed = PackedUuids.from(ids)
  t.equal(packed.length, 1000)
  t.same(packed.slice(0, 1000), ids)
  t.same(packed.slice(990, 1200), ids.slice(990, 1200), 'past the end stops at the end')
  t.same(packed.slice(200, 400), ids.slice(200, 400))
  t.same(PackedUuids.from([]).slice(0, 10), [])
})

t.test('an id that is not a canonical lowercase uuid is refused rather than mangled', async (t) => {
  t.throws(() => PackedUuids.from(['not-a-uuid']), /not a canonical uuid/)
  t.throws(() => PackedUuids.from([randomUUID().toUpperCase()]), /not a canonical uuid/)
})
