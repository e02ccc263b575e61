import { deserialize, serialize } from "node:v8";
import { readInputTree, type InputTree, type RememberedListings } from "../read/input-tree.js";
import type { Listing } from "../read/walk.js";
import { readPrivateCacheFile, repoCacheFile, writePrivateCacheFile } from "./private-file.js";

/**
 * The listings of the input folders as the last walk of this repository read them, each under the
 * folder's own stat signature, so that a folder whose signature is the same is not listed again
 * (read/input-tree.ts): at 10,000 apps, one lstat a folder instead of a readdir (an open, two
 * getdents and a close), a third of the walk. Adding, removing or renaming an entry changes its
 * folder's modification and change times; a file rewritten in place does not, but every file is
 * still lstat'ed for its own signature. (git's untracked cache trusts folder times the same way.)
 *
 * The caller records a listing only when its folder's change time is older than the walk's start
 * by two seconds (as the file signatures: a change within the same clock tick as the listing
 * cannot hide behind an unchanged time). The file is one of this user's private cache files
 * (private-file.ts).
 */
export interface FolderListings extends RememberedListings {
  /**
   * Writes the listings back when they changed: those recorded, and those read of folders the walk
   * saw (a folder that is gone is dropped; one that changed keeps its old listing under its old
   * signature until its new one is recorded, so that a folder that changes on every run, such as
   * the one holding a generated folder, does not make every run write the file).
   */
  save(): void;
}

/**
 * Folder → its signature, one `d` or `-` per name (folder or not), then each name, all joined by
 * NUL (which no name holds): one string a folder, as 10,000 folders' arrays took ten times as long
 * to read back as the walk saved.
 */
type Stored = Map<string, string>;

interface Body {
  version: number;
  folders: Stored;
}

const VERSION = 2;

/** The folder listings of the repository at `root`; an empty memo that keeps nothing without a per-user cache folder. */
export function openFolderListings(root: string, env: Record<string, string | undefined>): FolderListings {
  const file = repoCacheFile(env, "listings", root, "bin");
  if (!file) return { get: () => undefined, set: () => {}, save: () => {} };
  const stored = readStored(file);
  const kept: Stored = new Map();
  let changed = false;
  return {
    get: (rel, signature) => {
      const known = stored.get(rel);
      if (known === undefined) return undefined;
      kept.set(rel, known);
      return known.charCodeAt(signature.length) === 0 && known.startsWith(signature) ? unpack(known, signature.length + 1) : undefined;
    },
    set: (rel, signature, { names, folder }) => {
      if (!folder || names.some((n) => n.includes("\0"))) return;
      kept.set(rel, `${signature}\0${folder.map((f) => (f ? "d" : "-")).join("")}${names.map((n) => `\0${n}`).join("")}`);
      changed = true;
    },
    save: () => {
      if (!changed && kept.size === stored.size) return;
      writePrivateCacheFile(file, serialize({ version: VERSION, folders: kept } satisfies Body));
    },
  };
}

/**
 * The input folders walked with the listings remembered for this repository (saved again after the
 * walk): generate's and validate's one walk of the run.
 */
export function readInputTreeRemembering(root: string, env: Record<string, string | undefined>): InputTree {
  const listings = openFolderListings(root, env);
  const tree = readInputTree(root, { signatures: true, listings });
  listings.save();
  return tree;
}

/** The listing packed after a signature, from `at` (see {@link Stored}). */
function unpack(packed: string, at: number): Listing {
  const end = packed.indexOf("\0", at);
  const kinds = packed.slice(at, end === -1 ? packed.length : end);
  const names = end === -1 ? [] : packed.slice(end + 1).split("\0");
  const folder = new Array<boolean>(kinds.length);
  for (let i = 0; i < kinds.length; i++) folder[i] = kinds.charCodeAt(i) === 100; // "d"
  return { names, folder };
}

/** The listings a cache file holds: none when it is missing or unreadable, or of another version (the file's name is the repository's). */
function readStored(file: string): Stored {
  const data = readPrivateCacheFile(file);
  if (!data) return new Map();
  try {
    const body = deserialize(data) as Partial<Body>;
    return body.version === VERSION && body.folders instanceof Map ? body.folders : new Map();
  } catch {
    return new Map();
  }
}
