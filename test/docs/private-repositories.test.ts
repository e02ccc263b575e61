import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeGithub } from "../github/fake-github.js";
import { REPO_ROOT } from "../helpers/example-fleet.js";
import { makeRepo, readTree, removeRepo } from "../helpers/repo.js";
import { CANARY_GITHUB_TOKEN, CANARY_REGISTRY_PASSWORD, CANARY_REPO_TOKEN, cli, GITHUB_ED25519, privateFleet } from "../repo-access/helpers.js";

const page = readFileSync(join(REPO_ROOT, "docs/private-repositories.md"), "utf8");

/** Every ```text block that shows a command and its output: `[input | ][VAR=value …] npx berth args`. */
const steps = [...page.matchAll(/```text\n\$ (?:(.+?) \| )?((?:[A-Z_]+=(?:\$\([^)]*\)|\S+) )*)npx berth (.+)\n([\s\S]*?)```/g)].map((m) => ({
  piped: m[1] !== undefined,
  env: Object.fromEntries([...m[2]!.matchAll(/([A-Z_]+)=(\$\([^)]*\)|\S+) /g)].map((e) => [e[1]!, e[2]!])),
  args: m[3]!.split(" "),
  output: m[4]!,
}));

/** `expected` against `actual`: `…` is any lines, `<fingerprint>` any SHA256 fingerprint. */
function matches(expected: string, actual: string): boolean {
  const exp = expected.split("\n");
  const act = actual.split("\n");
  const line = (e: string, a: string) => new RegExp(`^${e.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").split("<fingerprint>").join("SHA256:[A-Za-z0-9+/]{43}")}$`).test(a);
  const at = (i: number, j: number): boolean => {
    if (i === exp.length) return j === act.length;
    if (exp[i] === "…") return at(i + 1, j) || (j < act.length && at(i, j + 1));
    return j < act.length && line(exp[i]!, act[j]!) && at(i + 1, j + 1);
  };
  return at(0, 0);
}

let gh: FakeGithub;
let root = "";
beforeAll(async () => {
  gh = await new FakeGithub(CANARY_GITHUB_TOKEN).start();
  gh.sshHostKeys = [GITHUB_ED25519];
  root = makeRepo(await privateFleet({ url: "git@github.com:acme/fleet.git", access: "deployKey" }, "registries:\n  - url: oci://registry.example.com/charts\n"));
  const prod = join(root, "clusters/prod/cluster.yaml");
  writeFileSync(prod, readFileSync(prod, "utf8").replace("repo: { url: https://git.example.com/fleet.git, revision: release }", "repo: { url: https://github.com/acme/fleet.git, revision: release, access: token }"));
});
afterAll(async () => {
  await gh.stop();
  expect(gh.violations).toEqual([]);
  removeRepo(root);
});

describe("docs/private-repositories.md", () => {
  it("is linked from the README", () => {
    expect(readFileSync(join(REPO_ROOT, "README.md"), "utf8")).toContain("(docs/private-repositories.md)");
  });

  it("shows validate, connect (deploy key, again, token, registry) and rotate", () => {
    expect(steps.map((s) => s.args.slice(0, 3).join(" "))).toEqual(["validate dev", "repo connect dev", "repo connect dev", "repo connect prod", "repo connect dev", "repo connect dev"]);
  });

  it("shows the real output of each command, run in order; no credential in any output or file", async () => {
    // The values the page takes from `gh auth token`, `pass show …`: recognisable canaries.
    const value = (v: string) => (v === "$(gh auth token)" ? CANARY_GITHUB_TOKEN : v === "$(pass show registry)" ? CANARY_REGISTRY_PASSWORD : v);
    for (const step of steps) {
      const env = { ...Object.fromEntries(Object.entries(step.env).map(([k, v]) => [k, value(v)])), GITHUB_TOKEN: CANARY_GITHUB_TOKEN, GITHUB_API_URL: gh.url };
      const run = await cli(root, env, step.args, step.piped ? `${CANARY_REPO_TOKEN}\n` : undefined);
      const out = run.stdout + run.stderr;
      expect(matches(step.output, out), `berth ${step.args.join(" ")} printed:\n${out}`).toBe(true);
      for (const canary of [CANARY_GITHUB_TOKEN, CANARY_REPO_TOKEN, CANARY_REGISTRY_PASSWORD]) expect(out).not.toContain(canary);
    }
    const tree = JSON.stringify(readTree(root));
    for (const canary of [CANARY_GITHUB_TOKEN, CANARY_REPO_TOKEN, CANARY_REGISTRY_PASSWORD, "PRIVATE KEY"]) expect(tree).not.toContain(canary);
  });
});
