import { lstatSync, readdirSync } from "node:fs";
import { INPUT_STARTS, type InputTree } from "../read/input-tree.js";
import { listRepoFiles, SKIPPED_FOLDERS, type RepoLister } from "../read/repo-files.js";

const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * A {@link RepoLister} answering {@link listRepoFiles} of the whole repository from the loader's
 * walk of the input folders (apps/, clusters/, secrets/) and a walk of the rest: at 10,000 apps
 * the 20,000 input files are not walked (and lstat'ed) a second time. The same list: regular
 * files, links not followed, nothing below a skipped folder, sorted.
 */
export function repoListerFromTree(root: string, tree: InputTree): RepoLister {
  let all: string[] | undefined;
  return (dirs = [""]) => {
    all ??= listAll(root, tree);
    if (dirs.includes("")) return all;
    const prefixes = dirs.map((d) => `${d.replace(/\/+$/, "")}/`);
    return all.filter((f) => prefixes.some((p) => f.startsWith(p)));
  };
}

function listAll(root: string, tree: InputTree): string[] {
  // listRepoFiles walks from the root without following links: a root that is not a folder itself lists nothing.
  let names: string[];
  try {
    if (!lstatSync(root).isDirectory()) return [];
    names = readdirSync(root);
  } catch {
    return [];
  }
  const inputs = new Set<string>(INPUT_STARTS);
  const out: string[] = [];
  for (const e of tree.entries) if (e.kind === "file" && !e.rel.split("/").some((n) => SKIPPED_FOLDERS.has(n))) out.push(e.rel);
  out.push(...listRepoFiles(root, names.filter((n) => !inputs.has(n) && !SKIPPED_FOLDERS.has(n))));
  return out.sort(byCodeUnit);
}
