import { mkdtempSync, rmSync } from "node:fs";
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
