import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { EnvironmentError } from "../errors.js";

/** A revision's files as git stores them: fleet-relative paths (already checked safe), modes and contents. */
export interface RevisionFiles {
  entries: Array<{ mode: string; path: string }>;
  blobs: Buffer[];
  /** Every file of the revision's generated folders (never written): path → `<mode> <git blob id>`. */
  generated: ReadonlyMap<string, string>;
  /** Their contents, when asked for. */
  generatedContent?: ReadonlyMap<string, Buffer>;
}

/**
 * The writer thread: creating a few hundred files on a disk-backed temp folder is mostly waiting
 * on the file system, so it runs beside the main thread (which meanwhile loads the head) instead
 * of before it. Plain script text, so it needs no build step of its own.
 */
const WRITER = `
const { parentPort, workerData } = require("node:worker_threads");
const { mkdirSync, symlinkSync, writeFileSync } = require("node:fs");
const { dirname } = require("node:path");
const bytes = new Uint8Array(workerData.data);
try {
  const made = new Set();
  for (const [target, mode, start, end] of workerData.files) {
    const dir = dirname(target);
    if (!made.has(dir)) mkdirSync(dir, { recursive: true });
    made.add(dir);
    const body = bytes.subarray(start, end);
    if (mode === "120000") symlinkSync(Buffer.from(body).toString("utf8"), target);
    else writeFileSync(target, body, { mode: mode === "100755" ? 0o755 : 0o644 });
  }
  parentPort.postMessage(null);
} catch (e) {
  parentPort.postMessage(String((e && e.message) || e));
}
`;

/**
 * Writes `files` under `into` on a worker thread; settles when every file is written. The contents
 * are moved to the worker in one buffer, not copied per file.
 */
export function writeRevision(into: string, files: RevisionFiles): Promise<void> {
  mkdirSync(into, { recursive: true });
  const total = files.blobs.reduce((n, b) => n + b.length, 0);
  const data = new Uint8Array(total);
  const list: Array<[string, string, number, number]> = [];
  let at = 0;
  files.entries.forEach((e, i) => {
    const blob = files.blobs[i]!;
    data.set(blob, at);
    list.push([join(into, e.path), e.mode, at, at + blob.length]);
    at += blob.length;
  });
  const fail = (why: string) => new EnvironmentError(`could not write a revision into the temp folder ${into}: ${why}`, "check that the temp folder (TMPDIR) is writable and not full");
  return new Promise((resolve, reject) => {
    const worker = new Worker(WRITER, { eval: true, workerData: { files: list, data: data.buffer }, transferList: [data.buffer] });
    worker.once("message", (m: string | null) => (m === null ? resolve() : reject(fail(m))));
    worker.once("error", (e) => reject(fail(e.message)));
    worker.once("exit", (code) => reject(fail(`the writer stopped with code ${code}`)));
  });
}
