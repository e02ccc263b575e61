import { listTree } from "./walk.js";

/** Folders never scanned: dependencies, build output, VCS data, unpacked tools. */
export const SKIPPED_FOLDERS: ReadonlySet<string> = new Set(["node_modules", ".git", "dist", ".tools", "coverage"]);

/** Repository-relative paths of the regular files under `dirs` (the whole repository by default), sorted; links are not followed. */
export function listRepoFiles(root: string, dirs: readonly string[] = [""]): string[] {
  return listTree(root, dirs, { links: "refuse", skip: (_rel, name) => SKIPPED_FOLDERS.has(name), what: "files" });
}

/** {@link listRepoFiles} of some folders, as the caller asks for them. */
export type RepoLister = (dirs?: readonly string[]) => string[];

/**
 * Repository-relative paths of every entry below `dir` that is not a folder (symlinks and other
 * non-files included, nothing skipped), sorted; none when `dir` does not exist. For
 * folders berth owns or is about to remove, where any entry counts.
 */
export function listAllEntries(root: string, dir: string): string[] {
  return listTree(root, [dir], { links: "refuse", what: "entries" });
}
