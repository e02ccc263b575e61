// A loopback GitHub REST API for the e2e's commit statuses: the notifications controller posts
// `POST /repos/{owner}/{repo}/statuses/{sha}` here. Like test/github/fake-github.ts (the vitest
// one, TypeScript), it validates every request against GitHub's OpenAPI description (the committed
// fixture scripts/github-openapi.mjs extracts) and every answer before sending it; mismatches are
// recorded in `violations`, which the e2e expects empty.
import { createServer } from "node:http";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";
import { REPO_ROOT } from "./fleet.mjs";

const addFormats = addFormatsModule.default ?? addFormatsModule;
const OPERATION = "repos/create-commit-status";

export async function startGithub({ token, owner, repo }) {
  const fixture = JSON.parse(readFileSync(join(REPO_ROOT, "test/github/fixtures/openapi-operations.json"), "utf8"));
  const op = fixture.operations[OPERATION];
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, logger: false });
  addFormats(ajv);
  const properties = Object.fromEntries(op.parameters.map((p) => [p.name, p.schema]));
  const params = ajv.compile({ type: "object", properties, required: op.parameters.filter((p) => p.required).map((p) => p.name), additionalProperties: false });
  // GitHub's body schemas allow unknown fields; a misspelled optional field would pass, so this refuses them.
  const body = ajv.compile({ ...op.requestBody.schema, additionalProperties: false });
  const created = ajv.compile(op.responses["201"].schema);
  const pattern = new RegExp(`^${op.path.replace(/\{(\w+)\}/g, "(?<$1>[^/]+)")}$`);

  const statuses = [];
  const violations = [];
  /** Requests without the right token: what GitHub answers 401 (before the sealed token is opened, Argo CD sends its `$key` reference). */
  const unauthorized = [];
  let nextId = 1;
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const send = (status, payload) => {
        res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
        res.end(JSON.stringify(payload));
      };
      const refuse = (status, why) => {
        violations.push(`${req.method} ${url.pathname}: ${why}`);
        send(status, { message: status === 401 ? "Bad credentials" : "Validation Failed", documentation_url: "https://docs.github.com/rest" });
      };
      const m = req.method === op.method ? pattern.exec(url.pathname) : null;
      if (!m) return refuse(404, "not an operation berth's notifications use");
      if (req.headers.authorization !== `token ${token}` && req.headers.authorization !== `Bearer ${token}`) {
        unauthorized.push(`${req.method} ${url.pathname}`);
        return send(401, { message: "Bad credentials", documentation_url: "https://docs.github.com/rest" });
      }
      if (!String(req.headers.accept ?? "").includes("application/vnd.github")) violations.push(`${OPERATION}: accept header ${req.headers.accept}`);
      if (!String(req.headers["content-type"] ?? "").startsWith("application/json")) return refuse(422, `content-type ${req.headers["content-type"]}`);
      const p = Object.fromEntries(Object.entries(m.groups).map(([k, v]) => [k, decodeURIComponent(v)]));
      if (!params(p)) return refuse(422, `parameters ${ajv.errorsText(params.errors)}`);
      let b;
      try {
        b = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {
        return refuse(422, "the body is not JSON");
      }
      if (!body(b)) return refuse(422, `body ${ajv.errorsText(body.errors)}`);
      // GitHub's documented limits the description leaves out: a full SHA, a description of 140 characters at most.
      if (!/^[0-9a-f]{40}$/.test(p.sha)) return refuse(422, `sha ${p.sha} is not a commit`);
      if ((b.description ?? "").length > 140) return refuse(422, `description is ${b.description.length} characters (at most 140)`);
      if (p.owner !== owner || p.repo !== repo) return send(404, { message: "Not Found", documentation_url: "https://docs.github.com/rest" });
      const now = new Date().toISOString().replace(/\.\d+Z$/, "Z");
      const id = nextId++;
      const answer = {
        url: `http://127.0.0.1/repos/${owner}/${repo}/statuses/${p.sha}`, avatar_url: null, id, node_id: `SC_${id}`, state: b.state,
        description: b.description ?? null, target_url: b.target_url ?? null, context: b.context ?? "default", created_at: now, updated_at: now, creator: null,
      };
      if (!created(answer)) violations.push(`${OPERATION} response 201: ${ajv.errorsText(created.errors)}`);
      statuses.push({ sha: p.sha, state: b.state, context: b.context ?? "default", description: b.description ?? "", at: Date.now() });
      send(201, answer);
    });
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  const url = `http://127.0.0.1:${server.address().port}`;
  return { url, statuses, violations, unauthorized, close: () => new Promise((ok) => server.close(() => ok())) };
}
