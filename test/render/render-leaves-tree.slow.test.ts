import { afterAll, describe, expect, it } from "vitest";
import { fixtureFleet } from "../helpers/fleet-fixture.js";
import { makeRepo, readTree, removeRepo } from "../helpers/repo.js";
import { berthIn } from "../preview/helpers.js";

/** `berth render` of a chart with a file:// dependency writes nothing into the repository (issue 11, item 12). */
const repos: string[] = [];
afterAll(() => repos.forEach(removeRepo));

describe("render with a file:// dependency", () => {
  it("builds the dependency in a temporary copy: no Chart.lock or charts/ left in the working tree", async () => {
    const root = makeRepo({
      ...fixtureFleet(),
      "apps/shop/chart/Chart.yaml": "apiVersion: v2\nname: shop\nversion: 0.1.0\ndependencies:\n  - { name: lib, version: 0.1.0, repository: \"file://../lib\" }\n",
      "apps/shop/lib/Chart.yaml": "apiVersion: v2\nname: lib\nversion: 0.1.0\n",
      "apps/shop/lib/templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: from-the-dependency }\n",
    });
    repos.push(root);
    const before = readTree(root);
    const run = await berthIn(root, "render", "--cluster", "dev", "--app", "shop");
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("name: from-the-dependency");
    expect(readTree(root)).toEqual(before);
  }, 60_000);
});
