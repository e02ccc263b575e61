import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { packageVersion } from "../../generator/version.js";
import { berth, makeRepo, removeRepo } from "../helpers/repo.js";

const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };

describe("the berth CLI", () => {
  it("reports the package version", async () => {
    const run = await berth(process.cwd(), "--version");
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe(pkg.version);
  });

  it("reads the version from the package.json above the module, built or not", () => {
    const root = makeRepo({ "package.json": JSON.stringify({ name: "berth", version: "9.8.7" }), "dist/package.json": JSON.stringify({ name: "other", version: "1.0.0" }) });
    try {
      mkdirSync(join(root, "dist/generator"), { recursive: true });
      expect(packageVersion(pathToFileURL(join(root, "dist/generator/version.js")))).toBe("9.8.7");
      expect(packageVersion(pathToFileURL(join(root, "generator/version.ts")))).toBe("9.8.7");
    } finally {
      removeRepo(root);
    }
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
