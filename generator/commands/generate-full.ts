import { UserError } from "../errors.js";
import type { Finding } from "../findings/finding.js";
import type { ReportFindings } from "../findings/report.js";
import type { Cluster, Fleet } from "../model/fleet.js";
import { clusterFiles } from "../plan/plan-cluster.js";
import type { EncodedFile } from "../plan/output.js";
import { compareClusterFileByFile, generatedOnDisk, type TreeChanges } from "../read/generated-compare.js";
import { hashesOf } from "../cache/records.js";
import { sha256 } from "../cache/private-file.js";
import type { GenerateMemory, PlannedOutput } from "../cache/generate-memory.js";
import { recoverGenerated, startGeneratedWrite, type GeneratedWrite } from "../write/generated-tree.js";
import type { CommandIO, ExitCode } from "./context.js";
import { requireCluster } from "../read/checked-fleet.js";
import { loadCheckedFleetCached } from "../cache/cached-fleet.js";
import type { InputTree } from "../read/input-tree.js";
import type { GenerateOptions } from "./generate.js";

/**
 * `berth generate` when the whole-fleet shortcut does not apply (generate.ts): read the fleet
 * (from the run's walk of the input folders, `walked.tree`, which is let go once the fleet is
 * loaded), plan the clusters whose records do not match, compare, then write or report.
 */
export async function generateFully(opts: GenerateOptions, io: CommandIO, report: ReportFindings, memory: GenerateMemory, walked: { tree?: InputTree }): Promise<ExitCode> {
  // Read. The writer is started before the fleet loads, so that its threads are up by the time the first cluster is planned.
  const writer = opts.check ? undefined : startGeneratedWrite(opts.root);
  const fleet = loadCheckedFleetCached(opts.root, io.env, walked.tree, { crossChecked: memory.inputsAsLastSucceeded() });
  walked.tree = undefined; // read: its 30,000 entries need not outlive the load
  requireCluster(fleet, opts.cluster);
  const clusters = fleet.clusters.filter((c) => opts.cluster === undefined || c.name === opts.cluster);
  if (!opts.check) for (const note of recoverGenerated(opts.root, clusters.map((c) => c.name))) io.stderr.write(`${note}\n`);
  // Clusters whose inputs and files are as recorded are up to date: neither planned nor serialised again.
  const fresh = memory.upToDate(fleet, clusters);

  // Plan, queueing each changed cluster's files for the writer.
  const { outputs, changes } = planChanged(opts.root, fleet, clusters.filter((c) => !fresh.has(c.name)), writer);
  if (changes.foreign.length > 0) {
    await writer?.abandon();
    throw new UserError(changes.foreign);
  }
  const total = outputs.reduce((n, o) => n + o.paths.length, 0) + [...fresh.values()].reduce((n, x) => n + x, 0);
  if (opts.check) return reportCheck(changes, outputs, memory, { total, clusters: clusters.length }, io, report);

  // Write.
  const written = await writer!.finish();
  for (const o of outputs) o.hashes ??= Object.fromEntries(o.paths.map((p) => [p, written[p]!]));
  memory.record(outputs, { written: true, changed: changes.clusters, succeeded: true });
  const planned = new Map(outputs.map((o) => [o.cluster, o.paths.length]));
  const changed = countByCluster(changes.changed);
  const removed = countByCluster(changes.removed);
  for (const c of clusters) {
    io.stdout.write(`${c.name}: ${planned.get(c.name) ?? fresh.get(c.name)} files, ${changed.get(c.name) ?? 0} written, ${removed.get(c.name) ?? 0} removed\n`);
  }
  return 0;
}

/**
 * Plans each cluster and compares its files with the disk, a file at a time as each is planned.
 * Once a cluster has a file that differs, its files go to the writer threads as they come (those
 * held until then first), so the threads write while the rest is planned; only paths are kept
 * (the threads hash what they write, for the record), so the planned files do not pile up in
 * memory. A cluster found unchanged is not written, and its files' hashes are recorded.
 */
function planChanged(root: string, fleet: Fleet, todo: readonly Cluster[], writer: GeneratedWrite | undefined): { outputs: PlannedOutput[]; changes: TreeChanges } {
  const outputs: PlannedOutput[] = [];
  const changes: TreeChanges = { changed: [], removed: [], foreign: [], clusters: [] };
  for (const c of todo) {
    const comparison = compareClusterFileByFile(c.name, generatedOnDisk(root, c.name));
    const paths: string[] = [];
    // Without a writer (--check) each file is hashed as it comes; with one, files are held until one differs.
    const hashes: Record<string, string> = {};
    let held: EncodedFile[] = [];
    let write: ((file: EncodedFile) => void) | undefined;
    for (const file of clusterFiles(fleet, c)) {
      paths.push(file.path);
      if (comparison.file(file) && writer && !write && changes.foreign.length === 0) {
        write = writer.startCluster(c.name);
        held.forEach(write);
        held = [];
      }
      if (write) write(file);
      else if (writer) held.push(file);
      else hashes[file.path] = sha256(file.content);
    }
    comparison.finish(changes);
    paths.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    outputs.push({ cluster: c.name, paths, hashes: write ? undefined : { ...hashes, ...hashesOf(held) } });
  }
  return { outputs, changes };
}

/** `--check`: exit 0 when the committed output is what berth generates, else 1 with each stale file. */
function reportCheck(changes: TreeChanges, outputs: readonly PlannedOutput[], memory: GenerateMemory, counts: { total: number; clusters: number }, io: CommandIO, report: ReportFindings): ExitCode {
  const upToDate = changes.changed.length === 0 && changes.removed.length === 0;
  memory.record(outputs, { written: false, changed: changes.clusters, succeeded: upToDate });
  if (upToDate) {
    io.stdout.write(`generated output is up to date (${counts.total} files, ${counts.clusters} cluster${counts.clusters === 1 ? "" : "s"})\n`);
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

/** Files per cluster, from paths `clusters/<name>/…`. */
function countByCluster(paths: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of paths) {
    const name = p.split("/", 2)[1]!;
    out.set(name, (out.get(name) ?? 0) + 1);
  }
  return out;
}

