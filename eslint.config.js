// `npm run lint`: ESLint with typescript-eslint's recommended rules (type-aware where it matters:
// promises that are neither awaited nor handled) and React's hooks rules, over the TypeScript of
// source/, test/, bench/ and scripts/. The 200/600-line limits and the import rules are tests
// (test/code-size.test.ts, test/import-graph.test.ts), not lint rules.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

export default tseslint.config(
	{ignores: ['dist/', 'node_modules/', 'bench/*.mjs', 'test/helpers/*.mjs']},
	js.configs.recommended,
	...tseslint.configs.recommended,
	{
		files: ['**/*.ts', '**/*.tsx'],
		languageOptions: {
			parserOptions: {projectService: true, tsconfigRootDir: import.meta.dirname},
		},
		plugins: {'react-hooks': reactHooks},
		rules: {
			'react-hooks/rules-of-hooks': 'error',
			'react-hooks/exhaustive-deps': 'error',
			'no-await-in-loop': 'error',
			// A catch that only stops an error from escaping (a best-effort cleanup) may be empty.
			'no-empty': ['error', {allowEmptyCatch: true}],
			// Finding control characters to make them visible is this program's job.
			'no-control-regex': 'off',
			'no-new': 'error',
			'no-new-func': 'error',
			eqeqeq: ['error', 'always', {null: 'ignore'}],
			// node:test's test() and describe() return promises the runner itself awaits.
			'@typescript-eslint/no-floating-promises': ['error', {allowForKnownSafeCalls: [{from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite']}]}],
			'@typescript-eslint/no-misused-promises': ['error', {checksVoidReturn: false}],
			'@typescript-eslint/consistent-type-imports': ['error', {fixStyle: 'inline-type-imports', disallowTypeAnnotations: false}],
			'@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none'}],
		},
	},
	{
		// Tests, benchmarks and scripts wait for one thing after another on purpose.
		files: ['test/**', 'bench/**', 'scripts/**'],
		rules: {'no-await-in-loop': 'off'},
	},
);
