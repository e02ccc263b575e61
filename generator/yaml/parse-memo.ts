import { parseYamlSource, sourceOfParsedText, type ParsedYaml } from "./source.js";

/**
 * Parse results by path and text. `berth preview` loads the base and the head, which share most
 * files, and parses each shared file once; cache/parse-cache.ts keeps them between runs.
 * Results are shared, so they are never changed (see {@link YamlSource}).
 */
export interface ParseMemo {
  get(file: string, text: string): ParsedYaml | undefined;
  set(file: string, text: string, parsed: ParsedYaml): void;
  /**
   * A memo that outlives the process (cache/parse-cache.ts) may also know a file by a signature
   * of its content: its stat signature, as git's index does, or the id of the git blob it was
   * mounted from (`blob:<id>`). The clean parse of `file` when `signature` is the one recorded
   * with it, without the text being read (`text` reads it, should a position be asked for).
   */
  unchanged?(file: string, signature: string, text: () => string): ParsedYaml | undefined;
  /** Records that `file`, whose signature is `signature` (one that can be trusted: read/input-tree.ts), has `text`. */
  signed?(file: string, signature: string, text: string): void;
}

/** A memo for the life of one process. */
export function createParseMemo(): ParseMemo & { readonly size: number } {
  const parses = new Map<string, ParsedYaml>();
  const key = (file: string, text: string) => `${file}\u0000${text}`;
  return {
    get: (file, text) => parses.get(key(file, text)),
    set: (file, text, parsed) => void parses.set(key(file, text), parsed),
    get size() {
      return parses.size;
    },
  };
}

/** {@link parseYamlSource} through `memo`: the same path and text parse once. */
export function parseYamlSourceMemo(memo: ParseMemo | undefined, file: string, text: string): ParsedYaml {
  if (!memo) return parseYamlSource(file, text);
  let parsed = memo.get(file, text);
  if (!parsed) {
    parsed = parseYamlSource(file, text);
    // A clean parse keeps its data, not its document: the nodes of 20,000 small files are most of
    // a big fleet's memory, and they are parsed again from the text if a message needs a position.
    if (parsed.source && parsed.diagnostics.length === 0) parsed = { source: sourceOfParsedText(file, text, parsed.source.value), diagnostics: [] };
    memo.set(file, text, parsed);
  }
  return { source: parsed.source, diagnostics: [...parsed.diagnostics] };
}
