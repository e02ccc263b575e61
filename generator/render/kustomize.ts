import { existsSync } from "node:fs";
import { hermeticEnv, withTempDir } from "../exec/env.js";
import { run } from "../exec/spawn.js";
import { MAX_RENDERED_BYTES, tooLarge } from "./limits.js";
import { scrubSecrets } from "../scrub.js";
import { summarizeStderr } from "../exec/stderr.js";
import type { Tools } from "../exec/tools.js";

export type KustomizeResult = { ok: true; manifests: string } | { ok: false; error: string };

/**
 * `kubectl kustomize DIR` with kubectl's embedded kustomize, in a throwaway HOME with
 * KUBECONFIG pointing nowhere (kustomize needs no cluster). Default load restrictions, as in
 * Argo CD: a kustomization may only read files under its own root (bases are fine).
 * `--enable-helm` is not passed: kustomize 5.7 refuses Helm 4 (see shared tooling notes).
 */
export async function kustomizeBuild(tools: Tools, dir: string): Promise<KustomizeResult> {
  const fail = (why: string): KustomizeResult => ({
    ok: false,
    error: scrubSecrets(`kustomize build of ${dir} failed: ${why}`),
  });
  if (!existsSync(dir)) return fail("directory not found");
  return withTempDir("kustomize", async (home) => {
    const r = await run(tools.kubectl, ["kustomize", "--", dir], { env: hermeticEnv(home), cwd: home, maxStdoutBytes: MAX_RENDERED_BYTES });
    if (r.tooMuchOutput) return { ok: false, error: `kustomize build ${dir}: ${tooLarge()}` };
    if (r.code === 0) return { ok: true, manifests: r.stdout };
    if (r.spawnError) return fail(`could not run ${tools.kubectl}: ${r.spawnError}`);
    if (r.timedOut) return fail("timed out");
    return fail(summarizeStderr(r.stderr) || `exit code ${r.code}`);
  });
}
