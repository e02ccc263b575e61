import { defineConfig } from "vitest/config";

/**
 * Two projects: `unit` (the inner loop, `npx vitest --project unit`: in-process, no build, seconds)
 * and `slow` (process-spawning reliability tests, git-backed previews, real helm/kustomize renders
 * of the fleet, key generation; built once by test/build-once.ts). `npm test` runs both.
 */
const SLOW = [
  "test/reliability/**/*.test.ts",
  "test/cli/**/*.test.ts",
  "test/preview/preview.test.ts",
  "test/preview/skipped-work.test.ts",
  "test/fleet/**/*.test.ts",
  "test/render/helm-*.test.ts",
  "test/render/render-command.test.ts",
  "test/render/validate-render.test.ts",
  "test/bootstrap/kind*.test.ts",
  "test/bootstrap/private-repo.test.ts",
  // Private repositories and registries: real sshd, docker-registry with htpasswd, helm.
  "test/repo-access/ssh-server.test.ts",
  "test/render/private-registries.test.ts",
  // Fresh clones and imports rendered with real helm.
  "test/scaffold/**/*.test.ts",
  "test/import/**/*.test.ts",
  "test/docs/make-it-yours.test.ts",
  "test/docs/rotating-keys.test.ts",
  // npm run bench on a tiny fleet (real helm, real git).
  "test/bench/**/*.test.ts",
  // Fleets of over a thousand apps, loaded and validated.
  "test/validate/argocd-limits.test.ts",
  // RSA-4096 key generation: seconds of CPU per key.
  "test/secrets/keys.test.ts",
  "test/secrets/rotation.test.ts",
  "test/secrets/keys-live.test.ts",
  "test/sealer/keys.test.ts",
];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    projects: [
      { extends: true, test: { name: "unit", include: ["test/**/*.test.ts"], exclude: SLOW } },
      { extends: true, test: { name: "slow", include: SLOW, globalSetup: ["test/build-once.ts"] } },
    ],
  },
});
