/**
 * The layer table of ../shared/design/ARCHITECTURE.md, held against the imports of src/: a module imports only from
 * the rows below it (types included), never from a row above or beside it; no two files import each other in a
 * circle; the 1C client shares no code with the service; and nothing the service runs reads a file under test/.
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'

const SRC = fileURLToPath(new URL('../../src/', import.meta.url))

/** Rank of each module, top to bottom: a module may import from a lower rank only (or from itself). */
const LAYERS: ReadonlyArray<{ rank: number; modules: readonly string[] }> = [
  { rank: 10, modules: ['server.ts'] },
  { rank: 9, modules: ['app.ts'] },
  { rank: 8, modules: ['exchange', 'admin', 'console', 'health', 'metrics', 'docs', 'demo'] },
  { rank: 6, modules: ['export', 'import', 'maintenance', 'auth'] },
  { rank: 4, modules: ['integration'] },
  { rank: 3, modules: ['olvery'] },
  { rank: 2, modules: ['db'] },
  // The ground, in its own order: the logger reads the configuration, the error catalogue knows an outage.
  { rank: 1.3, modules: ['logger.ts', 'errors.ts'] },
  { rank: 1.2, modules: ['unavailable.ts', 'uuid.ts'] },
  { rank: 1.1, modules: ['config.ts'] },
]
/** Apart from the service: shares no code with it, in either direction (it checks what the service sends). */
const APART = 'onec-client'

const rankOf = new Map(LAYERS.flatMap(({ rank, modules }) => modules.map((m) => [m, rank] as const)))

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(full)
    return entry.name.endsWith('.ts') ? [full] : []
  })
}

/** The module of a file: its folder under src/, or the file itself at the top. */
function moduleOf(file: string): string {
  return path.relative(SRC, file).split(path.sep)[0]!
}

/** Relative imports of a file (static, re-exports, dynamic, and `import type`), resolved to .ts paths. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8')
  const specifiers = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/g)].map(
    (m) => m[1] ?? m[2]!,
  )
  return specifiers.filter((s) => s.startsWith('.')).map((s) => path.resolve(path.dirname(file), s).replace(/\.js$/, '.ts'))
}

const files = sourceFiles(SRC)
const graph = new Map(files.map((file) => [file, importsOf(file)]))

t.test('every module of src/ has a place in the layer table', async (t) => {
  const unplaced = [...new Set(files.map(moduleOf))].filter((m) => m !== APART && !rankOf.has(m))
  t.same(unplaced, [], 'add a new module to ARCHITECTURE.md and to LAYERS')
})

t.test('no import runs up or beside the layer table', async (t) => {
  const backArrows: string[] = []
  for (const [file, imports] of graph) {
    const from = moduleOf(file)
    for (const target of imports) {
      if (!target.startsWith(SRC)) continue
      const to = moduleOf(target)
      if (to === from) continue
      if (from === APART || to === APART) {
        if (!(from === 'server.ts' || from === 'app.ts')) backArrows.push(`${path.relative(SRC, file)} -> ${path.relative(SRC, target)} (${APART} shares no code with the service)`)
        continue
      }
      if (!(rankOf.get(to)! < rankOf.get(from)!)) backArrows.push(`${path.relative(SRC, file)} -> ${path.relative(SRC, target)}`)
    }
  }
  t.same(backArrows, [])
})

t.test('the console in the browser imports nothing of the service: it speaks to it over the REST API only', async (t) => {
  const web = path.join(SRC, 'console', 'web') + path.sep
  const outside = [...graph]
    .filter(([file]) => file.startsWith(web))
    .flatMap(([file, imports]) => imports.filter((target) => !target.startsWith(web)).map((target) => `${path.relative(SRC, file)} -> ${path.relative(SRC, target)}`))
  t.same(outside, [])
})

t.test('no files import each other in a circle', async (t) => {
  const circles: string[] = []
  const state = new Map<string, 'open' | 'done'>()
  const stack: string[] = []
  const visit = (file: string) => {
    state.set(file, 'open')
    stack.push(file)
    for (const next of graph.get(file) ?? []) {
      if (!graph.has(next)) continue
      if (state.get(next) === 'open') circles.push(stack.slice(stack.indexOf(next)).concat(next).map((f) => path.relative(SRC, f)).join(' -> '))
      else if (!state.has(next)) visit(next)
    }
    stack.pop()
    state.set(file, 'done')
  }
  for (const file of files) if (!state.has(file)) visit(file)
  t.same(circles, [])
})

t.test('no file of src/ reads anything under test/', async (t) => {
  const readers = files.filter((file) => /['"`/](?:\.\.\/)*test\//.test(fs.readFileSync(file, 'utf8')))
  t.same(readers.map((f) => path.relative(SRC, f)), [])
})
