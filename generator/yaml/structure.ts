import type { CST, Document, Node } from "yaml";
import { yamlLib } from "./yaml-lib.js";

/**
 * Deepest nesting of collections a YAML document may have. Helm values and Kubernetes objects
 * (CRD schemas included) nest a few dozen levels; the parser, and every recursive walk of the
 * data after it, run out of stack somewhere past several hundred, at a column that depends on
 * the call stack. A fixed, documented limit gives the same positioned error everywhere.
 */
export const MAX_YAML_DEPTH = 100;

/**
 * The offset of the first collection nested deeper than {@link MAX_YAML_DEPTH} in the parser's
 * tokens (before the recursive composer sees them), or undefined. Iterative: the input is what
 * could overflow a recursive walk.
 */
export function firstTooDeep(tokens: readonly CST.Token[]): number | undefined {
  const stack: { token: CST.Token | null | undefined; depth: number }[] = tokens.map((token) => ({ token, depth: 0 }));
  while (stack.length > 0) {
    const { token, depth } = stack.pop()!;
    if (!token) continue;
    if (token.type === "document") {
      stack.push({ token: token.value, depth });
    } else if (token.type === "block-map" || token.type === "block-seq" || token.type === "flow-collection") {
      if (depth + 1 > MAX_YAML_DEPTH) return token.offset;
      for (const item of token.items) {
        stack.push({ token: item.value, depth: depth + 1 });
        stack.push({ token: item.key, depth: depth + 1 });
      }
    }
  }
  return undefined;
}

/**
 * The keys that repeat an earlier key of the same mapping, in document order, by the rule the
 * `yaml` library's `uniqueKeys` applies (scalar keys with the same value; other keys only when
 * they are the same node). The library compares each key with every earlier one, which takes
 * quadratic time in the number of keys (10,000 keys: seconds; a 6 MB values file: minutes): a
 * pull request could stall CI with one large mapping. This is one pass with a set per mapping.
 */
export function duplicateKeys(doc: Document.Parsed): Node[] {
  const out: Node[] = [];
  const { isMap, isScalar, visit } = yamlLib();
  visit(doc, {
    Map(_, map) {
      if (!isMap(map)) return;
      const seen = new Set<unknown>();
      const nodes = new Set<unknown>();
      for (const pair of map.items) {
        const key = pair.key;
        if (isScalar(key)) {
          // NaN is never === itself, so the library never finds it repeated; a Set would.
          if (typeof key.value === "number" && Number.isNaN(key.value)) continue;
          if (seen.has(key.value)) out.push(key);
          else seen.add(key.value);
        } else if (key !== null && typeof key === "object") {
          if (nodes.has(key)) out.push(key as Node);
          else nodes.add(key);
        }
      }
    },
  });
  return out;
}
