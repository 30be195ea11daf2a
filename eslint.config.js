// Lint: typescript-eslint's recommended rules, and the one architectural rule that matters most:
// src/core is the pure domain — it imports nothing from the rest of DCP and no I/O modules.
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

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
