import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Tests that restart the broker run alone, afterwards: vitest.serial.config.ts; then those that
    // kill cluster nodes: vitest.cluster.config.ts.
    exclude: [...configDefaults.exclude, 'test/**/*.serial.test.ts', 'test/cluster/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Broker-bound tests share two cores with RabbitMQ; two files at a time keeps them honest.
    maxWorkers: 2,
  },
});
