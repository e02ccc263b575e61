import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../helpers/example-fleet.js";

/**
 * The comments on Argo CD's settings in the example's values say what the setting does (issue 25,
 * item 22): `exec.enabled` is the web terminal, not how apps are deleted; ARGOCD_EXEC_TIMEOUT is a
 * timeout, not render parallelism. Each setting's comment block must name what it is and not
 * claim what it is not.
 */
function commentAbove(file: string, setting: string): string {
  const lines = readFileSync(join(REPO_ROOT, file), "utf8").split("\n");
  const at = lines.findIndex((l) => l.includes(setting));
  expect(at, `${setting} in ${file}`).toBeGreaterThan(0);
  const comment: string[] = [];
  for (let i = at - 1; i >= 0 && lines[i]!.trim().startsWith("#"); i--) comment.unshift(lines[i]!.trim());
  return comment.join(" ");
}

describe("the comments on Argo CD settings in apps/argo-cd/", () => {
  it("exec.enabled: the web terminal", () => {
    const c = commentAbove("apps/argo-cd/values.yaml", "exec.enabled:");
    expect(c).toMatch(/terminal/i);
    expect(c).not.toMatch(/delet|prun/i);
  });

  it("ARGOCD_EXEC_TIMEOUT: how long a command may run", () => {
    const c = commentAbove("apps/argo-cd/values-k3s.yaml", "ARGOCD_EXEC_TIMEOUT");
    expect(c).toMatch(/how long/i);
    expect(c).not.toMatch(/fewer parallel/i);
  });
});
