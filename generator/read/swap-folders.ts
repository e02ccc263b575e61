import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { layout } from "../layout.js";

/**
 * The folders a run of `berth generate` builds a cluster's new generated folder in, and moves the
 * old one to, beside `clusters/<name>/argocd/` (write/generated-tree.ts swaps them in). Readers
 * skip them (they come and go with a run) and a left-over one says a run was interrupted.
 */
export const NEXT = ".argocd.next";
export const PREV = ".argocd.prev";

/** Whether `rel` (repository-relative) is a cluster's swap folder, which comes and goes with a run. */
export function isSwapFolder(rel: string): boolean {
  const name = rel.slice(rel.lastIndexOf("/") + 1);
  return (name === NEXT || name === PREV) && rel.startsWith(`${layout.clustersDir}/`) && rel.split("/").length === 3;
}

/** Whether a swap folder of a run that did not finish is still there, for any of the clusters (reads only). */
export function interruptedSwap(root: string, clusters: readonly string[]): boolean {
  return clusters.some((cluster) => {
    const parent = join(root, dirname(layout.generatedDir(cluster)));
    return existsSync(join(parent, NEXT)) || existsSync(join(parent, PREV));
  });
}
