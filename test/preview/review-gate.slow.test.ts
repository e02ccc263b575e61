import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { berthWithEnv, makeRepo, removeRepo } from "../helpers/repo.js";
import { berthIn, edit, fixtureRepo, git } from "./helpers.js";

/**
 * The preview is the review gate (issue 18): whatever a pull request changes that Argo CD would
 * deploy differently is shown, and nothing a pull request commits can make it read the host, a
 * submodule it cannot see, or a cache entry of the pull request's own making. Both sides are real
 * git revisions, rendered with the real helm and kustomize.
 */
const dirs: string[] = [];
afterAll(() => dirs.forEach(removeRepo));

const BINDING = (name: string) => `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: { name: ${name} }\nroleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin }\nsubjects: [{ kind: ServiceAccount, name: default, namespace: default }]\n`;
const ACCOUNT = "apiVersion: v1\nkind: ServiceAccount\nmetadata: { name: shared }\n";

/**
 * The fixture fleet whose shop chart depends on `charts/common` (`file://`, outside apps/) and
 * whose kustom overlay builds on `bases/rbac`, both outside the apps' folders.
 */
const OUTSIDE: Record<string, string> = {
  "apps/shop/chart/Chart.yaml": "apiVersion: v2\nname: shop\nversion: 0.1.0\ndependencies:\n  - name: common\n    version: 0.1.0\n    repository: file://../../../charts/common\n",
  "charts/common/Chart.yaml": "apiVersion: v2\nname: common\nversion: 0.1.0\n",
  "charts/common/templates/sa.yaml": ACCOUNT,
  "apps/kustom/overlays/kind/kustomization.yaml": "resources:\n  - ../../../../bases/rbac\n",
  "bases/rbac/kustomization.yaml": "resources: [sa.yaml]\n",
  "bases/rbac/sa.yaml": ACCOUNT,
};

async function repoWith(extra: Record<string, string>): Promise<string> {
  const root = await fixtureRepo(extra);
  dirs.push(root);
  return root;
}

function commit(root: string, message = "head"): void {
  git(root, "add", "-A");
  git(root, "commit", "-q", "-m", message);
}

const previewRender = (root: string, ...more: string[]) => berthIn(root, "preview", "--base", "HEAD~1", "--head", "HEAD", "--render", "--cluster", "dev", "--format", "text", ...more);

describe("issue 18: the preview sees, and checks, everything the renders read", () => {
  it("finding 1: a change only in a file:// dependency or a kustomize base outside apps/<app> is previewed", async () => {
    const root = await repoWith(OUTSIDE);
    edit(root, {
      "charts/common/templates/crb.yaml": BINDING("sneaky-chart-admin"),
      "bases/rbac/kustomization.yaml": "resources: [sa.yaml, crb.yaml]\n",
      "bases/rbac/crb.yaml": BINDING("sneaky-base-admin"),
    });
    commit(root);
    const r = await previewRender(root);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).not.toContain("No changes");
    expect(r.stdout).toContain("sneaky-chart-admin");
    expect(r.stdout).toContain("sneaky-base-admin");
    // Tier 1 alone names the files that changed.
    const tier1 = await berthIn(root, "preview", "--base", "HEAD~1", "--head", "HEAD", "--cluster", "dev", "--format", "text");
    expect(tier1.code).toBe(1);
    expect(tier1.stdout).toContain("charts/common/templates/crb.yaml");
    expect(tier1.stdout).toContain("bases/rbac/crb.yaml");
  }, 90_000);

  it("finding 2: a symlink out of the repository in a file:// dependency is refused by preview and render, and the host file is never shown", async () => {
    const root = await repoWith(OUTSIDE);
    const host = mkdtempSync(join(tmpdir(), "berth-host-"));
    dirs.push(host);
    writeFileSync(join(host, "secret.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: host-file }\ndata: { password: host-secret-content }\n");
    symlinkSync(join(host, "secret.yaml"), join(root, "charts/common/templates/host.yaml"));
    commit(root);
    const r = await previewRender(root);
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).not.toContain("host-secret-content");
    expect(r.stderr).toContain("charts/common/templates/host.yaml:1:1: is a symlink that points outside the repository");
    const render = await berthIn(root, "render", "dev", "--app", "shop-staging");
    expect(render.code).toBe(1);
    expect(render.stdout + render.stderr).not.toContain("host-secret-content");
    expect(render.stderr).toContain("is a symlink that points outside the repository");
  }, 90_000);

  it("finding 3: a chart that reads a git submodule is refused with a clear error, also when a pull request only bumps it", async () => {
    const sub = makeRepo({ "Chart.yaml": "apiVersion: v2\nname: common\nversion: 0.1.0\n", "templates/sa.yaml": ACCOUNT });
    dirs.push(sub);
    git(sub, "init", "-q", "-b", "main");
    git(sub, "add", "-A");
    git(sub, "commit", "-q", "-m", "one");
    const { "charts/common/Chart.yaml": _c, "charts/common/templates/sa.yaml": _t, ...withoutCommon } = OUTSIDE;
    const root = await repoWith(withoutCommon);
    git(root, "-c", "protocol.file.allow=always", "submodule", "add", "-q", sub, "charts/common");
    commit(root, "submodule");
    // The pull request: the submodule now records a commit that adds a cluster-admin binding.
    edit(sub, { "templates/crb.yaml": BINDING("sneaky-submodule-admin") });
    git(sub, "add", "-A");
    git(sub, "commit", "-q", "-m", "two");
    git(join(root, "charts/common"), "-c", "protocol.file.allow=always", "pull", "-q", "origin", "main");
    commit(root, "bump");
    const r = await previewRender(root);
    expect(r.code).toBe(2);
    expect(r.stdout).not.toContain("No changes");
    expect(r.stderr).toMatch(/apps\/shop\/chart\/Chart\.yaml:\d+:\d+: charts\/common is a git submodule/);
    // The working tree (a checkout with the submodule initialised) is refused alike.
    const validate = await berthIn(root, "validate");
    expect(validate.code).toBe(1);
    expect(validate.stderr).toContain("charts/common is a git submodule");
  }, 90_000);

  it("finding 5: a render cache committed inside the checkout (with --out-dir there) is never read", async () => {
    const root = await repoWith({});
    edit(root, { "apps/shop/chart/templates/extra.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: planted-change }\ndata: { a: b }\n" });
    commit(root);
    // The attacker computes the entries a render of this head would be stored under: here, by a
    // run of their own; then commits entries that say the head renders as the base does.
    const theirs = mkdtempSync(join(tmpdir(), "berth-attacker-cache-"));
    dirs.push(theirs);
    const env = { PATH: process.env.PATH, HOME: join(theirs, "home"), BERTH_TOOLS: "bundled" };
    const first = await berthWithEnv(root, { ...env, XDG_CACHE_HOME: theirs }, "preview", "--base", "HEAD~1", "--head", "HEAD", "--render", "--cluster", "dev", "--format", "text");
    expect(first.stdout).toContain("planted-change");
    const entries = readdirSync(join(theirs, "berth/preview-renders")).map((f) => ({ f, data: JSON.parse(readFileSync(join(theirs, "berth/preview-renders", f), "utf8")) }));
    const baseEntry = entries.find((e) => !JSON.stringify(e.data.resources).includes("planted-change"))!;
    mkdirSync(join(root, "preview/render-cache"), { recursive: true });
    for (const { f, data } of entries) {
      const resources = baseEntry.data.resources;
      writeFileSync(join(root, "preview/render-cache", f), JSON.stringify({ ...data, resources, sha256: createHash("sha256").update(JSON.stringify(resources)).digest("hex") }));
    }
    commit(root, "head with a planted cache");
    // The reviewer: a fresh user cache, --out-dir inside the checkout as the README once showed.
    const mine = mkdtempSync(join(tmpdir(), "berth-reviewer-cache-"));
    dirs.push(mine);
    const r = await berthWithEnv(root, { ...env, HOME: join(mine, "home"), XDG_CACHE_HOME: mine }, "preview", "--base", "HEAD~2", "--head", "HEAD", "--render", "--cluster", "dev", "--format", "text", "--out-dir", join(root, "preview"));
    expect(r.code, r.stderr).toBe(1);
    const part = readFileSync(join(root, "preview/part-1.txt"), "utf8");
    expect(part).toContain("planted-change");
    expect(part).toContain("0 from cache");
    // A cache folder inside the checkout (XDG_CACHE_HOME pointed at the workspace) is not used either.
    rmSync(join(root, "preview/part-1.txt"));
    const inside = await berthWithEnv(root, { ...env, XDG_CACHE_HOME: join(root, "preview/xdg") }, "preview", "--base", "HEAD~2", "--head", "HEAD", "--render", "--cluster", "dev", "--format", "text");
    expect(inside.stdout).toContain("The render cache was not used");
    expect(inside.stdout).toContain("planted-change");
  }, 120_000);
});
