import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

// Offline checks of .github/workflows/ (actionlint itself runs from scripts/actionlint.sh).
const dir = new URL("../../.github/workflows/", import.meta.url);
const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();

interface Step { uses?: string; run?: string; with?: Record<string, unknown>; "working-directory"?: string; env?: Record<string, string> }
interface Job { permissions?: unknown; steps: Step[]; if?: string }
interface Workflow { on: Record<string, unknown>; permissions?: unknown; jobs: Record<string, Job> }
const load = (f: string) => parse(readFileSync(new URL(f, dir), "utf8")) as Workflow;
const steps = (w: Workflow) => Object.values(w.jobs).flatMap((j) => j.steps);

/** Problems with `uses:` and `run:` in one workflow; empty when it is sound. */
function workflowProblems(w: Workflow): string[] {
  const problems: string[] = [];
  for (const s of steps(w)) {
    if (s.uses !== undefined && !s.uses.startsWith("./") && !/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/.test(s.uses)) problems.push(`not pinned to a commit SHA: ${s.uses}`);
    // An expression in a script is pasted into the shell text before it runs: script injection.
    if (s.run !== undefined && s.run.includes("${{")) problems.push(`expression inside run: ${s.run.split("\n").find((l) => l.includes("${{"))!.trim()}`);
  }
  return problems;
}

describe("GitHub workflows", () => {
  it("are there: ci, preview and preview-comment", () => {
    expect(files).toEqual(["ci.yml", "preview-comment.yml", "preview.yml"]);
  });

  for (const f of files) {
    it(`${f}: every action pinned by a 40-hex commit SHA, no \${{ }} inside run:`, () => {
      expect(workflowProblems(load(f))).toEqual([]);
    });
  }

  it("the checker finds what it looks for", () => {
    const bad: Workflow = { on: {}, jobs: { j: { steps: [{ uses: "actions/checkout@v4" }, { uses: "actions/checkout@3d3c42e" }, { run: 'echo "${{ github.head_ref }}"' }] } } };
    expect(workflowProblems(bad)).toEqual(["not pinned to a commit SHA: actions/checkout@v4", "not pinned to a commit SHA: actions/checkout@3d3c42e", 'expression inside run: echo "${{ github.head_ref }}"']);
  });

  it("preview.yml: pull_request, read-only, runs berth from the base branch and treats the PR as data", () => {
    const w = load("preview.yml");
    expect(Object.keys(w.on)).toEqual(["pull_request"]);
    expect(w.permissions).toEqual({ contents: "read" });
    expect(Object.values(w.jobs).every((j) => j.permissions === undefined)).toBe(true);
    const s = steps(w);
    const checkouts = s.filter((x) => x.uses?.startsWith("actions/checkout@"));
    expect(checkouts.map((c) => c.with?.["persist-credentials"])).toEqual([false, false]);
    expect(checkouts.map((c) => [c.with?.path, c.with?.ref])).toEqual([["berth", "${{ github.event.pull_request.base.sha }}"], ["pr", undefined]]);
    // Only the base checkout is installed or run: npm ci there, node berth/bin/berth.js, never npx or npm in pr/.
    const runs = s.filter((x) => x.run !== undefined);
    expect(runs.filter((x) => /\bnpm\b/.test(x.run!)).map((x) => x["working-directory"])).toEqual(["berth"]);
    expect(runs.some((x) => /\bnpx\b|\bpr\/(bin|node_modules|scripts)|cd pr\b/.test(x.run!))).toBe(false);
    const preview = runs.find((x) => x.run!.includes(" preview "))!;
    expect(preview.run).toContain("node berth/bin/berth.js --root pr preview");
    expect(preview.run).toMatch(/--out-dir "\$OUT\/work"/);
    expect(preview.env?.OUT).toBe("${{ runner.temp }}/berth-preview");
    expect(preview.env?.BASE_REF).toBe("${{ github.base_ref }}");
    const upload = s.find((x) => x.uses?.startsWith("actions/upload-artifact@"))!;
    expect(upload.with?.path).toBe("${{ runner.temp }}/berth-preview/artifact/");
  });

  it("preview-comment.yml: workflow_run, may write PR comments, never checks out the PR", () => {
    const w = load("preview-comment.yml");
    expect(w.on).toEqual({ workflow_run: { workflows: ["preview"], types: ["completed"] } });
    expect(w.permissions).toEqual({});
    const job = Object.values(w.jobs)[0]!;
    expect(job.permissions).toEqual({ actions: "read", contents: "read", "pull-requests": "write" });
    expect(job.if).toContain("github.event.workflow_run.event == 'pull_request'");
    const checkout = job.steps.filter((x) => x.uses?.startsWith("actions/checkout@"));
    // No ref and no repository: the default branch, never the PR's head.
    expect(checkout.map((c) => c.with)).toEqual([{ "persist-credentials": false }]);
    const post = job.steps.find((x) => x.run?.includes("berth.js comment"))!;
    expect(post.run).toMatch(/case "\$pr" in\s+'' \| \*\[!0-9\]\*\)/);
    expect(post.run).toContain('node bin/berth.js comment --pr "$pr" --dir "$DIR"');
    expect(post.env?.GITHUB_TOKEN).toBe("${{ github.token }}");
  });
});
