import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { exampleFleetRoot, REPO_ROOT } from "../helpers/example-fleet.js";
import { berth, removeRepo } from "../helpers/repo.js";

/**
 * docs/workflows.md shows what a mistake looks like: `berth generate` on the example fleet with
 * one misspelt field. The block is run here, on a copy of the example fleet with that mistake
 * made, and must be what berth prints (standard error, where problems go).
 */
const page = readFileSync(join(REPO_ROOT, "docs/workflows.md"), "utf8");
const shown = /A mistake reads like this:\n\n```\n\$ npx berth generate\n([\s\S]*?)```/.exec(page);

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeRepo));

describe("docs/workflows.md", () => {
  it("shows the real output of a misspelt field", async () => {
    expect(shown, "the page has the mistake example").not.toBeNull();
    const expected = shown![1]!;
    const [, file, line] = /^(\S+):(\d+):\d+: unknown field `(\w+)`/.exec(expected)!;
    const root = mkdtempSync(join(tmpdir(), "berth-workflows-"));
    dirs.push(root);
    cpSync(exampleFleetRoot(), root, { recursive: true });
    // The mistake: `dependsOn` spelt `dependOn`, on the line the page names.
    const lines = readFileSync(join(root, file!), "utf8").split("\n");
    expect(lines[Number(line) - 1]).toMatch(/^dependsOn:/);
    lines[Number(line) - 1] = lines[Number(line) - 1]!.replace(/^dependsOn:/, "dependOn:");
    writeFileSync(join(root, file!), lines.join("\n"));
    const run = await berth(root, "generate");
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(expected);
  });
});
