import { readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { berth, makeRepo, readTree, removeRepo } from "../helpers/repo.js";

/**
 * Golden scenarios: each folder test/golden/<scenario>/ holds a repository under input/ and the
 * exact generated folders under expected/. Adding a case is adding a folder;
 * `npx vitest run test/plan/golden.test.ts -u` writes a new scenario's expected output.
 */
const GOLDEN = fileURLToPath(new URL("../golden", import.meta.url));
const scenarios = readdirSync(GOLDEN, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();
const repos: string[] = [];
afterEach(() => repos.splice(0).forEach(removeRepo));

describe.each(scenarios)("golden scenario %s", (scenario) => {
  it("generates exactly the files under expected/", async () => {
    const root = makeRepo(readTree(join(GOLDEN, scenario, "input")));
    repos.push(root);
    const run = await berth(root, "generate");
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const files = Object.fromEntries(Object.entries(readTree(root, "clusters")).filter(([p]) => p.includes("/argocd/")));
    for (const [path, content] of Object.entries(files)) {
      await expect(content).toMatchFileSnapshot(join(GOLDEN, scenario, "expected", path));
    }
    // A file under expected/ that generate no longer writes is a stale expectation.
    expect(Object.keys(readTree(join(GOLDEN, scenario, "expected")))).toEqual(Object.keys(files));
  });
});
