import { isMap, isScalar, parseDocument, type Document, type Pair, type YAMLMap } from "yaml";
import { isDeepStrictEqual } from "node:util";
import { toYaml } from "../yaml/canonical.js";

/**
 * Rewrites a hand-written (or kubeseal-written) YAML file so that it holds `value`, touching only
 * the nodes whose content changes: comments, key order, quoting and flow/block style of everything
 * else survive. New keys are inserted in sorted position when their siblings are sorted, else appended.
 */
export function updateYamlText(text: string, value: Record<string, unknown>): string {
  const doc = parseDocument(text, { keepSourceTokens: false });
  const root = doc.contents;
  if (!isMap(root)) throw new Error("updateYamlText: the document is not a mapping");
  // A JSON file (kubeseal's default output) has no comments to keep; rewriting it in flow style
  // would produce one long mixed line, so it becomes canonical block YAML instead.
  if (root.flow) return toYaml(value);
  syncMap(doc, root, value);
  return doc.toString({ lineWidth: 0, indentSeq: true, blockQuote: "literal" });
}

function syncMap(doc: Document, node: YAMLMap, value: Record<string, unknown>): void {
  for (const pair of [...node.items]) {
    const key = keyOf(pair);
    if (key === undefined || !Object.prototype.hasOwnProperty.call(value, key)) node.items.splice(node.items.indexOf(pair), 1);
  }
  for (const [key, next] of Object.entries(value)) {
    if (next === undefined) continue;
    const pair = node.items.find((p) => keyOf(p) === key);
    if (!pair) {
      insertSorted(node, doc.createPair(key, next) as Pair);
      continue;
    }
    const current = pair.value;
    if (isMap(current) && isPlainObject(next)) {
      syncMap(doc, current, next);
    } else if (isScalar(current) && current.value === next) {
      // unchanged scalar: keep its style and comments
    } else if (current !== null && typeof current === "object" && "toJSON" in current && isDeepStrictEqual((current as { toJSON(): unknown }).toJSON(), next)) {
      // unchanged collection
    } else {
      pair.value = doc.createNode(next);
    }
  }
}

function insertSorted(node: YAMLMap, pair: Pair): void {
  const keys = node.items.map(keyOf);
  const sorted = keys.every((k, i) => k !== undefined && (i === 0 || keys[i - 1]! <= k));
  const key = keyOf(pair)!;
  const at = sorted ? keys.findIndex((k) => k! > key) : -1;
  if (at < 0) node.items.push(pair);
  else node.items.splice(at, 0, pair);
}

function keyOf(pair: Pair): string | undefined {
  const k = isScalar(pair.key) ? pair.key.value : pair.key;
  return typeof k === "string" ? k : undefined;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}
