import { chmod, mkdir, mkdtemp, readdir, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/** Temp directories of interrupted fills older than this are removed by the next fill. */
const STALE_TEMP_MS = 60 * 60 * 1000;

/**
 * Creates directory `dir` with contents written by `fill`, so that no process ever sees it half
 * written: `fill` writes into a private temp directory beside `dir`, which is then renamed into
 * place (rename(2) of a directory is atomic on one file system). When processes race, the first
 * rename wins; the others fail with ENOTEMPTY/EEXIST, discard their copy and use the winner's.
 * Returns false when another process won, true when this one did.
 *
 * `isComplete(dir)` says whether an existing `dir` is usable; an empty directory left by
 * someone else is replaced, anything else that is not complete is an error.
 */
export async function populateDirAtomically(
  dir: string,
  isComplete: (dir: string) => boolean,
  fill: (tmp: string) => Promise<void>,
  mode = 0o755,
): Promise<boolean> {
  const parent = dirname(dir);
  const tempPrefix = `.${basename(dir)}.tmp-`;
  await mkdir(parent, { recursive: true });
  await removeStaleTemps(parent, tempPrefix);
  const tmp = await mkdtemp(join(parent, tempPrefix));
  try {
    await fill(tmp);
    await chmod(tmp, mode); // mkdtemp creates 0700
    try {
      await rename(tmp, dir);
      return true;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if ((code === "ENOTEMPTY" || code === "EEXIST") && isComplete(dir)) return false;
      throw e;
    }
  } finally {
    await rm(tmp, { recursive: true, force: true }); // a no-op after a successful rename
  }
}

async function removeStaleTemps(parent: string, prefix: string): Promise<void> {
  for (const name of await readdir(parent)) {
    if (!name.startsWith(prefix)) continue;
    const p = join(parent, name);
    try {
      if (Date.now() - (await stat(p)).mtimeMs > STALE_TEMP_MS) await rm(p, { recursive: true, force: true });
    } catch {
      // raced with its owner or another cleaner: fine
    }
  }
}
