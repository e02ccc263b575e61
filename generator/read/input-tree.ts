import type { Stats } from "node:fs";
import { join, posix } from "node:path";
import { layout } from "../layout.js";
import { existsSync, mountedBlobId, mountedWalk, readdirSync, statSync } from "./tree-fs.js";
import { walkTree, type Listing, type WalkEntry, type WalkPolicy } from "./walk.js";
import { isGeneratedOrSwap } from "./input-signatures.js";

/**
 * The fleet's input folders (apps/, clusters/, secrets/) as one walk saw them: every entry's kind
 * and size (and, for signatures, its stat signature), every folder's listing. A run walks them
 * once and every reader asks this tree: the input signatures of generate's cache, the hostile-file
 * check and the loader's listings and existence tests. At 10,000 apps that is one walk of 30,000
 * entries instead of three, and no per-file stat before a read.
 *
 * The tree answers for the paths it holds, and says a path is absent only when the folder it
 * would be in was listed. Below a symbolic link, below a folder it could not list, or outside the
 * input folders, the disk is asked (through tree-fs.ts, as before): a link is rare, and the
 * readers' link checks then run on the real link.
 */
export interface InputTree {
  readonly root: string;
  /** Entries in walk order: depth-first, names sorted by code unit, each start first when it exists. */
  readonly entries: readonly InputEntry[];
  /** The starts that do not exist. */
  readonly missing: readonly string[];
  /** Whether any entry is a symbolic link. */
  readonly hasLinks: boolean;
  /** The entry at a repository-relative path, "absent" when its folder was listed without it, undefined when the tree cannot tell. */
  lookup(rel: string): InputEntry | "absent" | undefined;
  /** `existsSync` (links followed). */
  exists(rel: string): boolean;
  /** Whether `rel` is a folder (links followed); false when it does not exist. */
  isFolder(rel: string): boolean;
  /** The names in a folder, sorted by code unit (`readdirSync(…).sort()`): throws as readdirSync does. */
  names(rel: string): string[];
  /** The folders (not links to folders) directly in `rel`, sorted, hidden ones left out; none when `rel` does not exist. */
  folders(rel: string): string[];
  /**
   * A signature of a regular file that can stand for its content, else undefined: in a tree
   * mounted from git (read/tree-fs.ts), `blob:<id>` of a file mounted with its blob id (git names
   * a blob by its bytes); on disk, its stat signature when the tree was read with signatures and
   * the file changed more than two seconds before the walk began (a rewrite within the same clock
   * tick as a record cannot hide behind it, as cache/records.ts reasons).
   */
  trustedSignature(rel: string): string | undefined;
}

export interface InputEntry {
  rel: string;
  kind: "folder" | "file" | "link" | "other";
  size: number;
  /** `kind:size:mtime:ctime:ino:mode` (times in µs) of a non-folder, when the tree was read with signatures. */
  signature?: string;
  /** Its change time in whole microseconds (a number: no BigInt for each of 20,000 files). */
  ctimeUs?: number;
}

/** The starts every reader of the fleet's inputs walks. */
export const INPUT_STARTS = [layout.appsDir, layout.clustersDir, layout.secretsDir] as const;

/** Folder listings kept from an earlier walk, each under its folder's stat signature (cache/folder-listings.ts). */
export interface RememberedListings {
  /** The listing recorded for the folder at `rel` under exactly `signature`; undefined when there is none. */
  get(rel: string, signature: string): Listing | undefined;
  /** Records the listing just read of the folder at `rel`, whose signature is `signature`. */
  set(rel: string, signature: string, listing: Listing): void;
}

export interface InputTreeOptions {
  /** Keep each non-folder's stat signature (generate's cache and the parse cache compare them). */
  signatures?: boolean;
  /** Listings remembered from the last walk (cache/folder-listings.ts): a folder whose stats are as recorded is not listed again. */
  listings?: RememberedListings;
  /** When the walk starts, in ms since the epoch (the clock's now unless a test says otherwise). */
  startedAt?: number;
}

/** Walks the input folders of the repository at `root` once (links not followed). */
export function readInputTree(root: string, opts: InputTreeOptions = {}): InputTree {
  // Change times from two seconds before the walk on are too recent to trust (see trustedSignature).
  const settled = ((opts.startedAt ?? Date.now()) - 2000) * 1000;
  const entries: InputEntry[] = [];
  const missing: string[] = [];
  const unreadable = new Set<string>();
  let hasLinks = false;
  const listings = opts.listings;
  const policy: WalkPolicy = {
    links: "refuse",
    lazyFolderStats: true,
    onMissing: (rel) => void missing.push(rel),
    onUnreadable: (rel) => void unreadable.add(rel),
    // A generated folder and a swap folder are outputs, made again by each run: never remembered.
    list: listings && ((folder, read) => (isGeneratedOrSwap(folder.rel) ? read() : remembered(listings, folder, read, settled))),
  };
  for (const start of INPUT_STARTS) {
    // A revision mounted from git (tree-fs.ts) holds only regular files and folders, all listed.
    const mounted = mountedWalk(root, start);
    if (mounted === null) missing.push(start);
    if (mounted !== undefined) {
      for (const entry of mounted ?? []) entries.push(entry);
      continue;
    }
    for (const e of walkTree(root, start, policy)) {
      const { rel } = e;
      // A folder's own stats are never read (nor taken): its kind is all that counts.
      const stats = e.folder ? undefined : e.stats;
      const kind = !stats ? "folder" : stats.isFile() ? "file" : stats.isSymbolicLink() ? "link" : "other";
      const entry: InputEntry = { rel, kind, size: stats ? Number(stats.size) : 0 };
      if (kind === "link") hasLinks = true;
      else if (stats && opts.signatures) {
        const st = stats as Stats;
        entry.signature = statSignature(kind === "file" ? "f" : "o", st);
        entry.ctimeUs = us(st.ctimeMs);
      }
      entries.push(entry);
    }
  }
  const missingStarts = new Set(missing);
  // Indexed on the first question: a run that only needs the signatures (generate's shortcut) never builds them.
  let index: { byPath: Map<string, InputEntry>; children: Map<string, string[]> } | undefined;
  const indexed = () => {
    if (index) return index;
    const byPath = new Map<string, InputEntry>();
    const children = new Map<string, string[]>();
    for (const entry of entries) {
      const { rel } = entry;
      byPath.set(rel, entry);
      if (entry.kind === "folder") children.set(rel, []);
      const slash = rel.lastIndexOf("/");
      // In walk order, so each folder's names come sorted.
      if (slash !== -1) children.get(rel.slice(0, slash))?.push(rel.slice(slash + 1));
    }
    return (index = { byPath, children });
  };

  const lookup = (path: string): InputEntry | "absent" | undefined => {
    const rel = normal(path);
    if (rel === undefined) return undefined;
    const known = indexed().byPath.get(rel);
    if (known) return known;
    if (missingStarts.has(rel)) return "absent";
    const slash = rel.lastIndexOf("/");
    if (slash === -1) return undefined;
    const parent = rel.slice(0, slash);
    const p = lookup(parent);
    if (p === "absent") return "absent";
    return p?.kind === "folder" && !unreadable.has(parent) ? "absent" : undefined;
  };
  const abs = (rel: string) => join(root, rel);

  return {
    root,
    entries,
    missing,
    hasLinks,
    lookup,
    exists: (rel) => {
      const e = lookup(rel);
      return e === "absent" ? false : e === undefined || e.kind === "link" ? existsSync(abs(rel)) : true;
    },
    isFolder: (rel) => {
      const e = lookup(rel);
      if (e === "absent") return false;
      if (e === undefined || e.kind === "link") return existsSync(abs(rel)) && statSync(abs(rel)).isDirectory();
      return e.kind === "folder";
    },
    names: (rel) => {
      const e = lookup(rel);
      const listed = e !== undefined && e !== "absent" && e.kind === "folder" && !unreadable.has(e.rel) ? indexed().children.get(e.rel) : undefined;
      return listed ? [...listed] : readdirSync(abs(rel)).sort();
    },
    folders: (rel) => {
      const e = lookup(rel);
      if (e === "absent") return [];
      if (e === undefined || e.kind !== "folder" || unreadable.has(e.rel)) {
        if (!existsSync(abs(rel))) return [];
        return readdirSync(abs(rel), { withFileTypes: true })
          .filter((d) => d.isDirectory() && !d.name.startsWith("."))
          .map((d) => d.name)
          .sort();
      }
      const base = e.rel;
      const { byPath, children } = indexed();
      return (children.get(base) ?? []).filter((name) => !name.startsWith(".") && byPath.get(`${base}/${name}`)?.kind === "folder");
    },
    trustedSignature: (rel) => {
      const e = indexed().byPath.get(rel);
      if (e?.kind !== "file") return undefined;
      const blob = mountedBlobId(root, rel);
      if (blob !== undefined) return `blob:${blob}`;
      return e.ctimeUs !== undefined && e.ctimeUs < settled ? e.signature : undefined;
    },
  };
}

// Times in whole microseconds from the plain stats: finer than any file system's clock tick (the
// two-second rule covers a tick), and 30,000 entries' BigInt stats cost a tenth of the walk.
const us = (ms: number) => Math.round(ms * 1000);

/** `kind:size:mtime:ctime:ino:mode`, times in µs. */
function statSignature(kind: string, st: Stats): string {
  return `${kind}:${st.size}:${us(st.mtimeMs)}:${us(st.ctimeMs)}:${st.ino}:${st.mode}`;
}

/**
 * A folder's listing from `listings` when its stats are as they were when it was recorded; else
 * read, and recorded when its change time is settled (older than the walk's start by two
 * seconds): an entry added or removed within the same clock tick as a listing leaves the times
 * as they were, so such a listing is never kept.
 */
function remembered(listings: RememberedListings, folder: WalkEntry, read: () => Listing, settled: number): Listing {
  let st: Stats;
  try {
    st = folder.stats as Stats;
  } catch {
    return read();
  }
  if (!st.isDirectory()) return read();
  const signature = statSignature("d", st);
  const known = listings.get(folder.rel, signature);
  if (known) return known;
  const fresh = read();
  if (us(st.ctimeMs) < settled) listings.set(folder.rel, signature, fresh);
  return fresh;
}

/** `rel` in the form the tree keys (no `.` or `..` parts, no doubled or trailing slash); undefined when it leaves the repository. */
function normal(rel: string): string | undefined {
  if (!/(^|\/)\.\.?(\/|$)|\/\/|\/$|^\//.test(rel)) return rel;
  const n = posix.normalize(rel).replace(/\/+$/, "");
  return n === ".." || n.startsWith("../") || n.startsWith("/") || n === "." ? undefined : n;
}
