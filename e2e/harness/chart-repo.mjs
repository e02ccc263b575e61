// A classic Helm chart repository on loopback (index.yaml + packaged charts), served read-only.
// With `login` ({ username, password }) every request needs HTTP Basic with it, as a private
// chart repository does: anything else is answered 401.
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { timingSafeEqual } from "node:crypto";
import { join, resolve, sep } from "node:path";

export async function serveChartRepo(dir, { login } = {}) {
  const root = resolve(dir);
  const requests = [];
  const refused = [];
  const expected = login ? Buffer.from(`Basic ${Buffer.from(`${login.username}:${login.password}`).toString("base64")}`) : undefined;
  const authorized = (header) => {
    if (!expected) return true;
    const got = Buffer.from(String(header ?? ""));
    return got.length === expected.length && timingSafeEqual(got, expected);
  };
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    if (!authorized(req.headers.authorization)) {
      refused.push(path);
      return res.writeHead(401, { "www-authenticate": 'Basic realm="berth-e2e-charts"' }).end();
    }
    requests.push(path);
    const file = resolve(join(root, path));
    if (req.method !== "GET" || !file.startsWith(root + sep)) return res.writeHead(404).end();
    try {
      const body = await readFile(file);
      res.writeHead(200, { "content-type": file.endsWith(".yaml") ? "application/x-yaml" : "application/gzip" }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${server.address().port}`, requests, refused, close: () => new Promise((r) => server.close(r)) };
}
