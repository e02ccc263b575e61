import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

describe("README", () => {
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");

  it("is a front door: under 350 lines", () => {
    expect(readme.split("\n").length).toBeLessThan(350);
  });

  it("quotes the current size of the bad-input corpus (docs/guarantees.md)", () => {
    const cases = readFileSync(new URL("../corpus/bad-input.yaml", import.meta.url), "utf8").match(/^- name: /gm)!.length;
    expect(readFileSync(new URL("../../docs/guarantees.md", import.meta.url), "utf8")).toContain(`over the ${cases}-case corpus`);
  });

  it("names every folder of generator/ in its code map", () => {
    const folders = readdirSync(new URL("../../generator", import.meta.url), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    expect(folders.length).toBeGreaterThan(10);
    for (const f of folders) expect(readme, f).toMatch(new RegExp(`^generator/${f}/ +\\S`, "m"));
  });

  it("starts with the two quick-start commands CI runs", () => {
    expect(readme).toContain("npm ci && npx berth generate");
    expect(readme).toContain("npm test ");
    expect(readFileSync(new URL("../../.ci/run", import.meta.url), "utf8")).toMatch(/npm ci[^\n]*\nnpm test\n/);
  });
});
