import fc from "fast-check";
import { Document, parse } from "yaml";
import { describe, expect, it } from "vitest";
import { emitYaml, sharedPart } from "../../generator/yaml/emit.js";
import { HELM_YAML } from "../../generator/yaml/helm-schema.js";
import { couldMisread } from "../../generator/yaml/misread.js";

/** Characters that exercise quoting, block scalars, indicators and escapes. */
const CHARS = [..."aZ09 -_.:#'\"\n\t{}[],&*!|>%@`?~<=+eExXoObB", "\u0000", "\u0085", "\u00e9", "\u2028", "\ud83d\ude00", "---", "...", "on", "NO", "y", "Off", "null", "true", "0x1F", "0o17", "1e3", "1_000", "2001-12-14", ".inf", "<<", "12:30"];
const text = fc.array(fc.constantFrom(...CHARS), { maxLength: 8 }).map((a) => a.join(""));
const number = fc.oneof(fc.integer(), fc.double({ noNaN: true }).map((d) => (Object.is(d, -0) ? 0 : d)), fc.constantFrom(Number.MAX_SAFE_INTEGER, 1e21, 0.1, -3));
const scalar = fc.oneof(text, number, fc.boolean(), fc.constant(null), fc.bigInt({ min: 2n ** 64n * -1n, max: 2n ** 64n }).filter((b) => !Number.isSafeInteger(Number(b)) || b > 2n ** 53n || b < -(2n ** 53n)));
const { data } = fc.letrec((tie) => ({
  data: fc.oneof({ depthSize: "small" }, scalar, tie("list"), tie("map")),
  list: fc.array(tie("data"), { maxLength: 4 }),
  map: fc.dictionary(text, tie("data"), { maxKeys: 4 }),
}));
const root = fc.dictionary(text, data, { maxKeys: 6 });

/** What a reader should get back: bigints that fit a JS number become numbers. */
function expected(v: unknown): unknown {
  if (typeof v === "bigint") return String(Number(v)) === String(v) ? Number(v) : v;
  if (Array.isArray(v)) return v.map(expected);
  if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, expected(x)]));
  return v;
}

/** Reads bigints back exactly, whichever reader. */
const readers = {
  "YAML 1.2": (s: string) => parse(s, { version: "1.2", intAsBigInt: true, uniqueKeys: true }),
  "YAML 1.1": (s: string) => parse(s, { version: "1.1", intAsBigInt: true, uniqueKeys: true }),
  "Helm (go-yaml v2 rules)": (s: string) => parse(s, { ...HELM_YAML, uniqueKeys: true }),
};

function normalise(v: unknown): unknown {
  if (typeof v === "bigint") return String(Number(v)) === String(v) ? Number(v) : v;
  if (Array.isArray(v)) return v.map(normalise);
  if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normalise(x)]));
  return v;
}

describe("emitYaml", () => {
  for (const [name, read] of Object.entries(readers)) {
    it(`round-trips random plain data through a ${name} reader`, () => {
      fc.assert(
        fc.property(root, (value) => {
          const out = emitYaml(value);
          expect(normalise(read(out))).toEqual(expected(value));
        }),
        { numRuns: 1000 },
      );
    });
  }

  it("writes exactly what the yaml package's stringifier wrote before, for data neither reader could misread", () => {
    // Also left out: NEL, LS and PS, now always escaped (YAML 1.1 readers take them for line
    // breaks), and strings with a line of only blanks, which the old serialiser wrote as block
    // scalars that read back without those blanks (now quoted, a deliberate change).
    const asBefore = (s: string) => !couldMisread(s) && !/(^|\n)[\t ]+(\n|$)/.test(s) && !/[\u0085\u2028\u2029]/.test(s);
    const unambiguous = (v: unknown): boolean =>
      typeof v === "string" ? asBefore(v) : Array.isArray(v) ? v.every(unambiguous) : v !== null && typeof v === "object" ? Object.entries(v).every(([k, x]) => asBefore(k) && unambiguous(x)) : typeof v !== "bigint";
    const sorted = (v: unknown): unknown =>
      Array.isArray(v) ? v.map(sorted) : v !== null && typeof v === "object" ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, x]) => [k, sorted(x)])) : v;
    // Integer-like keys are left out: a JS object iterates them in numeric order, which the old serialiser inherited.
    const plainKeys = (v: unknown): boolean => (Array.isArray(v) ? v.every(plainKeys) : v !== null && typeof v === "object" ? Object.entries(v).every(([k, x]) => !/^\d+$/.test(k) && plainKeys(x)) : true);
    fc.assert(
      fc.property(root.filter((v) => unambiguous(v) && plainKeys(v)), (value) => {
        const before = new Document(sorted(value), { version: "1.2" }).toString({ lineWidth: 0, indentSeq: true, blockQuote: "literal" });
        expect(emitYaml(value)).toBe(before);
      }),
      { numRuns: 1000 },
    );
  });

  it("quotes every string a YAML 1.1 or 1.2 reader would take for a bool, null, number, timestamp or merge key", () => {
    const misread = ["on", "NO", "y", "Off", "~", "", "null", "0b101", "1_000", "0o17", "1e3", "0x1F", "017", "09", "2001-12-14", "2001-12-14T21:59:43.10-05:00", ".inf", "-.Inf", ".NaN", "<<", "12:30", "1:20:30.5", "+1", ".5", "e3", "0x_1F", "1__"];
    for (const s of misread) {
      const out = emitYaml({ k: s, [s]: "v" });
      expect(out, s).not.toMatch(new RegExp(`^k: ${s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`, "m"));
      for (const read of Object.values(readers)) expect(read(out), s).toEqual({ k: s, [s]: "v" });
    }
    for (const s of ["1.31.4", "v1", "argoproj.io/v1alpha1", "CreateNamespace=true", "https://x.example/y.git", "yes-please", "only"]) expect(emitYaml({ k: s })).toBe(`k: ${s}\n`);
  });

  it("keeps integer literals as written and never merges a `<<` key", () => {
    expect(emitYaml({ big: 12345678901234567890n, neg: -98765432109876543210n })).toBe("big: 12345678901234567890\nneg: -98765432109876543210\n");
    const out = emitYaml({ "<<": { a: 1 }, b: 2 });
    expect(out).toBe('"<<":\n  a: 1\nb: 2\n');
    expect(parse(out, { ...HELM_YAML })).toEqual({ "<<": { a: 1 }, b: 2 });
  });

  it("sorts keys by code unit, Kubernetes' top-level fields first, and drops undefined", () => {
    expect(emitYaml({ spec: { b: 1, a: 2, "10": 3, "9": 4 }, kind: "K", apiVersion: "v1", x: undefined, list: [1, undefined, 2] }, ["apiVersion", "kind", "spec"])).toBe(
      "apiVersion: v1\nkind: K\nspec:\n  \"10\": 3\n  \"9\": 4\n  a: 2\n  b: 1\nlist:\n  - 1\n  - 2\n",
    );
  });

  it("quotes strings with a line of only blanks, which a block scalar would lose", () => {
    for (const s of [" \n", "a\n \nb", "x\n\t", " "]) for (const read of Object.values(readers)) expect(read(emitYaml({ a: [s] })), JSON.stringify(s)).toEqual({ a: [s] });
  });

  it("escapes NEL, LS and PS, which YAML 1.1 readers take for line breaks", () => {
    expect(emitYaml({ a: "x\u2028y", b: "x\u2029y", c: "x\u0085y" })).toBe('a: "x\\Ly"\nb: "x\\Py"\nc: "x\\Ny"\n');
  });

  it("writes multi-line strings as literal block scalars", () => {
    expect(emitYaml({ a: "x\ny", b: ["p\n", " q\nr"] })).toBe("a: |-\n  x\n  y\nb:\n  - |\n    p\n  - |2-\n     q\n    r\n");
  });
});

describe("reading values the way Helm does", () => {
  const read = (s: string) => parse(s, { ...HELM_YAML });
  it("follows go-yaml v2's YAML 1.1 rules", () => {
    expect(read("a: on\nb: NO\nc: y\nd: ~\ne: 0o17\nf: 017\ng: 1_000\nh: 0x1F\ni: 1e3\nj: 09\nk: 0b101\nl: .inf\n")).toEqual({ a: true, b: false, c: true, d: null, e: 15, f: 15, g: 1000, h: 31, i: 1000, j: 9, k: 5, l: Infinity });
  });
  it("keeps strings that go-yaml leaves strings", () => {
    expect(read('a: 2001-12-14\nb: 1:20\nc: e3\nd: "on"\ne: 1.31.4\nf: "12"\n')).toEqual({ a: "2001-12-14", b: "1:20", c: "e3", d: "on", e: "1.31.4", f: "12" });
  });
  it("keeps integers beyond 2^53 exact, merges `<<`", () => {
    expect(read("a: 12345678901234567890\nb: 9007199254740993\nc: 42\n")).toEqual({ a: 12345678901234567890n, b: 9007199254740993n, c: 42 });
    expect(read("base: &b { x: 1 }\nm:\n  <<: *b\n  z: 2\n  y: 3\n")).toEqual({ base: { x: 1 }, m: { x: 1, z: 2, true: 3 } });
  });
});

describe("shared parts", () => {
  it("are written as an unshared copy would be, at every depth and place", () => {
    fc.assert(
      fc.property(data, fc.integer({ min: 0, max: 3 }), (value, depth) => {
        const copy = structuredClone(value);
        const shared = value !== null && typeof value === "object" ? sharedPart(value) : value;
        // The same part in several places: as a key's value, as a list item, nested deeper.
        let plain: unknown = { k: copy, l: [copy, { m: copy }], "?": [[copy]] };
        let withShared: unknown = { k: shared, l: [shared, { m: shared }], "?": [[shared]] };
        for (let i = 0; i < depth; i++) {
          plain = { a: plain, b: [plain] };
          withShared = { a: withShared, b: [withShared] };
        }
        expect(emitYaml(withShared)).toBe(emitYaml(plain));
      }),
      { numRuns: 300 },
    );
  });

  it("cannot be changed once shared, at any depth", () => {
    const part = sharedPart({ a: { b: [1, { c: 2 }] } });
    expect(emitYaml({ x: part })).toBe("x:\n  a:\n    b:\n      - 1\n      - c: 2\n");
    expect(() => ((part.a.b[1] as { c: number }).c = 3)).toThrow(TypeError);
    expect(() => (part.a.b as number[]).push(3)).toThrow(TypeError);
    expect(emitYaml({ x: part })).toBe("x:\n  a:\n    b:\n      - 1\n      - c: 2\n");
  });
});
