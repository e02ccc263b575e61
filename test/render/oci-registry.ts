import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { delimiter, join } from "node:path";

/** The CNCF distribution registry binary (Debian package `docker-registry`), if installed. */
export function findRegistryBinary(): string | undefined {
  for (const d of (process.env.PATH ?? "").split(delimiter)) {
    if (d && existsSync(join(d, "docker-registry"))) return join(d, "docker-registry");
  }
  return undefined;
}

export interface OciRegistry {
  /** `127.0.0.1:PORT` (no scheme). */
  host: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Starts a real OCI registry on 127.0.0.1 and a free port, storing blobs under `dir`, and waits
 * until it answers /v2/. Plain HTTP, loopback only; without `htpasswd` anyone may pull and push.
 */
export async function startOciRegistry(binary: string, dir: string, opts: { htpasswd?: string; port?: number } = {}): Promise<OciRegistry> {
  const port = opts.port ?? (await freePort());
  const config = join(dir, "registry.yml");
  writeFileSync(
    config,
    [
      "version: 0.1",
      "log: {level: error}",
      `storage: {filesystem: {rootdirectory: ${join(dir, "data")}}}`,
      `http: {addr: 127.0.0.1:${port}}`,
      // With an htpasswd file (bcrypt, as `htpasswd -B` writes it), every request needs a login.
      ...(opts.htpasswd ? [`auth: {htpasswd: {realm: berth, path: ${opts.htpasswd}}}`] : []),
      "",
    ].join("\n"),
  );
  const child: ChildProcess = spawn(binary, ["serve", config], { stdio: "ignore" });
  const exited = new Promise<void>((ok) => child.once("exit", () => ok()));
  const host = `127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      const status = (await fetch(`http://${host}/v2/`)).status;
      if (status === 200 || (opts.htpasswd && status === 401)) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill("SIGKILL");
      throw new Error(`docker-registry did not start on ${host}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return {
    host,
    port,
    close: async () => {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** A port that was free a moment ago (the registry cannot be told to pick one itself). */
function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once("error", fail);
    s.listen(0, "127.0.0.1", () => {
      const addr = s.address();
      s.close(() => (typeof addr === "object" && addr ? ok(addr.port) : fail(new Error("no port"))));
    });
  });
}
