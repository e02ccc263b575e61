// The example fleet this repository ships (clusters laptop, pi and cloud with the five seed
// systems), as a pristine copy for the project's own tests and README figures. A fork that ran
// `berth init` has replaced the example with its own fleet; `init` recorded in
// .berth/example-fleet.ref the commit that still holds the example, and the copy comes from
// there (git archive). Before `init`, the working tree is the example (uncommitted edits to it
// included, so changes to the example are tested before they are committed).
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

// The same path as layout.exampleFleetRef in generator/layout.ts (test/scaffold/init.slow.test.ts checks).
export const EXAMPLE_REF_FILE = ".berth/example-fleet.ref";
export const EXAMPLE_FLEET_DIRS = ["clusters", "apps", "secrets", "bootstrap"];

/** The commit holding the example fleet, or undefined when the working tree still is the example. */
export function exampleFleetCommit(repoRoot) {
  const file = join(repoRoot, EXAMPLE_REF_FILE);
  if (!existsSync(file)) return undefined;
  const sha = readFileSync(file, "utf8").trim();
  if (!/^[0-9a-f]{40,64}$/.test(sha)) throw new Error(`${EXAMPLE_REF_FILE} does not hold a commit SHA`);
  return sha;
}

/** Writes a pristine copy of the example fleet into `into` (an empty folder). */
export function copyExampleFleet(repoRoot, into) {
  mkdirSync(into, { recursive: true });
  const sha = exampleFleetCommit(repoRoot);
  if (sha === undefined) {
    for (const d of EXAMPLE_FLEET_DIRS) if (existsSync(join(repoRoot, d))) cpSync(join(repoRoot, d), join(into, d), { recursive: true });
    return { from: "working tree" };
  }
  let tar;
  try {
    tar = execFileSync("git", ["archive", "--format=tar", sha, "--", ...EXAMPLE_FLEET_DIRS], { cwd: repoRoot, maxBuffer: 512 * 1024 * 1024, stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    throw new Error(
      `the example fleet's commit ${sha.slice(0, 7)} (${EXAMPLE_REF_FILE}) is not in this clone: ${String(e.stderr ?? e.message).trim()}\n` +
        "fetch the full history (git fetch --unshallow; in CI actions/checkout with fetch-depth: 0)",
    );
  }
  execFileSync("tar", ["-x", "-f", "-", "-C", into], { input: tar });
  return { from: `commit ${sha.slice(0, 7)}` };
}
