import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { OpenapiFixture, OperationFixture } from "../../scripts/github-openapi.mjs";

const addFormats = (addFormatsModule as unknown as { default: (ajv: Ajv) => Ajv }).default;
const fixture = JSON.parse(readFileSync(new URL("./fixtures/openapi-operations.json", import.meta.url), "utf8")) as OpenapiFixture;

export interface FakeUser {
  login: string;
  type: "Bot" | "User" | "Organization";
}

export interface StoredComment {
  id: number;
  issue: number;
  body: string;
  user: FakeUser;
  created_at: string;
  updated_at: string;
}

/** An answer the fake gives instead of handling a request, once per matching request. */
export interface InjectedFailure {
  method: string;
  /** Matched against the request path (no query). */
  path: RegExp;
  status: number;
  headers?: Record<string, string>;
  body: object;
  /** How many matching requests get it (default 1). */
  times?: number;
}

/** A deploy key as GitHub stores it: the public key line, its title and whether it may push. */
export interface StoredDeployKey {
  id: number;
  key: string;
  title: string;
  read_only: boolean;
  created_at: string;
}

export interface RecordedRequest {
  operation: string;
  method: string;
  path: string;
  query: Record<string, string>;
  body?: unknown;
  status: number;
}

interface CompiledOperation {
  id: string;
  op: OperationFixture;
  pattern: RegExp;
  params: ValidateFunction;
  body?: ValidateFunction;
  responses: Map<string, ValidateFunction | undefined>;
}

const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, logger: false });
addFormats(ajv);
const errorText = (v: ValidateFunction) => ajv.errorsText(v.errors, { dataVar: "" });

/** Path and query parameters as one object schema, from the operation's parameter list. */
function paramsSchema(op: OperationFixture): object {
  const properties: Record<string, object> = {};
  const required: string[] = [];
  for (const p of op.parameters) {
    properties[p.name] = p.schema;
    if (p.required) required.push(p.name);
  }
  return { type: "object", properties, required, additionalProperties: false };
}

/** Compiled on first use: a test exercises few of the operations, and compiling all of GitHub's schemas was most of this module's cost. */
function lazily(schema: object): ValidateFunction {
  let compiledSchema: ValidateFunction | undefined;
  const check = ((data: unknown) => {
    compiledSchema ??= ajv.compile(schema);
    const ok = compiledSchema(data);
    check.errors = compiledSchema.errors;
    return ok;
  }) as ValidateFunction;
  return check;
}

const compiled: CompiledOperation[] = Object.entries(fixture.operations).map(([id, op]) => ({
  id,
  op,
  pattern: new RegExp(`^${op.path.replace(/\{(\w+)\}/g, "(?<$1>[^/]+)")}$`),
  params: lazily(paramsSchema(op)),
  // GitHub's body schemas allow unknown fields; a misspelled optional field would pass, so the fake refuses them.
  body: op.requestBody ? lazily({ ...op.requestBody.schema, additionalProperties: false }) : undefined,
  responses: new Map(Object.entries(op.responses).map(([status, r]) => [status, r.schema ? lazily(r.schema) : undefined])),
}));
/** For answers GitHub's description does not list for an operation (a 429, a 403 on a list): "Basic Error". */
const basicError = lazily(fixture.operations["issues/create-comment"]!.responses["403"]!.schema!);

/**
 * A GitHub REST API on 127.0.0.1 for the operations berth uses (issue comments, deploy keys, /meta). It validates every
 * request against GitHub's OpenAPI description (parameters, body, token) and every response it
 * gives before sending it; any mismatch is recorded in `violations`, which tests expect empty.
 */
export class FakeGithub {
  readonly requests: RecordedRequest[] = [];
  readonly violations: string[] = [];
  readonly failures: InjectedFailure[] = [];
  comments: StoredComment[] = [];
  deployKeys: StoredDeployKey[] = [];
  /** Public keys registered on other repositories: GitHub refuses a deploy key that is in use anywhere. */
  keysInUseElsewhere = new Set<string>();
  /** What GET /meta publishes as GitHub's SSH host keys (`type base64` lines). */
  sshHostKeys: string[] = [];
  /**
   * Who the token belongs to: the author of comments it creates. A "User" is a person's token, which
   * GET /user answers; a "Bot" holds an installation token (the Actions token, a GitHub App's),
   * which GET /user refuses with 403, as GitHub does.
   */
  actor: FakeUser = { login: "github-actions[bot]", type: "Bot" };
  private nextId = 1000;
  private clock = Date.parse("2026-01-01T00:00:00Z");
  private server?: Server;
  url = "";

  constructor(readonly token: string, readonly owner = "acme", readonly repo = "fleet") {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((ok) => this.server!.listen(0, "127.0.0.1", ok));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((ok) => this.server?.close(() => ok()) ?? ok());
  }

  /** A comment someone else wrote, before berth runs. */
  seed(issue: number, body: string, user: FakeUser): StoredComment {
    const c = { id: this.nextId++, issue, body, user, created_at: this.tick(), updated_at: "" };
    c.updated_at = c.created_at;
    this.comments.push(c);
    return c;
  }

  /** The writes berth made: creates, updates and deletes, in order. */
  writes(): RecordedRequest[] {
    return this.requests.filter((r) => r.method !== "GET");
  }

  issueComments(issue: number): StoredComment[] {
    return this.comments.filter((c) => c.issue === issue).sort((a, b) => a.id - b.id);
  }

  private tick(): string {
    this.clock += 1000;
    return new Date(this.clock).toISOString().replace(/\.\d+Z$/, "Z");
  }

  /** Registers a deploy key as someone else would (in the web UI), before berth runs. */
  seedDeployKey(key: string, title: string, readOnly = true): StoredDeployKey {
    const k = { id: this.nextId++, key, title, read_only: readOnly, created_at: this.tick() };
    this.deployKeys.push(k);
    return k;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", this.url);
    const method = req.method ?? "GET";
    const query = Object.fromEntries(url.searchParams);
    const found = compiled.map((c) => ({ c, m: c.op.method === method ? c.pattern.exec(url.pathname) : null })).find((x) => x.m);
    const record = (operation: string, status: number, body?: unknown) => this.requests.push({ operation, method, path: url.pathname, query, body, status });
    const send = (op: CompiledOperation | undefined, status: number, payload: unknown, headers: Record<string, string> = {}) => {
      if (op) this.checkResponse(op, status, payload);
      res.writeHead(status, { ...(payload === undefined ? {} : { "content-type": "application/json; charset=utf-8" }), ...headers });
      res.end(payload === undefined ? undefined : JSON.stringify(payload));
    };
    if (!found) {
      this.violations.push(`${method} ${url.pathname}: not an operation berth may use`);
      record("unknown", 404);
      return send(undefined, 404, { message: "Not Found", documentation_url: "https://docs.github.com/rest" });
    }
    const { c: op } = found;
    const auth = req.headers.authorization ?? "";
    if (auth !== `token ${this.token}` && auth !== `bearer ${this.token}` && auth !== `Bearer ${this.token}`) {
      this.violations.push(`${op.id}: no or wrong token`);
      record(op.id, 401);
      return send(op, 401, { message: "Bad credentials", documentation_url: "https://docs.github.com/rest" });
    }
    if (!String(req.headers.accept ?? "").includes("application/vnd.github") && !String(req.headers.accept ?? "").includes("application/json")) {
      this.violations.push(`${op.id}: accept header ${req.headers.accept}`);
    }
    // Path and query parameters, typed as the description says.
    const params: Record<string, unknown> = {};
    for (const [k, v] of Object.entries({ ...found.m!.groups, ...query })) {
      const type = (op.op.parameters.find((p) => p.name === k)?.schema as { type?: string } | undefined)?.type;
      params[k] = type === "integer" && /^-?\d+$/.test(v) ? Number(v) : decodeURIComponent(v);
    }
    if (!op.params(params)) return this.reject(op, `parameters ${errorText(op.params)}`, send, record);
    if (typeof params.per_page === "number" && (params.per_page < 1 || params.per_page > 100)) return this.reject(op, `per_page ${params.per_page} is out of 1..100`, send, record);
    let body: unknown;
    if (op.op.requestBody) {
      if (!String(req.headers["content-type"] ?? "").startsWith("application/json")) return this.reject(op, `content-type ${req.headers["content-type"]}`, send, record);
      try {
        body = JSON.parse(raw);
      } catch {
        return this.reject(op, "the body is not JSON", send, record);
      }
      if (!op.body!(body)) return this.reject(op, `body ${errorText(op.body!)}`, send, record);
    } else if (raw.length > 0) {
      return this.reject(op, "a body where the operation takes none", send, record);
    }
    if (op.op.path.includes("{owner}") && (params.owner !== this.owner || params.repo !== this.repo)) {
      record(op.id, 404, body);
      return send(op, 404, { message: "Not Found", documentation_url: "https://docs.github.com/rest" });
    }
    const failure = this.failures.find((f) => f.method === method && f.path.test(url.pathname) && (f.times ?? 1) > 0);
    if (failure) {
      failure.times = (failure.times ?? 1) - 1;
      record(op.id, failure.status, body);
      return send(op, failure.status, failure.body, failure.headers);
    }
    const answer = this.operate(op.id, params, body as { body: string; key: string; title?: string; read_only?: boolean } | undefined, query);
    record(op.id, answer.status, body);
    send(op, answer.status, answer.payload, answer.headers);
  }

  private reject(op: CompiledOperation, why: string, send: (op: CompiledOperation, s: number, p: unknown) => void, record: (id: string, s: number) => void): void {
    this.violations.push(`${op.id}: ${why}`);
    record(op.id, 422);
    send(op, 422, { message: "Validation Failed", documentation_url: "https://docs.github.com/rest", errors: [{ code: "invalid", message: why }] });
  }

  private checkResponse(op: CompiledOperation, status: number, payload: unknown): void {
    const key = String(status);
    if (op.responses.has(key)) {
      const v = op.responses.get(key);
      if (v && !v(payload)) this.violations.push(`${op.id} response ${status}: ${errorText(v)}`);
      if (!v && payload !== undefined) this.violations.push(`${op.id} response ${status}: a body where the description has none`);
    } else if (status >= 400) {
      if (!basicError(payload)) this.violations.push(`${op.id} response ${status}: ${errorText(basicError)}`);
    } else {
      this.violations.push(`${op.id}: status ${status} is not in the description`);
    }
  }

  private operate(id: string, params: Record<string, unknown>, body: { body: string; key: string; title?: string; read_only?: boolean } | undefined, query: Record<string, string>): { status: number; payload?: unknown; headers?: Record<string, string> } {
    const notFound = { status: 404, payload: { message: "Not Found", documentation_url: "https://docs.github.com/rest/issues/comments" } };
    switch (id) {
      case "users/get-authenticated": {
        if (this.actor.type !== "User") return { status: 403, payload: { message: "Resource not accessible by integration", documentation_url: "https://docs.github.com/rest/users/users#get-the-authenticated-user", status: "403" } };
        const { user } = this.json({ id: 0, issue: 0, body: "", user: this.actor, created_at: "", updated_at: "" }) as { user: object };
        const profile = { name: null, company: null, blog: "", location: null, email: null, hireable: null, bio: null, public_repos: 1, public_gists: 0, followers: 0, following: 0 };
        return { status: 200, payload: { ...user, ...profile, created_at: "2020-01-01T00:00:00Z", updated_at: "2026-01-01T00:00:00Z" } };
      }
      case "issues/list-comments": {
        const all = this.issueComments(params.issue_number as number);
        const perPage = (params.per_page as number | undefined) ?? 30;
        const page = (params.page as number | undefined) ?? 1;
        const last = Math.max(1, Math.ceil(all.length / perPage));
        const link = (p: number, rel: string) => {
          const u = new URL(`/repos/${this.owner}/${this.repo}/issues/${params.issue_number}/comments`, this.url);
          for (const [k, v] of Object.entries(query)) u.searchParams.set(k, v);
          u.searchParams.set("page", String(p));
          return `<${u}>; rel="${rel}"`;
        };
        const links = [page > 1 && link(page - 1, "prev"), page < last && link(page + 1, "next"), page < last && link(last, "last"), page > 1 && link(1, "first")].filter(Boolean);
        return { status: 200, payload: all.slice((page - 1) * perPage, page * perPage).map((c) => this.json(c)), headers: links.length ? { link: links.join(", ") } : {} };
      }
      case "issues/create-comment": {
        const c: StoredComment = { id: this.nextId++, issue: params.issue_number as number, body: body!.body, user: this.actor, created_at: this.tick(), updated_at: "" };
        c.updated_at = c.created_at;
        this.comments.push(c);
        return { status: 201, payload: this.json(c), headers: { location: this.commentUrl(c.id) } };
      }
      case "issues/update-comment": {
        const c = this.comments.find((x) => x.id === params.comment_id);
        if (!c) return { status: 422, payload: { message: "Validation Failed", documentation_url: "https://docs.github.com/rest", errors: [{ code: "missing", resource: "IssueComment" }] } };
        c.body = body!.body;
        c.updated_at = this.tick();
        return { status: 200, payload: this.json(c) };
      }
      case "repos/list-deploy-keys": {
        const perPage = (params.per_page as number | undefined) ?? 30;
        const page = (params.page as number | undefined) ?? 1;
        const last = Math.max(1, Math.ceil(this.deployKeys.length / perPage));
        const next = new URL(`/repos/${this.owner}/${this.repo}/keys`, this.url);
        for (const [k, v] of Object.entries(query)) next.searchParams.set(k, v);
        next.searchParams.set("page", String(page + 1));
        return { status: 200, payload: this.deployKeys.slice((page - 1) * perPage, page * perPage).map((k) => this.deployKeyJson(k)), headers: page < last ? { link: `<${next}>; rel="next"` } : {} };
      }
      case "repos/create-deploy-key": {
        // GitHub compares the key material (type and base64), not the comment.
        const material = body!.key.trim().split(/\s+/).slice(0, 2).join(" ");
        const invalid = (message: string) => ({ status: 422, payload: { message: "Validation Failed", documentation_url: "https://docs.github.com/rest/deploy-keys/deploy-keys#create-a-deploy-key", errors: [{ resource: "PublicKey", code: "custom", field: "key", message }] } });
        if (!/^(ssh-ed25519|ecdsa-sha2-nistp256|ssh-rsa) [A-Za-z0-9+/]+=*$/.test(material)) return invalid("key is invalid. You must supply a key in OpenSSH public key format");
        if (this.keysInUseElsewhere.has(material) || this.deployKeys.some((k) => k.key === material)) return invalid("key is already in use");
        const k = { id: this.nextId++, key: material, title: body!.title ?? "", read_only: body!.read_only ?? false, created_at: this.tick() };
        this.deployKeys.push(k);
        return { status: 201, payload: this.deployKeyJson(k), headers: { location: `${this.url}/repos/${this.owner}/${this.repo}/keys/${k.id}` } };
      }
      case "repos/delete-deploy-key": {
        const i = this.deployKeys.findIndex((k) => k.id === params.key_id);
        if (i < 0) return notFound;
        this.deployKeys.splice(i, 1);
        return { status: 204 };
      }
      case "meta/get":
        return {
          status: 200,
          payload: {
            verifiable_password_authentication: false,
            ssh_key_fingerprints: Object.fromEntries(this.sshHostKeys.map((line) => [`SHA256_${line.split(" ")[0]!.replace(/^ssh-|^ecdsa-sha2-/, "").toUpperCase()}`, createHash("sha256").update(Buffer.from(line.split(" ")[1]!, "base64")).digest("base64").replace(/=+$/, "")])),
            ssh_keys: this.sshHostKeys,
            git: ["127.0.0.1/32"],
          },
        };
      case "issues/delete-comment": {
        const i = this.comments.findIndex((x) => x.id === params.comment_id);
        // GitHub's description lists only 204 for a delete.
        if (i < 0) return { status: 204 };
        this.comments.splice(i, 1);
        return { status: 204 };
      }
    }
    return notFound;
  }

  private deployKeyJson(k: StoredDeployKey): object {
    return { id: k.id, key: k.key, url: `${this.url}/repos/${this.owner}/${this.repo}/keys/${k.id}`, title: k.title, verified: true, created_at: k.created_at, read_only: k.read_only, added_by: "octocat", last_used: null, enabled: true };
  }

  private commentUrl(id: number): string {
    return `${this.url}/repos/${this.owner}/${this.repo}/issues/comments/${id}`;
  }

  private json(c: StoredComment): Record<string, unknown> {
    const u = c.user;
    const userUrl = `${this.url}/users/${encodeURIComponent(u.login)}`;
    return {
      id: c.id,
      node_id: `IC_${c.id}`,
      url: this.commentUrl(c.id),
      html_url: `https://github.example/${this.owner}/${this.repo}/pull/${c.issue}#issuecomment-${c.id}`,
      issue_url: `${this.url}/repos/${this.owner}/${this.repo}/issues/${c.issue}`,
      body: c.body,
      user: {
        login: u.login, id: 1, node_id: "U_1", avatar_url: "https://avatars.example/u/1", gravatar_id: "", url: userUrl, html_url: userUrl,
        followers_url: `${userUrl}/followers`, following_url: `${userUrl}/following{/other_user}`, gists_url: `${userUrl}/gists{/gist_id}`,
        starred_url: `${userUrl}/starred{/owner}{/repo}`, subscriptions_url: `${userUrl}/subscriptions`, organizations_url: `${userUrl}/orgs`,
        repos_url: `${userUrl}/repos`, events_url: `${userUrl}/events{/privacy}`, received_events_url: `${userUrl}/received_events`,
        type: u.type, site_admin: false,
      },
      created_at: c.created_at,
      updated_at: c.updated_at,
      author_association: u.type === "Bot" ? "NONE" : "CONTRIBUTOR",
    };
  }
}
