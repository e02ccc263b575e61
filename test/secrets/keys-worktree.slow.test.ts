import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readTree, writeTree } from "../helpers/repo.js";
import { expectUserError, fleetWithCerts, run } from "../secrets/helpers.js";
import { execFileSync } from "node:child_process";

const top = mkdtempSync(join(tmpdir(), "berth-monorepo-"));
afterAll(() => rmSync(top, { recursive: true, force: true }));

describe("keys generate in a monorepo (issue 11, item 8)", () => {
  it("refuses --out inside the git work tree that encloses the fleet's folder", async () => {
    execFileSync("git", ["init", "-q", top]);
    const root = join(top, "infra/fleet");
    writeTree(root, fleetWithCerts({}));
    const before = readTree(root);
    const r = await run(root, ["keys", "generate", "--cluster", "dev", "--out", join(top, "dev-key.pem")]);
    expectUserError(r, root, before, "--out is inside the git work tree", "outside every git work tree");
    expect(existsSync(join(top, "dev-key.pem"))).toBe(false);
    // A folder berth would create for the key is inside the work tree too (issue 25, item 18).
    const inNewFolder = await run(root, ["keys", "generate", "--cluster", "dev", "--out", join(top, ".berth/dev-key.pem")]);
    expectUserError(inNewFolder, root, before, "--out is inside the git work tree");
    expect(existsSync(join(top, ".berth"))).toBe(false);
  });
});
