import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import AdmZip from "adm-zip";
import { EnvironmentError } from "../../generator/errors.js";
import { populateDirAtomically } from "../../generator/exec/atomic-dir.js";
import { hermeticEnv } from "../../generator/exec/env.js";
import { run } from "../../generator/exec/spawn.js";
import { extractEntries } from "../../generator/exec/unzip.js";
import {
  BUNDLE,
  defaultCacheDir,
  helmCompatible,
  kubectlCompatible,
  parseVersion,
  resolveTools,
  type Tools,
} from "../../generator/exec/tools.js";
import { removeDir, tempDir } from "./helpers.js";

let dir: string;
beforeAll(() => {
  dir = tempDir("tools");
});
afterAll(() => removeDir(dir));

const bundledEnv = { PATH: process.env.PATH, BERTH_TOOLS: "bundled" };

describe("resolveTools: bundled", () => {
  it("extracts working helm 4.2.3 and kubectl 1.36.3 with kustomize 5.8.1 (0755), and a second resolve reuses them", async () => {
    const cacheDir = join(dir, "cache", "tools");
    const a = await resolveTools({ env: bundledEnv, cacheDir });
    expect(a).toEqual<Tools>({
      helm: join(cacheDir, "helm/helm"),
      kubectl: join(cacheDir, "kubectl/kubectl"),
      helmVersion: "4.2.3",
      kubectlVersion: "1.36.3",
      kustomizeVersion: "5.8.1",
      source: "bundled",
      registryLogin: expect.any(Function),
    });
    for (const bin of [a.helm, a.kubectl]) expect(statSync(bin).mode & 0o777).toBe(0o755);
    expect(readdirSync(join(dir, "cache"))).toEqual(["tools"]); // no temp directory left behind

    const home = join(dir, "home");
    const helm = await run(a.helm, ["version", "--short"], { env: hermeticEnv(home) });
    expect(helm.stdout).toMatch(/^v4\.2\.3\+/);
    const kubectl = await run(a.kubectl, ["version", "--client", "-o", "json"], { env: hermeticEnv(home) });
    expect(JSON.parse(kubectl.stdout).clientVersion.gitVersion).toBe("v1.36.3");
    expect(JSON.parse(kubectl.stdout).kustomizeVersion).toBe("v5.8.1");

    // A second resolve reuses the cache: same files, not rewritten.
    const before = statSync(a.helm);
    const again = await resolveTools({ env: bundledEnv, cacheDir });
    expect({ ...again, registryLogin: undefined }).toEqual({ ...a, registryLogin: undefined });
    const after = statSync(a.helm);
    expect(after.ino).toBe(before.ino);
    expect(after.mtimeMs).toBe(before.mtimeMs);
  });

  it("defaults to node_modules/.cache/berth/tools-kubectl-<v>-helm-<v> of the package root", () => {
    expect(defaultCacheDir()).toBe(
      join(process.cwd(), "node_modules/.cache/berth", `tools-kubectl-${BUNDLE.kubectlVersion}-helm-${BUNDLE.helmVersion}`),
    );
  });
});

describe("resolveTools: PATH", () => {
  /** A fake helm/kubectl pair on a private PATH that just prints versions. */
  function fakeBin(name: string, helmOut: string, kubectlGit: string): string {
    const bin = join(dir, name);
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, "helm"), `#!/bin/sh\necho '${helmOut}'\n`);
    writeFileSync(
      join(bin, "kubectl"),
      `#!/bin/sh\necho '{"clientVersion":{"major":"1","gitVersion":"${kubectlGit}"},"kustomizeVersion":"v5.4.2"}'\n`,
    );
    chmodSync(join(bin, "helm"), 0o755);
    chmodSync(join(bin, "kubectl"), 0o755);
    return bin;
  }

  it("prefers compatible binaries on PATH", async () => {
    const bin = fakeBin("good", "v3.15.2+gabc", "v1.30.1-gke.7");
    const t = await resolveTools({ env: { PATH: `${bin}:/usr/bin:/bin` } });
    expect(t).toEqual<Tools>({
      helm: join(bin, "helm"),
      kubectl: join(bin, "kubectl"),
      helmVersion: "3.15.2",
      kubectlVersion: "1.30.1",
      kustomizeVersion: "5.4.2",
      source: "path",
      registryLogin: expect.any(Function),
    });
  });

  it("falls back to the bundled pair when PATH's helm is too old", async () => {
    const bin = fakeBin("old", "v3.10.0+gabc", "v1.30.1");
    const t = await resolveTools({ env: { PATH: `${bin}:/usr/bin:/bin` } });
    expect(t.source).toBe("bundled");
  });

  it("BERTH_TOOLS=path without usable tools is an EnvironmentError with a hint", async () => {
    const bin = fakeBin("oldkubectl", "v4.0.0", "v1.27.9");
    const e = await resolveTools({ env: { PATH: bin, BERTH_TOOLS: "path" } }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(EnvironmentError);
    expect((e as EnvironmentError).message).toContain("kubectl 1.27.9, need 1.28+");
    expect((e as EnvironmentError).hint).toMatch(/install helm/);
  });

  it("neither on PATH nor bundled is an EnvironmentError naming both reasons", async () => {
    const file = join(dir, "a-file");
    writeFileSync(file, "");
    // A cache dir below a regular file cannot be created, so the bundled pair is unavailable.
    const e = await resolveTools({ env: { PATH: "" }, cacheDir: join(file, "cache") }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(EnvironmentError);
    expect((e as Error).message).toMatch(/helm and kubectl not found on PATH; extracting .* failed/);
  });

  it("rejects an unknown BERTH_TOOLS", async () => {
    await expect(resolveTools({ env: { BERTH_TOOLS: "docker" } })).rejects.toThrow(/BERTH_TOOLS=docker/);
  });
});

describe("populateDirAtomically", () => {
  it("lets exactly one of many racing fills win; nobody sees a partial directory", async () => {
    const target = join(dir, "race", "target");
    const complete = (d: string) => existsSync(join(d, "b"));
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const seen: string[] = [];
    const fills = Array.from({ length: 6 }, (_, i) =>
      populateDirAtomically(target, complete, async (tmp) => {
        writeFileSync(join(tmp, "a"), `writer ${i}`);
        await sleep(5 + ((i * 7) % 11));
        if (existsSync(target)) seen.push(readdirSync(target).join(","));
        writeFileSync(join(tmp, "b"), `writer ${i}`);
      }),
    );
    const won = await Promise.all(fills);
    expect(won.filter(Boolean)).toHaveLength(1);
    expect(seen.every((s) => s === "a,b")).toBe(true);
    // Both files come from the same writer, and the losers' temp directories are gone.
    expect(readFileSync(join(target, "a"), "utf8")).toBe(readFileSync(join(target, "b"), "utf8"));
    expect(readdirSync(join(dir, "race"))).toEqual(["target"]);
    expect(statSync(target).mode & 0o777).toBe(0o755);
  });

  it("replaces nothing when the directory is already there", async () => {
    const target = join(dir, "race2", "target");
    mkdirSync(target, { recursive: true });
    writeFileSync(join(target, "b"), "old");
    expect(await populateDirAtomically(target, (d) => existsSync(join(d, "b")), async (tmp) => writeFileSync(join(tmp, "b"), "new"))).toBe(false);
    expect(readFileSync(join(target, "b"), "utf8")).toBe("old");
  });
});

describe("extractEntries", () => {
  it("rejects a corrupted archive instead of writing a bad binary", async () => {
    const zip = new AdmZip();
    zip.addFile("bin/tool", Buffer.from("#!/bin/sh\necho hello from a tool that is long enough\n".repeat(50)));
    const good = join(dir, "good.zip");
    zip.writeZip(good);
    await extractEntries(good, [{ name: "bin/tool", dest: join(dir, "tool"), mode: 0o755 }]);
    expect(readFileSync(join(dir, "tool"), "utf8")).toContain("hello from a tool");

    // Flip one byte inside the compressed data (just after the local header and name).
    const bytes = readFileSync(good);
    bytes[30 + "bin/tool".length + 5]! ^= 0xff;
    const bad = join(dir, "bad.zip");
    writeFileSync(bad, bytes);
    await expect(extractEntries(bad, [{ name: "bin/tool", dest: join(dir, "tool2"), mode: 0o755 }])).rejects.toThrow();
  });
});

describe("version checks", () => {
  it("parses and judges versions", () => {
    expect(parseVersion("v4.1.4+g05fa379")?.text).toBe("4.1.4");
    expect(parseVersion("v1.32.4-dispatcher")?.text).toBe("1.32.4");
    expect(parseVersion("garbage")).toBeUndefined();
    const v = (s: string) => parseVersion(s)!;
    expect([helmCompatible(v("3.13.9")), helmCompatible(v("3.14.0")), helmCompatible(v("4.0.0")), helmCompatible(v("5.0.0"))]).toEqual([false, true, true, false]);
    expect([kubectlCompatible(v("1.27.0")), kubectlCompatible(v("1.28.0")), kubectlCompatible(v("1.34.5"))]).toEqual([false, true, true]);
  });
});
