import { Document, parse, visit, type Node } from "yaml";
import { mergeValues } from "../../plan/merge.js";

/** One layer of a release's values, in helmfile's order (later wins). */
export type ValuesPart =
  | { kind: "file"; text: string; source: string }
  | { kind: "inline"; node: Node; plain: unknown; source: string }
  | { kind: "set"; values: Record<string, unknown>; source: string };

/**
 * The content of one berth values file holding `parts`: a single file is copied byte for byte
 * and a single inline block keeps its comments; several are merged the way Helm merges `-f`
 * files (maps key by key, later wins), with a header naming the sources. YAML 1.1 as Helm reads
 * values, so a string such as `"yes"` stays quoted.
 */
export function valuesFileContent(parts: readonly ValuesPart[]): string | undefined {
  if (parts.length === 0) return undefined;
  const only = parts.length === 1 ? parts[0]! : undefined;
  if (only?.kind === "file") return only.text.endsWith("\n") || only.text === "" ? only.text : `${only.text}\n`;
  if (only?.kind === "inline" && !hasAlias(only.node)) {
    const doc = new Document(null, { version: "1.1" });
    doc.contents = only.node;
    return `# from ${only.source}\n${doc.toString({ lineWidth: 0 })}`;
  }
  let merged: Record<string, unknown> = {};
  for (const p of parts) merged = mergeValues(merged, plainOf(p));
  const header = `# merged by berth import, later wins:\n${parts.map((p) => `#   ${p.source}\n`).join("")}`;
  return `${header}${new Document(merged, { version: "1.1" }).toString({ lineWidth: 0 })}`;
}

/** An alias may point at an anchor outside the node: such a node is written out resolved instead. */
function hasAlias(node: Node): boolean {
  let found = false;
  visit(node, { Alias: () => { found = true; return visit.BREAK; } });
  return found;
}

function plainOf(p: ValuesPart): Record<string, unknown> {
  const v = p.kind === "set" ? p.values : p.kind === "file" ? parse(p.text, { version: "1.1", merge: true, maxAliasCount: 100 }) : p.plain;
  return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/**
 * A helmfile `set:` entry as values: `a.b\.c` → `{ a: { "b.c": value } }`. List indices
 * (`a[0]`) return undefined: berth reports them instead of guessing the list's other items.
 */
export function setEntryValues(name: string, value: unknown): Record<string, unknown> | undefined {
  if (/\[\d*\]/.test(name)) return undefined;
  const keys = name.split(/(?<!\\)\./).map((k) => k.replace(/\\\./g, "."));
  if (keys.some((k) => k === "")) return undefined;
  let out: unknown = value;
  for (const k of [...keys].reverse()) out = { [k]: out };
  return out as Record<string, unknown>;
}
