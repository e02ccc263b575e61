import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { scanForCredentials } from "../../generator/validate/hygiene.js";
import { fixtureFleet } from "../helpers/fleet-fixture.js";
import { berth, makeRepo, removeRepo } from "../helpers/repo.js";

/** The plaintext-credential scan on a corpus of positives and negatives (issue 11, item 7). */
interface Snippet {
  name: string;
  yaml: string;
}
const corpus = parse(readFileSync(new URL("../corpus/credentials.yaml", import.meta.url), "utf8")) as { positives: Snippet[]; negatives: Snippet[] };
const repos: string[] = [];
afterAll(() => repos.forEach(removeRepo));

describe("plaintext-credential scan", () => {
  it.each(corpus.positives.map((s) => [s.name, s] as const))("flags %s", (_n, s) => {
    const found = scanForCredentials("apps/shop/values.yaml", s.yaml);
    expect(found.length, s.yaml).toBeGreaterThan(0);
    for (const d of found) {
      expect(d.line).toBeGreaterThan(0);
      expect(d.message).not.toContain("hunter2");
    }
  });

  it.each(corpus.negatives.map((s) => [s.name, s] as const))("does not flag %s", (_n, s) => {
    expect(scanForCredentials("apps/shop/values.yaml", s.yaml)).toEqual([]);
  });

  it("berth validate reports an env entry's literal password with its position", async () => {
    const root = makeRepo({ ...fixtureFleet(), "apps/shop/values.yaml": "env:\n  - name: DB_PASSWORD\n    value: hunter2\n" });
    repos.push(root);
    const run = await berth(root, "validate");
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("apps/shop/values.yaml:3:12: `DB_PASSWORD` is given a literal value");
  });
});
