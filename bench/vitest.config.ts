import { defineConfig } from 'vitest/config';

// Measurements that assert the issues' targets but are not (yet) part of `npm test`:
// run with `npx vitest run --config bench/vitest.config.ts`.
export default defineConfig({
  test: {
    include: ['bench/**/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 900_000,
  },
});
