import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { berth } from "../helpers/repo.js";

const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };

describe("the berth CLI", () => {
  it("reports the package version", async () => {
    const run = await berth(process.cwd(), "--version");
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe(pkg.version);
  });

  it("lists every command in its help", async () => {
    const run = await berth(process.cwd(), "--help");
    expect(run.code).toBe(0);
    for (const cmd of ["generate", "validate", "graph", "fleet", "render", "preview", "seal", "keys", "secrets", "bootstrap"]) expect(run.stdout).toMatch(new RegExp(`^  ${cmd}\\b`, "m"));
  });

  it("exits 2 on an unknown command or option, with a suggestion", async () => {
    const run = await berth(process.cwd(), "generat");
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("(Did you mean generate?)");
    const opt = await berth(process.cwd(), "generate", "--chek");
    expect(opt.code).toBe(2);
    expect(opt.stderr).toContain("(Did you mean --check?)");
  });
});
