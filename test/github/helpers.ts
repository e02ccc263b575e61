import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { partMarker } from "../../generator/preview/marker.js";

/** Preview parts as `berth preview --out-dir` heads them, with distinguishable content. */
export function parts(n: number, text: string, fleet = "."): string[] {
  return Array.from({ length: n }, (_, i) => `${partMarker(i + 1, n, fleet)}\n### berth preview (part ${i + 1}/${n})\n\n${text} ${i + 1}\n`);
}

/** A fresh folder holding part-1.md … */
export function partsDir(bodies: readonly string[]): string {
  const dir = mkdtempSync(join(tmpdir(), "berth-comment-test-"));
  bodies.forEach((b, i) => writeFileSync(join(dir, `part-${i + 1}.md`), b));
  return dir;
}

export const removeDir = (dir: string) => rmSync(dir, { recursive: true, force: true });
