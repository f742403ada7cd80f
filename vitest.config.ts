import { defineConfig } from 'vitest/config';

/**
 * Two tiers, told apart by file name: `*.slow.test.ts` are the tests slow by their size (10^5-step
 * logs, 150,000 rendered steps, every byte of a damaged log, limits at full size), the viewer's
 * browser tests and the fuzz run. `npm test` (and CI) runs both projects; `npm run test:fast` only
 * `fast`, everything else.
 */
const SLOW = 'test/**/*.slow.test.ts';

export default defineConfig({
  test: {
    globalSetup: ['test/globalSetup.ts'],
    setupFiles: ['test/setup_fast_check.ts'],
    testTimeout: 60_000,
    projects: [
      // `fast`: three workers on a 2-core machine (vitest's default is one fewer than the cores; many
      // tests wait on a spawned bin/memhp.js, and a waiting worker uses no CPU), the source modules
      // imported once per worker rather than once per test file (no test mocks a module). `slow` runs after it, one file at a time, so a browser test's Chromium never shares
      // the cores with a 10^5-step test or the fuzz run (its 30 s waits are watchdogs, not timings).
      { extends: true, test: { name: 'fast', include: ['test/**/*.test.ts'], exclude: [SLOW], maxWorkers: 3, isolate: false, sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'slow', include: [SLOW], maxWorkers: 1, sequence: { groupOrder: 1 } } },
    ],
  },
});
