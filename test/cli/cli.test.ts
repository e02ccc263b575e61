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

  it("shows Examples: in the help of every command and subcommand", async () => {
    const commands = (help: string) => [...help.matchAll(/^ {2}([a-z][a-z-]*) /gm)].map((m) => m[1]!).filter((c) => c !== "help");
    const top = (await berth(process.cwd(), "--help")).stdout;
    expect(top).toContain("\nExamples:\n  $ berth ");
    const paths = commands(top).map((c) => [c]);
    for (const path of [...paths]) {
      const help = (await berth(process.cwd(), ...path, "--help")).stdout;
      for (const sub of commands(help.slice(help.indexOf("Commands:") >>> 0))) if (help.includes("Commands:")) paths.push([...path, sub]);
    }
    expect(paths.length).toBeGreaterThan(12);
    for (const path of paths) {
      const run = await berth(process.cwd(), ...path, "--help");
      expect(run.code, path.join(" ")).toBe(0);
      expect(run.stdout, path.join(" ")).toMatch(/\nExamples:\n {2}\$ berth /);
    }
  });

  it("takes the cluster as a positional argument, --cluster kept, and both must agree", async () => {
    const positional = await berth(process.cwd(), "graph", "pi");
    expect(positional.code).toBe(0);
    expect((await berth(process.cwd(), "graph", "--cluster", "pi")).stdout).toBe(positional.stdout);
    const twice = await berth(process.cwd(), "graph", "pi", "--cluster", "laptop");
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain("berth: the cluster is given twice, as pi and as --cluster laptop");
    const none = await berth(process.cwd(), "graph");
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("berth: berth graph needs a cluster");
    const dry = await berth(process.cwd(), "bootstrap", "pi", "--dry-run");
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain("apply the root's AppProject and the root Application (clusters/pi/argocd/root.yaml)");
  });

  it("prefixes commander's own errors with berth:", async () => {
    const run = await berth(process.cwd(), "generate", "--nope");
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^berth: unknown option '--nope'/);
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
