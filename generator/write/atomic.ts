import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { dirname, basename, join } from "node:path";

/**
 * Writes one file so that readers see either the old content or the new, never a partial file:
 * the bytes go to a sibling temp file, are flushed to disk, then renamed over the target.
 */
export function writeFileAtomic(path: string, content: string | Buffer, mode = 0o644): void {
  const tmp = join(dirname(path), `.${basename(path)}.berth-tmp-${process.pid}`);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, "w", mode);
    writeSync(fd, typeof content === "string" ? Buffer.from(content, "utf8") : content);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
}
