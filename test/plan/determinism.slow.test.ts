import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { fixtureFleet } from "../helpers/fleet-fixture.js";
import { makeRepo, readTree, removeRepo } from "../helpers/repo.js";

const BIN = fileURLToPath(new URL("../../bin/berth.js", import.meta.url));
const repos: string[] = [];
afterAll(() => repos.forEach(removeRepo));

function generateWith(env: Record<string, string>, tree = fixtureFleet()): Record<string, string> {
  const root = makeRepo(tree);
  repos.push(root);
  const r = spawnSync(process.execPath, [BIN, "generate"], { cwd: root, env: { PATH: process.env.PATH ?? "", ...env }, encoding: "utf8" });
  expect(r.status, r.stderr).toBe(0);
  return readTree(root, "clusters");
}

describe("deterministic output", () => {
  it("is byte-identical across time zones, locales and runs", () => {
    const base = generateWith({ TZ: "UTC", LANG: "C", LC_ALL: "C" });
    expect(generateWith({ TZ: "Pacific/Kiritimati", LANG: "tr_TR.UTF-8", LC_ALL: "tr_TR.UTF-8" })).toEqual(base);
    expect(generateWith({ TZ: "America/St_Johns", LANG: "de_DE.UTF-8", LC_ALL: "de_DE.UTF-8" })).toEqual(base);
    expect(generateWith({ TZ: "UTC", LANG: "C" })).toEqual(base);
  });

  it("does not depend on the order files were created in", () => {
    const tree = fixtureFleet();
    const reversed = Object.fromEntries(Object.entries(tree).reverse());
    expect(generateWith({}, reversed)).toEqual(generateWith({}, tree));
  });
});
