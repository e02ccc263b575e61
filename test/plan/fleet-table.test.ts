import { afterEach, describe, expect, it } from "vitest";
import { fixtureFleet } from "../helpers/fleet-fixture.js";
import { berth, makeRepo, removeRepo } from "../helpers/repo.js";

const repos: string[] = [];
afterEach(() => repos.splice(0).forEach(removeRepo));

async function table(tree: Record<string, string>): Promise<string> {
  const root = makeRepo(tree);
  repos.push(root);
  const run = await berth(root, "fleet");
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  return run.stdout;
}

describe("berth fleet: the system column", () => {
  it("defaults to the app name's first word", async () => {
    expect(await table(fixtureFleet())).toContain("| shop | dev | shop-staging | shop-staging |");
  });

  it("takes an app's own system: field instead", async () => {
    const tree = fixtureFleet();
    tree["apps/shop/app.yaml"] = `system: storefront\n${tree["apps/shop/app.yaml"]}`;
    const out = await table(tree);
    expect(out).toContain("| storefront | dev | shop-staging | shop-staging |");
    expect(out).not.toMatch(/^\| shop \|/m);
  });
});
