import { defineConfig } from "vitest/config";

/**
 * Two projects, chosen by file name: `unit` (the inner loop, `npx vitest run --project unit`:
 * in-process, no build, seconds) and `slow` (`*.slow.test.ts`: spawned CLI processes, git-backed
 * previews, real helm/kustomize renders, RSA key generation; built once by test/build-once.ts).
 * Tests sit in test/<folder>/ beside the source folder whose behaviour they test. `npm test` runs both.
 */
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    // The unit project's thread pool, set here: vitest reads pool options from the root config
    // only (a project's own were ignored). Both cores (the default on two is one thread), and
    // files share their threads' module cache, so a file does not pay berth's start-up again.
    poolOptions: { threads: { maxThreads: 2, minThreads: 2, isolate: false } },
    projects: [
      { extends: true, test: { name: "unit", include: ["test/**/*.test.ts"], exclude: ["test/**/*.slow.test.ts"], pool: "threads" } },
      { extends: true, test: { name: "slow", include: ["test/**/*.slow.test.ts"], globalSetup: ["test/build-once.ts"] } },
    ],
  },
});
