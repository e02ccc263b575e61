// A loopback GitHub REST API for the e2e: the notifications controller posts commit statuses here
// (`POST /repos/{owner}/{repo}/statuses/{sha}`), `berth repo connect` registers the fleet's deploy
// key and reads the SSH host keys (`/repos/{owner}/{repo}/keys`, `GET /meta`), and the SSH server
// of e2e/harness/git-ssh.mjs asks it which keys open the repository. Like
// test/github/fake-github.ts (the vitest one, TypeScript), it validates every request against
// GitHub's OpenAPI description (the committed fixture scripts/github-openapi.mjs extracts) and every
// answer before sending it; mismatches are recorded in `violations`, which the e2e expects empty,
// and `validated` counts the requests that went through the check, so a run shows it ran.
import { createServer } from "node:http";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";
import { REPO_ROOT } from "./fleet.mjs";

const addFormats = addFormatsModule.default ?? addFormatsModule;
const OPERATIONS = ["repos/create-commit-status", "repos/list-deploy-keys", "repos/create-deploy-key", "repos/delete-deploy-key", "meta/get"];

function compile() {
  const fixture = JSON.parse(readFileSync(join(REPO_ROOT, "test/github/fixtures/openapi-operations.json"), "utf8"));
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, logger: false });
  addFormats(ajv);
  const ops = OPERATIONS.map((id) => {
    const op = fixture.operations[id];
    const properties = Object.fromEntries(op.parameters.map((p) => [p.name, p.schema]));
    return {
      id,
      op,
      pattern: new RegExp(`^${op.path.replace(/\{(\w+)\}/g, "(?<$1>[^/]+)")}$`),
      params: ajv.compile({ type: "object", properties, required: op.parameters.filter((p) => p.required).map((p) => p.name), additionalProperties: false }),
      // GitHub's body schemas allow unknown fields; a misspelled optional field would pass, so this refuses them.
      body: op.requestBody ? ajv.compile({ ...op.requestBody.schema, additionalProperties: false }) : undefined,
      responses: new Map(Object.entries(op.responses).map(([status, r]) => [status, r.schema ? ajv.compile(r.schema) : undefined])),
    };
  });
  const basicError = ajv.compile(fixture.operations["issues/create-comment"].responses["403"].schema);
  return { ajv, ops, basicError };
}

/**
 * `sshHostKeys` (an array the caller may fill later, `type base64` lines) is what GET /meta
 * publishes as GitHub's SSH host keys.
 */
export async function startGithub({ token, owner, repo, sshHostKeys = [] }) {
  const { ajv, ops, basicError } = compile();
  const statuses = [];
  const violations = [];
  const deployKeys = [];
  /** Requests without the right token: what GitHub answers 401 (before the sealed token is opened, Argo CD sends its `$key` reference). */
  const unauthorized = [];
  let validated = 0;
  let nextId = 1;
  const now = () => new Date().toISOString().replace(/\.\d+Z$/, "Z");
  const notFound = { message: "Not Found", documentation_url: "https://docs.github.com/rest" };

  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const base = `http://127.0.0.1:${server.address().port}`;
      const found = ops.map((o) => ({ o, m: req.method === o.op.method ? o.pattern.exec(url.pathname) : null })).find((x) => x.m);
      const send = (status, payload, headers = {}) => {
        if (found) {
          const v = found.o.responses.get(String(status));
          if (found.o.responses.has(String(status))) {
            if (v && !v(payload)) violations.push(`${found.o.id} response ${status}: ${ajv.errorsText(v.errors)}`);
          } else if (status >= 400) {
            if (!basicError(payload)) violations.push(`${found.o.id} response ${status}: ${ajv.errorsText(basicError.errors)}`);
          } else violations.push(`${found.o.id}: status ${status} is not in the description`);
        }
        res.writeHead(status, { ...(payload === undefined ? {} : { "content-type": "application/json; charset=utf-8" }), ...headers });
        res.end(payload === undefined ? undefined : JSON.stringify(payload));
      };
      const refuse = (why) => {
        violations.push(`${req.method} ${url.pathname}: ${why}`);
        send(422, { message: "Validation Failed", documentation_url: "https://docs.github.com/rest" });
      };
      if (!found) {
        violations.push(`${req.method} ${url.pathname}: not an operation the e2e's clients use`);
        return send(404, notFound);
      }
      const { o, m } = found;
      if (req.headers.authorization !== `token ${token}` && req.headers.authorization !== `Bearer ${token}`) {
        unauthorized.push(`${req.method} ${url.pathname}`);
        return send(401, { message: "Bad credentials", documentation_url: "https://docs.github.com/rest" });
      }
      if (!String(req.headers.accept ?? "").includes("application/vnd.github")) violations.push(`${o.id}: accept header ${req.headers.accept}`);
      const params = {};
      for (const [k, v] of Object.entries({ ...m.groups, ...Object.fromEntries(url.searchParams) })) {
        const type = o.op.parameters.find((p) => p.name === k)?.schema?.type;
        params[k] = type === "integer" && /^-?\d+$/.test(v) ? Number(v) : decodeURIComponent(v);
      }
      if (!o.params(params)) return refuse(`parameters ${ajv.errorsText(o.params.errors)}`);
      let b;
      const raw = Buffer.concat(chunks).toString("utf8");
      if (o.body) {
        if (!String(req.headers["content-type"] ?? "").startsWith("application/json")) return refuse(`content-type ${req.headers["content-type"]}`);
        try {
          b = JSON.parse(raw);
        } catch {
          return refuse("the body is not JSON");
        }
        if (!o.body(b)) return refuse(`body ${ajv.errorsText(o.body.errors)}`);
      } else if (raw.length > 0) return refuse("a body where the operation takes none");
      validated++;
      if ("owner" in params && (params.owner !== owner || params.repo !== repo)) return send(404, notFound);
      switch (o.id) {
        case "repos/create-commit-status": {
          // GitHub's documented limits the description leaves out: a full SHA, a description of 140 characters at most.
          if (!/^[0-9a-f]{40}$/.test(params.sha)) return refuse(`sha ${params.sha} is not a commit`);
          if ((b.description ?? "").length > 140) return refuse(`description is ${b.description.length} characters (at most 140)`);
          const id = nextId++;
          const at = now();
          statuses.push({ sha: params.sha, state: b.state, context: b.context ?? "default", description: b.description ?? "", at: Date.now() });
          return send(201, {
            url: `${base}/repos/${owner}/${repo}/statuses/${params.sha}`, avatar_url: null, id, node_id: `SC_${id}`, state: b.state,
            description: b.description ?? null, target_url: b.target_url ?? null, context: b.context ?? "default", created_at: at, updated_at: at, creator: null,
          });
        }
        case "repos/list-deploy-keys": {
          const perPage = params.per_page ?? 30;
          const page = params.page ?? 1;
          const last = Math.max(1, Math.ceil(deployKeys.length / perPage));
          const next = new URL(`/repos/${owner}/${repo}/keys`, base);
          for (const [k, v] of url.searchParams) next.searchParams.set(k, v);
          next.searchParams.set("page", String(page + 1));
          return send(200, deployKeys.slice((page - 1) * perPage, page * perPage).map((k) => keyJson(base, k)), page < last ? { link: `<${next}>; rel="next"` } : {});
        }
        case "repos/create-deploy-key": {
          // GitHub compares the key material (type and base64), not the comment.
          const material = b.key.trim().split(/\s+/).slice(0, 2).join(" ");
          const invalid = (message) => send(422, { message: "Validation Failed", documentation_url: "https://docs.github.com/rest/deploy-keys/deploy-keys#create-a-deploy-key", errors: [{ resource: "PublicKey", code: "custom", field: "key", message }] });
          if (!/^(ssh-ed25519|ecdsa-sha2-nistp256|ssh-rsa) [A-Za-z0-9+/]+=*$/.test(material)) return invalid("key is invalid. You must supply a key in OpenSSH public key format");
          if (deployKeys.some((k) => k.key === material)) return invalid("key is already in use");
          const k = { id: nextId++, key: material, title: b.title ?? "", read_only: b.read_only ?? false, created_at: now() };
          deployKeys.push(k);
          return send(201, keyJson(base, k), { location: `${base}/repos/${owner}/${repo}/keys/${k.id}` });
        }
        case "repos/delete-deploy-key": {
          const i = deployKeys.findIndex((k) => k.id === params.key_id);
          if (i < 0) return send(404, notFound);
          deployKeys.splice(i, 1);
          return send(204);
        }
        case "meta/get": {
          const fingerprint = (line) => createHash("sha256").update(Buffer.from(line.split(" ")[1], "base64")).digest("base64").replace(/=+$/, "");
          return send(200, {
            verifiable_password_authentication: false,
            ssh_key_fingerprints: Object.fromEntries(sshHostKeys.map((line) => [`SHA256_${line.split(" ")[0].replace(/^ssh-|^ecdsa-sha2-/, "").toUpperCase()}`, fingerprint(line)])),
            ssh_keys: [...sshHostKeys],
            git: ["127.0.0.1/32"],
          });
        }
      }
      return send(404, notFound);
    });
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  const url = `http://127.0.0.1:${server.address().port}`;
  return { url, statuses, violations, unauthorized, deployKeys, sshHostKeys, validated: () => validated, close: () => new Promise((ok) => server.close(() => ok())) };
}

function keyJson(base, k) {
  return { id: k.id, key: k.key, url: `${base}/repos/acme/fleet/keys/${k.id}`, title: k.title, verified: true, created_at: k.created_at, read_only: k.read_only, added_by: "octocat", last_used: null, enabled: true };
}
