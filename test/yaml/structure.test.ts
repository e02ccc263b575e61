import { LineCounter, parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { HELM_YAML } from "../../generator/yaml/helm-schema.js";
import { parseYamlSource } from "../../generator/yaml/source.js";
import { MAX_YAML_DEPTH } from "../../generator/yaml/structure.js";

/** Where the `yaml` library's own (quadratic) uniqueKeys check finds repeated keys. */
function libraryDuplicates(text: string): string[] {
  const lineCounter = new LineCounter();
  return parseAllDocuments(text, { ...HELM_YAML, lineCounter, uniqueKeys: true, prettyErrors: false, strict: true })
    .flatMap((d) => d.errors)
    .filter((e) => e.code === "DUPLICATE_KEY")
    .map((e) => `${lineCounter.linePos(e.pos[0]).line}:${lineCounter.linePos(e.pos[0]).col}`);
}

const berthDuplicates = (text: string) =>
  parseYamlSource("f.yaml", text)
    .diagnostics.filter((d) => d.message.includes("YAML keys must be unique"))
    .map((d) => `${d.line}:${d.col}`);

describe("duplicate keys, found in one pass", () => {
  const cases = [
    "a: 1\nb: 2\na: 3\n",
    "a: 1\na: 2\na: 3\n",
    "x:\n  a: 1\n  b: 2\n  a: 3\ny:\n  a: 1\n",
    "{a: 1, b: 2, a: 3}\n",
    "1: one\n'1': string one\n1: again\n",
    "true: a\nyes: b\n",
    "? [a, b]\n: 1\n? [a, b]\n: 2\n",
    "base: &b {a: 1}\nm:\n  <<: *b\n  <<: *b\n  a: 2\n",
    ".nan: 1\n.nan: 2\n",
    "list:\n  - a: 1\n    a: 2\n  - a: 1\n",
    "a: 1\n---\na: 1\n",
    "null: 1\n~: 2\n",
  ];
  for (const text of cases) {
    it(`as the yaml library's uniqueKeys finds them: ${JSON.stringify(text)}`, () => {
      expect(berthDuplicates(text)).toEqual(libraryDuplicates(text));
    });
  }

  it("finds some: the comparison above is not empty against empty", () => {
    expect(berthDuplicates("a: 1\nb: 2\na: 3\n")).toEqual(["3:1"]);
  });

  // 50,000 keys: a few seconds when linear. The library's check compares each key with every
  // earlier one (over 10^9 comparisons here, minutes), so a quadratic parse fails by timeout.
  it("in a mapping of 50,000 keys, with the repeated one at the end", () => {
    const lines = Array.from({ length: 50_000 }, (_, i) => `key${i}: v${i}`);
    const text = `${lines.join("\n")}\nkey5: again\n`;
    const parsed = parseYamlSource("big.yaml", text);
    expect(parsed.diagnostics.map((d) => `${d.line}:${d.col}: ${d.message}`)).toEqual(["50001:1: Map keys must be unique: YAML keys must be unique"]);
  }, 30_000);
});

describe("nesting deeper than berth's limit", () => {
  it("is a positioned error at the first collection past the limit, not a stack overflow", () => {
    for (const depth of [MAX_YAML_DEPTH + 1, 5_000, 100_000]) {
      const text = `a: ${"[".repeat(depth - 1)}${"]".repeat(depth - 1)}\n`;
      const parsed = parseYamlSource("deep.yaml", text);
      expect(parsed.source).toBeUndefined();
      expect(parsed.diagnostics).toEqual([
        {
          file: "deep.yaml",
          line: 1,
          col: 4 + MAX_YAML_DEPTH - 1,
          message: `nests mappings and lists deeper than ${MAX_YAML_DEPTH} levels, berth's limit for a YAML document`,
          hint: "flatten the structure; no chart or Kubernetes object needs this depth",
        },
      ]);
    }
  });

  it("in block style too, at the line that goes past it", () => {
    const text = Array.from({ length: 300 }, (_, i) => `${" ".repeat(i)}k${i}:`).join("\n") + " 1\n";
    const parsed = parseYamlSource("deep.yaml", text);
    expect(parsed.diagnostics.map((d) => `${d.line}:${d.col}`)).toEqual([`${MAX_YAML_DEPTH + 1}:${MAX_YAML_DEPTH + 1}`]);
  });

  it("up to the limit parses", () => {
    const text = `a: ${"[".repeat(MAX_YAML_DEPTH - 1)}${"]".repeat(MAX_YAML_DEPTH - 1)}\n`;
    expect(parseYamlSource("ok.yaml", text).diagnostics).toEqual([]);
  });
});
