// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Modules that do I/O or talk to GitHub: none may enter the pure layers. */
const impureModules = [
  { group: ['@actions/*', '@octokit/*', 'octokit'], message: 'Only src/github talks to GitHub.' },
  { group: ['node:fs', 'node:fs/*', 'fs', 'fs/*', 'node:child_process', 'child_process', 'node:process', 'process'], message: 'src/core, src/rules, src/conventions and src/render are pure: take contents, return data.' },
  { group: ['@electric-sql/pglite', '@electric-sql/pglite/*', 'pg'], message: 'Databases belong to src/replay.' },
  { group: ['**/github/*', '**/action/*', '**/cli/*', '**/replay/*'], message: 'Pure layers must not depend on adapters.' },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.cache/**', 'coverage/**', 'reports/**', '.stryker-tmp/**', 'docs/**', 'schema/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    files: ['src/core/**/*.ts', 'src/rules/**/*.ts', 'src/conventions/**/*.ts', 'src/render/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: impureModules }],
      'no-restricted-globals': ['error', { name: 'process', message: 'Pure layers get their inputs as arguments.' }],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/github/**', 'src/action/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [impureModules[0]] }],
    },
  },
  {
    // NOTE: the action's orchestration talks to the runner (@actions/core) but to GitHub's API only through the port in src/github.
    files: ['src/action/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['@actions/github', '@octokit/*', 'octokit'], message: 'src/action reaches GitHub only through the port in src/github (GitHubPort).' }] }],
    },
  },
  {
    // The pure layers keep their stricter list (the block above would otherwise replace it).
    files: ['src/core/**/*.ts', 'src/rules/**/*.ts', 'src/conventions/**/*.ts', 'src/render/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: impureModules }],
    },
  },
);
