import { UserError } from "../errors.js";
import type { Finding } from "../findings/finding.js";
import type { ReportFindings } from "../findings/report.js";
import type { Cluster } from "../model/fleet.js";
import { clusterInputKey } from "../plan/input-key.js";
import { planCluster } from "../plan/plan-cluster.js";
import { compareGenerated, hashesOf, matchesRecorded, recordOf, recoverGenerated, startGeneratedWrite, statsOf, type ClusterOutput, type TreeChanges } from "../write/generated-tree.js";
import { acquireWriteLock } from "../write/lock.js";
import { inputSignatures } from "../read/input-signatures.js";
import { unchangedSinceRecord } from "../write/unchanged-fleet.js";
import { codeDigest, openOutputCache } from "../write/output-cache.js";
import type { CommandIO, ExitCode } from "./context.js";
import { loadCheckedFleetCached, requireCluster } from "../read/checked-fleet.js";

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
  const cache = openOutputCache(opts.root, io.env);
  const now = () => (io.now?.() ?? new Date()).getTime();
  // Taken before any input is read: an input changed during this run differs from the record.
  const startedAt = now();
  const signatures = cache.enabled ? inputSignatures(opts.root) : undefined;
  const fleetKey = `${codeDigest()} ${opts.cluster ?? "*"}`;
  const unchanged = signatures ? unchangedSinceRecord(opts.root, cache, fleetKey, signatures, now) : undefined;
  if (unchanged) {
    cache.save();
    const total = unchanged.reduce((n, c) => n + c.files, 0);
    if (opts.check) io.stdout.write(`generated output is up to date (${total} files, ${unchanged.length} cluster${unchanged.length === 1 ? "" : "s"}; no input changed since the last run)\n`);
    else for (const c of unchanged) io.stdout.write(`${c.name}: ${c.files} files, 0 written, 0 removed\n`);
    return 0;
  }

  // Started before the fleet loads, so that the thread is up by the time the first cluster is planned.
  const writer = opts.check ? undefined : startGeneratedWrite(opts.root);
  const fleet = loadCheckedFleetCached(opts.root, io.env);
  requireCluster(fleet, opts.cluster);
  const clusters = fleet.clusters.filter((c) => opts.cluster === undefined || c.name === opts.cluster);
  /** Records this run's inputs once it has succeeded (see {@link unchangedSinceRecord}). */
  const remember = () => {
    if (signatures) cache.setFleet(fleetKey, { inputs: signatures.entries, at: startedAt, clusters: clusters.map((c) => c.name) });
  };
  if (!opts.check) for (const note of recoverGenerated(opts.root, clusters.map((c) => c.name))) io.stderr.write(`${note}\n`);

  // Clusters whose inputs are unchanged since a run recorded their files, with those files
  // unchanged on disk, are up to date: they are neither planned nor serialised again.
  const keys = new Map<string, string>();
  const fresh = new Map<string, number>();
  const todo: Cluster[] = [];
  for (const c of clusters) {
    const key = cache.enabled ? clusterInputKey(fleet, c, codeDigest()) : "";
    keys.set(c.name, key);
    const recorded = cache.get(c.name, key);
    const match = recorded ? matchesRecorded(opts.root, c.name, recorded) : false;
    if (!match) todo.push(c);
    else {
      fresh.set(c.name, Object.keys(recorded!.files).length);
      if (match === "rehashed") cache.set(c.name, key, { files: recorded!.files, stats: statsOf(opts.root, Object.keys(recorded!.files)), at: now() });
    }
  }

  // Each changed cluster's files are queued for the writer threads as soon as it is planned; only
  // their paths are kept (the threads hash what they write, for the record), so the planned
  // objects do not pile up in memory.
  const outputs: Array<{ cluster: string; paths: string[]; hashes?: Record<string, string> }> = [];
  const changes: TreeChanges = { changed: [], removed: [], foreign: [], clusters: [] };
  for (const c of todo) {
    const out: ClusterOutput = { cluster: c.name, files: planCluster(fleet, c, { documents: false }).files };
    const changedBefore = changes.clusters.length;
    compareGenerated(opts.root, [out], changes);
    const queued = writer !== undefined && changes.clusters.length > changedBefore && changes.foreign.length === 0;
    if (queued) writer.add(out);
    outputs.push({ cluster: c.name, paths: out.files.map((f) => f.path), hashes: queued ? undefined : hashesOf(out.files) });
  }
  if (changes.foreign.length > 0) {
    await writer?.abandon();
    throw new UserError(changes.foreign);
  }
  const total = outputs.reduce((n, o) => n + o.paths.length, 0) + [...fresh.values()].reduce((n, x) => n + x, 0);
  const record = (written: boolean) => {
    for (const o of outputs) if (o.hashes && (written || !changes.clusters.includes(o.cluster))) cache.set(o.cluster, keys.get(o.cluster)!, recordOf(opts.root, o.hashes, now()));
    cache.save();
  };
  if (opts.check) {
    if (changes.changed.length === 0 && changes.removed.length === 0) {
      remember();
      record(false);
      io.stdout.write(`generated output is up to date (${total} files, ${clusters.length} cluster${clusters.length === 1 ? "" : "s"})\n`);
      return 0;
    }
    const fix = "run `berth generate` and commit the result";
    const stale = (file: string, message: string): Finding => ({ file, line: 1, col: 1, severity: "error", message, fix });
    report([...changes.changed.map((f) => stale(f, "stale: differs from what berth generates from the inputs")), ...changes.removed.map((f) => stale(f, "stale: berth no longer generates this file"))]);
    for (const f of changes.changed) io.stdout.write(`stale: ${f}\n`);
    for (const f of changes.removed) io.stdout.write(`stale (would be removed): ${f}\n`);
    record(false);
    io.stdout.write(`${changes.changed.length + changes.removed.length} generated files are stale; run \`berth generate\` and commit the result\n`);
    return 1;
  }
  const written = await writer!.finish();
  for (const o of outputs) o.hashes ??= Object.fromEntries(o.paths.map((p) => [p, written[p]!]));
  remember();
  record(true);
  const planned = new Map(outputs.map((o) => [o.cluster, o.paths.length]));
  const changed = countByCluster(changes.changed);
  const removed = countByCluster(changes.removed);
  for (const c of clusters) {
    io.stdout.write(`${c.name}: ${planned.get(c.name) ?? fresh.get(c.name)} files, ${changed.get(c.name) ?? 0} written, ${removed.get(c.name) ?? 0} removed\n`);
  }
  return 0;
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

