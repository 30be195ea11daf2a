// Lint: typescript-eslint's recommended rules, and the layers of the README's tour:
// - core is the pure domain: it imports nothing of ours and does no I/O;
// - store imports only core; integrations import only core and shared;
// - the engine imports core, store, integrations' ports and shared — never services or api;
// - services import core, store, shared, config and the engine's public API (engine.ts, relay.ts) only;
// - api imports services, core and shared only;
// - no SQL outside store (the narrow query/transaction port is called from store/ alone).
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

/** A layer's import rule, for its source files (tests may reach across layers). */
function layer(files, patterns) {
  return [{ files: [files], ignores: ['src/**/*.test.ts', 'src/**/*.testkit.ts'], rules: { 'no-restricted-imports': ['error', { patterns }] } }];
}

export default tseslint.config(
  { ignores: ['node_modules/', 'web/dist/', 'bench/results/', '.dcp/'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    ignores: ['src/core/**/*.test.ts', 'src/core/**/*.testkit.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['../*', '!../core/*'], message: 'src/core is pure: it imports only from src/core.' },
          { group: ['node:*', 'fs', 'http', 'pg', '@electric-sql/*', 'fastify*'], message: 'src/core does no I/O.' },
        ],
      }],
      'no-restricted-globals': ['error', { name: 'process', message: 'src/core reads no environment.' }],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: 'time comes from the injected Clock.' }],
    },
  },
  ...layer('src/store/**/*.ts', [{ regex: '^\\.\\./(?!core/)', message: 'src/store imports only src/core.' }]),
  ...layer('src/integrations/**/*.ts', [{ regex: '^(\\.\\./)+(store|engine|services|api|config)/', message: 'integrations import only core and shared: they are adapters behind ports.' }]),
  ...layer('src/engine/**/*.ts', [{ regex: '^(\\.\\./)+(services|api)/', message: 'the engine does not know its callers.' }]),
  ...layer('src/services/**/*.ts', [
    { regex: '^(\\.\\./)+engine/(?!(engine|relay)\\.ts$)', message: 'services use the engine through its public API (engine/engine.ts: engine.apply; engine/relay.ts: the event feed).' },
    { regex: '^(\\.\\./)+(api|integrations)/', message: 'services do not import api or integrations.' },
  ]),
  ...layer('src/api/**/*.ts', [{ regex: '^(\\.\\./)+(store|engine|integrations|config)/', message: 'api imports services (and core, shared) only.' }]),
  {
    files: ['src/**/*.ts'],
    ignores: ['src/store/**', 'src/**/*.test.ts', 'src/**/*.testkit.ts'],
    rules: {
      'no-restricted-syntax': ['error',
        { selector: "CallExpression[callee.property.name='query']", message: 'SQL belongs in src/store/: call a store function.' },
        { selector: 'Literal[value=/^\\s*(SELECT|INSERT INTO|UPDATE|DELETE FROM|WITH)\\s/]', message: 'SQL belongs in src/store/.' },
        { selector: 'TemplateElement[value.raw=/^\\s*(SELECT|INSERT INTO|UPDATE|DELETE FROM|WITH)\\s/]', message: 'SQL belongs in src/store/.' },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'src/**/*.test.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  // The web app: the Rules of Hooks and the React Compiler's checks (eslint-plugin-react-hooks,
  // recommended), with a missing effect dependency an error rather than a warning.
  {
    files: ['web/**/*.{ts,tsx}'],
    ...reactHooks.configs.flat.recommended,
    rules: { ...reactHooks.configs.flat.recommended.rules, 'react-hooks/exhaustive-deps': 'error' },
  },
);
