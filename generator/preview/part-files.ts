import { mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../write/atomic.js";
import { partFileName, PART_FILE } from "./marker.js";

/** Prints the parts, or writes them as part-1.md … to `opts.outDir` (removing parts an earlier, longer run left). */
export function emitParts(parts: string[], opts: { format: "markdown" | "text"; outDir?: string }, io: { stdout: { write(s: string): unknown } }): void {
  if (opts.outDir === undefined) {
    io.stdout.write(parts.join(`\n${"-".repeat(24)} 8< ${"-".repeat(24)}\n\n`));
    return;
  }
  const ext = opts.format === "markdown" ? "md" : "txt";
  mkdirSync(opts.outDir, { recursive: true });
  const names = parts.map((p, i) => {
    const name = partFileName(i + 1, ext);
    writeFileAtomic(join(opts.outDir!, name), p);
    return name;
  });
  // Parts left over from a longer earlier run would be posted as if current.
  for (const f of readdirSync(opts.outDir)) {
    if (PART_FILE.test(f) && !names.includes(f)) rmSync(join(opts.outDir, f), { force: true });
  }
  io.stdout.write(`wrote ${names.length} part${names.length === 1 ? "" : "s"} to ${opts.outDir}: ${names.join(", ")}\n`);
}
