/**
 * Reads the .cpuprofile V8 writes for `node --cpu-prof` and summarises the samples taken while one request was being
 * served (profile timestamps and process.hrtime share CLOCK_MONOTONIC on Linux, so the window is the harness's own):
 * where the time went by module, the hottest functions by self time, and the service's own functions by total time.
 */
import fs from 'node:fs'
import path from 'node:path'

interface CpuProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}

interface CpuProfile {
  nodes: CpuProfileNode[]
  startTime: number
  samples: number[]
  timeDeltas: number[]
}

export interface ProfileEntry {
  name: string
  ms: number
  share: number
}

export interface ProfileSummary {
  windowMs: number
  sampledMs: number
  /** Samples outside the window were dropped; false when none fell inside it and the whole profile is shown. */
  windowed: boolean
  byModule: ProfileEntry[]
  topSelf: ProfileEntry[]
  /** Functions of the service (dist/) by time including what they call. */
  topServiceTotal: ProfileEntry[]
}

const SPECIAL = new Set(['(idle)', '(garbage collector)', '(program)', '(root)'])

function shortUrl(url: string): string {
  const modules = url.lastIndexOf('/node_modules/')
  if (modules >= 0) return url.slice(modules + '/node_modules/'.length)
  const dist = url.indexOf('/dist/')
  if (dist >= 0) return url.slice(dist + 1)
  return url.replace(/^file:\/\//, '')
}

/** The service's own compiled code (dist/), not a package's. */
const isServiceScript = (url: string) => url.includes('/dist/') && !url.includes('/node_modules/')

/** The package, `service: dist/<dir>`, or `node internals` a script belongs to. */
function moduleOf(url: string): string {
  const modules = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)
  if (modules) return modules[1]!
  const dist = /\/dist\/(.+)$/.exec(url)
  if (dist) return `service: dist/${dist[1]!.replace(/\.js$/, '')}`
  if (url.startsWith('node:')) return 'node internals'
  return url ? shortUrl(url) : '(native)'
}

function frameName(node: CpuProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame
  const name = functionName || '(anonymous)'
  return url ? `${name} ${shortUrl(url)}:${lineNumber + 1}` : name
}

const top = (totals: Map<string, number>, count: number, base: number): ProfileEntry[] =>
  [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, us]) => ({ name, ms: us / 1000, share: us / base }))

export function summarizeProfile(dir: string, window: { startUs: number; endUs: number }): ProfileSummary {
  const file = fs.readdirSync(dir).find((name) => name.endsWith('.cpuprofile'))
  if (!file) throw new Error(`no .cpuprofile in ${dir}: did the service exit normally?`)
  const profile = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as CpuProfile
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const parent = new Map<number, number>()
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id)

  // Sample i is taken at startTime + sum(timeDeltas[0..i]) and stands for the time until the next one.
  const stamps: number[] = []
  let t = profile.startTime
  for (const delta of profile.timeDeltas) stamps.push((t += delta))
  let inside = profile.samples.map((_, i) => stamps[i]! >= window.startUs && stamps[i]! <= window.endUs)
  const windowed = inside.some(Boolean)
  if (!windowed) inside = inside.map(() => true)

  const self = new Map<string, number>()
  const modules = new Map<string, number>()
  const serviceTotal = new Map<string, number>()
  let sampled = 0
  profile.samples.forEach((id, i) => {
    if (!inside[i]) return
    const weight = (stamps[i + 1] ?? stamps[i]!) - stamps[i]!
    sampled += weight
    const leaf = byId.get(id)!
    self.set(frameName(leaf), (self.get(frameName(leaf)) ?? 0) + weight)

    // A native frame (JSON.parse, a RegExp, Buffer work) is charged to the module of its nearest JavaScript caller.
    let module = SPECIAL.has(leaf.callFrame.functionName) ? leaf.callFrame.functionName : null
    const seen = new Set<string>()
    for (let node: CpuProfileNode | undefined = leaf; node; node = byId.get(parent.get(node.id) ?? -1)) {
      if (module === null && node.callFrame.url) module = moduleOf(node.callFrame.url)
      if (isServiceScript(node.callFrame.url)) {
        const name = frameName(node)
        if (!seen.has(name)) serviceTotal.set(name, (serviceTotal.get(name) ?? 0) + weight)
        seen.add(name)
      }
    }
    module ??= '(native)'
    modules.set(module, (modules.get(module) ?? 0) + weight)
  })
  return {
    windowMs: (window.endUs - window.startUs) / 1000,
    sampledMs: sampled / 1000,
    windowed,
    byModule: top(modules, 12, sampled),
    topSelf: top(self, 15, sampled),
    topServiceTotal: top(serviceTotal, 15, sampled),
  }
}
