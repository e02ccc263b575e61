import { afterAll, describe, expect, it } from "vitest";
import { removeRepo } from "../helpers/repo.js";
import { berthIn, edit, fixtureRepo, git } from "../preview/helpers.js";

/**
 * Preview must never say "No changes" for a change Argo CD deploys (issue 11, item 2): every file
 * of a source folder is an input, and revisions are read as Argo CD's checkout has them.
 */
const repos: string[] = [];
afterAll(() => repos.forEach(removeRepo));

const ROLE_BINDING = "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: { name: sneaky-admin }\nroleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin }\nsubjects: [{ kind: ServiceAccount, name: default, namespace: default }]\n";

async function previewHead(files: Record<string, string>): Promise<{ code: number; out: string }> {
  const root = await fixtureRepo();
  repos.push(root);
  edit(root, files);
  git(root, "add", "-A");
  git(root, "commit", "-q", "-m", "head");
  const run = await berthIn(root, "preview", "--base", "HEAD~1", "--head", "HEAD", "--render", "--cluster", "dev", "--format", "text");
  return { code: run.code, out: run.stdout + run.stderr };
}

describe("preview sees every file Argo CD deploys", () => {
  // (helm itself skips hidden folders such as .tools/, so Argo CD does not deploy those.)
  it("a template under a chart's dist/, node_modules/ or coverage/ folder is an input", async () => {
    const folders = ["dist", "node_modules", "coverage"];
    const { code, out } = await previewHead(Object.fromEntries(folders.map((f) => [`apps/shop/chart/templates/${f}/rb.yaml`, ROLE_BINDING.replace("sneaky-admin", `sneaky-admin-${f}`)])));
    for (const f of folders) expect(out).toContain(`sneaky-admin-${f}`);
    expect(code).toBe(1);
  }, 60_000);

  it("a template marked export-ignore in .gitattributes is still seen", async () => {
    const { code, out } = await previewHead({
      ".gitattributes": "apps/shop/chart/templates/rb.yaml export-ignore\n",
      "apps/shop/chart/templates/rb.yaml": ROLE_BINDING,
    });
    expect(out).toContain("sneaky-admin");
    expect(code).toBe(1);
  }, 60_000);
});
