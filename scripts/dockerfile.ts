/**
 * Reads the repository's Dockerfile, so that what runs the built service outside Docker (the benchmark,
 * `.ci/check-dist`) starts it with the image's own environment, and the container tests check the same reading.
 * Docker itself is not needed (there is no engine on the machines that run these).
 */
import fs from 'node:fs'
import { fileURLToPath } from 'node:url'

export const DOCKERFILE = fileURLToPath(new URL('../Dockerfile', import.meta.url))

export interface Instruction {
  keyword: string
  /** The arguments as written (continuations joined). */
  args: string
  /** Index of the build stage (0 = the first FROM). */
  stage: number
}

/** Instructions in order; comments and parser directives dropped, `\` continuations joined. */
export function parseDockerfile(text: string): Instruction[] {
  const logical: string[] = []
  let current = ''
  for (const line of text.split('\n')) {
    if (/^\s*#/.test(line)) continue // a comment, also inside a continued instruction
    if (line.trimEnd().endsWith('\\')) {
      current += `${line.trimEnd().slice(0, -1)} `
      continue
    }
    current += line
    if (current.trim() !== '') logical.push(current.trim())
    current = ''
  }
  let stage = -1
  return logical.map((line) => {
    const [, keyword = '', args = ''] = /^(\S+)\s*(.*)$/s.exec(line) ?? []
    if (keyword.toUpperCase() === 'FROM') stage++
    return { keyword: keyword.toUpperCase(), args: args.trim(), stage }
  })
}

/** The last stage's `ENV A=1 B="2 3"` (and the legacy `ENV A 1`) as a map: the environment of the image's processes. */
export function runtimeEnv(instructions: readonly Instruction[]): Map<string, string> {
  const runtimeStage = Math.max(...instructions.map((i) => i.stage))
  return new Map<string, string>(
    instructions
      .filter((i) => i.stage === runtimeStage && i.keyword === 'ENV')
      .flatMap((i) => {
        const pairs = [...i.args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S*)/g)].map((m) => [m[1]!, m[2]!.replace(/^"|"$/g, '')] as const)
        if (pairs.length > 0) return pairs
        const [name = '', ...rest] = i.args.split(/\s+/)
        return [[name, rest.join(' ')] as const]
      }),
  )
}

/** The environment the image gives its processes, read from the repository's Dockerfile. */
export function imageEnv(): Map<string, string> {
  return runtimeEnv(parseDockerfile(fs.readFileSync(DOCKERFILE, 'utf8')))
}

/** The Node.js release of the last stage's base image (`FROM node:24.22.3-bookworm-slim` → `24.22.3`), else null. */
export function runtimeNodeVersion(instructions: readonly Instruction[]): string | null {
  const from = instructions.filter((i) => i.keyword === 'FROM').at(-1)
  return /^node:(\d+\.\d+\.\d+)\b/.exec(from?.args ?? '')?.[1] ?? null
}

// For shell scripts:
//   `tsx scripts/dockerfile.ts env`: the image's environment as NAME=value lines, one per line (.ci/check-dist
//   exports each line, so a value may hold spaces);
//   `tsx scripts/dockerfile.ts node-version`: the Node.js release the image runs.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv[2] === 'env') for (const [name, value] of imageEnv()) console.log(`${name}=${value}`)
  if (process.argv[2] === 'node-version') {
    const version = runtimeNodeVersion(parseDockerfile(fs.readFileSync(DOCKERFILE, 'utf8')))
    if (version === null) process.exit(1)
    console.log(version)
  }
}
