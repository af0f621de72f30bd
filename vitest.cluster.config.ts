/**
 * Tests against the local three-node cluster (`test/cluster/*.cluster.test.ts`): they kill nodes,
 * so they run one at a time, after the main and serial suites (`npm test`). The global setup starts
 * the cluster if it is not up and stops it afterwards if it started it. Alone:
 * `npx vitest run --config vitest.cluster.config.ts`.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/cluster/**/*.cluster.test.ts'],
    globalSetup: ['test/cluster/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
