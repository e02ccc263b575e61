import { existsSync } from "./tree-fs.js";
import { join } from "node:path";
import { EnvironmentError, sortDiagnostics, UserError } from "../errors.js";
import type { Fleet } from "../model/fleet.js";
import { loadFleet } from "./load-fleet.js";
import { checkFleet } from "../model/rules.js";
import { nearest } from "../model/suggest.js";
import { layout } from "../layout.js";
import type { ParseMemo } from "../yaml/parse-memo.js";
import type { InputTree } from "./input-tree.js";

/**
 * Loads and cross-checks the fleet; any problem becomes a {@link UserError} listing all of them.
 * Loads of several revisions in one process share a `memo`; a run that has walked the input
 * folders passes its `tree` (see {@link loadFleet}).
 */
export function loadCheckedFleet(root: string, memo?: ParseMemo, tree?: InputTree, opts: LoadCheckOptions = {}): Fleet {
  // Run from the wrong folder, an empty fleet would pass every gate: refuse instead.
  if (!existsSync(join(root, layout.clustersDir))) {
    throw new EnvironmentError(`not a berth repository: no ${layout.clustersDir}/ folder in ${root}`, "run berth in the fleet repository, or point at it with -C <repository>");
  }
  const loaded = loadFleet(root, memo, tree);
  if (!loaded.ok) throw new UserError(sortDiagnostics(loaded.diagnostics));
  const problems = opts.crossChecked ? [] : checkFleet(loaded.value);
  if (problems.length > 0) throw new UserError(sortDiagnostics(problems));
  return loaded.value;
}

export interface LoadCheckOptions {
  /**
   * The same inputs passed the cross-checks (model/rules.ts) before, by this build: generate's
   * record of its last successful run says no input changed since (cache/generate-memory.ts), or
   * preview's base is a git tree that passed them (cache/checked-trees.ts), so they are not run again (a tenth of a run at 10,000 apps). Loading and the schema checks still run.
   */
  crossChecked?: boolean;
}

/** Fails with a suggestion when `--cluster` names no cluster. */
export function requireCluster(fleet: Fleet, name: string | undefined): void {
  if (name === undefined || fleet.clusters.some((c) => c.name === name)) return;
  const guess = nearest(name, fleet.clusters.map((c) => c.name));
  throw new UserError([
    {
      file: "clusters",
      line: 0,
      col: 0,
      message: `no cluster named "${name}" (there is no ${layout.clusterFile(name)})`,
      hint: guess ? `did you mean --cluster ${guess}?` : `clusters are: ${fleet.clusters.map((c) => c.name).join(", ")}`,
    },
  ]);
}
