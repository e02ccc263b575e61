import { describe, expect, it } from "vitest";
import { jsonBytesAtMost } from "../../generator/validate/argocd-limits.js";

/** Issue 24: validate skips the JSON of an object whose bound is under the etcd budget; the bound must never be under the real size. */
describe("jsonBytesAtMost", () => {
  const bytes = (v: unknown) => Buffer.byteLength(JSON.stringify(v), "utf8");
  const samples: unknown[] = [
    {},
    [],
    "",
    { a: "é", b: "日本語", c: "😀😀", d: "\u0000\u001f\"\\\n\t", e: "\ud800" },
    { n: [-0.0000012345678901234567, -1.7976931348623157e308, 5e-324, 0, -1, NaN, Infinity, 12345678901234567890] },
    { t: true, f: false, z: null, u: undefined, list: [undefined, null, { x: [[[]]] }] },
    { "kéy\u0001": { "😀": "v" } },
    { metadata: { name: "a".repeat(1000), labels: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, `v${i}`])) } },
  ];
  it("is at least the UTF-8 length of JSON.stringify", () => {
    for (const v of samples) expect(jsonBytesAtMost(v, Infinity)).toBeGreaterThanOrEqual(bytes(v));
  });
  it("stops over the budget, and leaves a bigint or toJSON to JSON.stringify", () => {
    expect(jsonBytesAtMost({ a: "x".repeat(100), b: "y".repeat(100) }, 50)).toBeGreaterThan(50);
    expect(jsonBytesAtMost({ a: 1n }, 1e9)).toBe(Infinity);
    expect(jsonBytesAtMost({ a: new Date(0) }, 1e9)).toBe(Infinity);
  });
});
