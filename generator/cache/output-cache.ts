import { createHash } from "node:crypto";
import { lstatSync, readdirSync, readFileSync, realpathSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { readPrivateCacheFile, sha256, userCacheDir, writePrivateCacheFile } from "./private-file.js";

/**
 * What `berth generate` wrote last time, per cluster: the digest of the cluster's inputs and the
 * sha256 of every file generated from them. When a cluster's inputs digest is unchanged and every
 * file on disk still has its recorded hash, the cluster is up to date without planning or
 * serialising it again.
 *
 * The cache lives outside the checkout, per user (`$XDG_CACHE_HOME/berth` or `~/.cache/berth`,
 * folder mode 0700, file 0600), so a pull request can neither commit nor poison it; a cache file
 * is used only when it belongs to this user, is not writable by others, and its own content hash
 * matches. It is only ever a shortcut: the generated files on disk are always hashed and compared.
 */
export interface OutputCache {
  /** False when there is no per-user cache folder: every call is then a no-op. */
  enabled: boolean;
  /** The record of a cluster whose inputs digest is `key`, if any. */
  get(cluster: string, key: string): ClusterRecord | undefined;
  set(cluster: string, key: string, record: ClusterRecord): void;
  /** The cluster's record whatever its inputs digest (for a fleet whose inputs are unchanged). */
  recorded(cluster: string): (ClusterRecord & { key: string }) | undefined;
  /** The record of the last successful run with this key (code digest and options), if any. */
  getFleet(key: string): FleetRecord | undefined;
  setFleet(key: string, record: FleetRecord): void;
  /** Writes the cache back if anything changed; failures are ignored (it is a cache). */
  save(): void;
}

/** Repository-relative path → sha256 (hex) of its content. */
export type CachedFiles = Record<string, string>;

/**
 * A cluster's generated files as last seen on disk. As in git's index, a file whose size, times
 * and inode are those recorded, and whose change time is older than the record (so it cannot
 * have been rewritten within the same clock tick), is taken to have the recorded hash; any other
 * file is read and hashed.
 */
export interface ClusterRecord {
  files: CachedFiles;
  /** Path → `size:mtimeNs:ctimeNs:ino` when recorded. */
  stats: Record<string, string>;
  /** When the stats were taken (ms since the epoch). */
  at: number;
}

/**
 * A whole run that succeeded: the digest of the stat signatures of every input entry when it
 * started (read/input-signatures.ts) and the clusters it covered. When the inputs still have
 * exactly these signatures (none changed within two seconds of the record) and every cluster's
 * files still match its record, the outcome is the same without reading a single input: as git's
 * index does for `git status`.
 */
export interface FleetRecord {
  inputs: { digest: string; count: number };
  at: number;
  clusters: string[];
}

interface CacheBody {
  version: number;
  clusters: Record<string, ClusterRecord & { key: string }>;
  fleets: Record<string, FleetRecord>;
}

const VERSION = 4;
const MAX_FLEET_RECORDS = 8;

/** The cache for the repository at `root`; a no-op cache when there is no per-user cache folder. */
export function openOutputCache(root: string, env: Record<string, string | undefined>): OutputCache {
  const dir = userCacheDir(env, "generate", root);
  const none: OutputCache = { enabled: false, get: () => undefined, set: () => {}, recorded: () => undefined, getFleet: () => undefined, setFleet: () => {}, save: () => {} };
  if (!dir) return none;
  let repo: string;
  try {
    repo = realpathSync(root);
  } catch {
    return none;
  }
  const file = join(dir, `${sha256(repo).slice(0, 32)}.json`);
  const body = read(file) ?? { version: VERSION, clusters: {}, fleets: {} };
  let dirty = false;
  return {
    enabled: true,
    get: (cluster, key) => {
      const r = body.clusters[cluster];
      return r?.key === key && r.files && r.stats && typeof r.at === "number" ? r : undefined;
    },
    set: (cluster, key, record) => {
      body.clusters[cluster] = { key, ...record };
      dirty = true;
    },
    recorded: (cluster) => {
      const r = body.clusters[cluster];
      return r?.files && r.stats && typeof r.at === "number" && typeof r.key === "string" ? r : undefined;
    },
    getFleet: (key) => {
      const r = body.fleets[key];
      return typeof r?.inputs?.digest === "string" && typeof r.inputs.count === "number" && Array.isArray(r.clusters) && typeof r.at === "number" ? r : undefined;
    },
    setFleet: (key, record) => {
      body.fleets[key] = record;
      // A key per build and --cluster option: keep the newest few.
      const keys = Object.keys(body.fleets).sort((a, b) => body.fleets[b]!.at - body.fleets[a]!.at);
      for (const old of keys.slice(MAX_FLEET_RECORDS)) delete body.fleets[old];
      dirty = true;
    },
    save: () => {
      if (dirty) writePrivateCacheFile(file, Buffer.from(JSON.stringify(body), "utf8"));
    },
  };
}

/** The cache body when the file passes {@link readPrivateCacheFile}'s checks and is of this version. */
function read(file: string): CacheBody | undefined {
  const data = readPrivateCacheFile(file);
  if (!data) return undefined;
  try {
    const body = JSON.parse(data.toString("utf8")) as CacheBody;
    return body.version === VERSION && body.clusters && typeof body.clusters === "object" && body.fleets && typeof body.fleets === "object" ? body : undefined;
  } catch {
    return undefined;
  }
}

let code: string | undefined;

/**
 * A digest of berth's own code (the folder this module belongs to): a new build invalidates the
 * caches. Each file's stat signature stands for its content once every file is two seconds old,
 * as the inputs' do (read/input-tree.ts): reading and hashing 3 MB of code took 20-40 ms of every
 * run. Just after a build, the contents are hashed; the two kinds of digest never meet (a cache
 * made by one misses once under the other).
 */
export function codeDigest(): string {
  return (code ??= folderDigest(dirname(dirname(fileURLToPath(import.meta.url)))));
}

/** {@link codeDigest} of the files under `top`, at `now` (ms since the epoch). */
export function folderDigest(top: string, now = Date.now()): string {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) files.push(p);
    }
  };
  walk(top);
  return digestByStats(top, files, now) ?? digestByContent(top, files);
}

function digestByStats(top: string, files: readonly string[], now: number): string | undefined {
  const settled = BigInt(now - 2000) * 1_000_000n;
  const hash = createHash("sha256");
  for (const p of files) {
    const st = lstatSync(p, { bigint: true });
    if (!st.isFile() || st.ctimeNs >= settled) return undefined;
    hash.update(`${relative(top, p)}\0${st.size}:${st.mtimeNs}:${st.ctimeNs}:${st.ino}:${st.mode}\0`);
  }
  return `stats:${hash.digest("hex")}`;
}

function digestByContent(top: string, files: readonly string[]): string {
  const hash = createHash("sha256");
  for (const p of files) hash.update(relative(top, p)).update("\0").update(readFileSync(p)).update("\0");
  return `content:${hash.digest("hex")}`;
}
