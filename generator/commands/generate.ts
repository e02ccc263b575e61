import { UserError } from "../errors.js";
import type { Finding } from "../findings/finding.js";
import type { ReportFindings } from "../findings/report.js";
import { planFleet } from "../plan/plan-cluster.js";
import { compareGenerated, recoverGenerated, writeGenerated } from "../write/generated-tree.js";
import { acquireWriteLock } from "../write/lock.js";
import type { CommandIO, ExitCode } from "./context.js";
import { loadCheckedFleet, requireCluster } from "./checked-fleet.js";
import { layout } from "../layout.js";

export interface GenerateOptions {
  root: string;
  cluster?: string;
  /** Write nothing; exit 1 when committed output differs from what would be generated. */
  check: boolean;
}

export function runGenerate(opts: GenerateOptions, io: CommandIO, report: ReportFindings = () => {}): ExitCode {
  if (opts.check) return generate(opts, io, report);
  // Held from reading the inputs to the last swap: a concurrent run cannot interleave its renames.
  const lock = acquireWriteLock(opts.root);
  try {
    return generate(opts, io, report);
  } finally {
    lock.release();
  }
}

function generate(opts: GenerateOptions, io: CommandIO, report: ReportFindings): ExitCode {
  const fleet = loadCheckedFleet(opts.root);
  requireCluster(fleet, opts.cluster);
  const plans = planFleet(fleet, opts.cluster);
  const outputs = plans.map((p) => ({ cluster: p.cluster.name, files: p.files }));
  if (!opts.check) for (const note of recoverGenerated(opts.root, outputs.map((o) => o.cluster))) io.stderr.write(`${note}\n`);
  const changes = compareGenerated(opts.root, outputs);
  if (changes.foreign.length > 0) throw new UserError(changes.foreign);
  const total = outputs.reduce((n, o) => n + o.files.length, 0);
  if (opts.check) {
    if (changes.changed.length === 0 && changes.removed.length === 0) {
      io.stdout.write(`generated output is up to date (${total} files, ${outputs.length} clusters)\n`);
      return 0;
    }
    const fix = "run `berth generate` and commit the result";
    const stale = (file: string, message: string): Finding => ({ file, line: 1, col: 1, severity: "error", message, fix });
    report([...changes.changed.map((f) => stale(f, "stale: differs from what berth generates from the inputs")), ...changes.removed.map((f) => stale(f, "stale: berth no longer generates this file"))]);
    for (const f of changes.changed) io.stdout.write(`stale: ${f}\n`);
    for (const f of changes.removed) io.stdout.write(`stale (would be removed): ${f}\n`);
    io.stdout.write(`${changes.changed.length + changes.removed.length} generated files are stale; run \`berth generate\` and commit the result\n`);
    return 1;
  }
  writeGenerated(opts.root, outputs, changes.clusters);
  for (const o of outputs) {
    const changed = changes.changed.filter((f) => f.startsWith(`${layout.clusterDir(o.cluster)}/`)).length;
    const removed = changes.removed.filter((f) => f.startsWith(`${layout.clusterDir(o.cluster)}/`)).length;
    io.stdout.write(`${o.cluster}: ${o.files.length} files, ${changed} written, ${removed} removed\n`);
  }
  return 0;
}
