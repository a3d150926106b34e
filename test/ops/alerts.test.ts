/**
 * ops/prometheus/alerts.yml: a Prometheus rule file whose expressions only use metric names the service
 * really exports, taken from a real /metrics scrape after an exchange, so a renamed metric breaks this test rather than
 * silently disabling an alert.
 */
import fs from 'node:fs'
import { randomUUID } from 'node:crypto'
import t from 'tap'
import { parse } from 'yaml'
import { supplierIntegration } from '../helpers/integrations.js'
import { buildTestApp } from '../helpers/build-app.js'
import { createOrder, createSupplier } from '../helpers/factories.js'
import { OneCClient } from '../helpers/onec-client.js'
import { declaredNames } from '../helpers/prometheus-text.js'

interface Rule {
  alert?: string
  record?: string
  expr: string
  for?: string
  labels?: Record<string, string>
  annotations?: Record<string, string>
}

const file = parse(fs.readFileSync(new URL('../../ops/prometheus/alerts.yml', import.meta.url), 'utf8')) as {
  groups: Array<{ name: string; rules: Rule[] }>
}
const rules = file.groups.flatMap((g) => g.rules)
const byName = new Map(rules.map((r) => [r.alert, r]))

/** Series Prometheus records itself for every scrape target; not the service's to export. */
const PROMETHEUS_OWN = new Set(['up', 'scrape_duration_seconds', 'scrape_samples_scraped'])
const KEYWORDS = new Set(['and', 'or', 'unless', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset', 'inf', 'nan'])

/** The metric names an expression selects: identifiers that are not functions, keywords, labels or durations. */
function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""') // strings
    .replace(/\{[^}]*\}/g, '') // label matchers
    .replace(/\[[^\]]*\]/g, '') // range and subquery durations
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '$1') // label lists
  const names = [...stripped.matchAll(/(?<![\w:.])([a-zA-Z_:][a-zA-Z0-9_:]*)\b(?!\s*\()/g)].map((m) => m[1]!)
  return [...new Set(names.filter((name) => !KEYWORDS.has(name)))]
}

/** The names a real scrape declares, after an exchange so that every per-integration series exists. */
async function exportedNames(t: { teardown(fn: () => unknown): void }): Promise<Set<string>> {
  const { app, databases } = await buildTestApp(t)
  const supplier = await createSupplier(databases.olvery)
  await createOrder(databases.olvery, supplier)
  const created = await supplierIntegration(databases.db, supplier, { name: `Алерты ${randomUUID().slice(0, 8)}` })
  await new OneCClient({ inject: app, login: created.login, password: created.password }).exchange()
  const res = await app.inject({ method: 'GET', url: '/metrics' })
  return declaredNames(res.body)
}

t.test('metricNames finds the selectors of an expression and nothing else', async (t) => {
  t.same(
    metricNames('increase(a_total{job="x", mode=~"q.*"}[1h]) > 0 and on (integration_id) (time() - b_seconds) > 6 * 3600 or up == 0'),
    ['a_total', 'b_seconds', 'up'],
  )
})

t.test('alerts.yml is a rule file: every rule has an alert name, an expression, a for period, a severity and a summary', async (t) => {
  t.ok(rules.length > 0)
  for (const rule of rules) {
    t.match(rule.alert, /^[A-Z][A-Za-z0-9]+$/, 'alert name')
    t.type(rule.expr, 'string', `${rule.alert} expr`)
    t.match(rule.for, /^\d+[smhd]$/, `${rule.alert} for`)
    t.match(rule.labels?.['severity'], /^(critical|warning|info)$/, `${rule.alert} severity`)
    t.ok(rule.annotations?.['summary'], `${rule.alert} summary`)
  }
  t.equal(new Set(rules.map((r) => r.alert)).size, rules.length, 'alert names are unique')
})

t.test('every alert expression uses only metric names the service exports (or Prometheus records itself)', async (t) => {
  const exported = await exportedNames(t)
  t.ok(exported.has('onec_queries_since_success'), 'the scrape declares the 1C gauges')
  for (const rule of rules) {
    const unknown = metricNames(rule.expr).filter((name) => !exported.has(name) && !PROMETHEUS_OWN.has(name))
    t.same(unknown, [], `${rule.alert}: ${metricNames(rule.expr).join(', ')}`)
  }
})

t.test('"no success while orders are pending" uses the age of the last success and queries since success > 0', async (t) => {
  const expr = byName.get('OnecNoSuccessWhileOrdersPending')?.expr ?? ''
  t.match(expr, /time\(\)\s*-\s*onec_last_success_timestamp_seconds\)?\s*>\s*[\d\s*]+/)
  t.match(expr, /onec_queries_since_success\s*>\s*0/)
})

t.test('"repeated queries without success" fires from 3 queries without success', async (t) => {
  t.match(byName.get('OnecRepeatedQueriesWithoutSuccess')?.expr, /onec_queries_since_success\s*>=\s*3/)
})

t.test('"service not ready" fires when the target is down or /ready would fail', async (t) => {
  const expr = byName.get('OnecServiceNotReady')?.expr ?? ''
  t.match(expr, /\bup\{[^}]*\}\s*==\s*0/)
  t.match(expr, /onec_ready\s*==\s*0/)
})
