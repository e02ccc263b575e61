import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

/** Folders never scanned: dependencies, build output, VCS data, unpacked tools. */
const SKIPPED = new Set(["node_modules", ".git", "dist", ".tools", "coverage"]);

/** Repository-relative paths of the regular files under `dirs` (the whole repository by default), sorted. */
export function listRepoFiles(root: string, dirs: readonly string[] = [""]): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    let entries;
    try {
      entries = readdirSync(join(root, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (SKIPPED.has(e.name)) continue;
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path);
      else if (e.isFile()) out.push(path);
    }
  };
  for (const dir of dirs) walk(dir);
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Repository-relative paths of every entry below `dir` that is not a folder (symlinks and other
 * non-files included, nothing skipped), sorted per folder; none when `dir` does not exist. For
 * folders berth owns or is about to remove, where any entry counts.
 */
export function listAllEntries(root: string, dir: string): string[] {
  const abs = join(root, dir);
  if (!existsSync(abs)) return [];
  const out: string[] = [];
  for (const e of readdirSync(abs, { withFileTypes: true })) {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) out.push(...listAllEntries(root, rel));
    else out.push(rel);
  }
  return out.sort();
}
