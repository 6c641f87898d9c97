import { defineConfig } from 'vitest/config';

// Tests import the workspace packages (@schemata/serdes, @schemata/registry) through their built `dist/`,
// exactly as users and the spawned server processes do; `npm test` runs `tsc -b` first.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
