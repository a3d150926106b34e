/**
 * The retention periods of EXPORT-SEMANTICS.md rule 11 as the environment gives them: durations with a unit, the
 * defaults of .env.example, and every problem named at start-up like the other keys.
 */
import t from 'tap'
import { ConfigError, loadConfig } from '../../src/config.js'

const DAY = 86_400

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env)
  } catch (error) {
    if (error instanceof ConfigError) return error.problems
    throw error
  }
  return []
}

t.test('the defaults: documents 90 days, empty polls 7, the journal 400, raw uploads 90, a run every 10 minutes', async (t) => {
  t.same(loadConfig({}).retention, {
    documentsSeconds: 90 * DAY,
    emptyPollsSeconds: 7 * DAY,
    journalSeconds: 400 * DAY,
    uploadsSeconds: 90 * DAY,
    intervalSeconds: 600,
  })
})

t.test('durations are read with their unit: s, m, h, d', async (t) => {
  const { retention } = loadConfig({
    RETENTION_DOCUMENTS: '30s',
    RETENTION_EMPTY_POLLS: '10m',
    RETENTION_JOURNAL: '12h',
    RETENTION_UPLOADS: '2h',
    RETENTION_INTERVAL: ' 5s ',
  })
  t.same(retention, { documentsSeconds: 30, emptyPollsSeconds: 600, journalSeconds: 12 * 3600, uploadsSeconds: 7200, intervalSeconds: 5 })
})

t.test('a duration without a unit, or with another, is refused with what to write', async (t) => {
  const problems = problemsOf({ RETENTION_DOCUMENTS: '90', RETENTION_INTERVAL: '10 minutes', RETENTION_JOURNAL: '1y' })
  t.same(problems, [
    'RETENTION_DOCUMENTS must be a duration with its unit, such as 90d, 12h, 10m or 30s',
    'RETENTION_JOURNAL must be a duration with its unit, such as 90d, 12h, 10m or 30s',
    'RETENTION_INTERVAL must be a duration with its unit, such as 90d, 12h, 10m or 30s',
  ])
})

t.test('a period of zero is refused', async (t) => {
  t.same(problemsOf({ RETENTION_EMPTY_POLLS: '0d' }), ['RETENTION_EMPTY_POLLS must be longer than 0 (a duration such as 30s)'])
})

t.test('documents and raw uploads cannot outlive the journal that holds them', async (t) => {
  t.same(problemsOf({ RETENTION_JOURNAL: '30d', RETENTION_DOCUMENTS: '31d', RETENTION_UPLOADS: '90d' }), [
    'RETENTION_DOCUMENTS (31d) must not be longer than RETENTION_JOURNAL (30d): a document is kept with its batch at most',
    'RETENTION_UPLOADS (90d) must not be longer than RETENTION_JOURNAL (30d): a raw file is kept with its outcome at most',
  ])
})
