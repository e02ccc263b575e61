// An OCI registry on loopback: Debian's docker-registry (the CNCF distribution registry), plain
// HTTP on 127.0.0.1. The harness pushes the charts while it runs without authentication, then
// restarts it on the same storage with an htpasswd file (bcrypt, written by `htpasswd -B` from
// standard input): from then on every pull needs the login, as a private registry's does.
import { $ } from "zx";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePorts } from "./ports.mjs";
import { start, stopOne, waitFor, HarnessError } from "./processes.mjs";

export async function startOciRegistry({ dir, logDir, name = "oci-registry" }) {
  const bin = (await $({ quiet: true, nothrow: true })`command -v docker-registry`).stdout.trim();
  if (!bin) throw new HarnessError(name, "docker-registry is not installed (Debian package docker-registry)");
  const [port] = await freePorts(1);
  const host = `127.0.0.1:${port}`;
  const config = (auth) => {
    const file = join(dir, auth ? "registry-auth.yml" : "registry.yml");
    writeFileSync(file, [
      "version: 0.1",
      "log: {level: info}",
      `storage: {filesystem: {rootdirectory: ${join(dir, "data")}}}`,
      `http: {addr: ${host}}`,
      ...(auth ? [`auth: {htpasswd: {realm: berth-e2e, path: ${auth}}}`] : []),
      "",
    ].join("\n"));
    return file;
  };
  const up = async (proc, status) => waitFor(`${name} to answer on ${host}`, async () => (await fetch(`http://${host}/v2/`).catch(() => undefined))?.status === status, { watch: [proc], timeoutMs: 30_000 });
  let proc = start(name, bin, ["serve", config()], { logDir });
  await up(proc, 200);
  return {
    host,
    get proc() {
      return proc;
    },
    /** Restarts it requiring `username`/`password` (bcrypt in an htpasswd file; the password only on htpasswd's stdin). */
    async requireLogin({ username, password }) {
      const htpasswd = join(dir, "htpasswd");
      await $({ quiet: true, input: password })`htpasswd -B -i -c ${htpasswd} ${username}`;
      await stopOne(proc);
      proc = start(name, bin, ["serve", config(htpasswd)], { logDir });
      await up(proc, 401);
      return proc;
    },
  };
}
