import { describe, expect, it } from "vitest";
import { satisfies } from "../../generator/render/semver-range.js";

/** Helm's constraint rules (Masterminds/semver v3), case by case. */
describe("chart version constraints", () => {
  const cases: [string, string, boolean][] = [
    ["22.0.0", "21.x.x", false],
    ["21.4.2", "21.x.x", true],
    ["21.4.2", "21.x", true],
    ["1.2.3", "1.2.3", true],
    ["1.2.4", "1.2.3", false],
    ["1.2.4", "=1.2.3", false],
    ["1.2.4", "!=1.2.3", true],
    ["1.2.9", "~1.2.3", true],
    ["1.3.0", "~1.2.3", false],
    ["1.9.0", "~1", true],
    ["1.9.0", "^1.2.3", true],
    ["2.0.0", "^1.2.3", false],
    ["0.2.9", "^0.2.3", true],
    ["0.3.0", "^0.2.3", false],
    ["0.0.4", "^0.0.3", false],
    ["1.5.0", ">=1.2.0 <2.0.0", true],
    ["1.5.0", ">=1.2.0, <1.5.0", false],
    ["1.5.0", "> 1.4", true],
    ["3.0.0", "1.x || >=3.0.0", true],
    ["2.5.0", "1.x || >=3.0.0", false],
    ["1.4.5", "1.2 - 1.4.5", true],
    ["1.4.6", "1.2 - 1.4.5", false],
    ["5.0.0", "*", true],
    ["1.3.0-beta.1", "^1.2.0", false],
    ["1.3.0-beta.1", ">=1.3.0-alpha", true],
    ["v1.2.3", "1.2.x", true],
  ];
  for (const [version, constraint, ok] of cases) {
    it(`${version} ${ok ? "satisfies" : "does not satisfy"} ${constraint}`, () => expect(satisfies(version, constraint)).toBe(ok));
  }
  it("does not guess on what does not parse", () => {
    expect(satisfies("latest", "1.x")).toBeUndefined();
    expect(satisfies("1.0.0", "what")).toBeUndefined();
  });
});
