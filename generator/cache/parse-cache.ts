import { deserialize, serialize } from "node:v8";
import { createParseMemo, type ParseMemo } from "../yaml/parse-memo.js";
import { sourceOfParsedText, type ParsedYaml } from "../yaml/source.js";
import { codeDigest } from "./output-cache.js";
import { readPrivateCacheFile, repoCacheFile, sha256, writePrivateCacheFile } from "./private-file.js";

/**
 * The data of every input file that parsed without a problem in the last run on this
 * repository, by the sha256 of its text, so that an unchanged file is not parsed again: the
 * `yaml` library needs about a millisecond per small file in a fresh process (its parser is
 * still being compiled), which at a few hundred files was a third of `berth generate --check`.
 *
 * Only clean parses are kept: a text with any problem (syntax, duplicate keys, several
 * documents, an alias bomb) is parsed, and reported, every time. An entry is used only for the
 * exact text it was made from and only by the berth build that made it; its file is one of this
 * user's private cache files (private-file.ts). Positions are parsed again from the text
 * when a diagnostic needs them ({@link sourceOfParsedText}).
 *
 * A file read with a stat signature that can be trusted (its change time older than the run's
 * start by the same two seconds as generate's records: read/input-tree.ts) is also recorded
 * under its path with that signature; while the signature stays the same the text is not even
 * read ({@link ParseMemo.unchanged}). At 10,000 apps that is 20,000 reads and hashes a run.
 *
 * A file of a revision read from git is known by its blob id the same way (signature
 * `blob:<id>`): git names a blob by its bytes, so the data recorded under an id stands for the
 * text that blob reads as, in any revision, with no clock involved. They are kept in a file of
 * their own, data by id: `berth preview` reads from git only the blobs whose ids it does not know
 * ({@link ParseCache.knowsBlob}), and when it knows them all, it does not read the entries by text
 * either (the few files a change touches are parsed).
 */
export interface ParseCache extends ParseMemo {
  /** Whether the clean parse of the git blob with this id is known, so that its text need not be read to load it. */
  knowsBlob(oid: string): boolean;
  /** Writes the entries this run used, if they differ from what was read. */
  save(): void;
}

interface Body {
  version: number;
  code: string;
  entries: Map<string, unknown>;
}

/**
 * The files known by signature, in a file of their own beside the entries: only a run that asks
 * by signature (generate) reads it, so validate and preview neither load its 20,000 records
 * (about 8 MB of their peak memory at 10,000 apps) nor drop them when they save.
 */
interface SignedBody {
  version: number;
  code: string;
  /**
   * Path → the stat signature and the sha256 of the text, joined by NUL, of each file read with a
   * trusted signature: one string a file, as 20,000 pairs took several times as long to read back.
   */
  files: Map<string, string>;
}

/** The blobs known by id, in a third file: only a run reading revisions from git (preview) asks by id. */
interface BlobsBody {
  version: number;
  code: string;
  /** git blob id → the data of its text, for each blob read from a mounted revision whose text parsed cleanly. */
  blobs: Map<string, unknown>;
}

const VERSION = 4;

/** The signature a file mounted from git carries (read/input-tree.ts). */
const BLOB = "blob:";

/**
 * The parse cache of the repository at `root`; only an in-process memo without a per-user cache
 * folder. `byBlob`: the run will ask by blob id, so the blobs' file is read now (while the caller
 * waits for git) rather than on the first question; the entries by text are then read only once
 * a blob was not known (its text will be asked for), not for the few texts a change touches.
 */
export function openParseCache(root: string, env: Record<string, string | undefined>, opts: { byBlob?: boolean } = {}): ParseCache {
  const memo = createParseMemo();
  const file = repoCacheFile(env, "parse", root, "bin");
  if (!file) return { ...memo, knowsBlob: () => false, save: () => {} };
  const signedFile = file.replace(/\.bin$/, ".signed.bin");
  const blobsFile = file.replace(/\.bin$/, ".blobs.bin");
  const code = codeDigest();
  // Each file is read on the first question that needs it; undefined until then.
  let storedEntries: Map<string, unknown> | undefined;
  const stored = () => (storedEntries ??= readMap(file, code, "entries"));
  const used = new Map<string, unknown>();
  let storedFiles: Map<string, string> | undefined;
  const files = () => (storedFiles ??= readMap(signedFile, code, "files"));
  const usedFiles = new Map<string, string>();
  let storedBlobs: Map<string, unknown> | undefined;
  const blobs = () => (storedBlobs ??= readMap(blobsFile, code, "blobs"));
  const usedBlobs = new Map<string, unknown>();
  if (opts.byBlob) blobs();
  // Whether texts are looked up by hash: always, but in a run by blob id only once a blob was unknown.
  let byText = !opts.byBlob;
  /** The entry of a text by its hash, noted as used (so that it is kept). */
  const known = (hash: string): { value: unknown } | undefined => {
    const entries = stored();
    if (!entries.has(hash)) return undefined;
    const value = entries.get(hash);
    used.set(hash, value);
    return { value };
  };
  return {
    get: (path, text) => {
      const inProcess = memo.get(path, text);
      if (inProcess || !byText) return inProcess;
      const entry = known(sha256(text));
      if (!entry) return undefined;
      const parsed: ParsedYaml = { source: sourceOfParsedText(path, text, entry.value), diagnostics: [] };
      memo.set(path, text, parsed);
      return parsed;
    },
    set: (path, text, parsed) => {
      memo.set(path, text, parsed);
      if (parsed.source && parsed.diagnostics.length === 0) used.set(sha256(text), parsed.source.value);
    },
    knowsBlob: (oid) => {
      if (blobs().has(oid)) return true;
      byText = true;
      return false;
    },
    unchanged: (path, signature, text) => {
      if (signature.startsWith(BLOB)) {
        const oid = signature.slice(BLOB.length);
        const known = blobs();
        if (!known.has(oid)) return undefined;
        const value = known.get(oid);
        usedBlobs.set(oid, value);
        return { source: sourceOfParsedText(path, text, value), diagnostics: [] };
      }
      const recorded = files().get(path);
      if (recorded === undefined || recorded.charCodeAt(signature.length) !== 0 || !recorded.startsWith(signature)) return undefined;
      const entry = known(recorded.slice(signature.length + 1));
      if (!entry) return undefined;
      usedFiles.set(path, recorded);
      return { source: sourceOfParsedText(path, text, entry.value), diagnostics: [] };
    },
    signed: (path, signature, text) => {
      const hash = sha256(text);
      // Only a file whose text parsed cleanly has an entry to point at.
      if (!used.has(hash)) return;
      if (signature.startsWith(BLOB)) {
        blobs();
        usedBlobs.set(signature.slice(BLOB.length), used.get(hash));
      } else {
        files();
        usedFiles.set(path, `${signature}\0${hash}`);
      }
    },
    save: () => {
      // Each file is written by a run that read it, with what it used: the others leave it as it is.
      // A text's hash, or a blob's id, stands for one text, so the same keys mean the same data.
      if (differs(storedEntries, used, (k) => storedEntries!.has(k))) writePrivateCacheFile(file, serialize({ version: VERSION, code, entries: used } satisfies Body));
      if (differs(storedBlobs, usedBlobs, (k) => storedBlobs!.has(k))) writePrivateCacheFile(blobsFile, serialize({ version: VERSION, code, blobs: usedBlobs } satisfies BlobsBody));
      if (differs(storedFiles, usedFiles, (k, v) => storedFiles!.get(k) === v)) writePrivateCacheFile(signedFile, serialize({ version: VERSION, code, files: usedFiles } satisfies SignedBody));
    },
  };
}

/** Whether a map read from a file (`before`; undefined when the run never read it) must be written again as `now`: `same` says an entry is kept as it was. */
function differs<V>(before: ReadonlyMap<string, V> | undefined, now: ReadonlyMap<string, V>, same: (key: string, value: V) => boolean): boolean {
  return before !== undefined && (now.size !== before.size || ![...now].every(([k, v]) => same(k, v)));
}

/** The map a cache file keeps under `field`: empty when the file is missing or unreadable, or was written by another version or another build of berth. */
function readMap<K extends "entries" | "files" | "blobs">(file: string, code: string, field: K): (Body & SignedBody & BlobsBody)[K] {
  const data = readPrivateCacheFile(file);
  if (!data) return new Map();
  try {
    const body = deserialize(data) as Partial<Body & SignedBody & BlobsBody>;
    const map = body[field];
    return body.version === VERSION && body.code === code && map instanceof Map ? map : new Map();
  } catch {
    return new Map();
  }
}
