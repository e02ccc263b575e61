import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cacheable, maskRendered } from "../../generator/preview/objects.js";
import { removeRepo } from "../helpers/repo.js";
import { berthIn, edit, fixtureRepo, git } from "../preview/helpers.js";

/** A Secret inside a list wrapper is masked like any other and never cached (issue 11, item 4). */
const repos: string[] = [];
afterAll(() => repos.forEach(removeRepo));

const LISTED = `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: SecretList
    items:
      - apiVersion: v1
        kind: Secret
        metadata: { name: db, namespace: shop }
        stringData: { password: hunter2-in-a-list }
  - apiVersion: v1
    kind: ConfigMap
    metadata: { name: plain, namespace: shop }
    data: { a: b }
`;

describe("Secrets inside list wrappers", () => {
  it("are split out of the List and masked; such a render is not cacheable", () => {
    const resources = maskRendered(LISTED);
    if (typeof resources === "string") throw new Error(resources);
    expect(resources.map((r) => `${r.kind}/${r.name}`)).toEqual(["Secret/db", "ConfigMap/plain"]);
    expect(JSON.stringify(resources)).not.toContain("hunter2-in-a-list");
    expect(cacheable(resources)).toBe(false);
  });

  it("preview --render never shows or caches the value", async () => {
    const root = await fixtureRepo();
    repos.push(root);
    edit(root, { "apps/shop/chart/templates/listed.yaml": LISTED });
    git(root, "add", "-A");
    git(root, "commit", "-q", "-m", "head");
    const outDir = join(root, "..", `${root.split("/").pop()}-out`);
    repos.push(outDir);
    const run = await berthIn(root, "preview", "--base", "HEAD~1", "--head", "HEAD", "--render", "--cluster", "dev", "--out-dir", outDir);
    expect(run.code, run.stderr).toBe(1);
    const written = readdirSync(outDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => readFileSync(join(e.parentPath, e.name), "utf8"));
    expect(written.join("\n")).toContain("**Secret** `shop/db` added");
    expect(written.join("\n")).not.toContain("hunter2-in-a-list");
    expect(run.stdout + run.stderr).not.toContain("hunter2-in-a-list");
  }, 60_000);

  it("berth validate flags a plaintext Secret inside any list wrapper", async () => {
    const root = await fixtureRepo();
    repos.push(root);
    edit(root, { "apps/metrics/manifests/listed.yaml": LISTED });
    const run = await berthIn(root, "validate");
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('plaintext Secret "db"');
  }, 60_000);
});
