import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

// Offline checks of .github/workflows/ (actionlint itself runs from scripts/actionlint.sh): the
// security properties of the preview wiring, read from the parsed files, so a regression fails here.
const dir = new URL("../../.github/workflows/", import.meta.url);
const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();

interface Step { name?: string; id?: string; uses?: string; run?: string; if?: string; with?: Record<string, unknown>; "working-directory"?: string; env?: Record<string, string> }
interface Job { permissions?: unknown; steps: Step[]; if?: string; needs?: string | string[]; "timeout-minutes"?: unknown; outputs?: Record<string, string> }
interface Workflow { on: Record<string, unknown>; permissions?: unknown; concurrency?: { group?: string; "cancel-in-progress"?: unknown }; jobs: Record<string, Job> }
const load = (f: string) => parse(readFileSync(new URL(f, dir), "utf8")) as Workflow;
const steps = (w: Workflow) => Object.values(w.jobs).flatMap((j) => j.steps);
const label = (s: Step) => s.name ?? s.uses ?? s.run?.split("\n")[0] ?? "?";

/** Problems with `uses:`, `run:` and timeouts in one workflow; empty when it is sound. */
function workflowProblems(w: Workflow): string[] {
  const problems: string[] = [];
  for (const [name, job] of Object.entries(w.jobs)) if (typeof job["timeout-minutes"] !== "number") problems.push(`job ${name} has no timeout-minutes`);
  for (const s of steps(w)) {
    if (s.uses !== undefined && !s.uses.startsWith("./") && !/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/.test(s.uses)) problems.push(`not pinned to a commit SHA: ${s.uses}`);
    // An expression in a script is pasted into the shell text before it runs: script injection.
    if (s.run !== undefined && s.run.includes("${{")) problems.push(`expression inside run: ${s.run.split("\n").find((l) => l.includes("${{"))!.trim()}`);
  }
  return problems;
}

/** Every `${{ … }}` naming a token or secret, by job and step: where credentials go. */
function credentials(w: Workflow): string[] {
  const out: string[] = [];
  for (const [name, job] of Object.entries(w.jobs)) {
    for (const s of job.steps) {
      const text = JSON.stringify({ with: s.with ?? {}, env: s.env ?? {} });
      for (const m of text.matchAll(/\$\{\{[^}]*\}\}/g)) if (/secrets\.|github\.token|GITHUB_TOKEN/.test(m[0])) out.push(`${name} / ${label(s)}: ${m[0]}`);
    }
  }
  return out;
}

const PR_CHECKOUT = (s: Step) => s.uses?.startsWith("actions/checkout@") === true && s.with?.path === "pr";
/** What a run step may not do once the pull request's files are on the runner: execute them. */
const EXECUTES_PR = /\bnpm\b|\bnpx\b|\byarn\b|\bpnpm\b|\bmake\b|(?:^|[\s;&|(])(?:\.\/|bash |sh |source |\. )?pr\/|cd pr\b|node (?!berth\/bin\/berth\.js)/m;

/** The preview workflow's security properties (issue 18, finding 4); empty when they all hold. */
function previewProblems(w: Workflow): string[] {
  const p: string[] = [];
  const triggers = Object.keys(w.on);
  if (triggers.join() !== "pull_request_target") p.push(`triggers ${triggers.join(", ")}: only pull_request_target runs the base branch's copy of the workflow`);
  if (JSON.stringify(w.permissions) !== "{}") p.push("the workflow's default permissions are not {}");
  if (!w.concurrency?.group?.includes("github.event.pull_request.number")) p.push("no concurrency group per pull request");
  const { render, comment } = w.jobs;
  if (!render || !comment) return [...p, "jobs render and comment expected"];
  if (JSON.stringify(render.permissions) !== JSON.stringify({ contents: "read" })) p.push(`render permissions ${JSON.stringify(render.permissions)}`);
  if (JSON.stringify(comment.permissions) !== JSON.stringify({ contents: "read", "pull-requests": "write" })) p.push(`comment permissions ${JSON.stringify(comment.permissions)}`);
  // Credentials: the write token only in `berth comment`; secrets (registry credentials) only in `berth preview`.
  for (const c of credentials(w)) {
    const ok = c.startsWith("comment / berth comment: ${{ github.token }}") || (c.startsWith("render / berth preview: ") && c.includes("secrets."));
    if (!ok) p.push(`credential outside its step: ${c}`);
  }
  for (const s of steps(w)) {
    if (s.uses?.startsWith("actions/checkout@") && s.with?.["persist-credentials"] !== false) p.push(`checkout without persist-credentials: false: ${label(s)}`);
    if (s.uses?.startsWith("actions/checkout@") && (s.with?.repository !== undefined || (s.with?.ref !== undefined && !PR_CHECKOUT(s)))) p.push(`berth checked out from elsewhere than the workflow's own commit: ${label(s)}`);
  }
  // render: berth is built and every cache saved before the head is fetched; after that, nothing of it runs.
  const at = render.steps.findIndex(PR_CHECKOUT);
  if (at < 0) p.push("render does not fetch the head into pr/");
  const head = render.steps[at];
  if (head && head.with?.ref !== "${{ github.event.pull_request.head.sha }}") p.push(`the head is fetched at ${String(head.with?.ref)}, not the pull request's head.sha`);
  for (const s of render.steps.slice(at + 1)) {
    if (s.uses?.startsWith("actions/cache")) p.push(`cache step after the head is fetched: ${label(s)}`);
    if (s.run !== undefined && EXECUTES_PR.test(s.run.replace(/node berth\/bin\/berth\.js --root pr /g, ""))) p.push(`may run the pull request's code: ${label(s)}`);
    if (s["working-directory"] !== undefined) p.push(`step runs inside ${s["working-directory"]}: ${label(s)}`);
  }
  const preview = render.steps.find((s) => s.name === "berth preview");
  if (!preview?.run?.includes("node berth/bin/berth.js --root pr preview")) p.push("render has no `berth preview` step running the base branch's berth");
  // A head that does not load is exit 2 with one part: the step must go on, and the comment job run.
  if (preview?.run && !/\|\| code=\$\?/.test(preview.run)) p.push("the preview's exit code stops the step before its parts are kept");
  if (comment.needs !== "render" || !comment.if?.includes("!cancelled()") || !comment.if.includes("needs.render.outputs.parts == 'yes'")) p.push(`comment job does not run whenever render wrote parts: if ${String(comment.if)}`);
  // comment: only this run's artifact, no pull-request file, no cache.
  for (const s of comment.steps) {
    if (PR_CHECKOUT(s) || s["working-directory"] === "pr" || / pr\//.test(s.run ?? "")) p.push(`comment job touches the pull request's files: ${label(s)}`);
    if (s.uses?.startsWith("actions/cache") || s.with?.cache !== undefined) p.push(`cache in the job that can write: ${label(s)}`);
    if (s.uses?.startsWith("actions/download-artifact@") && (s.with?.["run-id"] !== undefined || s.with?.["github-token"] !== undefined)) p.push(`artifact from another run: ${label(s)}`);
  }
  const post = comment.steps.find((s) => s.name === "berth comment");
  if (post?.run !== 'node berth/bin/berth.js comment --pr "$PR_NUMBER" --dir "$DIR"' || post.env?.PR_NUMBER !== "${{ github.event.pull_request.number }}") p.push("the comment step is not `berth comment` for the event's pull request");
  return p;
}

describe("GitHub workflows", () => {
  it("are there: ci and preview", () => {
    expect(files).toEqual(["ci.yml", "preview.yml"]);
  });

  for (const f of files) {
    it(`${f}: every action pinned by a 40-hex commit SHA, no \${{ }} inside run:, a timeout on every job`, () => {
      expect(workflowProblems(load(f))).toEqual([]);
    });
  }

  it("the checker finds what it looks for", () => {
    const bad: Workflow = { on: {}, jobs: { j: { steps: [{ uses: "actions/checkout@v4" }, { uses: "actions/checkout@3d3c42e" }, { run: 'echo "${{ github.head_ref }}"' }] } } };
    expect(workflowProblems(bad)).toEqual(["job j has no timeout-minutes", "not pinned to a commit SHA: actions/checkout@v4", "not pinned to a commit SHA: actions/checkout@3d3c42e", 'expression inside run: echo "${{ github.head_ref }}"']);
  });

  it("preview.yml: the base branch's berth renders the head as data read-only; only this run's parts are posted, the write token only in `berth comment`", () => {
    expect(previewProblems(load("preview.yml"))).toEqual([]);
    expect(credentials(load("preview.yml"))).toEqual(["comment / berth comment: ${{ github.token }}"]);
  });

  // Each regression the checks exist for, made on a copy of the real file.
  const regressions: Array<[string, (w: Workflow) => void, RegExp]> = [
    ["the pull request's own copy runs (pull_request)", (w) => (w.on = { pull_request: null }), /triggers pull_request:/],
    ["the head fetched before berth is built", (w) => { const r = w.jobs.render!.steps; const i = r.findIndex(PR_CHECKOUT); r.unshift(...r.splice(i, 1)); }, /cache step after the head is fetched|may run the pull request's code/],
    ["npm ci after the head is fetched", (w) => w.jobs.render!.steps.push({ run: "npm ci" }), /may run the pull request's code: npm ci/],
    ["a script from the head", (w) => w.jobs.render!.steps.push({ run: "./pr/scripts/setup.sh" }), /may run the pull request's code/],
    ["node on a file of the head", (w) => w.jobs.render!.steps.push({ run: "node pr/bin/berth.js preview" }), /may run the pull request's code/],
    ["the write token in the render job", (w) => (w.jobs.render!.permissions = { contents: "read", "pull-requests": "write" }), /render permissions/],
    ["a secret in the comment job", (w) => (w.jobs.comment!.steps[0]!.env = { NPM_TOKEN: "${{ secrets.NPM_TOKEN }}" }), /credential outside its step: comment \//],
    ["the token given to another step", (w) => (w.jobs.comment!.steps[2]!.env = { GH_TOKEN: "${{ github.token }}" }), /credential outside its step/],
    ["an artifact of another run", (w) => (w.jobs.comment!.steps.find((s) => s.uses?.startsWith("actions/download-artifact@"))!.with!["run-id"] = "${{ github.event.workflow_run.id }}"), /artifact from another run/],
    ["a cache in the comment job", (w) => (w.jobs.comment!.steps[1]!.with = { "node-version": 20, cache: "npm" }), /cache in the job that can write/],
    ["the head checked out as berth", (w) => (w.jobs.comment!.steps[0]!.with!.ref = "${{ github.event.pull_request.head.sha }}"), /checked out from elsewhere/],
    ["a failing preview skips the comment", (w) => (w.jobs.comment!.if = "success()"), /comment job does not run whenever render wrote parts/],
    ["set -e stops at exit 2", (w) => { const s = w.jobs.render!.steps.find((x) => x.name === "berth preview")!; s.run = s.run!.replace(" || code=$?", "\ncode=$?"); }, /exit code stops the step/],
    ["credentials persisted", (w) => (w.jobs.render!.steps[0]!.with!["persist-credentials"] = true), /without persist-credentials: false/],
    ["no concurrency group", (w) => delete w.concurrency, /no concurrency group per pull request/],
  ];
  for (const [name, mutate, problem] of regressions) {
    it(`preview.yml regression is caught: ${name}`, () => {
      const w = load("preview.yml");
      mutate(w);
      expect(previewProblems(w).join("\n")).toMatch(problem);
    });
  }

  it("ci.yml runs the pull request's code, so never with a writing token, a secret or a privileged trigger", () => {
    const w = load("ci.yml");
    expect(Object.keys(w.on).sort()).toEqual(["pull_request", "push"]);
    expect(w.permissions).toEqual({ contents: "read" });
    expect(Object.values(w.jobs).every((j) => j.permissions === undefined)).toBe(true);
    expect(credentials(w)).toEqual([]);
    expect(w.concurrency?.group).toContain("github.event.pull_request.number");
    expect(steps(w).filter((s) => s.uses?.startsWith("actions/checkout@")).every((s) => s.with?.["persist-credentials"] === false)).toBe(true);
  });
});
