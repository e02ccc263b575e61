import { closeSync, fchmodSync, fsyncSync, lstatSync, openSync, realpathSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join, relative, isAbsolute } from "node:path";
import type { Diagnostic } from "../errors.js";

/**
 * Whether `path` (absolute) is the repository root or lies inside it once symlinks are resolved:
 * the parent folder is resolved with realpath, so a link pointing into the repository is caught.
 * Returns undefined when the parent folder does not exist.
 */
export function insideRepository(root: string, path: string): boolean | undefined {
  let parent: string;
  let realRoot: string;
  try {
    parent = realpathSync(dirname(path));
    realRoot = realpathSync(root);
  } catch {
    return undefined;
  }
  const within = (base: string, p: string) => {
    const rel = relative(base, p);
    return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
  };
  return within(realRoot, join(parent, basename(path))) || within(realRoot, path);
}

/** Where a private key may be written: outside the repository, in an existing folder, not over an existing file. */
export function checkKeyOutPath(root: string, path: string, shown: string): Diagnostic | undefined {
  const at = (message: string, hint: string): Diagnostic => ({ file: shown, line: 0, col: 0, message, hint });
  const inside = insideRepository(root, path);
  if (inside === undefined) return at("--out: the folder does not exist", "create the folder first, outside the repository (e.g. an encrypted volume or a password manager's import folder)");
  if (inside) return at("--out is inside the repository; the private key must never be where git can commit it", "write the key outside the repository, e.g. --out ~/.berth/<cluster>-sealing-key.pem, and back it up offline");
  // The fleet may be a subfolder of a larger repository (a monorepo): its git work tree counts too.
  const workTree = enclosingWorkTree(root);
  if (workTree !== undefined && insideRepository(workTree, path)) {
    return at(`--out is inside the git work tree ${workTree}, which holds the fleet; the private key must never be where git can commit it`, "write the key outside every git work tree, e.g. --out ~/.berth/<cluster>-sealing-key.pem, and back it up offline");
  }
  if (exists(path)) return at("--out already exists; berth never overwrites a key file (it may be the only copy of a key)", "choose a new file name, or move the existing file away first");
  return undefined;
}

/** Creates the key file with mode 0600; fails if it exists. A partial file is removed on error. */
export function writePrivateKey(path: string, pem: string): void {
  const fd = openSync(path, "wx", 0o600);
  try {
    fchmodSync(fd, 0o600);
    writeSync(fd, Buffer.from(pem, "utf8"));
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(path, { force: true });
    throw e;
  }
  closeSync(fd);
}

/** The nearest folder at or above `root` holding `.git` (a folder, or a file for worktrees and submodules). */
export function enclosingWorkTree(root: string): string | undefined {
  let dir: string;
  try {
    dir = realpathSync(root);
  } catch {
    return undefined;
  }
  for (;;) {
    if (exists(join(dir, ".git"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
