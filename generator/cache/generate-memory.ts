import type { Cluster, Fleet } from "../model/fleet.js";
import { inputSignatures } from "../read/input-signatures.js";
import type { InputTree } from "../read/input-tree.js";
import { clusterInputKey } from "./input-key.js";
import { codeDigest, openOutputCache } from "./output-cache.js";
import { matchesRecorded, recordOf, statsOf } from "./records.js";
import { inputsUnchangedSinceRecord, unchangedSinceRecord } from "./unchanged-fleet.js";

/** One cluster's planned files: their paths, and their sha256 by path once known (planned or written). */
export interface PlannedOutput {
  cluster: string;
  paths: string[];
  hashes?: Record<string, string>;
}

/**
 * What `berth generate` remembers between runs, behind one interface: the whole-fleet shortcut
 * (no input changed since the last successful run: unchanged-fleet.ts), the per-cluster records
 * of generated files (output-cache.ts, records.ts) and when to write them back. Every check of
 * owner, mode and hash is output-cache.ts's, through private-file.ts.
 */
export interface GenerateMemory {
  /** The clusters of the last run and their file counts, when nothing changed since: no input need be read. */
  unchangedFleet(): Array<{ name: string; files: number }> | undefined;
  /**
   * Whether no input changed since the last successful run (same code, same options), which
   * loaded this fleet and found no problem in it: its cross-checks need not run again.
   */
  inputsAsLastSucceeded(): boolean;
  /** The clusters whose inputs and generated files are as recorded, with their file counts: they need no planning. */
  upToDate(fleet: Fleet, clusters: readonly Cluster[]): Map<string, number>;
  /**
   * Records a finished run: each output's files (those of a cluster in `changed` only when they
   * were `written`), and, when the run `succeeded`, its inputs for {@link unchangedFleet}; then saves.
   */
  record(outputs: readonly PlannedOutput[], opts: { written: boolean; changed: readonly string[]; succeeded: boolean }): void;
  /** Writes back what changed (records rehashed on the way); failures are ignored. */
  save(): void;
}

/**
 * `readInputs` walks the input folders (read with signatures: readInputTree's option), once for
 * the run: the same walk the loader then reads from, so that it is called here, after the run's
 * start time is taken.
 */
export function openGenerateMemory(root: string, env: Record<string, string | undefined>, cluster: string | undefined, now: () => number, readInputs: () => InputTree): GenerateMemory {
  const cache = openOutputCache(root, env);
  // Taken before any input is read: an input changed during this run differs from the record.
  const startedAt = now();
  const signatures = cache.enabled ? inputSignatures(readInputs()) : undefined;
  const fleetKey = `${codeDigest()} ${cluster ?? "*"}`;
  const keys = new Map<string, string>();
  let covered: string[] = [];
  return {
    unchangedFleet: () => (signatures ? unchangedSinceRecord(root, cache, fleetKey, signatures, now) : undefined),
    inputsAsLastSucceeded: () => signatures !== undefined && inputsUnchangedSinceRecord(cache, fleetKey, signatures),
    upToDate: (fleet, clusters) => {
      covered = clusters.map((c) => c.name);
      const fresh = new Map<string, number>();
      for (const c of clusters) {
        const key = cache.enabled ? clusterInputKey(fleet, c, codeDigest()) : "";
        keys.set(c.name, key);
        const recorded = cache.get(c.name, key);
        const match = recorded ? matchesRecorded(root, c.name, recorded) : false;
        if (!match) continue;
        fresh.set(c.name, Object.keys(recorded!.files).length);
        if (match === "rehashed") cache.set(c.name, key, { files: recorded!.files, stats: statsOf(root, Object.keys(recorded!.files)), at: now() });
      }
      return fresh;
    },
    record: (outputs, { written, changed, succeeded }) => {
      if (succeeded && signatures) cache.setFleet(fleetKey, { inputs: { digest: signatures.digest, count: signatures.count }, at: startedAt, clusters: covered });
      for (const o of outputs) if (o.hashes && (written || !changed.includes(o.cluster))) cache.set(o.cluster, keys.get(o.cluster)!, recordOf(root, o.hashes, now()));
      cache.save();
    },
    save: () => cache.save(),
  };
}
