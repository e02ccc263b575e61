import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { satisfies } from "../../generator/render/semver-range.js";
import { REPO_ROOT } from "../helpers/example-fleet.js";

/**
 * Every warning a fresh `npm ci` prints is either removed or explained in the README (issue 25,
 * item 24), read from the lock file npm ci installs from:
 * - npm 11 warns about each install script not approved in package.json's allowScripts;
 * - npm warns EBADENGINE for each package whose engines.node excludes the Node it runs on.
 */
const lock = JSON.parse(readFileSync(join(REPO_ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, { hasInstallScript?: boolean; engines?: { node?: string } | string[]; version?: string; optional?: boolean }> };
const pkg = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { allowScripts?: Record<string, boolean>; engines: { node: string } };
const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
const nameOf = (path: string) => path.slice(path.lastIndexOf("node_modules/") + "node_modules/".length);

describe("a fresh npm ci", () => {
  it("runs no install script npm has not been told about (package.json allowScripts), and the README says why each is allowed", () => {
    const withScripts = Object.entries(lock.packages).filter(([path, p]) => path !== "" && p.hasInstallScript).map(([path]) => nameOf(path));
    expect(withScripts.length).toBeGreaterThan(0);
    for (const name of withScripts) {
      expect(pkg.allowScripts?.[name], `${name} has an install script`).toBe(true);
      expect(readme, `README explains ${name}'s install script`).toMatch(new RegExp(`\`${name}\`[^.]*install script`));
    }
  });

  it("warns EBADENGINE only for packages the README names, on the oldest Node berth supports", () => {
    const floor = /^\^(\d+\.\d+\.\d+)/.exec(pkg.engines.node)![1]!;
    const paragraph = readme.slice(readme.indexOf("`EBADENGINE`"), readme.indexOf("\n\n", readme.indexOf("`EBADENGINE`")));
    const excluded = Object.entries(lock.packages)
      // An optional package (a platform binary) whose engines exclude this Node is skipped, silently.
      .filter(([path, p]) => path !== "" && !p.optional && !Array.isArray(p.engines) && typeof p.engines?.node === "string" && satisfies(floor, p.engines.node) === false)
      .map(([path]) => nameOf(path));
    expect(excluded.length).toBeGreaterThan(0);
    for (const name of excluded) expect(paragraph, `${name} warns EBADENGINE on Node ${floor}`).toContain(name.startsWith("@kubernetes-models/") ? "@kubernetes-models/*" : `\`${name}\``);
  });
});
