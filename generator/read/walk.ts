import type { BigIntStats, Stats } from "node:fs";
import { lstatSync, readdirSync, realpathSync, statSync } from "./tree-fs.js";
import { join } from "node:path";

/**
 * The one tree walker every reader of the repository uses; what differs between them is policy,
 * named here instead of spelled out in each loop:
 *
 * - `links`: "follow" walks a symlinked folder (once per real path, so a link cycle ends) and
 *   reports each entry's target; "refuse" never walks through a link: it is an entry of its own,
 *   for the caller to list, refuse or treat as uncacheable.
 * - `skip`: entries neither reported nor walked (generated folders, dependency folders, `.git`).
 * - `descend`: whether a reported folder is walked (a folder with a problem is not).
 * - `bigint`: stats with nanosecond times, for signatures.
 *
 * Whether the caller lists paths, checks them or hashes their stats is what it does with the
 * entries. Entries come in depth-first pre-order, names sorted by code unit, the start first.
 * Iterative, so a deep tree cannot overflow the stack.
 */
export interface WalkPolicy {
  links: "follow" | "refuse";
  skip?: (rel: string, name: string) => boolean;
  descend?: (entry: WalkEntry) => boolean;
  bigint?: boolean;
  /**
   * A folder found in its parent's listing is reported without an lstat of its own (the listing
   * says it is a folder); its `stats` are taken when first read. For a caller that needs only the
   * kind of a folder: at 10,000 apps, 10,000 lstat calls fewer.
   */
  lazyFolderStats?: boolean;
  /**
   * How a folder's listing is had (with `lazyFolderStats`): `read` lists it from the disk. For a
   * caller that remembers listings between runs (input-tree.ts): a folder whose own stats are as
   * they were when it was listed need not be listed again.
   */
  list?: (entry: WalkEntry, read: () => Listing) => Listing;
  /** Called for an entry that cannot be stat'ed (the start included); it is then not reported. */
  onMissing?: (rel: string, error: NodeJS.ErrnoException) => void;
  /** Called for a folder whose listing cannot be read. */
  onUnreadable?: (rel: string, error: NodeJS.ErrnoException) => void;
}

/** A folder's names, sorted by code unit, and (listed with `lazyFolderStats`) which of them are folders (not links to folders). */
export interface Listing {
  names: readonly string[];
  folder?: readonly boolean[];
}

export interface WalkEntry {
  /** Path relative to the root (`start/…`, or the bare name when the start is ""). */
  rel: string;
  /** The entry itself (lstat): a symlink is a symlink. */
  readonly stats: Stats | BigIntStats;
  /** What it points at when links are followed (undefined for a dangling link); the entry itself otherwise. */
  readonly target: Stats | BigIntStats | undefined;
  /** Whether the entry is a folder itself (not a link to one), known without reading `stats`. */
  readonly folder: boolean;
}

export function* walkTree(root: string, start: string, policy: WalkPolicy): Generator<WalkEntry> {
  const seen = new Set<string>();
  const bigint = policy.bigint === true;
  // Each with its absolute path (a child's is its folder's plus its name: no join to normalise)
  // and whether its folder's listing said it is a folder.
  const stack: Array<[rel: string, abs: string, listedFolder: boolean]> = [[start, join(root, start), false]];
  while (stack.length > 0) {
    const [rel, abs, listedFolder] = stack.pop()!;
    let entry: WalkEntry;
    if (listedFolder) {
      entry = new LazyFolder(rel, abs, bigint);
    } else {
      let stats: Stats | BigIntStats;
      try {
        stats = lstatSync(abs, { bigint });
      } catch (e) {
        policy.onMissing?.(rel, e as NodeJS.ErrnoException);
        continue;
      }
      let target: Stats | BigIntStats | undefined = stats;
      if (stats.isSymbolicLink() && policy.links === "follow") {
        try {
          target = statSync(abs, { bigint });
        } catch {
          target = undefined;
        }
      }
      entry = { rel, stats, target, folder: stats.isDirectory() };
    }
    yield entry;
    if (!entry.folder && (policy.links === "refuse" || !entry.target?.isDirectory())) continue;
    if (policy.descend && !policy.descend(entry)) continue;
    if (policy.links === "follow") {
      const real = realpathSync(abs);
      if (seen.has(real)) continue;
      seen.add(real);
    }
    let listing: Listing;
    try {
      const read = () => readListing(abs, policy.lazyFolderStats === true);
      listing = policy.list && policy.lazyFolderStats ? policy.list(entry, read) : read();
    } catch (e) {
      policy.onUnreadable?.(rel, e as NodeJS.ErrnoException);
      continue;
    }
    const { names, folder } = listing;
    const base = abs.endsWith("/") ? abs : `${abs}/`;
    for (let i = names.length - 1; i >= 0; i--) {
      const name = names[i]!;
      const child = rel ? `${rel}/${name}` : name;
      if (policy.skip?.(child, name)) continue;
      stack.push([child, base + name, folder?.[i] === true]);
    }
  }
}

/** The listing of the folder at `abs`, with which names are folders when `kinds`; throws as readdirSync does. */
function readListing(abs: string, kinds: boolean): Listing {
  if (!kinds) return { names: readdirSync(abs).sort() };
  const dirents = readdirSync(abs, { withFileTypes: true }).sort((a, b) => byCodeUnit(a.name, b.name));
  return { names: dirents.map((d) => d.name), folder: dirents.map((d) => d.isDirectory()) };
}

/** A folder known from its parent's listing, its lstat taken only if asked for (a class: no closures for each of 10,000). */
class LazyFolder implements WalkEntry {
  readonly folder = true;
  private taken: Stats | BigIntStats | undefined;
  constructor(
    readonly rel: string,
    private readonly abs: string,
    private readonly bigint: boolean,
  ) {}
  get stats(): Stats | BigIntStats {
    return (this.taken ??= lstatSync(this.abs, { bigint: this.bigint }));
  }
  get target(): Stats | BigIntStats {
    return this.stats;
  }
}

const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Repository-relative paths under `dirs` that are files (`what: "files"`: regular files, through
 * links when they are followed) or every entry that is not a folder (`what: "entries"`: links,
 * devices and pipes too), sorted; none for a start that does not exist.
 */
export function listTree(root: string, dirs: readonly string[], policy: Pick<WalkPolicy, "links" | "skip"> & { what: "files" | "entries" }): string[] {
  const out: string[] = [];
  for (const dir of dirs) {
    for (const e of walkTree(root, dir, policy)) {
      if (policy.what === "files" ? e.target?.isFile() : !(e.target ?? e.stats).isDirectory() || e.stats.isSymbolicLink()) out.push(e.rel);
    }
  }
  return out.sort(byCodeUnit);
}
