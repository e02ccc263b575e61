import type { Document, LineCounter, Node, Schema } from "yaml";
import type { Diagnostic } from "../errors.js";
import { HELM_YAML } from "./helm-schema.js";
import { duplicateKeys, firstTooDeep, MAX_YAML_DEPTH } from "./structure.js";
import { yamlLib } from "./yaml-lib.js";

/**
 * A parsed YAML file that can point at any of its nodes as `file:line:col`. Shared by every
 * model loaded from the same text (parse-memo.ts), so never changed once parsed: take the data
 * with {@link toPlain}, which hands out a copy of its own.
 */
export interface YamlSource {
  /** Repository-relative path. */
  readonly file: string;
  readonly doc: Document.Parsed;
  readonly lineCounter: LineCounter;
  /** The document's data, converted once while checking it for alias bombs. */
  readonly value: unknown;
}

export interface ParsedYaml {
  source?: YamlSource;
  diagnostics: Diagnostic[];
}

/**
 * The schema of {@link HELM_YAML}, built once: with its options alone, `yaml` builds the tag
 * list again (and calls its customTags function) for every document it parses.
 */
let helmSchema: Schema | undefined;

function helmYamlOptions() {
  helmSchema ??= new (yamlLib().Schema)({ schema: "yaml-1.1", resolveKnownTags: false, customTags: HELM_YAML.customTags, merge: HELM_YAML.merge });
  return { ...HELM_YAML, schema: helmSchema };
}

export type PathSegment = string | number;

/**
 * Parses one YAML document with positions, reading values the way Helm and Argo CD will
 * ({@link HELM_YAML}). Syntax errors, tabs in indentation, duplicate keys,
 * empty or binary files and multi-document streams are reported as diagnostics.
 */
export function parseYamlSource(file: string, text: string): ParsedYaml {
  if (text.includes("\u0000")) {
    return { diagnostics: [{ file, line: 0, col: 0, message: "is a binary file, expected YAML text", hint: "replace it with a YAML file" }] };
  }
  const { Composer, LineCounter, Parser, parseDocument } = yamlLib();
  const lineCounter = new LineCounter();
  // What parseAllDocuments does, in two steps: the tokens are checked for depth before the
  // (recursive) composer builds nodes of them.
  const tokens = [...new Parser(lineCounter.addNewLine).parse(text)];
  const deep = firstTooDeep(tokens);
  if (deep !== undefined) {
    const pos = lineCounter.linePos(deep);
    return { diagnostics: [{ file, line: pos.line, col: pos.col, message: `nests mappings and lists deeper than ${MAX_YAML_DEPTH} levels, berth's limit for a YAML document`, hint: "flatten the structure; no chart or Kubernetes object needs this depth" }] };
  }
  // uniqueKeys is checked by duplicateKeys() in linear time (the library's check is quadratic).
  const list = [...new Composer({ ...helmYamlOptions(), uniqueKeys: false, strict: true }).compose(tokens)];
  const diagnostics: Diagnostic[] = list.flatMap((d) => {
    const misindented = d.errors.find((e) => e.code === "MULTILINE_IMPLICIT_KEY" || e.code === "BLOCK_AS_IMPLICIT_KEY");
    const indentation = misindented && indentationDiagnostic(file, text, lineCounter.linePos(misindented.pos[0]).line);
    if (indentation) return [indentation];
    const found = [...d.errors.map((e) => ({ at: e.pos[0], code: e.code, message: e.message })), ...duplicateKeys(d).map((k) => ({ at: k.range?.[0] ?? 0, code: "DUPLICATE_KEY", message: "Map keys must be unique" }))];
    return found
      .sort((a, b) => a.at - b.at)
      .map((e) => {
        const pos = lineCounter.linePos(e.at);
        return { file, line: pos.line, col: pos.col, message: yamlErrorMessage(e.code, e.message), hint: yamlErrorHint(e.code) };
      });
  });
  const second = list[1];
  if (diagnostics.length === 0 && second) {
    const pos = lineCounter.linePos(second.range[0]);
    diagnostics.push({ file, line: pos.line, col: pos.col, message: "contains several YAML documents, expected one", hint: "keep one document per file" });
  }
  const doc = list[0] ?? parseDocument("", { lineCounter });
  if (diagnostics.length > 0) return { diagnostics };
  const data = plainData(file, doc, lineCounter);
  return "diagnostic" in data ? { diagnostics: [data.diagnostic] } : { source: { file, doc, lineCounter, value: data.value }, diagnostics };
}

/** Most aliases a document may expand; a "billion laughs" document needs far more. */
export const MAX_ALIAS_COUNT = 100;

/**
 * The document's data. A document whose aliases expand exponentially ("billion laughs") is
 * refused here, at its first alias.
 */
function plainData(file: string, doc: Document.Parsed, lineCounter: LineCounter): { value: unknown } | { diagnostic: Diagnostic } {
  try {
    return { value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) };
  } catch (e) {
    let first: Node | undefined;
    const { visit } = yamlLib();
    visit(doc, { Alias: (_k, node) => ((first = node), visit.BREAK) });
    const pos = lineCounter.linePos(first?.range?.[0] ?? 0);
    const what = e instanceof ReferenceError && /alias/i.test(e.message) ? `its YAML aliases expand to more than ${MAX_ALIAS_COUNT} copies (a "billion laughs" document)` : `its YAML cannot be read as data: ${(e as Error).message.split("\n")[0]}`;
    return { diagnostic: { file, line: pos.line, col: pos.col, message: what, hint: "write the values out instead of nesting aliases (*name) of aliases" } };
  }
}

/**
 * The parser reports a line indented deeper than its siblings as a broken key one line early, in
 * its own words ("Implicit keys need to be on a single line"). Point at the line that is off
 * instead, and say what it does and how to fix it.
 */
function indentationDiagnostic(file: string, text: string, reported: number): Diagnostic | undefined {
  const lines = text.split("\n");
  const indent = (l: string) => l.length - l.trimStart().length;
  const above = lines[reported - 1];
  if (above === undefined || /:\s*(#.*)?$/.test(above)) return undefined;
  for (let i = reported; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === "" || line.trimStart().startsWith("#")) continue;
    if (indent(line) <= indent(above)) return undefined;
    const key = above.trim().split(":")[0];
    return {
      file,
      line: i + 1,
      col: indent(line) + 1,
      message: `this line is indented more than \`${key}\` above it (${indent(line)} spaces, not ${indent(above)}), so YAML reads it as part of that line's value`,
      hint: `indent it by ${indent(above)} spaces like \`${key}\`, or end the line above with \`:\` to start a nested mapping`,
    };
  }
  return undefined;
}

function yamlErrorMessage(code: string, message: string): string {
  const first = message.split("\n", 1)[0] ?? message;
  const clean = first.replace(/ at line \d+, column \d+:?$/, "");
  return code === "DUPLICATE_KEY" ? `${clean.replace(/\.$/, "")}: YAML keys must be unique` : `YAML syntax error: ${clean}`;
}

function yamlErrorHint(code: string): string {
  switch (code) {
    case "DUPLICATE_KEY":
      return "remove or rename one of the repeated keys";
    case "TAB_AS_INDENT":
      return "indent with spaces, not tabs";
    case "BAD_INDENT":
    case "MISSING_CHAR":
      return "check the indentation and the quoting on this line";
    default:
      return "fix the YAML syntax at this position";
  }
}

/**
 * The source of a text that parsed without a problem before, with the data that parse gave
 * (cache/parse-cache.ts). The document and its positions are parsed again only when asked for,
 * that is when a diagnostic has to point into the file: the same text gives the same nodes. A
 * file known by its stat signature (parse-memo.ts) gives `text` as a function: it is read then.
 */
export function sourceOfParsedText(file: string, text: string | (() => string), value: unknown): YamlSource {
  let parsed: YamlSource | undefined;
  const positions = (): YamlSource => {
    if (!parsed) {
      parsed = parseYamlSource(file, typeof text === "string" ? text : text()).source;
      if (!parsed) throw new Error(`${file}: a text recorded as valid YAML no longer parses`);
    }
    return parsed;
  };
  return {
    file,
    value,
    get doc() {
      return positions().doc;
    },
    get lineCounter() {
      return positions().lineCounter;
    },
  };
}

/**
 * Plain JavaScript value of the document, a copy the caller may change (schema defaults are
 * filled in place); integers beyond 2^53 stay bigints.
 */
export function toPlain(source: YamlSource): unknown {
  return copyPlain(source.value, new Map());
}

/**
 * A deep copy of parsed YAML data (plain objects, arrays, scalars, bigints), as structuredClone
 * makes it (a value an alias shares stays shared) but without serialising: the loader copies
 * 10,000 apps' data. Anything else (which parsed data does not hold) is left to structuredClone.
 */
function copyPlain(value: unknown, copies: Map<object, unknown>): unknown {
  if (value === null || typeof value !== "object") return value;
  const known = copies.get(value);
  if (known !== undefined) return known;
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    copies.set(value, out);
    for (let i = 0; i < value.length; i++) out[i] = copyPlain(value[i], copies);
    return out;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return structuredClone(value);
  const out: Record<string, unknown> = {};
  copies.set(value, out);
  for (const key of Object.keys(value)) {
    const v = copyPlain((value as Record<string, unknown>)[key], copies);
    // An own key "__proto__" stays a key (assigning it would set the copy's prototype).
    if (key === "__proto__") Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
    else out[key] = v;
  }
  return out;
}

/**
 * The position of the node at `path`; when the path does not exist (a missing property),
 * the position of its deepest existing ancestor. With `key`, the position of the map key.
 */
export function locate(source: YamlSource, path: readonly PathSegment[], key = false): { line: number; col: number } {
  const { isMap, isNode, isPair, isScalar, isSeq } = yamlLib();
  let node: unknown = source.doc.contents;
  let best: Node | undefined = isNode(node) ? node : undefined;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      best = key || !isNode(pair.value) ? (pair.key as Node) : pair.value;
      node = pair.value;
      if (key && seg === path[path.length - 1]) best = pair.key as Node;
    } else if (isSeq(node) && typeof seg === "number") {
      const item = node.items[seg];
      if (!isNode(item)) break;
      best = item;
      node = item;
    } else if (isPair(node)) {
      node = node.value;
    } else {
      break;
    }
  }
  const offset = best?.range?.[0] ?? 0;
  const pos = source.lineCounter.linePos(offset);
  return { line: pos.line, col: pos.col };
}

/** A diagnostic at `path` in `source`. */
export function diagnosticAt(
  source: YamlSource,
  path: readonly PathSegment[],
  message: string,
  hint?: string,
  key = false,
): Diagnostic {
  return { file: source.file, ...locate(source, path, key), message, hint };
}
