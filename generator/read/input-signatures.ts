import type { BigIntStats } from "node:fs";
import { layout } from "../layout.js";
import { isSwapFolder } from "./swap-folders.js";
import { walkTree } from "./walk.js";

/**
 * The stat signature of every entry under the fleet's input folders (apps/, clusters/ without
 * the generated folders, secrets/), for the generate cache's whole-fleet shortcut (see
 * output-cache.ts): a folder is `d`, anything else `kind:size:mtimeNs:ctimeNs:ino:mode`. The
 * latest change time is returned too, so a caller can tell whether an entry changed within the
 * same clock tick as a record. Undefined when a symbolic link is among the entries: the file it
 * points at could change with no entry here changing, so such a fleet is always loaded.
 */
export interface InputSignatures {
  entries: Record<string, string>;
  newestCtimeNs: bigint;
}

export function inputSignatures(root: string): InputSignatures | undefined {
  const entries: Record<string, string> = {};
  let newest = 0n;
  // Generated folders are outputs (compared file by file), and a run's swap folders come and go.
  const skip = (child: string) => layout.isGenerated(`${child}/`) || isSwapFolder(child);
  for (const start of [layout.appsDir, layout.clustersDir, layout.secretsDir]) {
    for (const { rel, stats } of walkTree(root, start, { links: "refuse", skip, bigint: true, onMissing: (rel) => void (entries[rel] = "absent") })) {
      const st = stats as BigIntStats;
      if (st.isSymbolicLink()) return undefined;
      // A folder is its listing, which the entries below it spell out; its own times also move
      // when a run swaps a generated folder inside it.
      if (st.isDirectory()) {
        entries[rel] = "d";
        continue;
      }
      if (st.ctimeNs > newest) newest = st.ctimeNs;
      entries[rel] = `${st.isFile() ? "f" : "o"}:${st.size}:${st.mtimeNs}:${st.ctimeNs}:${st.ino}:${st.mode}`;
    }
  }
  return { entries, newestCtimeNs: newest };
}

/** Whether two signature sets name the same entries with the same signatures. */
export function sameSignatures(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const k of keys) if (a[k] !== b[k]) return false;
  return true;
}
