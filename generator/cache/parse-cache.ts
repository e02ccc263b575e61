import { realpathSync } from "node:fs";
import { join } from "node:path";
import { deserialize, serialize } from "node:v8";
import { createParseMemo, type ParseMemo } from "../yaml/parse-memo.js";
import { sourceOfParsedText, type ParsedYaml } from "../yaml/source.js";
import { codeDigest } from "./output-cache.js";
import { readPrivateCacheFile, sha256, userCacheDir, writePrivateCacheFile } from "./private-file.js";

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
 */
export interface ParseCache extends ParseMemo {
  /** Writes the entries this run used, if they differ from what was read. */
  save(): void;
}

interface Body {
  version: number;
  code: string;
  entries: Map<string, unknown>;
  /** Path → [stat signature, sha256 of the text] of each file read with a trusted signature. */
  files: Map<string, [string, string]>;
}

const VERSION = 2;

/** The parse cache of the repository at `root`; only an in-process memo without a per-user cache folder. */
export function openParseCache(root: string, env: Record<string, string | undefined>): ParseCache {
  const memo = createParseMemo();
  const dir = userCacheDir(env, "parse", root);
  let file: string | undefined;
  try {
    file = dir && join(dir, `${sha256(realpathSync(root)).slice(0, 32)}.bin`);
  } catch {
    file = undefined;
  }
  if (!file) return { ...memo, save: () => {} };
  const code = codeDigest();
  const stored = read(file, code);
  const used = new Map<string, unknown>();
  const usedFiles = new Map<string, [string, string]>();
  // Whether this run knows files by signature at all: a command that does not (validate, preview)
  // keeps the files generate recorded, with their entries, instead of dropping them on save.
  let bySignature = false;
  /** The entry of a text by its hash, noted as used (so that it is kept). */
  const known = (hash: string): { value: unknown } | undefined => {
    if (!stored.entries.has(hash)) return undefined;
    const value = stored.entries.get(hash);
    used.set(hash, value);
    return { value };
  };
  return {
    get: (path, text) => {
      const inProcess = memo.get(path, text);
      if (inProcess) return inProcess;
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
    unchanged: (path, signature, text) => {
      bySignature = true;
      const recorded = stored.files.get(path);
      if (recorded?.[0] !== signature) return undefined;
      const entry = known(recorded[1]);
      if (!entry) return undefined;
      usedFiles.set(path, recorded);
      return { source: sourceOfParsedText(path, text, entry.value), diagnostics: [] };
    },
    signed: (path, signature, text) => {
      bySignature = true;
      const hash = sha256(text);
      // Only a file whose text parsed cleanly has an entry to point at.
      if (used.has(hash)) usedFiles.set(path, [signature, hash]);
    },
    save: () => {
      if (!bySignature) {
        for (const [path, [sig, hash]] of stored.files) {
          if (!stored.entries.has(hash)) continue;
          usedFiles.set(path, [sig, hash]);
          if (!used.has(hash)) used.set(hash, stored.entries.get(hash));
        }
      }
      const same = used.size === stored.entries.size && [...used.keys()].every((k) => stored.entries.has(k));
      const sameFiles = usedFiles.size === stored.files.size && [...usedFiles].every(([p, [sig, hash]]) => stored.files.get(p)?.[0] === sig && stored.files.get(p)?.[1] === hash);
      if (same && sameFiles) return;
      writePrivateCacheFile(file, serialize({ version: VERSION, code, entries: used, files: usedFiles } satisfies Body));
    },
  };
}

function read(file: string, code: string): Pick<Body, "entries" | "files"> {
  const none = { entries: new Map(), files: new Map() };
  const data = readPrivateCacheFile(file);
  if (!data) return none;
  try {
    const body = deserialize(data) as Partial<Body>;
    return body.version === VERSION && body.code === code && body.entries instanceof Map && body.files instanceof Map ? { entries: body.entries, files: body.files } : none;
  } catch {
    return none;
  }
}
