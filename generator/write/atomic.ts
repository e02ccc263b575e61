import { closeSync, fsyncSync, openSync, readdirSync, renameSync, rmSync, writeSync } from "node:fs";
import { dirname, basename, join } from "node:path";

/**
 * Writes one file so that readers see either the old content or the new, never a partial file:
 * the bytes go to a sibling temp file, are flushed to disk, then renamed over the target.
 */
export function writeFileAtomic(path: string, content: string | Buffer, mode = 0o644): void {
  const prefix = `.${basename(path)}.berth-tmp-`;
  removeAbandoned(dirname(path), prefix);
  const tmp = join(dirname(path), `${prefix}${process.pid}`);
  try {
    writeFileDurable(tmp, content, mode);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** Writes and flushes a file no reader can see yet. */
function writeFileDurable(path: string, content: string | Buffer, mode = 0o644): void {
  const fd = openSync(path, "w", mode);
  try {
    writeSync(fd, typeof content === "string" ? Buffer.from(content, "utf8") : content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Temp files of writers that were killed before their rename: their process no longer exists. */
function removeAbandoned(dir: string, prefix: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length));
    if (Number.isInteger(pid) && pid !== process.pid && !alive(pid)) rmSync(join(dir, name), { force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
