import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { EnvironmentError } from "../errors.js";
import { layout } from "../layout.js";
import type { EncodedFile } from "../plan/output.js";
import { startWriterThread } from "./writer-thread.js";
import { NEXT, PREV } from "../read/swap-folders.js";

/** Creating files waits on the disk more than on a CPU: two threads keep it busier than one. */
const WRITER_THREADS = 2;

/**
 * Writes changed clusters' folders, each as a whole: the new tree is built beside the old one
 * and swapped in by two renames, so a reader or a killed run sees the complete old folder or the
 * complete new one. A swap interrupted between its renames is finished by {@link recoverGenerated}.
 * Each file is created on one of the writer threads, in turn, as it is planned, while the caller
 * plans the next; nothing is swapped before {@link GeneratedWrite.finish}.
 *
 * Durability policy: generated files are derived and regenerable, so they are not fsynced (one
 * fsync per file cost seconds at fleet scale). A killed process cannot tear the swap, since the
 * kernel keeps what was written; only a power loss can leave a swapped-in folder with files the
 * disk never received, which `berth generate --check` reports and `berth generate` repairs.
 * Files that cannot be regenerated (`berth seal` output, keys) keep write + fsync + rename
 * ({@link writeFileAtomic} in ./atomic.ts).
 */
export interface GeneratedWrite {
  /**
   * Queues a cluster's folder, to be built beside the current one, a file at a time: the folder is
   * started now, each file is queued as it is given. Its bytes are handed to a writer thread (moved,
   * not copied): the caller must not read them afterwards.
   */
  startCluster(cluster: string): (file: EncodedFile) => void;
  /** Waits for every queued file, then swaps each added cluster's folder in; the sha256 of each file written, by its path. */
  finish(): Promise<Record<string, string>>;
  /** Waits for the writer, then removes what was built: nothing is swapped in. */
  abandon(): Promise<void>;
}

export function startGeneratedWrite(root: string): GeneratedWrite {
  const fail = (why: string) => new EnvironmentError(`could not write the generated folders: ${why}`, "check that the repository is writable and the disk not full");
  const threads = Array.from({ length: WRITER_THREADS }, () => startWriterThread(fail));
  const added: string[] = [];
  const nextDir = (cluster: string) => join(root, dirname(layout.generatedDir(cluster)), NEXT);
  const startCluster = (cluster: string) => {
    added.push(cluster);
    const next = nextDir(cluster);
    // Made (emptied) here, before any thread writes into it: the files then take turns between
    // the threads, so that one cluster of thousands of files keeps both busy. (recoverGenerated
    // has removed a crashed run's folder, so there is nothing to empty but in a race.)
    try {
      rmSync(next, { recursive: true, force: true });
      mkdirSync(next, { recursive: true });
    } catch (e) {
      throw fail((e as Error).message);
    }
    let turn = 0;
    const prefix = layout.generatedDir(cluster).length + 1;
    return (file: EncodedFile) => threads[turn++ % threads.length]!.file(join(next, file.path.slice(prefix)), file.content, 0o644, file.path, { handOver: true });
  };
  return {
    startCluster,
    finish: async () => {
      const hashes = Object.assign({}, ...(await Promise.all(threads.map((t) => t.done())))) as Record<string, string>;
      for (const cluster of added) {
        const parent = join(root, dirname(layout.generatedDir(cluster)));
        const current = join(root, layout.generatedDir(cluster));
        rmSync(join(parent, PREV), { recursive: true, force: true });
        if (existsSync(current)) renameSync(current, join(parent, PREV));
        renameSync(join(parent, NEXT), current);
        rmSync(join(parent, PREV), { recursive: true, force: true });
      }
      return hashes;
    },
    abandon: async () => {
      await Promise.all(threads.map((t) => t.done().catch(() => undefined)));
      for (const cluster of added) rmSync(nextDir(cluster), { recursive: true, force: true });
    },
  };
}

/** Finishes or rolls back a swap that a crash interrupted; returns what it did, for the log. */
export function recoverGenerated(root: string, clusters: readonly string[]): string[] {
  const notes: string[] = [];
  for (const cluster of clusters) {
    const parent = join(root, dirname(layout.generatedDir(cluster)));
    const current = join(root, layout.generatedDir(cluster));
    const prev = join(parent, PREV);
    const next = join(parent, NEXT);
    if (!existsSync(current) && existsSync(prev)) {
      renameSync(prev, current);
      notes.push(`restored ${layout.generatedDir(cluster)}/ from an interrupted run`);
    }
    if (existsSync(next)) rmSync(next, { recursive: true, force: true });
    if (existsSync(prev)) rmSync(prev, { recursive: true, force: true });
  }
  return notes;
}
