import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // CI also writes a JSON report so .ci/run can print a one-line summary.
    reporters: process.env['CI'] ? ['default', ['json', { outputFile: '.ci/test-report.json' }]] : ['default'],
  },
});
