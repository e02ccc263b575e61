import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface Write {
  method: "POST" | "PATCH" | "DELETE";
  /** The comment id for PATCH and DELETE; the issue number for POST. */
  target: number;
  body?: string;
}

interface Comment {
  id: number;
  issue: number;
  body: string;
  login: string;
  type: string;
}

/**
 * A second, deliberately separate loopback GitHub (no OpenAPI, no shared code with fake-github.ts):
 * it only stores comments and records every write, so a test can say exactly which creates,
 * updates and deletes berth made.
 */
export class RecordingGithub {
  readonly writes: Write[] = [];
  /** Every write attempted, including those answered with an injected failure: "POST 429". */
  readonly attempts: string[] = [];
  /** Answers for the next writes of a method, used up in order. */
  readonly failNext: Array<{ method: string; status: number; headers?: Record<string, string>; message: string }> = [];
  readonly pagesRead: number[] = [];
  private comments: Comment[] = [];
  private next = 1;
  private server?: Server;
  url = "";

  add(issue: number, body: string, login: string, type: string): number {
    this.comments.push({ id: this.next, issue, body, login, type });
    return this.next++;
  }

  bodies(issue: number): string[] {
    return this.comments.filter((c) => c.issue === issue).map((c) => c.body);
  }

  ids(issue: number): number[] {
    return this.comments.filter((c) => c.issue === issue).map((c) => c.id);
  }

  async start(): Promise<this> {
    this.server = createServer(async (req, res) => {
      let raw = "";
      for await (const c of req) raw += c;
      const url = new URL(req.url!, "http://x");
      const reply = (status: number, data?: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { "content-type": "application/json", ...headers });
        res.end(data === undefined ? "" : JSON.stringify(data));
      };
      const view = (c: Comment) => ({ id: c.id, body: c.body, user: { login: c.login, type: c.type }, html_url: `https://github.example/c/${c.id}` });
      if (req.method !== "GET") {
        const i = this.failNext.findIndex((f) => f.method === req.method);
        if (i >= 0) {
          const [f] = this.failNext.splice(i, 1);
          this.attempts.push(`${req.method} ${f!.status}`);
          return reply(f!.status, { message: f!.message }, f!.headers);
        }
        this.attempts.push(`${req.method} ok`);
      }
      // The Actions token is an installation token: GitHub does not say whose it is.
      if (url.pathname === "/user" && req.method === "GET") return reply(403, { message: "Resource not accessible by integration" });
      let m = /^\/repos\/o\/r\/issues\/(\d+)\/comments$/.exec(url.pathname);
      if (m && req.method === "GET") {
        const per = Number(url.searchParams.get("per_page") ?? 30);
        const page = Number(url.searchParams.get("page") ?? 1);
        this.pagesRead.push(page);
        const all = this.comments.filter((c) => c.issue === Number(m![1]));
        const more = page * per < all.length;
        const next = new URL(`${this.url}${url.pathname}`);
        next.searchParams.set("per_page", String(per));
        next.searchParams.set("page", String(page + 1));
        return reply(200, all.slice((page - 1) * per, page * per).map(view), more ? { link: `<${next}>; rel="next"` } : {});
      }
      if (m && req.method === "POST") {
        const body = JSON.parse(raw).body as string;
        this.writes.push({ method: "POST", target: Number(m[1]), body });
        const id = this.add(Number(m[1]), body, "github-actions[bot]", "Bot");
        return reply(201, view(this.comments.find((c) => c.id === id)!));
      }
      m = /^\/repos\/o\/r\/issues\/comments\/(\d+)$/.exec(url.pathname);
      const c = m && this.comments.find((x) => x.id === Number(m![1]));
      if (c && req.method === "PATCH") {
        c.body = JSON.parse(raw).body;
        this.writes.push({ method: "PATCH", target: c.id, body: c.body });
        return reply(200, view(c));
      }
      if (c && req.method === "DELETE") {
        this.writes.push({ method: "DELETE", target: c.id });
        this.comments = this.comments.filter((x) => x !== c);
        res.writeHead(204).end();
        return;
      }
      reply(404, { message: "Not Found" });
    });
    await new Promise<void>((ok) => this.server!.listen(0, "127.0.0.1", ok));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((ok) => this.server?.close(() => ok()) ?? ok());
  }
}
