import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * docs/scale.md quotes `npm run bench`'s summary lines (issue 24): they must be in the format the
 * bench prints (test/bench/bench-runs.test.ts checks the bench against the same shapes), so the
 * page can be refreshed by pasting the bench's lines.
 */
const page = readFileSync(fileURLToPath(new URL("../../docs/scale.md", import.meta.url)), "utf8");
const r = "\\d+\\.\\d\\d";
const spread = (name: string) => `${name} ${r}–${r} \\((${r} ?)+\\)`;

describe("docs/scale.md figures", () => {
  it("quote both ratio lines and both per-round lines as the bench prints them", () => {
    const block = /## Figures[\s\S]*?```\n([\s\S]*?)```/.exec(page)?.[1] ?? "";
    const lines = block.trim().split("\n");
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(new RegExp(`^berth/helm time ratio: generate ${r}, check ${r}, preview ${r}; peak RSS \\d+ MB$`));
    expect(lines[1]).toMatch(new RegExp(`^per round: ${["generate", "check", "preview"].map(spread).join(", ")}; goals \\(every round\\) generate ≤ 0.5, check ≤ 0.25, preview ≤ 0.5: (met|MISSED \\(.+\\))$`));
    expect(lines[2]).toMatch(new RegExp(`^berth/helm time ratio, one cluster of 10,000: generate ${r}, check ${r}, preview ${r}, validate ${r}; 20,000/10,000: ${r}; peak RSS \\d+ MB$`));
    expect(lines[3]).toMatch(new RegExp(`^per round: ${["generate", "check", "preview", "validate"].map(spread).join(", ")}; goals \\(every round\\) generate ≤ 0.5, check ≤ 0.25, preview ≤ 0.5, validate ≤ 1, 20,000/10,000 ≤ 2.2, peak RSS \\(MB\\) ≤ 300: (met|MISSED \\(.+\\))$`));
    expect(page).toContain("npm run bench");
  });
});
