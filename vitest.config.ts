import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration suites start real servers and databases; two cores, so keep parallelism modest.
    maxWorkers: 2,
    allowOnly: !process.env.CI,
  },
});
