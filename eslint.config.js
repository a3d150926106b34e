// ESLint (flat config): typescript-eslint's recommended rules with type information, over everything TypeScript
// compiles (tsconfig.json: src, test, scripts). `npm run lint` runs it with knip (knip.json); CI runs both.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['dist/', 'coverage/', '.tap/', 'data/', 'node_modules/', 'src/console/web/generated/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // Fastify's async plugins and hooks are async by contract, whether or not they await anything.
      '@typescript-eslint/require-await': 'off',
      // The XML sanitizer, the protocol's text checks and the log redaction match control characters on purpose.
      'no-control-regex': 'off',
      // `_name` marks a parameter or a destructured member that is deliberately left unused.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    files: ['src/console/web/**/*.ts'],
    rules: {
      // The console's event handlers are async and catch their own failures (shown on the page, attempt() in api.ts).
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, properties: false } }],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // tap's t.test() returns a promise the runner awaits; any other promise a test drops is still an error.
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', package: '@tapjs/test', name: ['test', 'before', 'after'] }] },
      ],
      // Tests read answers (JSON bodies, parsed XML) as untyped values and assert their shape: that is the point.
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, globals: { process: 'readonly', console: 'readonly' } },
  },
)
