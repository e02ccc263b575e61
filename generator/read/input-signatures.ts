import { lstatSync, readdirSync, type BigIntStats } from "node:fs";
import { join } from "node:path";
import { layout } from "../layout.js";
import { isSwapFolder } from "../write/generated-tree.js";

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
  const stack: string[] = [layout.appsDir, layout.clustersDir, layout.secretsDir];
  while (stack.length > 0) {
    const rel = stack.pop()!;
    let st: BigIntStats;
    try {
      st = lstatSync(join(root, rel), { bigint: true });
    } catch {
      entries[rel] = "absent";
      continue;
    }
    if (st.isSymbolicLink()) return undefined;
    // A folder is its listing, which the entries below it spell out; its own times also move
    // when a run swaps a generated folder inside it.
    if (st.isDirectory()) entries[rel] = "d";
    else {
      if (st.ctimeNs > newest) newest = st.ctimeNs;
      entries[rel] = `${st.isFile() ? "f" : "o"}:${st.size}:${st.mtimeNs}:${st.ctimeNs}:${st.ino}:${st.mode}`;
      continue;
    }
    for (const name of readdirSync(join(root, rel))) {
      const child = `${rel}/${name}`;
      // Generated folders are outputs (compared file by file), and a run's swap folders come and go.
      if (layout.isGenerated(`${child}/`) || isSwapFolder(child)) continue;
      stack.push(child);
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
