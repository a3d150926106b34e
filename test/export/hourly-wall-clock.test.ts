/**
 * The documents' dates come from `hourlyWallClock` (src/export/document-model.ts), which asks a zone's rules once per
 * hour: it must write exactly what `wallClock` writes, at every instant, in zones with DST changes on the hour, on the
 * half hour, and with historical offsets in seconds.
 */
import t from 'tap'
import { hourlyWallClock } from '../../src/export/document-model.js'
import { wallClock } from '../../src/export/wall-clock.js'

const ZONES = ['Europe/Moscow', 'Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata', 'Asia/Kathmandu', 'UTC']

t.test('the same text as wallClock, around every change of offset and at random instants', async (t) => {
  let mismatches = 0
  let checked = 0
  for (const zone of ZONES) {
    const instants: number[] = []
    // Every 21 minutes and 47 seconds over two years with DST changes, and random instants since 1850.
    for (let ms = Date.UTC(2010, 0, 1); ms < Date.UTC(2012, 0, 1); ms += 1_307_000) instants.push(ms)
    for (let i = 0; i < 10_000; i++) instants.push(Math.floor(Date.UTC(1850, 0, 1) + Math.random() * (Date.UTC(2040, 0, 1) - Date.UTC(1850, 0, 1))))
    for (const ms of instants) {
      const at = new Date(ms)
      checked++
      if (JSON.stringify(hourlyWallClock(at, zone)) !== JSON.stringify(wallClock(at, zone))) mismatches++
    }
  }
  t.equal(mismatches, 0, `${checked} instants`)
})
