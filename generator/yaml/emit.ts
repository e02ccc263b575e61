import { couldMisread } from "./misread.js";

/**
 * A small YAML emitter for plain data (maps, lists, strings, numbers, bigints, booleans, null):
 * block style, two-space indents, sequences indented under their key, literal block scalars for
 * multi-line strings, no line folding. Its layout and quoting follow the `yaml` package's
 * stringifier with the options berth used before (so files did not change), except that every
 * string a YAML 1.1 reader (Helm, Argo CD) or a YAML 1.2 reader could take for another type is
 * quoted. Map keys are sorted by UTF-16 code units, with `topLevelOrder` first at the root;
 * `undefined` entries are left out (as JSON does).
 *
 * Building a document model for 10,000 objects cost seconds; this writes strings directly.
 */
export function emitYaml(value: unknown, topLevelOrder: readonly string[] = []): string {
  const out: string[] = [];
  emitYamlInto(out, value, topLevelOrder);
  return out.join("");
}

/**
 * {@link emitYaml}, appended to `out`: a file of many documents is then joined once, not each
 * document and then the file (at 10,000 Applications, 15 MB copied once instead of three times).
 */
export function emitYamlInto(out: string[], value: unknown, topLevelOrder: readonly string[] = []): void {
  if (isCollection(value)) {
    emitCollection(out, value, mapKeysOf(value, topLevelOrder), 0);
    out.push("\n");
    return;
  }
  // A document-level string is never generated; write it in the one form that is always safe.
  if (typeof value === "string" && (value.includes("\n") || DOCUMENT_MARKER.test(value))) out.push(`${quoted(value, "", false)}\n`);
  else out.push(`${scalar(value, "", false)}\n`);
}

type Collection = readonly unknown[] | Record<string, unknown>;

const STEP = "  ";
/** Over this length a double-quoted string breaks at its `\n` escapes (the `yaml` package's default). */
const MIN_MULTILINE_QUOTED = 40;

/**
 * The indentation of each depth, and the line breaks before a key and before a sequence item at
 * it, made once: pushed as they are, most of a document's pieces are strings that already exist
 * (keys and short values come from the memos below), so emitting one allocates little more than
 * the array of pieces.
 */
const INDENTS: string[] = [];
const BEFORE_KEY: string[] = [];
const BEFORE_ITEM: string[] = [];
function depthStrings(depth: number): void {
  for (let d = INDENTS.length; d <= depth; d++) {
    INDENTS.push(STEP.repeat(d));
    BEFORE_KEY.push(`\n${STEP.repeat(d)}`);
    BEFORE_ITEM.push(`\n${STEP.repeat(d)}- `);
  }
}
depthStrings(16);

function isCollection(value: unknown): value is Collection {
  return value !== null && typeof value === "object";
}

/** The keys to write of a collection: a map's (sorted, see {@link mapKeys}); none for a list. */
function mapKeysOf(value: Collection, topLevelOrder: readonly string[]): string[] | undefined {
  return Array.isArray(value) ? undefined : mapKeys(value as Record<string, unknown>, topLevelOrder);
}

/** The keys of a map whose values will be written (`undefined` is left out), sorted. */
function mapKeys(map: Record<string, unknown>, topLevelOrder: readonly string[]): string[] {
  const keys: string[] = [];
  for (const k of Object.keys(map)) if (map[k] !== undefined) keys.push(k);
  if (topLevelOrder.length > 0) {
    const rank = (k: string): number => {
      const i = topLevelOrder.indexOf(k);
      return i === -1 ? topLevelOrder.length : i;
    };
    return keys.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  }
  // By UTF-16 code units; most maps are small, where insertion sort beats a comparator sort.
  if (keys.length > 16) return keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (let i = 1; i < keys.length; i++) {
    const k = keys[i]!;
    let j = i - 1;
    for (; j >= 0 && keys[j]! > k; j--) keys[j + 1] = keys[j]!;
    keys[j + 1] = k;
  }
  return keys;
}

/**
 * A collection whose first item starts at the current column and the others at `depth`,
 * appended to `out` (one array joined once: concatenating nested strings cost more in garbage
 * collection than the writing itself). `keys`: a map's keys to write, from {@link mapKeysOf}.
 */
function emitCollection(out: string[], value: Collection, keys: readonly string[] | undefined, depth: number): void {
  const inner = depth + 1;
  if (inner >= INDENTS.length) depthStrings(inner);
  if (keys === undefined) {
    const list = value as readonly unknown[];
    let first = true;
    for (let i = 0; i < list.length; i++) {
      const item = list[i];
      if (item === undefined) continue;
      out.push(first ? "- " : BEFORE_ITEM[depth]!);
      first = false;
      if (isCollection(item)) emitNested(out, item, inner, false);
      else out.push(scalar(item, INDENTS[inner]!, false));
    }
    if (first) out.push("[]");
    return;
  }
  const map = value as Record<string, unknown>;
  for (let i = 0; i < keys.length; i++) pair(out, keys[i]!, map[keys[i]!], depth, inner, i > 0);
  if (keys.length === 0) out.push("{}");
}

/**
 * A collection as the value of a sequence item or a map key (at depth `inner`): `[]`/`{}` when
 * empty. A shared part's text is worked out once per place (see {@link sharedText}).
 */
function emitNested(out: string[], value: Collection, inner: number, afterKey: boolean): void {
  if (sharedParts.has(value)) out.push(sharedText(value, inner, afterKey));
  else emitNestedPieces(out, value, inner, afterKey);
}

/**
 * Generated objects share their constant parts (an Application's sync policy, its finalizer, the
 * cluster's `ref: values` source: plan/applications.ts), frozen so that nobody can change them:
 * such a part is written the same at the same depth every time, so its text is one piece, made
 * once, not dozens of pieces in each of 10,000 objects. Only what {@link sharedPart} made is taken
 * for such a part (it is frozen all through); a collection frozen by anyone else is written out.
 */
const sharedParts = new WeakSet<object>();
const sharedTexts = new WeakMap<object, string[]>();

function sharedText(value: Collection, inner: number, afterKey: boolean): string {
  let texts = sharedTexts.get(value);
  if (texts === undefined) sharedTexts.set(value, (texts = []));
  const place = inner * 2 + (afterKey ? 1 : 0);
  let text = texts[place];
  if (text === undefined) {
    const pieces: string[] = [];
    emitNestedPieces(pieces, value, inner, afterKey);
    text = texts[place] = pieces.join("");
  }
  return text;
}

/**
 * `value`, frozen all through, to be used in many generated objects: the emitter writes its text
 * once per place. Frozen, a caller that tried to change a shared part would fail loudly (modules
 * are strict) instead of changing every object that holds it.
 */
export function sharedPart<T extends object>(value: T): Readonly<T> {
  for (const v of Object.values(value)) if (v !== null && typeof v === "object") sharedPart(v);
  sharedParts.add(value);
  return Object.freeze(value);
}

function emitNestedPieces(out: string[], value: Collection, inner: number, afterKey: boolean): void {
  const keys = mapKeysOf(value, NO_ORDER);
  if (keys === undefined ? !(value as readonly unknown[]).some((v) => v !== undefined) : keys.length === 0) {
    out.push(afterKey ? (keys === undefined ? " []" : " {}") : keys === undefined ? "[]" : "{}");
    return;
  }
  if (afterKey) out.push(BEFORE_KEY[inner]!);
  emitCollection(out, value, keys, inner);
}

const NO_ORDER: readonly string[] = [];

/** A map entry; `onNewLine`: it follows another, on a line of its own. */
function pair(out: string[], key: string, value: unknown, depth: number, inner: number, onNewLine: boolean): void {
  // The key's line start, key, colon and (before a scalar) space are one memoised piece: fewer
  // pieces to push and to join (a 10,000-app cluster's files were 1.35 million).
  const forms = keyForms(key, depth, inner, onNewLine);
  if (isCollection(value)) {
    out.push(forms.bare);
    emitNested(out, value, inner, true);
  } else if (typeof value !== "string") out.push(forms.spaced, scalar(value, INDENTS[inner]!, false));
  else if (isSafePlain(value)) out.push(forms.spaced, value);
  else out.push(forms.bare, valueAfterKey(value, INDENTS[inner]!));
}

/** A key as written: `key:` and `key: `, after a line break and the indentation of `depth` when `onNewLine`. */
interface KeyForms {
  bare: string;
  spaced: string;
}

function keyForms(key: string, depth: number, inner: number, onNewLine: boolean): KeyForms {
  // By depth, since the line break's indentation depends on it; the first key's forms by whether
  // it is a top-level key (the only place where a key's own form depends on where it is).
  const at = onNewLine ? depth : inner === 1 ? -1 : -2;
  let cache = memo.keys.get(at);
  if (!cache) memo.keys.set(at, (cache = new Map()));
  const known = cache.get(key);
  if (known !== undefined) return known;
  const k = formatString(key, INDENTS[inner]!, true);
  // A long key is an explicit `? key` entry, its `:` on the next line.
  const form = k.length > 1024 ? `? ${k}${BEFORE_KEY[depth]}:` : `${k}:`;
  const bare = onNewLine ? `${BEFORE_KEY[depth]!}${form}` : form;
  const forms = { bare, spaced: `${bare} ` };
  if (k.length <= 1024 && key.length <= 256 && !key.includes("\n") && cache.size < MEMO_LIMIT) cache.set(key, forms);
  return forms;
}

/** A string value after its key: ` value`. */
function valueAfterKey(value: string, indent: string): string {
  if (value.length > 256 || value.includes("\n")) return ` ${formatString(value, indent, false)}`;
  let s = memo.afterKey.get(value);
  if (s === undefined) {
    s = ` ${stringValue(value, indent)}`;
    if (memo.afterKey.size < MEMO_LIMIT) memo.afterKey.set(value, s);
  }
  return s;
}

function scalar(value: unknown, indent: string, implicitKey: boolean): string {
  switch (typeof value) {
    case "string":
      return implicitKey ? formatString(value, indent, true) : stringValue(value, indent);
    case "number":
      if (!Number.isFinite(value)) return Number.isNaN(value) ? ".nan" : value < 0 ? "-.inf" : ".inf";
      return Object.is(value, -0) ? "-0" : JSON.stringify(value);
    case "bigint":
      return String(value);
    case "boolean":
      return value ? "true" : "false";
    default:
      if (value === null || value === undefined) return "null";
      throw new TypeError(`cannot write a ${typeof value} as YAML`);
  }
}

// Control characters and unpaired surrogates have no plain, single-quoted or block form; nor do
// U+2028 and U+2029, which YAML 1.1 readers (go-yaml, so Helm and Argo CD) take for line breaks.
const NEEDS_ESCAPES = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u{D800}-\u{DFFF}]/u;
// Not allowed plain: an indicator first, a lone `-`/`?`, `: ` or ` #` inside, trailing space or `:`.
const NOT_PLAIN = /^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/;
const DOCUMENT_MARKER = /^(%|---|\.\.\.)/m;
const WHITESPACE_LINE = /(^|\n)[\t ]+(\n|$)/;

/**
 * Generated objects repeat the same short strings thousands of times (keys, kinds, URLs): a
 * single-line string's form does not depend on its indentation (only a top-level key is checked
 * for a document marker), so each is worked out once per kind of place. Bounded, as inputs are.
 */
const MEMO_LIMIT = 100_000;
const memo = { value: new Map<string, string>(), keys: new Map<number, Map<string, KeyForms>>(), afterKey: new Map<string, string>() };

/**
 * Strings that are plain in every place, worked out without the memos: a first character that
 * neither starts an indicator nor a number, bool, null or timestamp in any reader ({@link
 * couldMisread}'s suspects), then only word characters, `.`, `/`, `$`, `-` and a `:` not at the
 * end (no `: `, ` #` or blank). Most generated strings are such names, paths and URLs, and many
 * are one app's own (its name, its values path): memoised, each would only fill the memo.
 */
const SAFE_PLAIN = /^[A-DF-MP-SU-XZa-df-mp-su-xz_/$][\w./$:-]*$/;

function isSafePlain(value: string): boolean {
  return value.length <= 256 && SAFE_PLAIN.test(value) && value.charCodeAt(value.length - 1) !== 58; // ':'
}

/** A string as a value (not a key). */
function stringValue(value: string, indent: string): string {
  if (isSafePlain(value)) return value;
  if (value.length > 256 || value.includes("\n")) return formatString(value, indent, false);
  let s = memo.value.get(value);
  if (s === undefined) {
    s = formatString(value, indent, false);
    if (memo.value.size < MEMO_LIMIT) memo.value.set(value, s);
  }
  return s;
}

function formatString(value: string, indent: string, implicitKey: boolean): string {
  if (NEEDS_ESCAPES.test(value)) return doubleQuoted(value, indent, implicitKey);
  const multiline = value.includes("\n");
  if (implicitKey && multiline) return quoted(value, indent, implicitKey);
  if (NOT_PLAIN.test(value)) return implicitKey || !multiline ? quoted(value, indent, implicitKey) : block(value, indent, implicitKey);
  if (!implicitKey && multiline) return block(value, indent, implicitKey);
  if (implicitKey && indent === STEP && DOCUMENT_MARKER.test(value)) return quoted(value, indent, implicitKey);
  return couldMisread(value) ? quoted(value, indent, implicitKey) : value;
}

function quoted(value: string, indent: string, implicitKey: boolean): string {
  const hasDouble = value.includes('"');
  const hasSingle = value.includes("'");
  return hasDouble && !hasSingle ? singleQuoted(value, indent, implicitKey) : doubleQuoted(value, indent, implicitKey);
}

function singleQuoted(value: string, indent: string, implicitKey: boolean): string {
  if ((implicitKey && value.includes("\n")) || /[ \t]\n|\n[ \t]/.test(value)) return doubleQuoted(value, indent, implicitKey);
  const ind = indent || (DOCUMENT_MARKER.test(value) ? STEP : "");
  return `'${value.replace(/'/g, "''").replace(/\n+/g, `$&\n${ind}`)}'`;
}

const SHORT_ESCAPES: Record<string, string> = { "0000": "\\0", "0007": "\\a", "000b": "\\v", "001b": "\\e", "0085": "\\N", "00a0": "\\_", "2028": "\\L", "2029": "\\P" };

/** JSON's escaping with YAML's short escapes; long strings break at `\n` escapes as the `yaml` package does. */
function doubleQuoted(value: string, indent: string, implicitKey: boolean): string {
  // JSON leaves NEL, LS and PS raw; YAML 1.1 readers would fold them as line breaks.
  const json = JSON.stringify(value).replace(/[\u0085\u2028\u2029]/g, (c) => (c === "\u0085" ? "\\N" : c === "\u2028" ? "\\L" : "\\P"));
  const ind = indent || (DOCUMENT_MARKER.test(value) ? STEP : "");
  let str = "";
  let start = 0;
  for (let i = 0, ch = json[i]; ch; ch = json[++i]) {
    if (ch === " " && json[i + 1] === "\\" && json[i + 2] === "n") {
      // a space before a line break is escaped so that it is not folded away
      str += `${json.slice(start, i)}\\ `;
      i += 1;
      start = i;
      ch = "\\";
    }
    if (ch !== "\\") continue;
    if (json[i + 1] === "u") {
      str += json.slice(start, i);
      const code = json.substr(i + 2, 4);
      str += SHORT_ESCAPES[code] ?? (code.startsWith("00") ? `\\x${code.slice(2)}` : json.substr(i, 6));
      i += 5;
      start = i + 1;
    } else if (json[i + 1] === "n") {
      if (implicitKey || json[i + 2] === '"' || json.length < MIN_MULTILINE_QUOTED) {
        i += 1;
      } else {
        // a folded line break: the first newline is eaten by folding, so write two
        str += `${json.slice(start, i)}\n\n`;
        while (json[i + 2] === "\\" && json[i + 3] === "n" && json[i + 4] !== '"') {
          str += "\n";
          i += 2;
        }
        str += ind;
        if (json[i + 2] === " ") str += "\\";
        i += 1;
        start = i + 1;
      }
    } else {
      i += 1;
    }
  }
  return start ? str + json.slice(start) : json;
}

/** A literal block scalar (`|`, `|-`, `|+`, with an indentation indicator when it starts with a space). */
function block(value: string, ctxIndent: string, implicitKey: boolean): string {
  // A line of only blanks would be read back as part of the indentation (the `yaml` package
  // wrote " \n" as a block that reads back as "\n"): such strings are quoted.
  if (WHITESPACE_LINE.test(value)) return quoted(value, ctxIndent, implicitKey);
  const indent = ctxIndent || (DOCUMENT_MARKER.test(value) ? STEP : "");
  let endStart = value.length;
  for (; endStart > 0; --endStart) {
    const ch = value[endStart - 1];
    if (ch !== "\n" && ch !== "\t" && ch !== " ") break;
  }
  let end = value.substring(endStart);
  const endNl = end.indexOf("\n");
  const chomp = endNl === -1 ? "-" : value === end || endNl !== end.length - 1 ? "+" : "";
  let body = value;
  if (end) {
    body = body.slice(0, -end.length);
    if (end.endsWith("\n")) end = end.slice(0, -1);
    end = end.replace(/(^|(?<!\n))\n+(?!\n|$)/g, `$&${indent}`);
  }
  let startWithSpace = false;
  let startEnd = 0;
  let startNl = -1;
  for (; startEnd < body.length; ++startEnd) {
    const ch = body[startEnd];
    if (ch === " ") startWithSpace = true;
    else if (ch === "\n") startNl = startEnd;
    else break;
  }
  let start = body.substring(0, startNl < startEnd ? startNl + 1 : startEnd);
  if (start) {
    body = body.substring(start.length);
    start = start.replace(/\n+/g, `$&${indent}`);
  }
  const header = (startWithSpace ? (indent ? "2" : "1") : "") + chomp;
  return `|${header}\n${indent}${start}${body.replace(/\n+/g, `$&${indent}`)}${end}`;
}
