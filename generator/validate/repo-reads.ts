import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { join } from "node:path";

/**
 * A repository file's bytes for validate's scans, or undefined when the caller should read it
 * itself (as it did before): a file larger than {@link CACHED_BYTES}, or one that cannot be read.
 */
export type RepoReader = (file: string) => Buffer | undefined;

/** The files more than one scan reads: values files (as repository-credentials.ts finds them); the others are read once, by the private-key scan. */
const READ_AGAIN = /^apps\/.+\/values[^/]*\.ya?ml$|^clusters\/[^/]+\/(values\/[^/]+\.ya?ml|cluster\.yaml)$/;

/** Files up to this size are kept: values files, manifests, templates (a large file is read per scan, as before). */
const CACHED_BYTES = 256 * 1024;

/**
 * One read of each small file for validate's hygiene scans (private keys, plaintext credentials,
 * Argo CD repository credentials), which each read every file they look at: at 10,000 apps, one
 * read of 10,000 values files instead of three. Only values files are kept, and only those
 * `list` lists are asked for (regular files); a validate run only reads, so a file's bytes do not
 * change during it.
 */
export function repoReader(root: string): RepoReader {
  const kept = new Map<string, Buffer | null>();
  return (file) => {
    if (!READ_AGAIN.test(file)) return undefined;
    let b = kept.get(file);
    if (b === undefined) kept.set(file, (b = readSmall(join(root, file))));
    return b ?? undefined;
  };
}

function readSmall(path: string): Buffer | null {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch {
    return null;
  }
  try {
    const size = fstatSync(fd).size;
    if (size > CACHED_BYTES) return null;
    // One byte more than the size: a file that grew while read is left to the scans.
    const buf = Buffer.allocUnsafe(size + 1);
    let n = 0;
    for (let r; n < buf.length && (r = readSync(fd, buf, n, buf.length - n, n)) > 0; ) n += r;
    return n === size ? buf.subarray(0, n) : null;
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}
