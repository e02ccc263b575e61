import { lstatSync, readFileSync, realpathSync, type Stats } from "node:fs";
import { join, posix } from "node:path";
import type { Diagnostic } from "../errors.js";
import type { TreeReader } from "./kustomize-tree.js";
import { walkTree } from "./walk.js";

/** A file of a folder being copied into the repository; `path` relative to the folder. */
export interface FolderFile {
  path: string;
  content: Buffer;
  mode: number;
}

const MAX_FILES = 2000;
const MAX_BYTES = 20 * 1024 * 1024;

/**
 * Reads a local chart, kustomize or manifests folder to copy it. Symbolic links are refused (a
 * link could pull in files from anywhere), `.git` is skipped, and the folder's size is bounded.
 * `shownAs` is how the folder is named in messages (the path the user gave).
 */
export function readFolder(dir: string, shownAs: string): { files: FolderFile[]; problems: Diagnostic[] } {
  const files: FolderFile[] = [];
  const problems: Diagnostic[] = [];
  let bytes = 0;
  const unreadable = (rel: string, e: NodeJS.ErrnoException) =>
    problems.push({ file: `${shownAs}/${rel}`, line: 0, col: 0, message: `cannot be read: ${e.code ?? String(e)}`, hint: "check that the folder exists and is readable" });
  // The folder named may itself be a link (to a chart elsewhere); links inside it are refused.
  let base = dir;
  try {
    base = realpathSync(dir);
  } catch {
    // reported as unreadable below
  }
  for (const e of walkTree(base, "", { links: "refuse", skip: (_rel, name) => name === ".git", onMissing: unreadable, onUnreadable: unreadable })) {
    const st = e.stats as Stats;
    if (e.rel === "") {
      if (!st.isDirectory()) unreadable("", Object.assign(new Error("not a folder"), { code: "ENOTDIR" }));
      continue;
    }
    if (st.isSymbolicLink()) {
      problems.push({ file: `${shownAs}/${e.rel}`, line: 0, col: 0, message: "is a symbolic link; berth copies only real files", hint: "replace the link with the file it points to" });
    } else if (st.isFile()) {
      bytes += st.size;
      if (files.length >= MAX_FILES || bytes > MAX_BYTES) {
        problems.push({ file: shownAs, line: 0, col: 0, message: `holds more than ${MAX_FILES} files or ${MAX_BYTES / 1024 / 1024} MiB`, hint: "point at the chart, kustomize or manifests folder itself, not at a larger tree" });
        break;
      }
      files.push({ path: e.rel, content: readFileSync(join(base, e.rel)), mode: st.mode & 0o111 ? 0o755 : 0o644 });
    }
  }
  return { files, problems };
}

/** What kind of source a folder holds, by its marker file. */
export function folderKind(files: readonly FolderFile[]): "chart" | "kustomize" | "manifests" {
  const top = new Set(files.filter((f) => !f.path.includes("/")).map((f) => f.path));
  if (top.has("Chart.yaml")) return "chart";
  if (top.has("kustomization.yaml")) return "kustomize";
  return "manifests";
}

/** A TreeReader (read/kustomize-tree.ts) over files already read, rooted at the absolute folder `dir`. */
export function memoryReader(dir: string, files: readonly FolderFile[]): TreeReader {
  const byPath = new Map(files.map((f) => [posix.join(dir, f.path), f]));
  const dirs = new Set<string>();
  for (const p of byPath.keys()) for (let d = posix.dirname(p); !dirs.has(d) && d !== posix.dirname(d); d = posix.dirname(d)) dirs.add(d);
  dirs.add(dir);
  return {
    kind: (p) => (byPath.has(p) ? "file" : dirs.has(p) ? "dir" : undefined),
    read: (p) => byPath.get(p)?.content.toString("utf8"),
  };
}

/**
 * A TreeReader over the disk for absolute paths below a folder resolved with realpath: a path
 * whose real path differs went through a symbolic link somewhere along it.
 */
export function diskReader(): TreeReader {
  return {
    kind: (p) => {
      try {
        const st = lstatSync(p);
        if (st.isSymbolicLink() || realpathSync(p) !== p) return "link";
        return st.isDirectory() ? "dir" : st.isFile() ? "file" : undefined;
      } catch {
        return undefined;
      }
    },
    read: (p) => {
      try {
        return lstatSync(p).size > 5 * 1024 * 1024 ? undefined : readFileSync(p, "utf8");
      } catch {
        return undefined;
      }
    },
  };
}

/** Reads the named files (absolute, checked by the caller) for copying, paths relative to `base`, within the copy bounds. */
export function readFiles(base: string, paths: readonly string[], shownAs: string): { files: FolderFile[]; problems: Diagnostic[] } {
  const files: FolderFile[] = [];
  let bytes = 0;
  for (const p of paths) {
    const st = lstatSync(p);
    bytes += st.size;
    if (files.length >= MAX_FILES || bytes > MAX_BYTES) {
      return { files, problems: [{ file: shownAs, line: 0, col: 0, message: `needs more than ${MAX_FILES} files or ${MAX_BYTES / 1024 / 1024} MiB`, hint: "point at the kustomization itself, not at a larger tree" }] };
    }
    files.push({ path: posix.relative(base, p), content: readFileSync(p), mode: st.mode & 0o111 ? 0o755 : 0o644 });
  }
  return { files, problems: [] };
}
