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
 */
export interface ParseCache extends ParseMemo {
  /** Writes the entries this run used, if they differ from what was read. */
  save(): void;
}

interface Body {
  version: number;
  code: string;
  entries: Map<string, unknown>;
}

const VERSION = 1;

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
  return {
    get: (path, text) => {
      const known = memo.get(path, text);
      if (known) return known;
      const hash = sha256(text);
      if (!stored.has(hash)) return undefined;
      const value = stored.get(hash);
      used.set(hash, value);
      const parsed: ParsedYaml = { source: sourceOfParsedText(path, text, value), diagnostics: [] };
      memo.set(path, text, parsed);
      return parsed;
    },
    set: (path, text, parsed) => {
      memo.set(path, text, parsed);
      if (parsed.source && parsed.diagnostics.length === 0) used.set(sha256(text), parsed.source.value);
    },
    save: () => {
      if (used.size === stored.size && [...used.keys()].every((k) => stored.has(k))) return;
      writePrivateCacheFile(file, serialize({ version: VERSION, code, entries: used } satisfies Body));
    },
  };
}

function read(file: string, code: string): Map<string, unknown> {
  const data = readPrivateCacheFile(file);
  if (!data) return new Map();
  try {
    const body = deserialize(data) as Partial<Body>;
    return body.version === VERSION && body.code === code && body.entries instanceof Map ? body.entries : new Map();
  } catch {
    return new Map();
  }
}
