/**
 * Tests that disturb the whole broker (`*.serial.test.ts`, e.g. a broker restart) cannot run
 * beside other test files. The main config excludes them; this one runs them one file at a time,
 * and `npm test` runs it after the main suite. Alone: `npx vitest run --config vitest.serial.config.ts`.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.serial.test.ts'],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
