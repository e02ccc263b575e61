import { Worker } from "node:worker_threads";

/**
 * Files written on a worker thread, in the order given, while the main thread goes on (planning
 * the next cluster, loading the other revision). Creating files is mostly kernel time spent
 * waiting on the file system: on its own thread it overlaps the main thread's work instead of
 * following it. Callers keep their own atomicity (write into a fresh folder, then rename).
 */
export interface WriterThread {
  /**
   * Writes a file (its folder is created); `symlink` makes a symbolic link to `content` instead.
   * With `hashAs`, the sha256 of the content is reported under that name by {@link done}, worked
   * out on the thread rather than by the caller. With `handOver`, a Uint8Array's memory is moved
   * to the thread (transferred, not copied; the caller's array is left empty): for bytes made to be
   * written, which the caller does not read again.
   */
  file(target: string, content: string | Uint8Array, mode: number | "symlink", hashAs?: string, opts?: { handOver?: boolean }): void;
  /** Settles once everything queued is written, with the hashes asked for; rejects with the first failure. */
  done(): Promise<Record<string, string>>;
}

type Op = ["file", string, string | Uint8Array, number | "symlink", string | undefined];

/** Plain script text, so it needs no build step of its own. */
const WORKER = `
const { parentPort } = require("node:worker_threads");
const { mkdirSync, symlinkSync, writeFileSync } = require("node:fs");
const { dirname } = require("node:path");
const { createHash } = require("node:crypto");
const made = new Set();
const hashes = {};
let failed;
parentPort.on("message", (ops) => {
  if (ops === null) {
    // One job ends: report it and forget it, ready for the next job on this thread.
    parentPort.postMessage(failed === undefined ? { hashes } : { failed });
    made.clear();
    for (const name of Object.keys(hashes)) delete hashes[name];
    failed = undefined;
    return;
  }
  if (failed) return;
  try {
    for (const op of ops) {
      const [, target, content, mode, hashAs] = op;
      const dir = dirname(target);
      if (!made.has(dir)) mkdirSync(dir, { recursive: true });
      made.add(dir);
      if (mode === "symlink") symlinkSync(typeof content === "string" ? content : Buffer.from(content).toString("utf8"), target);
      else writeFileSync(target, content, { mode });
      if (hashAs !== undefined) hashes[hashAs] = createHash("sha256").update(content).digest("hex");
    }
  } catch (e) {
    failed = String((e && e.message) || e);
  }
});
`;

/**
 * What is posted for a file's content. postMessage clones a typed array's whole backing buffer: a
 * git blob that is a view into `cat-file --batch`'s output would copy all of that output into
 * every batch (quadratic: gigabytes for a revision of 20,000 files). Only the view's bytes go.
 */
export function ownBytes(content: string | Uint8Array): string | Uint8Array {
  return typeof content !== "string" && content.byteLength !== content.buffer.byteLength ? new Uint8Array(content) : content;
}

/**
 * Threads whose last job ended well, kept for the next job in this process (unref'd, so they keep
 * nothing alive): starting a thread costs more than writing a small cluster's files, and one
 * process may write many times (a preview writes two revisions; tests run berth in-process).
 */
const idle: Worker[] = [];

function newWorker(): Worker {
  const worker = new Worker(WORKER, { eval: true });
  // A thread that fails while idle leaves the pool; a job's own listeners report failures during it.
  worker.on("error", () => {
    const at = idle.indexOf(worker);
    if (at >= 0) idle.splice(at, 1);
  });
  return worker;
}

/** Starts (or reuses) a thread; its start-up overlaps whatever the caller does before queueing files. */
export function startWriterThread(onError: (why: string) => Error): WriterThread {
  const worker = idle.pop() ?? newWorker();
  // An abandoned writer must not keep the process alive; done() holds it while it waits.
  worker.unref();
  let batch: Op[] = [];
  let moved: ArrayBuffer[] = [];
  let broken: Error | undefined;
  const onBroken = (e: Error) => (broken = onError(e.message));
  worker.once("error", onBroken);
  const flush = () => {
    if (batch.length === 0) return;
    worker.postMessage(batch, moved);
    batch = [];
    moved = [];
  };
  return {
    file: (target, content, mode, hashAs, opts) => {
      const posted = ownBytes(content);
      // An array of its own (ownBytes' copy of a view is) can be moved rather than cloned; the
      // same buffer twice in one transfer list would throw.
      if (typeof posted !== "string" && (posted !== content || opts?.handOver) && posted.buffer instanceof ArrayBuffer && !moved.includes(posted.buffer)) moved.push(posted.buffer);
      batch.push(["file", target, posted, mode, hashAs]);
      // Small batches keep the thread busy while the main thread prepares the next files.
      if (batch.length >= 16) flush();
    },
    done: () => {
      flush();
      return new Promise<Record<string, string>>((resolve, reject) => {
        if (broken) return reject(broken);
        worker.ref();
        const onCrash = (e: Error) => {
          worker.off("message", onResult);
          reject(onError(e.message));
        };
        const onResult = (result: { hashes: Record<string, string> } | { failed: string }) => {
          worker.off("error", onCrash).off("error", onBroken).unref();
          if ("hashes" in result) {
            idle.push(worker);
            resolve(result.hashes);
          } else {
            void worker.terminate();
            reject(onError(result.failed));
          }
        };
        worker.once("message", onResult);
        worker.once("error", onCrash);
        worker.postMessage(null);
      });
    },
  };
}
