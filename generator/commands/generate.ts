import type { ReportFindings } from "../findings/report.js";
import { openGenerateMemory } from "../cache/generate-memory.js";
import { acquireWriteLock } from "../write/lock.js";
import type { CommandIO, ExitCode } from "./context.js";
import type { InputTree } from "../read/input-tree.js";
import { readInputTreeRemembering } from "../cache/folder-listings.js";

export interface GenerateOptions {
  root: string;
  cluster?: string;
  /** Write nothing; exit 1 when committed output differs from what would be generated. */
  check: boolean;
}

export async function runGenerate(opts: GenerateOptions, io: CommandIO, report: ReportFindings = () => {}): Promise<ExitCode> {
  if (opts.check) return generate(opts, io, report);
  // Held from reading the inputs to the last swap: a concurrent run cannot interleave its renames.
  const lock = acquireWriteLock(opts.root, io.env);
  try {
    return await generate(opts, io, report);
  } finally {
    lock.release();
  }
}

async function generate(opts: GenerateOptions, io: CommandIO, report: ReportFindings): Promise<ExitCode> {
  const now = () => (io.now?.() ?? new Date()).getTime();
  // One walk of the input folders for the run: the cache's signatures and the loader read it.
  let tree: InputTree | undefined;
  const inputs = () => (tree ??= readInputTreeRemembering(opts.root, io.env));
  const memory = openGenerateMemory(opts.root, io.env, opts.cluster, now, inputs);
  const unchanged = memory.unchangedFleet();
  if (unchanged) {
    memory.save();
    const total = unchanged.reduce((n, c) => n + c.files, 0);
    if (opts.check) io.stdout.write(`generated output is up to date (${total} files, ${unchanged.length} cluster${unchanged.length === 1 ? "" : "s"}; no input changed since the last run)\n`);
    else for (const c of unchanged) io.stdout.write(`${c.name}: ${c.files} files, 0 written, 0 removed\n`);
    return 0;
  }
  // Loaded only now: when nothing changed, the loader, the planner and the YAML parser are not
  // needed, and loading them was a tenth of a `--check` that finds nothing to do.
  const { generateFully } = await import("./generate-full.js");
  const walked = { tree: inputs() };
  tree = undefined; // the full run lets it go once the fleet is loaded
  return generateFully(opts, io, report, memory, walked);
}
