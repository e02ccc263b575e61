import { afterEach, describe, expect, it } from "vitest";
import { loadCheckedFleet } from "../../generator/read/checked-fleet.js";
import { createParseMemo, parseYamlSourceMemo } from "../../generator/yaml/parse-memo.js";
import { locate, parseYamlSource, toPlain } from "../../generator/yaml/source.js";
import { fixtureFleet } from "../helpers/fleet-fixture.js";
import { makeRepo, removeRepo } from "../helpers/repo.js";

const roots: string[] = [];
afterEach(() => roots.splice(0).forEach(removeRepo));

function repo(edit: (tree: Record<string, string>) => void = () => {}): string {
  const tree = fixtureFleet();
  edit(tree);
  const root = makeRepo(tree);
  roots.push(root);
  return root;
}

describe("loading two revisions with one parse memo", () => {
  it("parses a file both revisions share once, and gives each revision a model of its own", () => {
    const memo = createParseMemo();
    const base = loadCheckedFleet(repo(), memo);
    const parsed = memo.size;
    const head = loadCheckedFleet(repo(), memo);
    expect(memo.size).toBe(parsed);
    expect(head.apps.get("shop")!.source).toBe(base.apps.get("shop")!.source);
    // Equal models, but not the same objects: schema defaults are filled into each copy.
    const fresh = loadCheckedFleet(repo());
    expect(head.apps.get("shop")!.spec).toEqual(fresh.apps.get("shop")!.spec);
    expect(head.clusters.map((c) => c.spec)).toEqual(fresh.clusters.map((c) => c.spec));
    expect(head.apps.get("shop")!.spec).not.toBe(base.apps.get("shop")!.spec);
    (head.apps.get("shop")!.spec as { namespace: string }).namespace = "changed";
    expect(base.apps.get("shop")!.spec.namespace).toBe(fresh.apps.get("shop")!.spec.namespace);
  });

  it("parses a file whose text differs between the revisions again", () => {
    const memo = createParseMemo();
    loadCheckedFleet(repo(), memo);
    const parsed = memo.size;
    const head = loadCheckedFleet(repo((t) => (t["apps/kustom/app.yaml"] = t["apps/kustom/app.yaml"]!.replace("namespace: kustom", "namespace: kustom2"))), memo);
    expect(memo.size).toBe(parsed + 1);
    expect(head.apps.get("kustom")!.spec.namespace).toBe("kustom2");
  });
});

describe("parseYamlSourceMemo", () => {
  it("keeps the path in the key, so each file's problems name that file", () => {
    const memo = createParseMemo();
    const a = parseYamlSourceMemo(memo, "apps/a/values.yaml", "a: 1\na: 2\n");
    const b = parseYamlSourceMemo(memo, "apps/b/values.yaml", "a: 1\na: 2\n");
    expect(a.diagnostics.map((d) => d.file)).toEqual(["apps/a/values.yaml"]);
    expect(b.diagnostics.map((d) => d.file)).toEqual(["apps/b/values.yaml"]);
  });

  it("hands out diagnostics a caller may change without changing the memo", () => {
    const memo = createParseMemo();
    parseYamlSourceMemo(memo, "x.yaml", "a: [").diagnostics.splice(0);
    expect(parseYamlSourceMemo(memo, "x.yaml", "a: [").diagnostics).toEqual(parseYamlSource("x.yaml", "a: [").diagnostics);
    expect(parseYamlSource("x.yaml", "a: [").diagnostics.length).toBeGreaterThan(0);
  });
});

describe("toPlain", () => {
  it("gives a fresh copy each time, with bigints, aliases and merge keys read once", () => {
    const { source } = parseYamlSource("v.yaml", "big: 12345678901234567890\nbase: &b { x: 1 }\nmerged: { <<: *b, z: 2 }\n");
    const one = toPlain(source!) as Record<string, unknown>;
    const two = toPlain(source!) as Record<string, unknown>;
    expect(one).toEqual({ big: 12345678901234567890n, base: { x: 1 }, merged: { x: 1, z: 2 } });
    expect(two).toEqual(one);
    (one.base as Record<string, unknown>).x = 9;
    expect((two.base as Record<string, unknown>).x).toBe(1);
    expect((toPlain(source!) as Record<string, Record<string, unknown>>).base!.x).toBe(1);
  });

  it("keeps a clean parse's data, not its document, and still finds positions when a message needs them (issue 24)", () => {
    const memo = createParseMemo();
    const text = "layer: apps\nnamespace: shop\nsource:\n  type: helm\n  chart: shop\n";
    const first = parseYamlSourceMemo(memo, "apps/shop/app.yaml", text).source!;
    // The document is a getter, parsed from the text on first use; the data is the parse's.
    expect(Object.getOwnPropertyDescriptor(first, "doc")?.get).toBeTypeOf("function");
    expect(first.value).toEqual({ layer: "apps", namespace: "shop", source: { type: "helm", chart: "shop" } });
    expect(locate(first, ["source", "chart"])).toEqual(locate(parseYamlSource("apps/shop/app.yaml", text).source!, ["source", "chart"]));
    expect(locate(first, ["source", "chart"])).toEqual({ line: 5, col: 10 });
    // A text with a problem keeps its document: its diagnostics point into it.
    const bad = parseYamlSourceMemo(memo, "apps/x/app.yaml", "a: 1\na: 2\n");
    expect(bad.diagnostics.length).toBeGreaterThan(0);
  });
});
