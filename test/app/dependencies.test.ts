/**
 * package.json's `dependencies` are what the image installs (`npm ci --omit=dev`): everything the service's code
 * imports must be there, or the image works only while another package happens to pull it in, and nothing else may
 * be, or the image ships code nobody runs (README "Stack decisions").
 */
import fs from 'node:fs'
import path from 'node:path'
import { builtinModules } from 'node:module'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import ts from 'typescript'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>
  devDependencies: Record<string, string>
}

/**
 * The packages a file loads at run time (imports, re-exports and `import()`), read by TypeScript's own parser. A
 * type-only import or export is erased by the compiler and loads nothing.
 */
function importedPackages(file: string): string[] {
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true)
  const specifiers: string[] = []
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && !node.importClause?.isTypeOnly && ts.isStringLiteral(node.moduleSpecifier)) {
      specifiers.push(node.moduleSpecifier.text)
    } else if (ts.isExportDeclaration(node) && !node.isTypeOnly && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      specifiers.push(node.moduleSpecifier.text)
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [argument] = node.arguments
      if (argument && ts.isStringLiteral(argument)) specifiers.push(argument.text)
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return specifiers
    .filter((s) => !s.startsWith('.') && !s.startsWith('/') && !s.startsWith('node:') && !builtinModules.includes(s))
    .map((s) => (s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]!))
}

/** The files the build compiles into dist/: what the image runs (tsconfig.build.json). */
function runtimeFiles(): string[] {
  const { config } = ts.readConfigFile(path.join(ROOT, 'tsconfig.build.json'), (file) => ts.sys.readFile(file))
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, ROOT)
  return parsed.fileNames.filter((file) => !file.endsWith('.d.ts'))
}

const importers = new Map<string, string[]>()
for (const file of runtimeFiles()) {
  for (const name of importedPackages(file)) importers.set(name, [...(importers.get(name) ?? []), path.relative(ROOT, file)])
}

t.test('every package src/ imports is a production dependency', async (t) => {
  t.ok(importers.size > 5, `${importers.size} packages imported`)
  for (const [name, files] of importers) t.ok(name in pkg.dependencies, `${name} (imported by ${files[0]}) is in dependencies`)
})

t.test('every production dependency is imported by src/', async (t) => {
  for (const name of Object.keys(pkg.dependencies)) t.ok(importers.has(name), `${name} is imported by src/`)
})

t.test('a package is either a production or a development dependency, never both', async (t) => {
  t.same(Object.keys(pkg.dependencies).filter((name) => name in pkg.devDependencies), [])
})
