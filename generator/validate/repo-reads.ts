import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { join } from "node:path";

/**
 * A repository file's content for validate's scans, or undefined when the caller should read it
 * itself (as it did before): a file neither the loader read nor kept here, one larger than
 * {@link CACHED_BYTES}, or one that cannot be read.
 */
export interface RepoReader {
  /** The file decoded as UTF-8 (what `readFileSync(path, "utf8")` returns). */
  text(file: string): string | undefined;
  /** Its first `bytes` bytes decoded as latin1 (one character a byte). */
  head(file: string, bytes: number): string | undefined;
  /**
   * Whether the scans may pass over `file` without reading it: every scan looked at it before and
   * found nothing, and it has not changed since (cache/scan-verdicts.ts, through the caller).
   */
  clean(file: string): boolean;
  /** Notes that the private-key scan, which looks at every file the others do, read `file` (see {@link scanned}). */
  scanning(file: string): void;
  /** The files the private-key scan read, in the order it read them: those a run may record as clean. */
  scanned(): readonly string[];
}

/** The files more than one scan reads: values files (as repository-credentials.ts finds them); the others are read once, by the private-key scan. */
const READ_AGAIN = /^apps\/.+\/values[^/]*\.ya?ml$|^clusters\/[^/]+\/(values\/[^/]+\.ya?ml|cluster\.yaml)$/;

/** Files up to this size are kept: values files, manifests, templates (a large file is read per scan, as before). */
const CACHED_BYTES = 256 * 1024;

/** Any character outside ASCII: such a text's UTF-8 decoding is not its bytes one for one. */
const NOT_ASCII = /[^\x00-\x7f]/;

/**
 * One read of each small file for validate's scans (private keys, plaintext credentials, Argo CD
 * repository credentials, plaintext Secrets), which each read every file they look at: at 10,000
 * apps, one read of 20,000 input files instead of four. `known`: the texts the loader read (as
 * `readFileSync(…, "utf8")` decodes them), used as they are; besides those, only values files are
 * kept. A validate run only reads, so a file's bytes do not change during it. `clean`: the files
 * the scans need not read at all (see {@link RepoReader.clean}).
 */
export function repoReader(root: string, known: ReadonlyMap<string, string> = new Map(), clean: (file: string) => boolean = () => false): RepoReader {
  const kept = new Map<string, Buffer | null>();
  const scanned: string[] = [];
  // Asked by four scans for most files: answered once a file.
  const answers = new Map<string, boolean>();
  const bytes = (file: string): Buffer | undefined => {
    if (!READ_AGAIN.test(file)) return undefined;
    let b = kept.get(file);
    if (b === undefined) kept.set(file, (b = readSmall(join(root, file))));
    return b ?? undefined;
  };
  return {
    text: (file) => known.get(file) ?? bytes(file)?.toString("utf8"),
    head: (file, n) => {
      const text = known.get(file);
      // An ASCII text is its bytes; any other is read as bytes (a BOM, invalid UTF-8, other scripts).
      if (text !== undefined && !NOT_ASCII.test(text)) return text.length > n ? text.slice(0, n) : text;
      const b = bytes(file);
      return b?.toString("latin1", 0, Math.min(b.length, n));
    },
    clean: (file) => {
      let yes = answers.get(file);
      if (yes === undefined) answers.set(file, (yes = clean(file)));
      return yes;
    },
    scanning: (file) => void scanned.push(file),
    scanned: () => scanned,
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
