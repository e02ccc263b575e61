import { lstatSync, readFileSync, type BigIntStats } from "node:fs";
import { join } from "node:path";
import { layout } from "../layout.js";
import type { EncodedFile, OutputFile } from "../plan/output.js";
import { listAllEntries } from "../read/repo-files.js";
import type { ClusterRecord } from "./output-cache.js";
import { sha256 } from "./private-file.js";

/**
 * The records of generated files the output cache keeps (output-cache.ts), and how one is checked
 * against the disk: the stat signatures of git's index, the content hash when those do not settle it.
 */

/**
 * The change time (ns) an entry must be older than for its stat signature to be trusted against
 * a record taken at `at` (ms): changed within two seconds of it, the same clock tick could hide a
 * rewrite.
 */
export function settledBefore(at: number): bigint {
  return BigInt(Math.floor(at - 2000)) * 1_000_000n;
}

/**
 * Whether a cluster's generated folder holds exactly the recorded files with their recorded
 * content: `fresh` (the record may be kept) or `rehashed` (it matched, but some file had to be
 * read; record it again) or false.
 */
export function matchesRecorded(root: string, cluster: string, record: ClusterRecord): "fresh" | "rehashed" | false {
  const files = listAllEntries(root, layout.generatedDir(cluster));
  if (files.length !== Object.keys(record.files).length) return false;
  const settled = settledBefore(record.at);
  let rehashed = false;
  for (const f of files) {
    const want = record.files[f];
    if (want === undefined) return false;
    const st = lstatSync(join(root, f), { bigint: true });
    if (!st.isFile()) return false;
    if (record.stats[f] === statSignature(st) && st.ctimeNs < settled) continue;
    if (sha256(readFileSync(join(root, f))) !== want) return false;
    rehashed = true;
  }
  return rehashed ? "rehashed" : "fresh";
}

/** The sha256 of each planned file's content, by path, for {@link recordOf}. */
export function hashesOf(files: readonly (OutputFile | EncodedFile)[]): Record<string, string> {
  const hashes: Record<string, string> = {};
  for (const f of files) hashes[f.path] = sha256(f.content);
  return hashes;
}

/** The record of files as planned (their {@link hashesOf}) and now on disk, for {@link matchesRecorded}. */
export function recordOf(root: string, hashes: Record<string, string>, now: number): ClusterRecord {
  return { files: hashes, stats: statsOf(root, Object.keys(hashes)), at: now };
}

/** Stat signatures of files on disk; a file that is not there is left out (its hash will be compared). */
export function statsOf(root: string, paths: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of paths) {
    try {
      out[p] = statSignature(lstatSync(join(root, p), { bigint: true }));
    } catch {
      // not on disk
    }
  }
  return out;
}

function statSignature(st: BigIntStats): string {
  return `${st.size}:${st.mtimeNs}:${st.ctimeNs}:${st.ino}`;
}
