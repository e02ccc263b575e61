import { chmodSync, closeSync, existsSync, fchmodSync, fsyncSync, lstatSync, mkdirSync, openSync, realpathSync, rmdirSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join, relative, isAbsolute } from "node:path";
import type { Diagnostic } from "../errors.js";

/**
 * Whether `path` (absolute) is the repository root or lies inside it once symlinks are resolved:
 * the parent folder is resolved with realpath, so a link pointing into the repository is caught.
 * A missing parent folder (one `keys generate` creates) is resolved through its own parent.
 * Returns undefined when neither the parent folder nor its parent exists.
 */
export function insideRepository(root: string, path: string): boolean | undefined {
  let parent: string;
  let realRoot: string;
  try {
    parent = realParent(path);
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

/** The real path of `path`'s folder; a missing folder whose own parent exists resolves through that parent. */
function realParent(path: string): string {
  const dir = dirname(path);
  if (existsSync(dir)) return realpathSync(dir);
  return join(realpathSync(dirname(dir)), basename(dir));
}

/**
 * Where a private key may be written: outside the repository, not over an existing file, in an
 * existing folder or one `writePrivateKey` creates (only the last level: `~/.berth/`, as the
 * README suggests, but not a mistyped tree of folders).
 */
export function checkKeyOutPath(root: string, path: string, shown: string): Diagnostic | undefined {
  const at = (message: string, hint: string): Diagnostic => ({ file: shown, line: 0, col: 0, message, hint });
  const inside = insideRepository(root, path);
  if (inside === undefined) return at("--out: the folder does not exist", `create it first, outside the repository: mkdir -p -m 0700 ${dirname(shown)}`);
  if (inside) return at("--out is inside the repository; the private key must never be where git can commit it", "write the key outside the repository, e.g. --out ~/.berth/<cluster>-sealing-key.pem, and back it up offline");
  // The fleet may be a subfolder of a larger repository (a monorepo): its git work tree counts too.
  const workTree = enclosingWorkTree(root);
  if (workTree !== undefined && insideRepository(workTree, path)) {
    return at(`--out is inside the git work tree ${workTree}, which holds the fleet; the private key must never be where git can commit it`, "write the key outside every git work tree, e.g. --out ~/.berth/<cluster>-sealing-key.pem, and back it up offline");
  }
  if (exists(path)) return at("--out already exists; berth never overwrites a key file (it may be the only copy of a key)", "choose a new file name, or move the existing file away first");
  return undefined;
}

/**
 * Creates the key file with mode 0600, and its folder with mode 0700 when it is missing (the
 * folder holds nothing but keys); fails if the file exists. Returns the folder it created, if
 * any. On error the partial file, and the folder it created, are removed.
 */
export function writePrivateKey(path: string, pem: string): string | undefined {
  const dir = dirname(path);
  let created: string | undefined;
  if (!existsSync(dir)) {
    mkdirSync(dir, { mode: 0o700 });
    created = dir;
    // mkdir's mode passes through the umask; a key folder must be the owner's alone whatever it is.
    chmodSync(dir, 0o700);
  }
  let fd: number;
  try {
    fd = openSync(path, "wx", 0o600);
  } catch (e) {
    if (created) rmdirSync(created);
    throw e;
  }
  try {
    fchmodSync(fd, 0o600);
    writeSync(fd, Buffer.from(pem, "utf8"));
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(path, { force: true });
    if (created) rmdirSync(created);
    throw e;
  }
  closeSync(fd);
  return created;
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
