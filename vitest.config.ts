import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Broker-bound tests share two cores with RabbitMQ; two files at a time keeps them honest.
    maxWorkers: 2,
  },
});
