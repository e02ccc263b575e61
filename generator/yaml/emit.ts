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
  if (isCollection(value)) {
    const out: string[] = [];
    emitCollection(out, value, "", topLevelOrder);
    out.push("\n");
    return out.join("");
  }
  // A document-level string is never generated; write it in the one form that is always safe.
  if (typeof value === "string" && (value.includes("\n") || DOCUMENT_MARKER.test(value))) return `${quoted(value, "", false)}\n`;
  return `${scalar(value, "", false)}\n`;
}

type Collection = readonly unknown[] | Record<string, unknown>;

const STEP = "  ";
/** Over this length a double-quoted string breaks at its `\n` escapes (the `yaml` package's default). */
const MIN_MULTILINE_QUOTED = 40;

function isCollection(value: unknown): value is Collection {
  return value !== null && typeof value === "object";
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

function isEmpty(value: Collection): boolean {
  if (Array.isArray(value)) return !value.some((v) => v !== undefined);
  for (const k of Object.keys(value)) if ((value as Record<string, unknown>)[k] !== undefined) return false;
  return true;
}

/**
 * A collection whose first item starts at the current column and the others at `indent`,
 * appended to `out` (one array joined once: concatenating nested strings cost more in garbage
 * collection than the writing itself).
 */
function emitCollection(out: string[], value: Collection, indent: string, topLevelOrder: readonly string[] = []): void {
  const inner = indent + STEP;
  let first = true;
  if (Array.isArray(value)) {
    for (const item of value) {
      if (item === undefined) continue;
      out.push(first ? "- " : `\n${indent}- `);
      first = false;
      if (isCollection(item)) emitNested(out, item, inner, false);
      else out.push(scalar(item, inner, false));
    }
    if (first) out.push("[]");
    return;
  }
  const map = value as Record<string, unknown>;
  for (const key of mapKeys(map, topLevelOrder)) {
    if (!first) out.push(`\n${indent}`);
    first = false;
    pair(out, key, map[key], indent, inner);
  }
  if (first) out.push("{}");
}

/** A collection as the value of a sequence item or a map key: `[]`/`{}` when empty. */
function emitNested(out: string[], value: Collection, inner: string, afterKey: boolean): void {
  if (isEmpty(value)) {
    out.push(afterKey ? ` ${Array.isArray(value) ? "[]" : "{}"}` : Array.isArray(value) ? "[]" : "{}");
    return;
  }
  if (afterKey) out.push(`\n${inner}`);
  emitCollection(out, value, inner);
}

function pair(out: string[], key: string, value: unknown, indent: string, inner: string): void {
  let k = stringValue(key, inner, true);
  if (k.length > 1024) k = `? ${k}\n${indent}:`;
  else k += ":";
  out.push(k);
  if (isCollection(value)) emitNested(out, value, inner, true);
  else out.push(` ${scalar(value, inner, false)}`);
}

function scalar(value: unknown, indent: string, implicitKey: boolean): string {
  switch (typeof value) {
    case "string":
      return stringValue(value, indent, implicitKey);
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
const memo = { value: new Map<string, string>(), key: new Map<string, string>(), topKey: new Map<string, string>() };

function stringValue(value: string, indent: string, implicitKey: boolean): string {
  if (value.length > 256 || value.includes("\n")) return formatString(value, indent, implicitKey);
  const cache = !implicitKey ? memo.value : indent === STEP ? memo.topKey : memo.key;
  let s = cache.get(value);
  if (s === undefined) {
    s = formatString(value, indent, implicitKey);
    if (cache.size < MEMO_LIMIT) cache.set(value, s);
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
