import { interruptedSwap } from "../read/swap-folders.js";
import { matchesRecorded, settledBefore, statsOf } from "./records.js";
import { sameSignatures, type InputSignatures } from "../read/input-signatures.js";
import type { OutputCache } from "./output-cache.js";

/**
 * The clusters of the last successful run with the same code and options, when no input has
 * changed since (same entries, same stat signatures, none changed within two seconds of the
 * record) and every cluster's generated files still match their record; otherwise undefined.
 */
export function unchangedSinceRecord(root: string, cache: OutputCache, key: string, signatures: InputSignatures, now: () => number): Array<{ name: string; files: number }> | undefined {
  if (!inputsUnchangedSinceRecord(cache, key, signatures)) return undefined;
  const fleet = cache.getFleet(key)!;
  // A swap a crash interrupted is left to the full run, which finishes it and says so.
  if (interruptedSwap(root, fleet.clusters)) return undefined;
  const out: Array<{ name: string; files: number }> = [];
  for (const name of fleet.clusters) {
    const record = cache.recorded(name);
    const match = record ? matchesRecorded(root, name, record) : false;
    if (!match) return undefined;
    if (match === "rehashed") cache.set(name, record!.key, { files: record!.files, stats: statsOf(root, Object.keys(record!.files)), at: now() });
    out.push({ name, files: Object.keys(record!.files).length });
  }
  return out;
}

/**
 * Whether the inputs are those of the last successful run with the same code and options: the
 * same entries with the same stat signatures, none changed within two seconds of the record.
 */
export function inputsUnchangedSinceRecord(cache: OutputCache, key: string, signatures: InputSignatures): boolean {
  const fleet = cache.getFleet(key);
  return fleet !== undefined && sameSignatures(fleet.inputs, signatures) && signatures.newestCtimeNs < settledBefore(fleet.at);
}
