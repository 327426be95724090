// Flat config. The import-direction rules keep the three rooms apart (STYLE.md):
// shared/ imports nothing environment-specific, the engine never imports electron,
// the renderer never imports Node or electron/.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import layersPlugin from './scripts/eslint-layers.js';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'child_process', 'crypto', 'worker_threads'];

// Issue 11, in the spirit of VS Code's `code-layering` rule: outside electron/engine/, only the
// engine's facade may be imported; anything a host needs is a method on EngineService.
const facadeMessage =
  'Outside electron/engine/, import only the engine facade (service.js, service-types.js, errors.js, and startup.js before the engine loads); add what you need to EngineService.';
const engineFacade = {
  group: [
    '**/engine/**',
    '!**/engine/service.js',
    '!**/engine/service-types.js',
    '!**/engine/errors.js',
    '!**/engine/startup.js',
  ],
  message: facadeMessage,
};

/** Imports of these host folders, refused with a message naming who may not import them. */
function hosts(folders, who) {
  return {
    group: folders.map((folder) => `**/${folder}/**`),
    message: `${who} may not import ${folders.join(', ')}.`,
  };
}

/**
 * One layer's import rule. no-restricted-imports does not see `await import()`, so the same
 * patterns are checked on dynamic imports too (the lazy loads the engine and CLI use).
 */
function layer(files, { paths = [], patterns }) {
  return {
    files,
    plugins: { layers: layersPlugin },
    rules: {
      'no-restricted-imports': ['error', { paths, patterns }],
      'layers/no-restricted-dynamic-imports': ['error', { patterns }],
    },
  };
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-results/**', '.bench/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  // The engine: pure Node, and it never reaches up into a host.
  layer(['electron/engine/**/*.ts'], {
    paths: [{ name: 'electron', message: 'The engine is pure Node.' }],
    patterns: [hosts(['cli', 'session', 'server', 'main', 'preload', 'plans'], 'the engine')],
  }),
  // The hosts: the engine only through its facade.
  layer(['electron/cli/**/*.ts', 'electron/server/**/*.ts'], {
    paths: [{ name: 'electron', message: 'The CLI and the web server are pure Node.' }],
    patterns: [engineFacade, hosts(['main', 'preload'], 'the CLI and the web server')],
  }),
  layer(['electron/session/**/*.ts'], {
    paths: [{ name: 'electron', message: 'The session is pure Node.' }],
    // The session may use plans' stores (configuration, activity); plans never import the session.
    patterns: [engineFacade, hosts(['cli', 'server', 'main', 'preload'], 'the session')],
  }),
  // Plans and their scheduler: hosted by `cairn serve` and the desktop app, so below both.
  layer(['electron/plans/**/*.ts'], {
    paths: [{ name: 'electron', message: 'Plans are pure Node.' }],
    patterns: [engineFacade, hosts(['cli', 'session', 'server', 'main', 'preload'], 'plans')],
  }),
  layer(['electron/main/**/*.ts', 'electron/preload/**/*.{ts,cts}'], {
    patterns: [engineFacade, hosts(['cli'], 'the Electron shell')],
  }),
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: ['electron'], patterns: [...nodeBuiltins, '**/electron/**', '**/renderer/**'] },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: ['electron'], patterns: [...nodeBuiltins, '**/electron/**'] },
      ],
      ...reactHooks.configs.recommended.rules,
    },
  },
  {
    // Vite's config runs in Node, not in the renderer.
    files: ['vite.renderer.config.ts'],
    languageOptions: { globals: { ...globals.node } },
    rules: { 'no-restricted-imports': 'off' },
  },
);
