// ESLint 9 flat config: typescript-eslint's type-checked recommended rules plus the project's import boundaries.
import { defineConfig } from 'eslint/config';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import comments from '@eslint-community/eslint-plugin-eslint-comments/configs';
import globals from 'globals';

/** The core must stay pure: no file system, processes or database (docs/design.md, "Where the code lives"). */
const pureCore = {
  paths: [
    { name: 'execa', message: 'Processes belong in adapters/ or orchestrator/, not in the pure core.' },
    { name: 'better-sqlite3', message: 'The database belongs in adapters/store/sqlite-store.ts or adapters/, not in the pure core.' },
  ],
  patterns: [{ group: ['node:*'], message: 'Node built-ins (I/O, processes) belong in adapters/ or orchestrator/, not in the pure core.' }],
};

export default defineConfig(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'bench/out/', 'autopilot/', 'examples/'] },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  comments.recommended,
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    languageOptions: {
      globals: globals.node,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Every disable comment says why (`-- reason`).
      '@eslint-community/eslint-comments/require-description': 'error',
      // `_`-named bindings are deliberate: rest-destructuring drops a field, a callback ignores an argument.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
      // Matching control characters is the point where untrusted output is stripped or escaped (domain/text/escape.ts, log-metrics.ts).
      'no-control-regex': 'off',
      // String(value) of an unknown scalar (a config leaf, a CLI's JSON field) is how the code makes text of it on purpose.
      '@typescript-eslint/no-base-to-string': 'off',
    },
  },
  {
    // Tests read CLI `--json` output and logged payloads through JSON.parse's `any` and let expect() check the shape.
    files: ['test/**'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/restrict-template-expressions': 'off',
    },
  },
  {
    // Plain JavaScript (bin, fixtures, this file) is not in a tsconfig: lint it without type information.
    files: ['**/*.{js,mjs,cjs}'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    // The inspector's web app runs in the browser: its globals, and no Node built-in (the vite configs run in Node).
    files: ['inspector/web/**'],
    ignores: ['inspector/web/vite.config.ts', 'inspector/web/vite.export.config.ts'],
    languageOptions: { globals: globals.browser },
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['node:*'], message: 'inspector/web/ runs in the browser: no Node built-ins.' }] }] },
  },
  {
    files: ['machines/**', 'events/**', 'domain/**', 'projections/**', 'integrations/**'],
    rules: { 'no-restricted-imports': ['error', pureCore] },
  },
);
