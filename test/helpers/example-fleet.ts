import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
// @ts-expect-error -- a plain ES module script without type declarations
import { copyExampleFleet } from "../../scripts/example-fleet.js";

/** This repository's root (berth's checkout, or a fork of it). */
export const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));

let copy: string | undefined;

/**
 * A pristine copy of the example fleet (clusters/, apps/, secrets/, bootstrap/), made once per
 * test process and removed at its exit. Tests about the example fleet read this copy, never the
 * repository's own folders: after `berth init --empty` those hold the user's fleet.
 */
export function exampleFleetRoot(): string {
  if (copy) return copy;
  const dir = mkdtempSync(join(tmpdir(), "berth-example-"));
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  copyExampleFleet(REPO_ROOT, dir);
  copy = dir;
  return dir;
}

/** git with a fixed identity and no user or system configuration. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@e", "-c", "commit.gpgsign=false", ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1" },
  });
}

/** A new git repository holding the pristine example fleet in one commit: what a new user clones. The caller removes it. */
export function freshExampleClone(): string {
  const root = mkdtempSync(join(tmpdir(), "berth-clone-"));
  cpSync(exampleFleetRoot(), root, { recursive: true });
  git(root, "init", "-q", "-b", "main");
  git(root, "add", "-A");
  git(root, "commit", "-q", "-m", "berth's example fleet");
  return root;
}
