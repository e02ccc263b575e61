import { createHash } from "node:crypto";
import { layout } from "../layout.js";
import type { InputTree } from "./input-tree.js";
import { isSwapFolder } from "./swap-folders.js";

/**
 * The stat signature of every entry under the fleet's input folders (apps/, clusters/ without
 * the generated folders, secrets/), for the generate cache's whole-fleet shortcut (see
 * output-cache.ts): a folder is `d`, anything else `kind:size:mtime:ctime:ino:mode`, a missing
 * start `absent`. They are kept as one digest of the sorted list (with its length): the shortcut
 * only asks whether all of them are the same, and a record of 30,000 entries cost more to read
 * and write back than the digest of them costs to take. The latest change time is returned too,
 * so a caller can tell whether an entry changed within the same clock tick as a record.
 * Undefined when a symbolic link is among the entries: the file it points at could change with no
 * entry here changing, so such a fleet is always loaded.
 */
export interface InputSignatures {
  digest: string;
  count: number;
  newestCtimeNs: bigint;
}

/** The signatures of a tree read with them (readInputTree's `signatures`). */
export function inputSignatures(tree: InputTree): InputSignatures | undefined {
  const hash = createHash("sha256");
  let newest = 0;
  let count = 0;
  for (const rel of tree.missing) {
    hash.update(`${rel}\0absent\n`);
    count++;
  }
  for (const e of tree.entries) {
    // Generated folders are outputs (compared file by file), and a run's swap folders come and go.
    if (isGeneratedOrSwap(e.rel)) continue;
    if (e.kind === "link") return undefined;
    count++;
    // A folder is its listing, which the entries below it spell out; its own times also move
    // when a run swaps a generated folder inside it.
    if (e.kind === "folder") {
      hash.update(`${e.rel}\0d\n`);
      continue;
    }
    if (e.signature === undefined || e.ctimeUs === undefined) throw new Error("inputSignatures needs a tree read with signatures");
    if (e.ctimeUs > newest) newest = e.ctimeUs;
    hash.update(`${e.rel}\0${e.signature}\n`);
  }
  return { digest: hash.digest("hex"), count, newestCtimeNs: BigInt(newest) * 1000n };
}

/** Whether two signature sets name the same entries with the same signatures. */
export function sameSignatures(a: Pick<InputSignatures, "digest" | "count">, b: Pick<InputSignatures, "digest" | "count">): boolean {
  return a.count === b.count && a.digest === b.digest;
}

/** Entries in or below a generated folder or a swap folder (which are below clusters/<name>/). */
export function isGeneratedOrSwap(rel: string): boolean {
  if (!rel.startsWith(`${layout.clustersDir}/`)) return false;
  if (layout.isGenerated(`${rel}/`)) return true;
  const third = rel.indexOf("/", rel.indexOf("/", layout.clustersDir.length + 1) + 1);
  return isSwapFolder(third === -1 ? rel : rel.slice(0, third));
}
