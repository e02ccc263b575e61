#!/usr/bin/env node
// Extracts the GitHub operations berth uses (issue comments, deploy keys, /meta; commit statuses, which Argo CD posts for `notify`) from GitHub's OpenAPI description
// (@octokit/openapi, dereferenced, so every $ref is resolved) into a small committed fixture the
// loopback GitHub API of the tests validates against. The package is ~385 MB unpacked, too large
// to install on every run; test/github/openapi-fixture.test.ts re-checks the fixture against it
// whenever it is installed.
//
//   npm i --no-save @octokit/openapi@23.0.2 && node scripts/github-openapi.mjs
//   (or OCTOKIT_OPENAPI_DIR=/elsewhere/node_modules/@octokit/openapi node scripts/github-openapi.mjs)
import { createRequire } from "node:module";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The operations `berth comment` and `berth repo connect` send (GET /user: whose token it is, for the default --author) and the commit status Argo CD posts for `notify`, by GitHub's operationId. */
export const OPERATIONS = [
  "issues/list-comments",
  "issues/create-comment",
  "issues/update-comment",
  "issues/delete-comment",
  "users/get-authenticated",
  "repos/create-commit-status",
  "repos/list-deploy-keys",
  "repos/create-deploy-key",
  "repos/delete-deploy-key",
  "meta/get",
];
export const FIXTURE = "test/github/fixtures/openapi-operations.json";
const SPEC = "generated/api.github.com.deref.json";

/** Prose and examples say nothing a validator checks; dropping them keeps the fixture small. */
const DROP = new Set(["description", "summary", "examples", "example", "externalDocs", "x-github", "tags"]);

function strip(value, names = false) {
  if (Array.isArray(value)) return value.map((v) => strip(v));
  if (value === null || typeof value !== "object") return value;
  const out = {};
  // Under `properties` the keys are field names (an app's "description" field is kept), not keywords.
  for (const key of Object.keys(value).sort()) if (names || !DROP.has(key)) out[key] = strip(value[key], !names && key === "properties");
  return out;
}

/** The fixture's content for a parsed (dereferenced) description and the package's version. */
export function extractOperations(spec, version) {
  const operations = {};
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!op || typeof op !== "object" || !OPERATIONS.includes(op.operationId)) continue;
      if (JSON.stringify(op).includes('"$ref"')) throw new Error(`${op.operationId} still has a $ref; use the dereferenced description`);
      const responses = {};
      for (const [status, r] of Object.entries(op.responses)) {
        responses[status] = {
          ...(r.content?.["application/json"]?.schema ? { schema: strip(r.content["application/json"].schema) } : {}),
          ...(r.headers ? { headers: Object.keys(r.headers).sort() } : {}),
        };
      }
      const body = op.requestBody?.content?.["application/json"]?.schema;
      operations[op.operationId] = {
        method: method.toUpperCase(),
        path,
        parameters: (op.parameters ?? []).map((p) => strip({ name: p.name, in: p.in, required: p.required === true, schema: p.schema })),
        ...(body ? { requestBody: { required: op.requestBody.required === true, schema: strip(body) } } : {}),
        responses,
      };
    }
  }
  const missing = OPERATIONS.filter((id) => !operations[id]);
  if (missing.length > 0) throw new Error(`not in the description: ${missing.join(", ")}`);
  return { source: `@octokit/openapi@${version} ${SPEC}`, generatedBy: "scripts/github-openapi.mjs", operations: Object.fromEntries(OPERATIONS.map((id) => [id, operations[id]])) };
}

/** The installed package's folder: OCTOKIT_OPENAPI_DIR, else resolved from the repository; undefined when absent. */
export function findPackage(repoRoot, env = process.env) {
  if (env.OCTOKIT_OPENAPI_DIR) return existsSync(join(env.OCTOKIT_OPENAPI_DIR, SPEC)) ? env.OCTOKIT_OPENAPI_DIR : undefined;
  try {
    return dirname(createRequire(join(repoRoot, "package.json")).resolve("@octokit/openapi/package.json"));
  } catch {
    return undefined;
  }
}

/** Reads the package (only the one description it needs: the others are hundreds of MB) and extracts. */
export function extractFromPackage(dir) {
  const version = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).version;
  return extractOperations(JSON.parse(readFileSync(join(dir, SPEC), "utf8")), version);
}

export const serialise = (fixture) => `${JSON.stringify(fixture, null, 1)}\n`;

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = join(dirname(fileURLToPath(import.meta.url)), "..");
  const dir = findPackage(root);
  if (!dir) {
    console.error("scripts/github-openapi.mjs: @octokit/openapi is not installed; run `npm i --no-save @octokit/openapi@23.0.2` (or set OCTOKIT_OPENAPI_DIR)");
    process.exit(2);
  }
  const fixture = extractFromPackage(dir);
  writeFileSync(join(root, FIXTURE), serialise(fixture));
  console.log(`wrote ${FIXTURE} from ${fixture.source}: ${Object.keys(fixture.operations).join(", ")}`);
}
