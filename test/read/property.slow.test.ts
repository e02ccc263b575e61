import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { fixtureFleet } from "../helpers/fleet-fixture.js";
import { berth, makeRepo, readTree, removeRepo } from "../helpers/repo.js";

const repos: string[] = [];
afterAll(() => repos.forEach(removeRepo));

const INPUTS = Object.keys(fixtureFleet()).filter((p) => /(cluster|app|values[^/]*)\.yaml$|values\/[^/]+\.yaml$/.test(p)).sort();

/** One random edit of a text: the kinds of damage a hand edit or a bad merge does. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant("delete-line" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("duplicate-line" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), text: fc.constantFrom("\t", ":", "- ", "{", "]", "'", '"', "&a ", "*a", "\u0000", "---\n", "  ", "#", "!!int ", "x: y\n") }),
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("replace-value" as const), at: fc.nat(), text: fc.constantFrom("[]", "{}", "null", "-1", "true", '"?"', "999999999999", "UPPER_case", "../..") }),
);

function mutate(text: string, m: fc.Arbitrary<unknown> extends never ? never : any): string {
  const lines = text.split("\n");
  const li = lines.length > 0 ? m.at % lines.length : 0;
  switch (m.kind) {
    case "delete-line":
      lines.splice(li, 1);
      return lines.join("\n");
    case "duplicate-line":
      lines.splice(li, 0, lines[li] ?? "");
      return lines.join("\n");
    case "insert": {
      const at = text.length > 0 ? m.at % text.length : 0;
      return text.slice(0, at) + m.text + text.slice(at);
    }
    case "truncate":
      return text.slice(0, text.length > 0 ? m.at % text.length : 0);
    case "replace-value":
      lines[li] = (lines[li] ?? "").replace(/:\s.*$/, `: ${m.text}`);
      return lines.join("\n");
  }
  return text;
}

describe("random damage to valid inputs", () => {
  it("either generates cleanly or fails with a located, stack-free error that writes nothing", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...INPUTS), fc.array(mutation, { minLength: 1, maxLength: 3 }), async (file, edits) => {
        const tree = fixtureFleet();
        tree[file] = edits.reduce((t, m) => mutate(t, m), tree[file]!);
        const root = makeRepo(tree);
        repos.push(root);
        const before = readTree(root);
        const run = await berth(root, "generate");
        expect(run.stderr).not.toContain("internal error");
        expect(run.stderr).not.toMatch(/^\s+at .+[:(]\d+:\d+\)?$/m);
        expect([0, 1]).toContain(run.code);
        if (run.code === 1) {
          expect(run.stderr).toMatch(/^[^\s:]+:\d+:\d+: \S/m);
          expect(run.stderr).toContain("fix: ");
          expect(readTree(root)).toEqual(before);
        }
        removeRepo(root);
      }),
      { numRuns: 150, seed: 20261123 },
    );
  });
});
