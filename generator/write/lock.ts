import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { EnvironmentError } from "../errors.js";

/**
 * One writer at a time per repository. Commands that write (generate, seal, keys generate) hold
 * `<root>/.berth.lock` from before they read what they will change until their last rename, so
 * two runs from a terminal, an editor task and CI can neither interleave their swaps of
 * clusters/<c>/argocd/ nor both merge into the same secrets file and lose a key. The file holds
 * the holder's PID; a lock whose process is gone (killed, machine crashed) is taken over.
 */

export const LOCK_FILE = ".berth.lock";

export interface LockDeps {
  pid: number;
  /** Whether a process with this id exists. */
  alive: (pid: number) => boolean;
  /** A unique suffix for this process's temporary names. */
  unique: () => string;
}

export const processLockDeps = (): LockDeps => ({
  pid: process.pid,
  alive: (pid) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === "EPERM";
    }
  },
  unique: () => `${process.pid}-${Math.random().toString(36).slice(2)}`,
});

export interface WriteLock {
  release(): void;
}

/** Takes the repository's write lock, or fails (exit 2) naming the process that holds it. */
export function acquireWriteLock(root: string, deps: LockDeps = processLockDeps()): WriteLock {
  const path = join(root, LOCK_FILE);
  for (let attempt = 0; attempt < 5; attempt++) {
    // Written whole under a private name, then linked into place: link(2) fails if the lock
    // exists, and no one ever sees a lock file without its PID.
    const mine = `${path}.new-${deps.unique()}`;
    writeFileSync(mine, `${deps.pid}\n`, { mode: 0o644, flag: "wx" });
    try {
      linkSync(mine, path);
      return { release: () => releaseIfOurs(path, deps.pid) };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    } finally {
      unlinkSync(mine);
    }
    const holder = holderOf(path);
    if (holder === undefined) continue; // released meanwhile: try again
    if (holder !== deps.pid && deps.alive(holder)) {
      throw new EnvironmentError(
        `another berth is writing in ${root} (pid ${holder}); nothing was written`,
        `wait for it to finish and run the command again; if no berth is running, remove ${path}`,
      );
    }
    removeStale(path, holder, deps);
  }
  throw new EnvironmentError(`could not take the write lock ${path}: other berth runs keep taking it`, "run the command again");
}

function holderOf(path: string): number | undefined {
  try {
    const pid = Number(readFileSync(path, "utf8").trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Removes a lock left by a dead process. It is first renamed to a private name, so two runs
 * recovering at once cannot delete each other's fresh lock: whoever renamed a live lock puts it back.
 */
function removeStale(path: string, stalePid: number, deps: LockDeps): void {
  const grave = `${path}.stale-${deps.unique()}`;
  try {
    renameSync(path, grave);
  } catch {
    return;
  }
  if (holderOf(grave) !== stalePid) {
    try {
      linkSync(grave, path);
    } catch {
      // a newer lock is already in place
    }
  }
  unlinkSync(grave);
}

function releaseIfOurs(path: string, pid: number): void {
  if (holderOf(path) === pid) unlinkSync(path);
}
