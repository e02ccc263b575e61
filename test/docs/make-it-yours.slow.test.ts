import { cpSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freshExampleClone, git, REPO_ROOT } from "../helpers/example-fleet.js";
import { berthWithEnv, removeRepo } from "../helpers/repo.js";
import { SEED_003 } from "../import/helpers.js";

const section = readFileSync(join(REPO_ROOT, "docs/make-it-yours.md"), "utf8");

/** Every ```text block of the section that shows a berth command and its output. */
const steps = [...section.matchAll(/```text\n\$ npx berth (.+)\n([\s\S]*?)```/g)].map((m) => ({ args: m[1]!.split(" "), output: m[2]! }));

/** Whether `actual` is `expected`, where a line `…` in `expected` stands for any number of lines. */
function matches(expected: string, actual: string): boolean {
  const exp = expected.split("\n");
  const act = actual.split("\n");
  const at = (i: number, j: number): boolean => {
    if (i === exp.length) return j === act.length;
    if (exp[i] === "…") return at(i + 1, j) || (j < act.length && at(i, j + 1));
    return j < act.length && exp[i] === act[j] && at(i + 1, j + 1);
  };
  return at(0, 0);
}

const clones: string[] = [];
afterAll(() => clones.forEach(removeRepo));

describe("docs/make-it-yours.md", () => {
  it("walks through init --empty, new app, import helmfile, generate and validate", () => {
    expect(steps.map((s) => s.args.slice(0, 2).join(" "))).toEqual(["init --empty", "new app", "import helmfile", "generate", "validate"]);
  });

  it("shows the real output of steps 1-3 and 5, run in order in a fresh clone of this repository (which holds no helmfile)", async () => {
    const root = freshExampleClone();
    clones.push(root);
    expect(existsSync(join(root, "legacy"))).toBe(false);
    for (const step of steps.filter((s) => s.args[0] !== "import")) {
      const run = await berthWithEnv(root, { PATH: process.env.PATH, HOME: process.env.HOME }, ...step.args);
      expect(run.stderr, step.args.join(" ")).toBe("");
      expect(run.code, step.args.join(" ")).toBe(0);
      expect(matches(step.output, run.stdout), `berth ${step.args.join(" ")} printed:\n${run.stdout}`).toBe(true);
    }
    expect((await berthWithEnv(root, {}, "generate", "--check")).code).toBe(0);
  });

  it("shows the real output of step 4, after steps 1-3, with a helmfile deployment copied to legacy/k8s/", async () => {
    const root = freshExampleClone();
    clones.push(root);
    cpSync(SEED_003, join(root, "legacy/k8s"), { recursive: true });
    git(root, "add", "-A");
    git(root, "commit", "-q", "-m", "the old helmfile deployment");
    for (const step of steps.slice(0, steps.findIndex((s) => s.args[0] === "import") + 1)) {
      const run = await berthWithEnv(root, { PATH: process.env.PATH, HOME: process.env.HOME }, ...step.args);
      expect(run.code, step.args.join(" ")).toBe(0);
      expect(matches(step.output, run.stdout), `berth ${step.args.join(" ")} printed:\n${run.stdout}`).toBe(true);
    }
    expect((await berthWithEnv(root, {}, "generate")).code).toBe(0);
    expect((await berthWithEnv(root, {}, "validate")).code).toBe(0);
  });
});
