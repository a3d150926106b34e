/**
 * Builds the web console into `dist/console/web` (`npm run build` runs it after the service's own compile): the
 * browser modules of `web/` compiled by TypeScript into `assets/` as ES modules (the browser loads them as they are,
 * no bundler), the stylesheet and icon copied beside them, and `index.html` one level up. Tests build it into a
 * directory of their own with `buildConsole(dir)`.
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import ts from 'typescript'
import { CONSOLE_ASSETS_URL } from './console.plugin.js'

/** The console's sources: src/console/web, two levels up from both src/console/ and dist/console/. */
const SOURCES = new URL('../../src/console/web/', import.meta.url)
const COPIED_ASSETS = ['console.css', 'favicon.svg']

export class ConsoleBuildError extends Error {}

/** Compiles and copies the console into `outDir` (created if missing); throws with every compiler message. */
export function buildConsole(outDir: URL = CONSOLE_ASSETS_URL): void {
  const out = fileURLToPath(outDir)
  const assets = path.join(out, 'assets')
  // A module removed from the sources must not linger in a build made before.
  fs.rmSync(assets, { recursive: true, force: true })
  const configPath = fileURLToPath(new URL('tsconfig.json', SOURCES))
  const host: ts.ParseConfigFileHost = {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new ConsoleBuildError(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'))
    },
  }
  const parsed = ts.getParsedCommandLineOfConfigFile(configPath, { noEmit: false, outDir: assets, rootDir: fileURLToPath(SOURCES) }, host)!
  const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options })
  const emitted = program.emit()
  const diagnostics = [...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics]
  if (diagnostics.length) {
    const format: ts.FormatDiagnosticsHost = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => process.cwd(), getNewLine: () => '\n' }
    throw new ConsoleBuildError(`The web console does not compile:\n${ts.formatDiagnostics(diagnostics, format)}`)
  }
  for (const name of COPIED_ASSETS) fs.copyFileSync(new URL(name, SOURCES), path.join(assets, name))
  fs.copyFileSync(new URL('index.html', SOURCES), path.join(out, 'index.html'))
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    buildConsole()
    console.log(`web console built into ${fileURLToPath(CONSOLE_ASSETS_URL)}`)
  } catch (error) {
    console.error(error instanceof Error ? error.message : error)
    process.exitCode = 1
  }
}
