import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { REPORT_LINE, STEPS } from "../../scripts/preview-job-time.mjs";

// docs/pull-request-previews.md quotes scripts/preview-job-time.mjs: the script must time the
// workflow's own commands, and the quoted report must be one the script printed.
const read = (p: string) => readFileSync(new URL(`../../${p}`, import.meta.url), "utf8");
const doc = read("docs/pull-request-previews.md");

interface Step { run?: string; "working-directory"?: string }
const render = (parse(read(".github/workflows/preview.yml")) as { jobs: { render: { steps: Step[] } } }).jobs.render.steps;

describe("docs/pull-request-previews.md", () => {
  it("is linked from the README", () => {
    expect(read("README.md")).toContain("](docs/pull-request-previews.md)");
  });

  it("the timing script runs the render job's own commands, in the job's order and folders", () => {
    const where = STEPS.map((s) => {
      // The workflow keeps the preview's exit code (`… || code=$?`); the command is the same.
      const i = render.findIndex((r) => r.run?.split("\n").some((l) => l.trim() === s.command || l.trim() === `${s.command} || code=$?`));
      expect(i, `${s.command} is not a line of preview.yml's render job`).toBeGreaterThanOrEqual(0);
      expect(render[i]!["working-directory"] ?? ".").toBe(s.cwd);
      return i;
    });
    expect([...where].sort((a, b) => a - b)).toEqual(where);
    // And every command the render job runs before the preview is timed.
    const timed = new Set(STEPS.map((s) => s.command));
    const runs = render.slice(0, where[where.length - 1]).flatMap((r) => r.run?.split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#")) ?? []);
    expect(runs.filter((l) => !timed.has(l))).toEqual([]);
  });

  it("quotes a report as the script prints it, its totals adding up", () => {
    expect(doc).toContain("`node scripts/preview-job-time.mjs`");
    const block = /<!-- preview-job-time -->\n```text\n([\s\S]*?)```/.exec(doc)![1]!.trimEnd().split("\n");
    expect(block[0]).toMatch(/^preview render job on this machine: \d+ cores, linux\/x64, node v\d+\.\d+\.\d+$/);
    const rows = block.slice(1).map((l) => REPORT_LINE.exec(l));
    expect(rows.every(Boolean), block.join("\n")).toBe(true);
    const t = Object.fromEntries(rows.map((m) => [m![1]!, Number(m![2])]));
    expect(Object.keys(t)).toEqual([...STEPS.map((s) => s.label), "total, both caches hit", "total, helm cache missed"]);
    const common = t["npm ci (npm cache restored)"]! + t["npm run build"]! + t["berth preview --render"]!;
    expect(Math.abs(t["total, both caches hit"]! - (common + t["unpack helm and kubectl (cache hit)"]!))).toBeLessThanOrEqual(0.25);
    expect(Math.abs(t["total, helm cache missed"]! - (common + t["unpack helm and kubectl (cache miss)"]!))).toBeLessThanOrEqual(0.25);
  });
});
