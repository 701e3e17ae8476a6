import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

/** One linter for every folder; the layering rules keep the architecture honest. */
export default ts.config(
  {
    ignores: [
      'node_modules/',
      'build/',
      '.svelte-kit/',
      'data/',
      'scratch/',
      'migrations/',
      'tests/bench/sync/results/',
    ],
  },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: {
      parserOptions: { projectService: true, extraFileExtensions: ['.svelte'], parser: ts.parser, svelteConfig },
    },
  },
  {
    // shared/ runs in the browser and the server: no node or framework modules.
    files: ['shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                'node:*',
                'fastify',
                '@fastify/*',
                'ws',
                'drizzle-orm*',
                'postgres',
                'svelte*',
                '@sveltejs/*',
                '../server/*',
                '../../server/*',
                '../web/*',
              ],
              message: 'shared/ must stay framework- and node-free',
            },
          ],
        },
      ],
    },
  },
  {
    // The room core knows no framework, transport or ORM (see server/rooms/ports.ts).
    files: ['server/rooms/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                'fastify',
                '@fastify/*',
                'ws',
                'drizzle-orm*',
                'postgres',
                '@electric-sql/*',
                '../storage/*',
                '../plugins/*',
                '../routes/*',
              ],
              message: 'server/rooms/ depends only on its ports',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['web/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/server/**', 'node:*'], message: 'web/ must not import server code' }] },
      ],
    },
  },
);
