import { defineConfig } from 'vitest/config';

// Projects split the suite: `npm test` runs unit + integration (target: under 5 minutes on 2 cores);
// stress and e2e (real browser) are separate runs that .ci/run also executes.
// Every project `extends: true`: an inline project does not inherit the root's options otherwise, and the network
// safety setup file (loopback-only JetDrive, `.invalid` names never sent to a DNS server) must run in all of them.
export default defineConfig({
  test: {
    pool: 'forks',
    // Pins JetDrive to loopback in every test process and in what it spawns (network safety, see the README).
    setupFiles: ['test/support/network-safety.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 30_000 } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 30_000,
          // UDP tests share port numbers chosen at random; running files one at a time keeps them independent.
          fileParallelism: false,
        },
      },
      { extends: true, test: { name: 'stress', include: ['test/stress/**/*.test.ts'], testTimeout: 120_000, fileParallelism: false } },
      { extends: true, test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], testTimeout: 180_000, fileParallelism: false } },
    ],
  },
});
