import { createHash } from "node:crypto";
import { lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

/**
 * A cache file only this user can have written: kept outside the checkout (so a pull request can
 * neither commit nor poison it), in a folder of mode 0700, as a file of mode 0600 whose first
 * line is the sha256 of the rest. Anything else (another owner, group- or world-writable, a
 * symlink, a torn or edited body) reads as no cache at all.
 */

/** `$XDG_CACHE_HOME/berth/<name>` or `$HOME/.cache/berth/<name>`; none without either. */
export function userCacheDir(env: Record<string, string | undefined>, name: string): string | undefined {
  const base = env.XDG_CACHE_HOME || (env.HOME ? join(env.HOME, ".cache") : undefined);
  return base ? join(base, "berth", name) : undefined;
}

export function sha256(content: string | Buffer): string {
  return createHash("sha256").update(content).digest("hex");
}

const HASH_LINE = 65;

/** The body of `file` when it passes the checks above, else undefined. */
export function readPrivateCacheFile(file: string): Buffer | undefined {
  try {
    const dirStat = lstatSync(dirname(file));
    const st = lstatSync(file);
    const uid = process.getuid?.();
    if (!st.isFile() || !dirStat.isDirectory()) return undefined;
    if (uid !== undefined && (st.uid !== uid || dirStat.uid !== uid)) return undefined;
    if ((st.mode & 0o022) !== 0 || (dirStat.mode & 0o077) !== 0) return undefined;
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
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if ((lstatSync(dir).mode & 0o077) !== 0) return;
    writeFileSync(tmp, Buffer.concat([Buffer.from(`${sha256(body)}\n`, "latin1"), body]), { mode: 0o600 });
    renameSync(tmp, file);
    const cutoff = statSync(file).mtimeMs - STALE_MS;
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (p !== file && statSync(p).mtimeMs < cutoff) rmSync(p, { force: true });
    }
  } catch {
    rmSync(tmp, { force: true });
  }
}
