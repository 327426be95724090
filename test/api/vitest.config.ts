// The API-source tests' own config: they need no repository-wide global setup.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/api/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
