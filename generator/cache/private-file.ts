import { hash } from "node:crypto";
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";

/**
 * A cache file only this user can have written: kept outside the checkout (so a pull request can
 * neither commit nor poison it), in a folder of mode 0700, as a file of mode 0600 whose first
 * line is the sha256 of the rest. Anything else (another owner, group- or world-writable, a
 * symlink, a torn or edited body) reads as no cache at all.
 */

/**
 * `$XDG_CACHE_HOME/berth/<name>` or `$HOME/.cache/berth/<name>`; none without either, and none
 * when that folder lies inside the checkout of the repository at `root` (a CI job may set HOME or
 * XDG_CACHE_HOME to its workspace): there, a pull request could commit the cache's files.
 */
export function userCacheDir(env: Readonly<Record<string, string | undefined>>, name: string, root: string): string | undefined {
  const xdg = env.XDG_CACHE_HOME;
  const base = xdg && isAbsolute(xdg) ? xdg : env.HOME ? join(env.HOME, ".cache") : undefined;
  if (!base) return undefined;
  const dir = join(base, "berth", name);
  return insideCheckout(dir, root) ? undefined : dir;
}

/**
 * The file under {@link userCacheDir}`(env, name, root)` keeping what a cache knows of the
 * repository at `root`, named by the sha256 of the repository's real path; undefined without a
 * cache folder, or when that path cannot be resolved.
 */
export function repoCacheFile(env: Readonly<Record<string, string | undefined>>, name: string, root: string, extension: string): string | undefined {
  const dir = userCacheDir(env, name, root);
  if (!dir) return undefined;
  try {
    return join(dir, `${sha256(realpathSync(root)).slice(0, 32)}.${extension}`);
  } catch {
    return undefined;
  }
}

/**
 * Whether `dir` (which need not exist yet) is inside the git checkout around `root` (its nearest
 * folder holding `.git`, else `root` itself), links resolved on both sides.
 */
export function insideCheckout(dir: string, root: string): boolean {
  const top = checkoutTop(root);
  const inside = relative(top, realPathOfPossiblyMissing(resolve(dir)));
  return inside === "" || !(inside === ".." || inside.startsWith(`..${sep}`) || isAbsolute(inside));
}

function checkoutTop(root: string): string {
  const real = realPathOfPossiblyMissing(resolve(root));
  for (let at = real; ; at = dirname(at)) {
    if (existsSync(join(at, ".git"))) return at;
    if (dirname(at) === at) return real;
  }
}

/** The real path of `p`, through its nearest existing ancestor when it does not exist. */
function realPathOfPossiblyMissing(p: string): string {
  const rest: string[] = [];
  for (let at = p; ; at = dirname(at)) {
    try {
      return join(realpathSync(at), ...rest.reverse());
    } catch {
      if (dirname(at) === at) return p;
      rest.push(basename(at));
    }
  }
}

/**
 * The owner and mode checks every cache entry passes before it is trusted (this file's, the
 * render cache's): it belongs to this user (`uid`; undefined where there are no uids) ...
 */
export function ownedBy(st: { uid: number }, uid: number | undefined): boolean {
  return uid === undefined || st.uid === uid;
}

/** ... and neither its group nor others may write to it. */
export function othersMayWrite(st: { mode: number }): boolean {
  return (st.mode & 0o022) !== 0;
}

export function sha256(content: string | Uint8Array): string {
  // crypto.hash: one call, not a Hash object's three (it runs for each of 20,000 input texts).
  return hash("sha256", content, "hex");
}

const HASH_LINE = 65;

/** The body of `file` when it passes the checks above, else undefined. */
export function readPrivateCacheFile(file: string): Buffer | undefined {
  try {
    const dirStat = lstatSync(dirname(file));
    const st = lstatSync(file);
    const uid = process.getuid?.();
    if (!st.isFile() || !dirStat.isDirectory()) return undefined;
    if (!ownedBy(st, uid) || !ownedBy(dirStat, uid)) return undefined;
    if (othersMayWrite(st) || (dirStat.mode & 0o077) !== 0) return undefined;
    const data = readFileSync(file);
    if (data.length < HASH_LINE || data[HASH_LINE - 1] !== 0x0a) return undefined;
    const body = data.subarray(HASH_LINE);
    return data.subarray(0, HASH_LINE - 1).toString("latin1") === sha256(body) ? body : undefined;
  } catch {
    return undefined;
  }
}

const STALE_MS = 30 * 24 * 3600 * 1000;

/** Writes `body` by rename; failures are ignored (it is a cache). Files unused for a month go. */
export function writePrivateCacheFile(file: string, body: Buffer): void {
  const dir = dirname(file);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if ((lstatSync(dir).mode & 0o077) !== 0) return;
    replacePrivately(file, Buffer.concat([Buffer.from(`${sha256(body)}\n`, "latin1"), body]));
    const cutoff = statSync(file).mtimeMs - STALE_MS;
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (p !== file && statSync(p).mtimeMs < cutoff) rmSync(p, { force: true });
    }
  } catch {
    // a cache that cannot be written only costs time
  }
}

/**
 * Writes `content` to `file` (mode 0600) through a temp file renamed over it, so that no reader
 * sees a half-written entry; a cache file is derived, so it is not fsynced. Throws on failure.
 */
export function replacePrivately(file: string, content: string | Buffer): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, content, { mode: 0o600 });
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
