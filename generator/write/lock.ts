import { existsSync, linkSync, lstatSync, mkdirSync, readFileSync, realpathSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { EnvironmentError } from "../errors.js";
import { sha256, userCacheDir } from "../cache/private-file.js";

/**
 * One writer at a time per fleet. Commands that write (generate, seal, keys generate) hold the
 * lock from before they read what they will change until their last rename, so two runs from a
 * terminal, an editor task and CI can neither interleave their swaps of clusters/<c>/argocd/ nor
 * both merge into the same secrets file and lose a key. The file holds the holder's PID; a lock
 * whose process is gone (killed, machine crashed) is taken over.
 *
 * The file lives where git never shows it (a killed writer must not leave an untracked file in
 * the work tree): in the git directory of the work tree the fleet is in (a linked worktree has
 * its own, and so its own lock, as it has its own files), named after the fleet's folder inside
 * it (two fleets in one repository do not wait for each other). Outside git, in the user's
 * cache folder, named after the fleet's real path.
 */

export interface LockDeps {
  pid: number;
  /** Whether a process with this id exists. */
  alive: (pid: number) => boolean;
  /** A unique suffix for this process's temporary names. */
  unique: () => string;
  /**
   * Called at the points of a takeover where another writer could run: having read a stale lock,
   * and having won the right to replace it. Tests force interleavings here.
   */
  step?: (point: "stale-read" | "takeover-won") => void;
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

/** Where the write lock of the fleet at `root` is kept (see the module comment); its folder exists. */
export function lockPath(root: string, env: Record<string, string | undefined>): string {
  const fleet = realpathSync(resolve(root));
  for (let dir = fleet; ; dir = dirname(dir)) {
    const gitDir = gitDirAt(dir);
    if (gitDir) {
      const folder = join(gitDir, "berth");
      mkdirSync(folder, { recursive: true });
      const inside = relative(dir, fleet) || ".";
      return join(folder, inside === "." ? "write.lock" : `write-${sha256(inside).slice(0, 16)}.lock`);
    }
    if (dirname(dir) === dir) break;
  }
  const cache = userCacheDir(env, "locks", fleet);
  if (!cache) return join(fleet, ".berth.lock"); // no git and no home: nothing to hide it from
  mkdirSync(cache, { recursive: true, mode: 0o700 });
  return join(cache, `${sha256(fleet).slice(0, 32)}.lock`);
}

/** The git directory of a work tree whose top is `dir`: `.git/`, or the one a `.git` file names (linked worktrees, submodules). */
function gitDirAt(dir: string): string | undefined {
  const dotGit = join(dir, ".git");
  let st;
  try {
    st = lstatSync(dotGit);
  } catch {
    return undefined;
  }
  if (st.isDirectory()) return dotGit;
  if (!st.isFile()) return undefined;
  const m = /^gitdir:\s*(.+?)\s*$/m.exec(readFileSync(dotGit, "utf8"));
  if (!m) return undefined;
  const target = isAbsolute(m[1]!) ? m[1]! : join(dir, m[1]!);
  return existsSync(target) && statSync(target).isDirectory() ? target : undefined;
}

/** Takes the fleet's write lock, or fails (exit 2) naming the process that holds it. */
export function acquireWriteLock(root: string, env: Record<string, string | undefined>, deps: LockDeps = processLockDeps()): WriteLock {
  const path = lockPath(root, env);
  for (let attempt = 0; attempt < 5; attempt++) {
    // Written whole under a private name, then linked into place: link(2) fails if the lock
    // exists, and no one ever sees a lock file without its PID.
    const mine = `${path}.new-${deps.unique()}`;
    writeFileSync(mine, `${deps.pid}\n`, { mode: 0o644, flag: "wx" });
    try {
      try {
        linkSync(mine, path);
        return { release: () => releaseIfOurs(path, deps.pid) };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      }
      const found = readLock(path);
      if (found === undefined) continue; // released meanwhile: try again
      if (holds(found.pid, deps)) {
        throw new EnvironmentError(
          `another berth is writing in ${root} (pid ${found.pid}); nothing was written`,
          `wait for it to finish and run the command again; if no berth is running, remove ${path}`,
        );
      }
      deps.step?.("stale-read");
      if (takeOver(path, found, mine, deps)) return { release: () => releaseIfOurs(path, deps.pid) };
      // Another writer is replacing the same stale lock: give it a moment to finish.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10 * (attempt + 1));
    } finally {
      if (existsSync(mine)) unlinkSync(mine);
    }
  }
  throw new EnvironmentError(`could not take the write lock ${path}: other berth runs keep taking it`, `run the command again; if no berth is running, remove ${path} and ${path}.takeover-*`);
}

/** Whether a lock holding `pid` is another live writer's (0: a file that is no lock, so stale). */
function holds(pid: number, deps: LockDeps): boolean {
  return pid !== 0 && pid !== deps.pid && deps.alive(pid);
}

function readLock(path: string): { pid: number; ino: number } | undefined {
  try {
    const ino = statSync(path).ino;
    const pid = Number(readFileSync(path, "utf8").trim());
    return Number.isInteger(pid) && pid > 0 ? { pid, ino } : { pid: 0, ino };
  } catch {
    return undefined;
  }
}

/**
 * Replaces the stale lock `stale` (a dead holder's, as read at `path`) with `mine`, atomically and
 * by at most one writer. The right to take over that lock is a second hard link to it under a
 * name of its own (`.takeover-<inode>`): link(2) gives it to exactly one writer. The winner checks
 * the link is still the stale file (not a newer lock that replaced it since it was read); while it
 * holds that name, nothing else can change `path` (acquirers' link(2) fails on it, its holder is
 * dead, any other taker-over loses the link), so the rename of `mine` over it replaces exactly the
 * stale lock. Writers that lose read the lock again and find the winner alive.
 */
function takeOver(path: string, stale: { pid: number; ino: number }, mine: string, deps: LockDeps): boolean {
  const right = `${path}.takeover-${stale.ino}`;
  try {
    linkSync(path, right);
  } catch {
    return false; // another writer is taking it over, or the lock is gone: read it again
  }
  try {
    const linked = readLock(right);
    if (!linked || linked.ino !== stale.ino || linked.pid !== stale.pid || holds(linked.pid, deps)) return false;
    deps.step?.("takeover-won");
    renameSync(mine, path);
    return true;
  } finally {
    unlinkSync(right);
  }
}

function releaseIfOurs(path: string, pid: number): void {
  if (readLock(path)?.pid === pid) unlinkSync(path);
}
