import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { fixtureFleet } from "../helpers/fleet-fixture.js";
import { berth, makeRepo, readTree, removeRepo } from "../helpers/repo.js";

interface Case {
  name: string;
  command?: string[];
  /** Whole files to write (null deletes). */
  files?: Record<string, string | null>;
  /** In-place edits: [search, replacement] on a fixture file. */
  patch?: Record<string, [string, string]>;
  expect: string[];
  /** Texts the report must not contain (secret values from the input). */
  not?: string[];
}

const cases = parse(readFileSync(new URL("../corpus/bad-input.yaml", import.meta.url), "utf8")) as Case[];
const repos: string[] = [];
afterAll(() => repos.forEach(removeRepo));

export function applyCase(c: Pick<Case, "files" | "patch">): Record<string, string> {
  const tree: Record<string, string> = fixtureFleet();
  for (const [path, [from, to]] of Object.entries(c.patch ?? {})) {
    if (!tree[path]?.includes(from)) throw new Error(`corpus patch: ${path} does not contain ${JSON.stringify(from)}`);
    tree[path] = tree[path]!.replace(from, to);
  }
  for (const [path, content] of Object.entries(c.files ?? {})) {
    if (content === null) delete tree[path];
    else tree[path] = content;
  }
  return tree;
}

describe("bad-input corpus", () => {
  it("has at least 40 cases", () => expect(cases.length).toBeGreaterThanOrEqual(40));

  it.each(cases.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    const root = makeRepo(applyCase(c));
    repos.push(root);
    const before = readTree(root);
    const run = await berth(root, ...(c.command ?? ["generate"]));
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.stderr).toMatch(/^[^\s:]+:\d+:\d+: \S/m);
    expect(run.stderr).toContain("\n  fix: ");
    expect(run.stderr).not.toMatch(/^\s+at .+[:(]\d+:\d+\)?$/m);
    expect(run.stderr).not.toContain("internal error");
    for (const text of c.expect) expect(run.stderr).toContain(text);
    for (const text of c.not ?? []) expect(run.stdout + run.stderr).not.toContain(text);
    expect(readTree(root)).toEqual(before);
  });
});
