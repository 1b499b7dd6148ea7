import js from '@eslint/js'
import globals from 'globals'
import jsxA11y from 'eslint-plugin-jsx-a11y'
import reactHooks from 'eslint-plugin-react-hooks'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'bench/results/**', '**/*.d.ts', 'examples/rootfs/**', 'e2e/results/**', 'e2e/.dashboard/**', 'playwright-report/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: { allowDefaultProject: ['*.js', '*.ts', 'bench/*.ts', 'bench/passthrough/*.ts'] }, tsconfigRootDir: new URL(".", import.meta.url).pathname },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-globals': ['error', 'require', '__dirname', '__filename'],
      'no-restricted-syntax': ['error', { selector: 'ExportAllDeclaration', message: 'Export names explicitly (no export *).' }],
    },
  },
  {
    // The engine is pure: it reaches the disk only through the Sys it is given.
    files: ['packages/core/src/engine/**/*.ts'],
    ignores: ['**/*.test.ts'], // tests build their fixtures on the real disk
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['node:fs', 'fs', 'node:fs/*', 'fuse-native', '@napi-rs/xattr', 'node:child_process'], message: 'The engine reaches the disk through Sys only.' },
      ] }],
    },
  },
  {
    files: ['packages/core/**/*.ts'],
    ignores: ['packages/core/src/engine/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['express', 'react', '@layerdeck/agent', '@layerdeck/dashboard', '@layerdeck/api'], message: 'The core knows nothing of HTTP or React.' },
      ] }],
    },
  },
  {
    // The API's contract stands alone: dashboard -> api <- agent -> core.
    files: ['packages/api/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['@layerdeck/core', '@layerdeck/core/*', '@layerdeck/agent', '@layerdeck/dashboard', 'express', 'react', 'node:*'], message: 'packages/api holds schemas and types only: it imports zod and nothing of the agent, the core or Node.' },
      ] }],
    },
  },
  {
    // The dashboard reaches the API through its types (zod stays out of the bundle unless chosen).
    files: ['apps/dashboard/**/*.ts', 'apps/dashboard/**/*.tsx'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { paths: [
        { name: '@layerdeck/api', message: 'Import the API types only (import type).', allowTypeImports: true },
      ], patterns: [
        { group: ['@layerdeck/core', '@layerdeck/core/*', '@layerdeck/agent'], message: 'The dashboard knows the filesystem only through the API.' },
      ] }],
    },
  },
  // --- apps/dashboard (owned by the dashboard): browser globals, hooks, a11y, feature boundaries.
  {
    files: ['apps/dashboard/**/*.{ts,tsx}'],
    ignores: ['apps/dashboard/*.config.ts', 'apps/dashboard/scripts/**'],
    plugins: { ...jsxA11y.flatConfigs.strict.plugins, ...reactHooks.configs.flat.recommended.plugins },
    languageOptions: { ...jsxA11y.flatConfigs.strict.languageOptions, globals: { ...globals.browser } },
    rules: {
      ...jsxA11y.flatConfigs.strict.rules,
      ...reactHooks.configs.flat.recommended.rules,
      // A scrolling <pre> must take focus so a keyboard can scroll it (axe: scrollable-region-focusable).
      'jsx-a11y/no-noninteractive-tabindex': ['error', { tags: ['pre'], roles: ['tabpanel'] }],
    },
  },
  // Code flows shared -> features -> app; no feature imports another feature (the app composes them).
  ...['overview', 'tree', 'file', 'reset', 'backup', 'audit', 'session'].map((feature) => ({
    files: [`apps/dashboard/src/features/${feature}/**/*.{ts,tsx}`],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { regex: `^\\.\\./(?!${feature}/)[^./][^/]*/`, message: 'A feature does not import another feature: move the piece to src/shared, or compose both in src/app.' },
        { regex: '(^|/)app/', message: 'Features do not import the app shell.' },
      ] }],
    },
  })),
  {
    files: ['apps/dashboard/src/shared/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { regex: '(^|/)(features|app)/', message: 'src/shared is imported by features and the app, never the other way round.' },
      ] }],
    },
  },
  {
    files: ['apps/dashboard/src/app/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { regex: '/features/[^/]+/(?!index\\.ts$)', message: "The app imports a feature through its index.ts only, not the feature's insides." },
      ] }],
    },
  },
  {
    files: ['**/*.test.ts', '**/*.integration.test.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off', '@typescript-eslint/unbound-method': 'off' },
  },
)
