import { existsSync, lstatSync, mkdirSync, readdirSync, realpathSync, renameSync, rmdirSync, rmSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { EnvironmentError } from "../errors.js";
import { writeFileDurable } from "./atomic.js";

/** One file a planner wants written: repository-relative path, forward slashes. */
export interface PlannedFile {
  path: string;
  content: string | Buffer;
  /** Octal file mode; 0644 unless given (copied executables keep 0755). */
  mode?: number;
}

/** What a scaffolding or import planner produces: files to write and paths (files or folders) to remove. */
export interface FileChanges {
  writes: readonly PlannedFile[];
  removals: readonly string[];
}

/**
 * Applies a plan to the repository all-or-nothing, as far as a file system allows: every new
 * file is first written and flushed beside its target under a temporary name, so a failure
 * there (disk full, permissions) removes the temporaries and leaves the tree untouched; only
 * then are they renamed into place and the removals done. Paths are checked before anything
 * is written: relative, inside the repository, and never through a symbolic link.
 */
export function applyChanges(root: string, changes: FileChanges): void {
  for (const p of [...changes.writes.map((w) => w.path), ...changes.removals]) assertInside(root, p);
  const staged: { tmp: string; target: string }[] = [];
  try {
    for (const file of changes.writes) {
      const target = join(root, file.path);
      mkdirSync(dirname(target), { recursive: true });
      const tmp = `${target}.berth-new-${process.pid}`;
      staged.push({ tmp, target });
      writeFileDurable(tmp, file.content, file.mode ?? 0o644);
    }
  } catch (e) {
    for (const s of staged) rmSync(s.tmp, { force: true });
    throw e;
  }
  for (const s of staged) renameSync(s.tmp, s.target);
  for (const p of changes.removals) rmSync(join(root, p), { recursive: true, force: true });
  for (const p of changes.removals) pruneEmptyParents(root, p);
}

/** Removes the folders a removal left empty, up to (not including) the repository root. */
function pruneEmptyParents(root: string, path: string): void {
  for (let dir = dirname(path); dir !== "." && dir !== ""; dir = dirname(dir)) {
    const abs = join(root, dir);
    if (!existsSync(abs) || readdirSync(abs).length > 0) return;
    rmdirSync(abs);
  }
}

/** Refuses absolute paths, `..` and any path component that is a symbolic link (a link could point outside). */
function assertInside(root: string, path: string): void {
  if (path === "" || path.startsWith("/") || path.split("/").some((s) => s === ".." || s === "")) {
    throw new EnvironmentError(`refusing to write ${JSON.stringify(path)}: not a plain path inside the repository`, "this is a bug in the planner; please report it");
  }
  const realRoot = realpathSync(root);
  let at = realRoot;
  for (const segment of path.split("/")) {
    at = join(at, segment);
    if (!existsSync(at)) return;
    if (lstatSync(at).isSymbolicLink()) {
      throw new EnvironmentError(`refusing to write through the symbolic link ${relative(realRoot, at).split(sep).join("/")}`, "replace the link with a real folder or file, then run the command again");
    }
  }
}
