import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';

export default ts.config(
  { ignores: ['**/node_modules/', 'web/build/', 'web/.svelte-kit/', 'web/src/lib/paraglide/', 'data/', 'tests/e2e/artifacts/', 'tests/bench/results/', 'tests/bench/sveltekit-ceiling/build/', 'tests/bench/sveltekit-ceiling/.svelte-kit/'] },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      'no-undef': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Caucus is served at the root of its own domain (no `paths.base`), so plain hrefs are right.
    rules: { 'svelte/no-navigation-without-resolve': 'off' },
  },
  {
    // ARCHITECTURE.md's layout: core/ is the plumbing and names no feature (features hand it what it needs).
    files: ['server/src/core/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ regex: '^#features/|/features/', message: 'core/ never imports a feature: let the feature hand it what it needs (see app.ts).' }] }] },
  },
  {
    // A feature is a room of the app, not its builder: only the CLI, the server and tests build the app.
    files: ['server/src/features/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ regex: '(^|/)app(\\.ts)?$', message: 'A feature does not import app.ts: take what it builds as an argument.' }] }] },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { projectService: true, extraFileExtensions: ['.svelte'], parser: ts.parser } },
  },
);
