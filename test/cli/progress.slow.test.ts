import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../generator/cli.js";
import { makeRepo, removeRepo } from "../helpers/repo.js";

/**
 * Progress on long renders (issue 25, item 17): a status line on standard error, rewritten in
 * place, only when standard error is a terminal (injected as io.stderrIsTTY) and not in CI.
 */
const root = makeRepo({
  "clusters/dev/cluster.yaml": "profile: kind\nrepo: { url: https://git.example.com/fleet.git, revision: main }\nkubernetes: { version: 1.31.4 }\ncapacity: { nodes: 1, cpu: \"4\", memory: 8Gi }\nenvironments: [prod]\ningress: { domain: dev.localhost }\napps: [argo-cd, sealed-secrets, web, kustom]\n",
  // Nothing listens there: helm cannot fetch them (not rendered, a warning).
  "apps/argo-cd/app.yaml": "layer: platform\nnamespace: argocd\nrole: argocd\nsource: { type: helm, repo: http://127.0.0.1:9/charts, chart: argo-cd, version: 8.5.0 }\n",
  "apps/sealed-secrets/app.yaml": "layer: platform\nnamespace: kube-system\nrole: sealed-secrets\nsource: { type: helm, repo: http://127.0.0.1:9/charts, chart: sealed-secrets, version: 2.17.3 }\n",
  "apps/web/app.yaml": "layer: apps\nnamespace: web\nsource: { type: manifests, path: manifests }\n",
  "apps/web/manifests/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: web }\ndata: { a: b }\n",
  "apps/kustom/app.yaml": "layer: infra\nnamespace: kustom\nsource: { type: kustomize, path: base }\n",
  "apps/kustom/base/kustomization.yaml": "resources: [sa.yaml]\n",
  "apps/kustom/base/sa.yaml": "apiVersion: v1\nkind: ServiceAccount\nmetadata: { name: kustom-with-a-rather-long-name-to-overflow-the-line }\n",
});
afterAll(() => removeRepo(root));

async function run(args: string[], tty: boolean, env: NodeJS.ProcessEnv = {}) {
  let stdout = "";
  let stderr = "";
  const code = await main(args, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, cwd: root, env, stderrIsTTY: tty, stderrColumns: 50 });
  return { code, stdout, stderr };
}

const CLEAR = "\r\x1b[2K";
const progressLines = (stderr: string) => stderr.split(CLEAR).filter((s) => s.startsWith("berth: rendering"));

describe("progress while rendering", () => {
  it("validate --render on a terminal: what is being rendered, on one line of stderr cleared before the report; stdout stays JSON", async () => {
    const r = await run(["validate", "--render", "-o", "json"], true);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([]);
    const lines = progressLines(r.stderr);
    expect(lines[0]).toMatch(/^berth: rendering 0 of 4: dev\//);
    expect(lines.at(-1)).toBe("berth: rendering 4 of 4");
    expect(lines.some((l) => l.includes("dev/kustom"))).toBe(true);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(49);
    // The line is cleared before anything else is written, so no report line starts after it.
    expect(r.stderr.indexOf(`berth: rendering 4 of 4${CLEAR}`)).toBeGreaterThanOrEqual(0);
  });

  it("nothing when standard error is not a terminal, or in CI", async () => {
    for (const r of [await run(["validate", "--render"], false), await run(["validate", "--render"], true, { CI: "true" })]) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).not.toContain("\x1b[");
      expect(r.stderr).not.toContain("rendering");
      expect(r.stdout).not.toContain("\x1b[");
    }
  });

  it("render on a terminal: the app being rendered on stderr, the manifests alone on stdout", async () => {
    const r = await run(["render", "dev", "--app", "web", "--app", "kustom"], true);
    expect(r.code, r.stderr).toBe(0);
    expect(progressLines(r.stderr)).toEqual(["berth: rendering 0 of 2: dev/kustom", "berth: rendering 1 of 2: dev/web"]);
    expect(r.stdout).not.toContain("\x1b[");
    expect(r.stdout).toContain("kind: ConfigMap");
  });
});
