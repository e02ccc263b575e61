import * as nodeFs from "node:fs";
import { posix } from "node:path";

/**
 * The file-system calls of the readers (read/, secrets/sealed-files.ts, preview/inputs.ts), with one
 * addition: a revision read from git can be mounted at a path that does not exist on disk, and
 * every call below that path is answered from its blobs in memory. `berth preview` reads the base
 * revision this way instead of writing thousands of files into a temp folder and reading them back
 * (the cost that grew with a cluster's apps); the readers keep one code path, with every check
 * they make on the disk (regular files, sizes, folders) made on the tree git stores.
 *
 * A mounted tree holds only regular files (a revision with a symlink where berth reads is written
 * to disk instead, where the readers' link checks run on real links), so a path's real path is
 * itself.
 */

export interface TreeFile {
  /** Path relative to the mount point, `/`-separated, already checked safe. */
  path: string;
  /** The bytes, or their size and how to get them (a git blob read only if a reader asks: preview/blobs.ts). */
  content: Buffer | LazyBytes;
  /**
   * git's id of the content when it is a blob's: it names exactly these bytes, so the parse cache
   * may know the file by it without reading it (see {@link mountedBlobId}).
   */
  blobId?: string;
  executable?: boolean;
}

export interface LazyBytes {
  readonly size: number;
  /** The bytes (exactly `size` of them); read on the first call. */
  bytes(): Buffer;
}

const sizeOf = (c: Buffer | LazyBytes) => (Buffer.isBuffer(c) ? c.length : c.size);
/** A mounted file's bytes, read now if they are read lazily. */
export const bytesOf = (content: Buffer | LazyBytes): Buffer => (Buffer.isBuffer(content) ? content : content.bytes());

interface Tree {
  files: Map<string, TreeFile>;
  /** Every folder (relative, "" for the mount point) → the names directly in it. */
  dirs: Map<string, string[]>;
}

const mounts = new Map<string, Tree>();

/**
 * Serves `files` at `root` (an absolute path that does not exist on disk) until the returned
 * function is called. Refuses a second mount at the same path.
 */
export function mountTree(root: string, files: readonly TreeFile[]): () => void {
  const at = posix.normalize(root).replace(/\/+$/, "");
  if (mounts.has(at)) throw new Error(`a tree is already mounted at ${at}`);
  const tree: Tree = { files: new Map(), dirs: new Map([["", []]]) };
  // Each name is listed in its folder once, in the order first met (as a set per folder would):
  // a file's path climbs only until a folder already listed, not to the root, so 20,000 files
  // cost 20,000 map lookups rather than a set operation per path segment.
  const { files: byPath, dirs } = tree;
  for (const f of files) {
    const known = byPath.has(f.path);
    byPath.set(f.path, f);
    if (known || dirs.has(f.path)) continue;
    let p = f.path;
    for (;;) {
      const slash = p.lastIndexOf("/");
      const parent = slash < 0 ? "" : p.slice(0, slash);
      const names = dirs.get(parent);
      if (names) {
        names.push(p.slice(slash + 1));
        break;
      }
      dirs.set(parent, [p.slice(slash + 1)]);
      // A folder already listed as a file in its parent is not listed again.
      if (byPath.has(parent)) break;
      p = parent;
    }
  }
  mounts.set(at, tree);
  return () => void mounts.delete(at);
}

/**
 * Serves at `root` the tree mounted at `under` with `changes` applied (a path, relative and already
 * checked safe, to its new file, or null for a file removed), until the returned function is called:
 * the working tree of a preview as its base plus what git says differs, without building a second
 * tree of 20,000 files. The tree at `under` is left as it is (only the folders a change touches get
 * listings of their own); a folder left without files goes, as it is absent from a tree built from
 * file paths. Undefined, with nothing mounted, when no tree is mounted at `under`, or when the
 * result would hold a file where a folder is (a layout the disk holds differently: the caller
 * reads the disk).
 */
export function mountOverlay(root: string, under: string, changes: ReadonlyMap<string, TreeFile | null>): (() => void) | undefined {
  const at = posix.normalize(root).replace(/\/+$/, "");
  if (mounts.has(at)) throw new Error(`a tree is already mounted at ${at}`);
  const base = mounts.get(posix.normalize(under).replace(/\/+$/, ""));
  if (!base) return undefined;
  const files = new Map(base.files);
  const dirs = new Map(base.dirs);
  const own = new Set<string>();
  const namesIn = (dir: string) => {
    let names = dirs.get(dir)!;
    if (!own.has(dir)) dirs.set(dir, (names = [...names])), own.add(dir);
    return names;
  };
  const parentOf = (p: string) => p.slice(0, Math.max(p.lastIndexOf("/"), 0));
  const nameOf = (p: string) => p.slice(p.lastIndexOf("/") + 1);
  // Removals first, so that a file may take the place of a folder whose files all went.
  for (const [path, file] of changes) {
    if (file !== null || !files.delete(path)) continue;
    for (let p = path; ; ) {
      const parent = parentOf(p);
      const names = namesIn(parent);
      names.splice(names.indexOf(nameOf(p)), 1);
      if (names.length > 0 || parent === "") break;
      dirs.delete(parent);
      p = parent;
    }
  }
  for (const [path, file] of changes) {
    if (file === null) continue;
    if (dirs.has(path)) return undefined;
    const known = files.has(path);
    files.set(path, file);
    if (known) continue;
    for (let p = path; ; ) {
      const parent = parentOf(p);
      if (files.has(parent)) return undefined;
      const listed = dirs.has(parent);
      if (listed) namesIn(parent).push(nameOf(p));
      else dirs.set(parent, [nameOf(p)]), own.add(parent);
      if (listed || parent === "") break;
      p = parent;
    }
  }
  mounts.set(at, { files, dirs });
  return () => void mounts.delete(at);
}

/** The files at and below folder `start` (relative) of the tree mounted at exactly `root`, folders' names sorted; empty when there is no such folder. */
export function mountedFiles(root: string, start: string): TreeFile[] {
  return (mountedWalk(root, start) ?? []).flatMap((e) => (e.kind === "file" ? [mounts.get(root)!.files.get(e.rel)!] : []));
}

/** The names in folder `dir` (relative) of the tree mounted at exactly `root` that are folders themselves, sorted. */
export function mountedFolders(root: string, dir: string): string[] {
  const tree = mounts.get(root);
  const names = tree?.dirs.get(dir) ?? [];
  return names.filter((n) => tree!.dirs.has(dir === "" ? n : `${dir}/${n}`)).sort();
}

/** What posix.normalize (and dropping a trailing slash) would change: `//`, a `.` or `..` segment, a trailing `/`. */
const NOT_NORMAL = /^$|\/\/|(^|\/)\.\.?(\/|$)|.\/$/;

/** The mounted tree holding `p`, the path inside it and its mount point, or undefined for a path on disk. */
function lookup(p: nodeFs.PathLike): [Tree, string, string] | undefined {
  if (mounts.size === 0) return undefined;
  const s = String(p);
  // Most paths come from path.join, already normal: normalising them was most of a mounted read's
  // cost, and so was the test (20,000 files, several calls each): a path without `//`, `/.` or a
  // trailing `/` cannot need it.
  const suspect = s === "" || s.charCodeAt(0) === 46 || s.charCodeAt(s.length - 1) === 47 || s.includes("/.") || s.includes("//");
  const abs = suspect && NOT_NORMAL.test(s) ? posix.normalize(s).replace(/(.)\/+$/, "$1") : s;
  for (const [root, tree] of mounts) {
    if (abs === root) return [tree, "", root];
    // `root` then a slash, without building that prefix for every mount at every call.
    if (abs.charCodeAt(root.length) === 47 && abs.startsWith(root)) return [tree, abs.slice(root.length + 1), root];
  }
  return undefined;
}

function notFound(call: string, p: nodeFs.PathLike): NodeJS.ErrnoException {
  return Object.assign(new Error(`ENOENT: no such file or directory, ${call} '${String(p)}'`), { code: "ENOENT", errno: -2, syscall: call, path: String(p) });
}

/** What a mounted entry is: a regular file or a folder, never a link or a device. */
class TreeEntry {
  constructor(private readonly kind: "file" | "dir") {}
  isFile() {
    return this.kind === "file";
  }
  isDirectory() {
    return this.kind === "dir";
  }
  isSymbolicLink() {
    return false;
  }
  isFIFO() {
    return false;
  }
  isSocket() {
    return false;
  }
  isBlockDevice() {
    return false;
  }
  isCharacterDevice() {
    return false;
  }
}

class TreeStats extends TreeEntry {
  constructor(
    kind: "file" | "dir",
    readonly size: number | bigint,
    readonly mode: number | bigint,
  ) {
    super(kind);
  }
}

function statIn([tree, rel]: [Tree, string, string], call: string, p: nodeFs.PathLike, opts: unknown): nodeFs.Stats | undefined {
  const big = typeof opts === "object" && opts !== null && (opts as { bigint?: boolean }).bigint === true;
  const num = (n: number) => (big ? BigInt(n) : n);
  const file = tree.files.get(rel);
  if (file) return new TreeStats("file", num(sizeOf(file.content)), num(file.executable ? 0o100755 : 0o100644)) as unknown as nodeFs.Stats;
  if (tree.dirs.has(rel)) return new TreeStats("dir", num(0), num(0o40755)) as unknown as nodeFs.Stats;
  if (typeof opts === "object" && opts !== null && (opts as { throwIfNoEntry?: boolean }).throwIfNoEntry === false) return undefined;
  throw notFound(call, p);
}

export const lstatSync = ((p: nodeFs.PathLike, opts?: unknown) => {
  const m = lookup(p);
  return m ? statIn(m, "lstat", p, opts) : nodeFs.lstatSync(p, opts as nodeFs.StatSyncOptions);
}) as typeof nodeFs.lstatSync;

export const statSync = ((p: nodeFs.PathLike, opts?: unknown) => {
  const m = lookup(p);
  return m ? statIn(m, "stat", p, opts) : nodeFs.statSync(p, opts as nodeFs.StatSyncOptions);
}) as typeof nodeFs.statSync;

export function existsSync(p: nodeFs.PathLike): boolean {
  const m = lookup(p);
  return m ? m[0].files.has(m[1]) || m[0].dirs.has(m[1]) : nodeFs.existsSync(p);
}

/**
 * No links in a mounted tree: a path that exists is its own real path. On disk, the system's
 * realpath(3), one call, rather than Node's walk that lstats every component of the path: the
 * readers resolve each input they check, 20,000 of them in a cluster of 10,000 apps.
 */
export const realpathSync = ((p: nodeFs.PathLike, opts?: unknown) => {
  const m = lookup(p);
  if (!m) return nodeFs.realpathSync.native(p, opts as nodeFs.EncodingOption);
  const [tree, rel, root] = m;
  if (!tree.files.has(rel) && !tree.dirs.has(rel)) throw notFound("realpath", p);
  // The mount point and the normal path inside it that lookup found: no second normalisation.
  return rel === "" ? root : `${root}/${rel}`;
}) as typeof nodeFs.realpathSync;

/** An entry of a mounted folder's listing (a class: no closures for each of 30,000 entries). */
class TreeDirent extends TreeEntry {
  constructor(
    readonly name: string,
    readonly parentPath: string,
    dir: boolean,
  ) {
    super(dir ? "dir" : "file");
  }
}

export const readdirSync = ((p: nodeFs.PathLike, opts?: unknown) => {
  const m = lookup(p);
  if (!m) return nodeFs.readdirSync(p, opts as { withFileTypes: true });
  const [tree, rel] = m;
  const names = tree.dirs.get(rel);
  if (!names) {
    if (tree.files.has(rel)) throw Object.assign(new Error(`ENOTDIR: not a directory, scandir '${String(p)}'`), { code: "ENOTDIR", syscall: "scandir", path: String(p) });
    throw notFound("scandir", p);
  }
  if (typeof opts === "object" && opts !== null && (opts as { withFileTypes?: boolean }).withFileTypes) {
    const parentPath = String(p);
    return names.map((name) => new TreeDirent(name, parentPath, tree.dirs.has(rel === "" ? name : `${rel}/${name}`)));
  }
  return [...names];
}) as typeof nodeFs.readdirSync;

export const readFileSync = ((p: nodeFs.PathOrFileDescriptor, opts?: unknown) => {
  const m = typeof p === "number" ? undefined : lookup(p);
  if (!m) return nodeFs.readFileSync(p, opts as { encoding: BufferEncoding });
  const [tree, rel] = m;
  const file = tree.files.get(rel);
  if (!file) {
    if (tree.dirs.has(rel)) throw Object.assign(new Error(`EISDIR: illegal operation on a directory, read`), { code: "EISDIR", syscall: "read" });
    throw notFound("open", p as nodeFs.PathLike);
  }
  const encoding = typeof opts === "string" ? (opts as BufferEncoding) : (opts as { encoding?: BufferEncoding } | undefined)?.encoding;
  const content = bytesOf(file.content);
  return encoding ? content.toString(encoding) : Buffer.from(content);
}) as typeof nodeFs.readFileSync;

/**
 * The entries at and below `start` of the tree mounted at exactly `root`, as read/walk.ts would
 * walk them (depth-first, names sorted by code unit, `start` first), without a stat or a listing
 * object for each: read/input-tree.ts walks a mounted revision's 30,000 entries this way.
 * Undefined when no tree is mounted at `root`; null when `start` is not in it.
 */
export function mountedWalk(root: string, start: string): Array<{ rel: string; kind: "folder" | "file"; size: number }> | null | undefined {
  const tree = mounts.get(root);
  if (!tree) return undefined;
  const file = tree.files.get(start);
  if (file) return [{ rel: start, kind: "file", size: sizeOf(file.content) }];
  if (!tree.dirs.has(start)) return null;
  const out: Array<{ rel: string; kind: "folder" | "file"; size: number }> = [];
  const stack = [start];
  while (stack.length > 0) {
    const rel = stack.pop()!;
    const names = tree.dirs.get(rel);
    if (!names) {
      out.push({ rel, kind: "file", size: sizeOf(tree.files.get(rel)!.content) });
      continue;
    }
    out.push({ rel, kind: "folder", size: 0 });
    // Sorted in place: readdirSync hands out copies, and a listing's order is the disk's to choose.
    names.sort();
    for (let i = names.length - 1; i >= 0; i--) stack.push(rel === "" ? names[i]! : `${rel}/${names[i]}`);
  }
  return out;
}

/**
 * The git blob id of the regular file `rel` (normal, relative to `root`) in a mounted tree, when it
 * was mounted with one: a signature
 * of its content that, unlike a stat signature, needs no clock (read/input-tree.ts). Undefined on
 * disk.
 */
export function mountedBlobId(root: string, rel: string): string | undefined {
  if (mounts.size === 0) return undefined;
  // The loaders ask with the mount point itself as their root: no path to build and look up.
  const tree = mounts.get(root);
  if (tree) return tree.files.get(rel)?.blobId;
  const m = lookup(posix.join(root, rel));
  return m?.[0].files.get(m[1])?.blobId;
}
