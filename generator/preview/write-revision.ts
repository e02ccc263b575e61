import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { EnvironmentError } from "../errors.js";
import { startWriterThread } from "../write/writer-thread.js";

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
 * Writes `files` under `into` on the writer thread (write/writer-thread.ts), so that creating a
 * few hundred files on a disk-backed temp folder overlaps the head's load; settles when every file
 * is written.
 */
export function writeRevision(into: string, files: RevisionFiles): Promise<void> {
  mkdirSync(into, { recursive: true });
  const thread = startWriterThread((why) => new EnvironmentError(`could not write a revision into the temp folder ${into}: ${why}`, "check that the temp folder (TMPDIR) is writable and not full"));
  files.entries.forEach((e, i) => thread.file(join(into, e.path), files.blobs[i]!, e.mode === "120000" ? "symlink" : e.mode === "100755" ? 0o755 : 0o644));
  return thread.done().then(() => undefined);
}
