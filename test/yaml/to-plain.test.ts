import { isDeepStrictEqual } from "node:util";
import { describe, expect, it } from "vitest";
import { parseYamlSource, toPlain } from "../../generator/yaml/source.js";

/** toPlain copies parsed data by hand (issue 24: the loader copies 10,000 apps); the copy must be structuredClone's. */
describe("toPlain", () => {
  const texts = [
    "a: 1\nb: [1, {c: d}, null, ~, 123456789012345678901234567890]\n\"__proto__\": {x: 1}\nk: !!binary aGVsbG8=\n",
    "a: &x {c: [1, {d: e}]}\nb: *x\nc: [*x, *x]\n",
    "- 1\n- [2, [3]]\n- {}\n",
    "plain\n",
  ];
  it.each(texts)("is a deep copy equal to structuredClone's, aliases shared as there: %j", (text) => {
    const source = parseYamlSource("f.yaml", text).source!;
    const copy = toPlain(source) as Record<string, unknown>;
    const clone = structuredClone(source.value) as Record<string, unknown>;
    expect(isDeepStrictEqual(copy, clone)).toBe(true);
    if (typeof copy !== "object") return;
    expect(copy).not.toBe(source.value);
    // Deep: no collection at any depth is the parsed one.
    const collections = (v: unknown, out: unknown[] = []): unknown[] => {
      if (v !== null && typeof v === "object" && !ArrayBuffer.isView(v)) {
        out.push(v);
        for (const x of Object.values(v)) collections(x, out);
      }
      return out;
    };
    const original = new Set(collections(source.value));
    expect(collections(copy).filter((c) => original.has(c))).toEqual([]);
    if ("a" in copy && "b" in copy) expect(copy.a === copy.b).toBe(clone.a === clone.b);
    if (text.includes("__proto__")) expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
  });
});
