/**
 * Lint: typescript-eslint's strict type-checked rules, less those that only restate a style or
 * that mistake this code's deliberate idioms for defects (each says why below), and the layer
 * rules the code keeps (who may import what). Formatting is Prettier's job (`npm run format`).
 */
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

/** Apps (services, demo) use the runtime through its public surface, or the CLI kit for their command lines. */
const RUNTIME_INTERNALS = {
  regex: String.raw`(^|/)runtime/(?!index\.js$|cli/)`,
  message: 'import the runtime through runtime/index.js (its public surface); export what is missing there',
};

/** The generator is build-time tooling: what runs (runtime, services, provisioning) never imports it. */
const GENERATOR = {
  regex: String.raw`(^|/)generator/`,
  message: 'the generator is build-time tooling: share what both need through runtime/, or read it from generated/',
};

export default defineConfig(
  { ignores: ['generated/validators.js', 'test/compile/.out/', 'test/fixtures/**/out/', 'site/'] },
  js.configs.recommended,
  tseslint.configs.strictTypeChecked,
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['eslint.config.js', 'vitest.cluster.config.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // Numbers and flags read fine in messages; objects, undefined and unknowns are still caught.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      // Handing on a caught error (typed unknown) as the rejection is not a new non-Error reason.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
      // A named interface over one Pick or base (a generated facade's bus) is a deliberate name.
      '@typescript-eslint/no-empty-object-type': ['error', { allowInterfaces: 'with-single-extends' }],
      // `_name` marks what a destructuring leaves out on purpose.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      // Style only: flags `() => log(x)` for returning void; no defect found among its ~100 findings.
      '@typescript-eslint/no-confusing-void-expression': 'off',
      // Narrowing cannot see flags set by callbacks or across an await (`this.stopped`, `returned`):
      // every finding outside the tests was one; in the tests, a harmless `?.`.
      '@typescript-eslint/no-unnecessary-condition': 'off',
      // With noUncheckedIndexedAccess, `!` states an invariant checked beside it (a pair has two users).
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Async functions that satisfy a promise-returning interface (fastify handlers, channel setup).
      '@typescript-eslint/require-await': 'off',
      // Header tables and spec documents are keyed by name at run time: deleting a key is the job.
      '@typescript-eslint/no-dynamic-delete': 'off',
      // Spreading a string counts code points on purpose, as JSON Schema's maxLength does.
      '@typescript-eslint/no-misused-spread': 'off',
      // `+1` beside `-1` says the direction of a count.
      '@typescript-eslint/no-unnecessary-type-conversion': 'off',
      // `readJson<T>(file): T` names the one cast a JSON reader needs; moving it to each caller finds nothing.
      '@typescript-eslint/no-unnecessary-type-parameters': 'off',
      // amqplib types every message property as any (messageId, timestamp, userId...) and decodes each by
      // its AMQP type: every finding outside the tests was one of those. Member access, calls and
      // returns on an any (a JSON.parse result poked into) stay errors.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      // The parser's diagnostics and the DiagnosticSeverity it exports come from two copies of
      // @stoplight/types; the project declares no enum of its own.
      '@typescript-eslint/no-unsafe-enum-comparison': 'off',
    },
  },
  {
    files: ['test/**'],
    rules: {
      // Tests poke into parsed JSON, YAML and spec documents: an `any` there fails the assertion, not production.
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // A test double may be a partial object cast to the class it stands in for.
      '@typescript-eslint/no-unsafe-class-instance-assignment': 'off',
      // A test that names a rejection's type, or prints a value to compare, fails its assertion when wrong.
      '@typescript-eslint/use-unknown-in-catch-callback-variable': 'off',
      '@typescript-eslint/no-base-to-string': 'off',
      // `expect<T>(...)` names the type its matchers check against; without it a union is inferred.
      '@typescript-eslint/no-unnecessary-type-arguments': 'off',
    },
  },
  {
    files: ['test/types/**'],
    // Type tests name a value (`void x`) only to have the compiler check it; nothing in them runs.
    // Likewise a handler taken off an object, to check the rest's type.
    rules: { '@typescript-eslint/no-meaningless-void-operator': 'off', '@typescript-eslint/unbound-method': 'off' },
  },
  {
    files: ['provision/**', 'runtime/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [GENERATOR] }] },
  },
  {
    files: ['services/**', 'demo/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [GENERATOR, RUNTIME_INTERNALS] }] },
  },
);
