import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{shared,gateway,cloud,firmware-sim}/{src,test}/**/*.test.ts', 'scripts/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // expect.poll's 1 s default is shorter than one sign-in (scrypt) on a loaded two-core machine.
    expect: { poll: { timeout: 10_000 } },
    // Integration tests start brokers, ptys and child processes; two cores are shared by all of them.
    maxWorkers: 2,
  },
});
