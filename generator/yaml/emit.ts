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
  if (isCollection(value)) return `${emitCollection(value, "", topLevelOrder)}\n`;
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

/** Items that will be written: `undefined` is left out. */
function items(value: Collection): readonly unknown[] | string[] {
  if (Array.isArray(value)) return value.every((v) => v !== undefined) ? value : value.filter((v) => v !== undefined);
  const map = value as Record<string, unknown>;
  return Object.keys(map).filter((k) => map[k] !== undefined);
}

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortedKeys(keys: string[], topLevelOrder: readonly string[]): string[] {
  if (topLevelOrder.length === 0) return keys.sort(byCodeUnit);
  const rank = (k: string): number => {
    const i = topLevelOrder.indexOf(k);
    return i === -1 ? topLevelOrder.length : i;
  };
  return keys.sort((a, b) => rank(a) - rank(b) || byCodeUnit(a, b));
}

/** A collection whose first item starts at the current column and the others at `indent`. */
function emitCollection(value: Collection, indent: string, topLevelOrder: readonly string[] = []): string {
  const list = items(value);
  if (list.length === 0) return Array.isArray(value) ? "[]" : "{}";
  const inner = indent + STEP;
  let out = "";
  if (Array.isArray(value)) {
    for (let i = 0; i < list.length; i++) out += `${i === 0 ? "" : `\n${indent}`}- ${node(list[i], inner)}`;
    return out;
  }
  const keys = sortedKeys(list as string[], topLevelOrder);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    out += `${i === 0 ? "" : `\n${indent}`}${pair(key, (value as Record<string, unknown>)[key], indent, inner)}`;
  }
  return out;
}

function pair(key: string, value: unknown, indent: string, inner: string): string {
  let k = keyString(key, inner);
  if (k.length > 1024) k = `? ${k}\n${indent}:`;
  else k += ":";
  if (!isCollection(value)) return `${k} ${scalar(value, inner, false)}`;
  const body = emitCollection(value, inner);
  return body === "[]" || body === "{}" ? `${k} ${body}` : `${k}\n${inner}${body}`;
}

function node(value: unknown, indent: string): string {
  return isCollection(value) ? emitCollection(value, indent) : scalar(value, indent, false);
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

function keyString(key: string, indent: string): string {
  return stringValue(key, indent, true);
}

// Control characters and unpaired surrogates have no plain, single-quoted or block form; nor do
// U+2028 and U+2029, which YAML 1.1 readers (go-yaml, so Helm and Argo CD) take for line breaks.
const NEEDS_ESCAPES = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u{D800}-\u{DFFF}]/u;
// Not allowed plain: an indicator first, a lone `-`/`?`, `: ` or ` #` inside, trailing space or `:`.
const NOT_PLAIN = /^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/;
const DOCUMENT_MARKER = /^(%|---|\.\.\.)/m;
const WHITESPACE_LINE = /(^|\n)[\t ]+(\n|$)/;

function stringValue(value: string, indent: string, implicitKey: boolean): string {
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
