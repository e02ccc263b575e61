import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { extractFromPackage, FIXTURE, findPackage, OPERATIONS, serialise } from "../../scripts/github-openapi.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const committed = readFileSync(join(root, FIXTURE), "utf8");
// @octokit/openapi is ~385 MB unpacked and not a dependency: install it to run the check
// (`npm i --no-save @octokit/openapi@23.0.2`, or OCTOKIT_OPENAPI_DIR=<its folder>).
const pkg = findPackage(root);
const reason = pkg ? `against ${pkg}` : "SKIPPED: @octokit/openapi is not installed (npm i --no-save @octokit/openapi@23.0.2 to run it)";

describe("the committed OpenAPI fixture", () => {
  it("holds exactly the operations berth uses, with every $ref resolved", () => {
    const f = JSON.parse(committed) as { operations: Record<string, unknown> };
    expect(Object.keys(f.operations)).toEqual(OPERATIONS);
    expect(committed).not.toContain('"$ref"');
  });

  it.skipIf(!pkg)(`is what scripts/github-openapi.mjs extracts from the package (${reason})`, () => {
    expect(serialise(extractFromPackage(pkg!))).toBe(committed);
  });
});
