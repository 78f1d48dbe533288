/**
 * The one ESLint config (flat config, `npm run lint`). Syntax-only rules: `typescript-eslint`'s
 * `recommended`, not the type-checked variants, so lint needs no type information and stays
 * fast; types are `npm run typecheck`'s job.
 *  - TypeScript: every package's `src/`, `examples/`, the root `*.config.ts`; the CLI's web page
 *    (`packages/cli/web/`, TSX, browser globals).
 *  - JavaScript (ES modules on Node): every .mjs of bench/ (runners, harness, backlog bench), scripts/, this file.
 */
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const WEB_FILES = ['packages/cli/web/**/*.{ts,tsx}'];
const TS_FILES = ['packages/*/src/**/*.ts', 'examples/**/*.ts', '*.config.ts', ...WEB_FILES];
const JS_FILES = ['bench/**/*.mjs', 'scripts/**/*.mjs', 'examples/**/*.{mjs,js}', '*.config.mjs'];

export default defineConfig(
  {
    ignores: ['**/dist/**', '**/node_modules/**', '**/coverage/**', 'bench/.work/**', 'bench/results/**', 'bench/backlog/results/**', '.pco/**'],
  },
  {
    files: [...TS_FILES, ...JS_FILES],
    extends: [js.configs.recommended],
    // ES modules only: Node's built-in globals, not CommonJS's require / __dirname / module.
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: globals.nodeBuiltin },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // `let x; ...callback reads x...; x = ...`: a forward reference a callback uses once assigned.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
  {
    files: TS_FILES,
    extends: [tseslint.configs.recommended],
    rules: {
      // `const { seq: _seq, ...rest } = record` is how a field is dropped from a copy.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
    },
  },
  {
    // The page runs in the browser (its vite.config.ts on Node).
    files: WEB_FILES,
    ignores: ['packages/cli/web/vite.config.ts'],
    languageOptions: { globals: globals.browser },
  },
  {
    files: ['**/*.test.ts'],
    rules: {
      // Tests read raw JSON replies of the fake servers; typing every shape there buys nothing.
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
);
