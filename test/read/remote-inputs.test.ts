import { afterAll, describe, expect, it } from "vitest";
import { fixtureFleet } from "../helpers/fleet-fixture.js";
import { berth, makeRepo, removeRepo } from "../helpers/repo.js";

/**
 * Issue 18, finding 6: a remote input that is not pinned renders differently tomorrow from the same
 * commit, so `validate` refuses it at the line that names it: a kustomize resource must pin a
 * commit over https (a tag passes with a warning, and `--strict` refuses it; plain http never
 * passes), and a local chart's remote dependency must be an exact version or locked by a
 * committed Chart.lock.
 */
const roots: string[] = [];
afterAll(() => roots.forEach(removeRepo));

const KUSTOMIZATION = "apps/kustom/overlays/kind/kustomization.yaml";
const SHA = "0123456789abcdef0123456789abcdef01234567";

function validate(files: Record<string, string>, ...args: string[]) {
  const root = makeRepo({ ...fixtureFleet(), ...files });
  roots.push(root);
  return berth(root, "validate", ...args);
}

const withResource = (url: string) => ({ [KUSTOMIZATION]: `resources:\n  - ${url}\n` });

describe("remote kustomize resources are pinned or refused", () => {
  it("refuses plain http, at the resource's line", async () => {
    const r = await validate(withResource(`http://example.com/org/repo/deploy?ref=${SHA}`));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${KUSTOMIZATION}:2:5: remote resource "http://example.com/org/repo/deploy?ref=${SHA}" is fetched over plain http`);
    expect(r.stderr).toContain("fix: use https://");
  });

  it("refuses an https resource without a ref, or with a branch", async () => {
    for (const url of ["https://github.com/org/repo/deploy", "github.com/org/repo/deploy?ref=main"]) {
      const r = await validate(withResource(url));
      expect(r.code, url).toBe(1);
      expect(r.stderr, url).toMatch(/kustomization\.yaml:2:5: remote resource ".*" is (not pinned|pinned to "main", which is not a commit)/);
    }
  });

  it("accepts a commit; a tag with a warning, which --strict refuses", async () => {
    const pinned = await validate(withResource(`https://github.com/org/repo/deploy?ref=${SHA}`));
    expect(pinned.code, pinned.stderr).toBe(0);
    expect(pinned.stderr).toBe("");
    const tagged = await validate(withResource("https://github.com/org/repo/deploy?ref=v1.2.3"));
    expect(tagged.code, tagged.stderr).toBe(0);
    expect(tagged.stderr).toContain(`warning: ${KUSTOMIZATION}:2:5: remote resource "https://github.com/org/repo/deploy?ref=v1.2.3" is pinned by the tag "v1.2.3"`);
    const strict = await validate(withResource("https://github.com/org/repo/deploy?ref=v1.2.3"), "--strict");
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain("(--strict refuses tags)");
  });

  it("checks the resources of a base outside the app's folder too", async () => {
    const r = await validate({ [KUSTOMIZATION]: "resources:\n  - ../../../../bases/remote\n", "bases/remote/kustomization.yaml": "resources:\n  - https://github.com/org/repo/deploy\n" });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('bases/remote/kustomization.yaml:2:5: remote resource "https://github.com/org/repo/deploy" is not pinned');
  });

  it("refuses a path that leaves the repository, at its line", async () => {
    const r = await validate({ [KUSTOMIZATION]: "resources:\n  - ../../../../../outside\n" });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${KUSTOMIZATION}:2:5: path "../../../../../outside" leaves the repository`);
  });
});

describe("a local chart's remote dependencies are exact or locked", () => {
  const chart = (version: string) => `apiVersion: v2\nname: shop\nversion: 0.1.0\ndependencies:\n  - name: redis\n    version: "${version}"\n    repository: https://charts.example.com\n`;

  it("refuses a version range without a committed Chart.lock", async () => {
    const r = await validate({ "apps/shop/chart/Chart.yaml": chart("^18.0.0") });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('apps/shop/chart/Chart.yaml:6:14: dependency "redis" from https://charts.example.com is given as the range "^18.0.0" and the chart has no committed Chart.lock');
  });

  it("accepts an exact version, or a range with a Chart.lock", async () => {
    const exact = await validate({ "apps/shop/chart/Chart.yaml": chart("18.1.2") });
    expect(exact.code, exact.stderr).toBe(0);
    const locked = await validate({ "apps/shop/chart/Chart.yaml": chart("^18.0.0"), "apps/shop/chart/Chart.lock": "dependencies:\n- name: redis\n  repository: https://charts.example.com\n  version: 18.1.2\ndigest: sha256:0\ngenerated: \"2026-01-01T00:00:00Z\"\n" });
    expect(locked.code, locked.stderr).toBe(0);
  });
});
