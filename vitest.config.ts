import { defineConfig } from 'vitest/config';

// Tests run on 2-core machines next to real Montage runs: generous timeouts, and
// heavy fixtures (Montage outputs) are cached under the OS temp dir by the tests themselves.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 900_000,
    reporters: ['default'],
  },
});
