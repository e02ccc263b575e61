import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, resolve, sep } from "node:path";

/** A running loopback static file server. */
export interface ChartRepoServer {
  /** `http://127.0.0.1:PORT` (no trailing slash). */
  url: string;
  /** Paths requested so far, in order (e.g. "/index.yaml"), for asserting what a client fetched. */
  requests: string[];
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  ".yaml": "application/x-yaml",
  ".yml": "application/x-yaml",
  ".tgz": "application/gzip",
  ".json": "application/json",
};

/**
 * Serves `dir` read-only over HTTP on 127.0.0.1 and a free port, which is all a classic helm
 * chart repository is (index.yaml + *.tgz; build one with `helm package` and `helm repo index`).
 * Only GET/HEAD; paths that escape `dir` get 404. Loopback only, so tests never touch a network.
 * With `auth`, every request needs that HTTP Basic login (401 otherwise).
 */
export async function startChartRepoServer(dir: string, auth?: { username: string; password: string }): Promise<ChartRepoServer> {
  const root = resolve(dir);
  const requests: string[] = [];
  const expected = auth ? `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString("base64")}` : undefined;
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    requests.push(path);
    // With `auth`, a private repository: anonymous and wrong logins are refused, as a real one does.
    if (expected && req.headers.authorization !== expected) {
      res.writeHead(401, { "www-authenticate": 'Basic realm="charts"' }).end();
      return;
    }
    const file = resolve(join(root, path));
    if ((req.method !== "GET" && req.method !== "HEAD") || !(file === root || file.startsWith(root + sep))) {
      res.writeHead(req.method === "GET" || req.method === "HEAD" ? 404 : 405).end();
      return;
    }
    stat(file).then(
      (s) => {
        if (!s.isFile()) {
          res.writeHead(404).end();
          return;
        }
        res.writeHead(200, {
          "content-type": TYPES[extname(file)] ?? "application/octet-stream",
          "content-length": s.size,
        });
        if (req.method === "HEAD") res.end();
        else createReadStream(file).pipe(res);
      },
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((ok, fail) => {
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => ok());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
