import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { EnvironmentError } from "../errors.js";
import { startWriterThread } from "../write/writer-thread.js";
import { bytesOf, mountOverlay, mountTree, type LazyBytes, type TreeFile } from "../read/tree-fs.js";

/** A revision's files as git stores them: fleet-relative paths (already checked safe), modes and contents. */
export interface RevisionFiles {
  /** `oid`: the git blob the content is (absent for a file read from the working tree). */
  entries: Array<{ mode: string; path: string; oid?: string }>;
  /** The contents, or their sizes and how to read them (git.ts reads the blobs the parse cache knows only on demand). */
  blobs: Array<Buffer | LazyBytes>;
  /** Every file of the revision's generated folders (never written): path → `<mode> <git blob id>`. */
  generated: ReadonlyMap<string, string>;
  /** Their contents, when asked for. */
  generatedContent?: ReadonlyMap<string, Buffer>;
  /** Reads in the background the contents not read yet whose paths `wanted` names (blobs.ts). */
  prefetch?(wanted: (path: string) => boolean): Promise<void>;
}

/**
 * Writes `files` under `into` on the writer thread (write/writer-thread.ts), so that creating a
 * few hundred files on a disk-backed temp folder overlaps the head's load; settles when every file
 * is written.
 */
export function writeRevision(into: string, files: RevisionFiles): Promise<void> {
  mkdirSync(into, { recursive: true });
  const thread = startWriterThread((why) => new EnvironmentError(`could not write a revision into the temp folder ${into}: ${why}`, "check that the temp folder (TMPDIR) is writable and not full"));
  files.entries.forEach((e, i) => thread.file(join(into, e.path), bytesOf(files.blobs[i]!), e.mode === "120000" ? "symlink" : e.mode === "100755" ? 0o755 : 0o644));
  return thread.done().then(() => undefined);
}

/** A revision a preview side reads: served from memory where it can be, written to disk when it must be. */
export interface OpenedRevision {
  /** Settles (with undefined or the write's error) when the revision can be read at its folder. */
  ready: Promise<unknown>;
  /** Settles when the revision's files are on disk too, as helm and kustomize need them (written on the first call). */
  onDisk(): Promise<void>;
  /** Stops serving it from memory. */
  close(): void;
  /** Settles (never rejects) once no write of it is under way. */
  settled(): Promise<void>;
}

/**
 * Makes `files` readable at `into`. A revision of regular files only is mounted in memory
 * (read/tree-fs.ts): the readers take its blobs as git stores them and nothing is written unless
 * a render asks for it. One with a symbolic link is written to disk at once, so that the readers'
 * link checks run on real links.
 */
export function openRevision(into: string, files: RevisionFiles): OpenedRevision {
  if (files.entries.some((e) => e.mode === "120000")) {
    const written = writeRevision(into, files);
    const ready = written.then(() => undefined, (e: unknown) => e);
    return { ready, onDisk: () => written, close: () => undefined, settled: () => ready.then(() => undefined) };
  }
  let unmount: (() => void) | undefined = mountTree(into, files.entries.map((e, i) => ({ path: e.path, content: files.blobs[i]!, blobId: e.oid, executable: e.mode === "100755" })));
  let written: Promise<void> | undefined;
  const close = () => {
    unmount?.();
    unmount = undefined;
  };
  return {
    ready: Promise.resolve(undefined),
    onDisk: () => (written ??= (close(), writeRevision(into, files))),
    close,
    settled: () => (written ?? Promise.resolve()).then(() => undefined, () => undefined),
  };
}

/**
 * Makes the revision opened at `base` (mounted in memory) with `changes` applied readable at `into`
 * (read/tree-fs.ts mountOverlay), in memory only: the working tree a preview reads over its base,
 * which helm and kustomize never read (a render reads the disk). Undefined when that tree cannot be
 * served so (see mountOverlay).
 */
export function openOverlay(into: string, base: string, changes: ReadonlyMap<string, TreeFile | null>): OpenedRevision | undefined {
  const unmount = mountOverlay(into, base, changes);
  if (!unmount) return undefined;
  const done = Promise.resolve(undefined);
  return {
    ready: done,
    onDisk: () => Promise.reject(new Error(`the working tree over the base at ${into} is served from memory only`)),
    close: unmount,
    settled: () => Promise.resolve(),
  };
}
