import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { git } from "../helpers/example-fleet.js";
import { fixtureFleet } from "../helpers/fleet-fixture.js";
import { berthWithEnv, makeRepo, removeRepo } from "../helpers/repo.js";

const repos: string[] = [];
afterEach(() => repos.splice(0).forEach(removeRepo));

const env = { PATH: process.env.PATH, HOME: process.env.HOME };
const dryRun = (root: string) => berthWithEnv(root, env, "bootstrap", "--cluster", "dev", "--dry-run");

/** The fixture fleet (dev tracks main), generated, in a git repository on branch main. */
async function generatedRepo(): Promise<string> {
  const root = makeRepo(fixtureFleet());
  repos.push(root);
  expect((await berthWithEnv(root, env, "generate")).code).toBe(0);
  git(root, "init", "-q", "-b", "main");
  return root;
}

describe("bootstrap warns when the root would track a folder that is not committed", () => {
  it("warns while clusters/dev/argocd is not committed on main, and not once it is", async () => {
    const root = await generatedRepo();
    git(root, "add", "apps", "secrets", "clusters/dev/cluster.yaml");
    git(root, "commit", "-q", "-m", "fleet without output");
    const before = await dryRun(root);
    expect(before.code).toBe(0);
    expect(before.stderr).toContain("warning: clusters/dev/argocd/ does not exist at main, the revision the root Application tracks");
    expect(before.stderr).toContain("git push origin main");

    git(root, "add", "-A");
    git(root, "commit", "-q", "-m", "output");
    const after = await dryRun(root);
    expect(after.code).toBe(0);
    expect(after.stderr).not.toContain("clusters/dev/argocd/");
  });

  it("checks origin/main when the clone has it, so a commit that was never pushed still warns", async () => {
    const root = await generatedRepo();
    git(root, "add", "apps", "secrets", "clusters/dev/cluster.yaml");
    git(root, "commit", "-q", "-m", "fleet without output");
    git(root, "update-ref", "refs/remotes/origin/main", "HEAD");
    git(root, "add", "-A");
    git(root, "commit", "-q", "-m", "output, not pushed");
    expect((await dryRun(root)).stderr).toContain("warning: clusters/dev/argocd/ does not exist at origin/main");
    git(root, "update-ref", "refs/remotes/origin/main", "HEAD");
    expect((await dryRun(root)).stderr).not.toContain("clusters/dev/argocd/");
  });

  it("warns when the folder on disk differs from the committed one (an uncommitted regenerate)", async () => {
    const root = await generatedRepo();
    git(root, "add", "-A");
    git(root, "commit", "-q", "-m", "all");
    const file = join(root, "clusters/dev/cluster.yaml");
    writeFileSync(file, readFileSync(file, "utf8").replace("dev.localhost", "dev2.localhost"));
    expect((await berthWithEnv(root, env, "generate")).code).toBe(0);
    expect((await dryRun(root)).stderr).toContain("warning: clusters/dev/argocd/ differs from the folder on disk at main");
  });
});
