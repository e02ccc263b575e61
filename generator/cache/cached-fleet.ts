import type { Fleet } from "../model/fleet.js";
import { loadCheckedFleet, type LoadCheckOptions } from "../read/checked-fleet.js";
import type { InputTree } from "../read/input-tree.js";
import { openParseCache } from "./parse-cache.js";

/**
 * {@link loadCheckedFleet} of the working tree through this user's parse cache of the repository:
 * files unchanged since the last run are not parsed again (parse-cache.ts). `tree`: the run's
 * walk of the input folders, when it has one; `opts` as {@link loadCheckedFleet}'s.
 */
export function loadCheckedFleetCached(root: string, env: Record<string, string | undefined>, tree?: InputTree, opts?: LoadCheckOptions): Fleet {
  const parses = openParseCache(root, env);
  try {
    return loadCheckedFleet(root, parses, tree, opts);
  } finally {
    parses.save();
  }
}
