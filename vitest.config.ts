import { defineConfig } from 'vitest/config';

const shared = {
  testTimeout: 30_000,
  hookTimeout: 60_000,
  allowOnly: !process.env.CI,
};

export default defineConfig({
  test: {
    // Integration suites start real servers and databases; two cores, so keep parallelism modest.
    maxWorkers: 2,
    projects: [
      {
        test: {
          ...shared,
          name: 'node',
          include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts'],
        },
      },
      {
        test: {
          ...shared,
          name: 'browser',
          include: ['tests/e2e/**/*.test.ts'],
          // Builds build/web when stale; runs only when this project has tests to run.
          globalSetup: ['tests/e2e/global-setup.ts'],
        },
      },
    ],
  },
});
