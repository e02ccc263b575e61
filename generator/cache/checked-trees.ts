import { codeDigest } from "./output-cache.js";
import { readPrivateCacheFile, repoCacheFile, writePrivateCacheFile } from "./private-file.js";

/**
 * The git trees whose fleet passed the cross-checks (model/rules.ts) with this build, so that a
 * preview's base, most often the same commit of the main branch run after run, is not judged again
 * (~35 ms of a 10,000-app preview, and its garbage). A tree is known by git's id of a commit's
 * whole tree, which names exactly the contents of every file in it, the fleet folder's among them;
 * the fleet is loaded and schema-checked from those files as before, only the cross-checks' verdict
 * is taken. Only passes are kept (a base that fails is judged, and reported, every time), this
 * build's only (another build's file reads as empty), the newest few, in one of this user's private
 * cache files (private-file.ts).
 */
export interface CheckedTrees {
  /** Whether the fleet of git tree `tree` passed the cross-checks with this build. */
  passed(tree: string): boolean;
  /** Records that it did. */
  record(tree: string): void;
  /** Writes the record back when it changed. */
  save(): void;
}

const VERSION = 1;
const KEEP = 16;

/** The trees recorded for the repository at `root`; none without a per-user cache folder. */
export function openCheckedTrees(root: string, env: Record<string, string | undefined>): CheckedTrees {
  const file = repoCacheFile(env, "checked-trees", root, "txt");
  if (!file) return { passed: () => false, record: () => {}, save: () => {} };
  const header = `berth checked trees ${VERSION} ${codeDigest()}`;
  const lines = readPrivateCacheFile(file)?.toString("utf8").split("\n") ?? [];
  const stored = lines[0] === header ? lines.slice(1).filter((l) => /^[0-9a-f]{40,64}$/.test(l)) : [];
  let trees = stored;
  return {
    passed: (tree) => trees.includes(tree),
    // The newest first.
    record: (tree) => void (trees = [tree, ...trees.filter((t) => t !== tree)].slice(0, KEEP)),
    save: () => {
      if (trees.length === stored.length && trees.every((t, i) => stored[i] === t)) return;
      writePrivateCacheFile(file, Buffer.from(`${[header, ...trees].join("\n")}\n`, "utf8"));
    },
  };
}
