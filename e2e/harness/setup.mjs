// What every run needs before its first phase: the prerequisites, the pinned Go binaries
// (e2e/tools/build.sh builds them, or reuses them), a work folder with a logs folder, and a PATH
// where the harness, berth and Argo CD's repo-server find kubectl and the pinned helm and kustomize.
import { $ } from "zx";
import { mkdtempSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "./fleet.mjs";
import { HarnessError } from "./processes.mjs";
import { linkKubectl } from "./kubectl.mjs";

const PREREQUISITES = [["go", "Go >= 1.24"], ["git", "git"], ["openssl", "openssl"], ["redis-server", "redis-server"], ["redis-cli", "redis-tools"], ["unshare", "util-linux"], ["sshd", "openssh-server"], ["docker-registry", "docker-registry"], ["htpasswd", "apache2-utils"]];

export async function setup() {
  const missing = [];
  for (const [cmd, pkg] of PREREQUISITES) {
    if ((await $({ nothrow: true })`PATH=$PATH:/usr/sbin command -v ${cmd}`).exitCode !== 0) missing.push(`${cmd} (${pkg})`);
  }
  if (missing.length > 0) throw new HarnessError("prerequisites", `missing: ${missing.join(", ")}; see docs/e2e.md`);
  const started = Date.now();
  const log = (msg) => console.log(`e2e [${Math.round((Date.now() - started) / 1000)}s] ${msg}`);
  log("building the pinned control-plane tools (cached after the first run)");
  const r = await $({ nothrow: true, stdio: ["ignore", "pipe", "inherit"] })`bash ${join(REPO_ROOT, "e2e/tools/build.sh")}`;
  if (r.exitCode !== 0) throw new HarnessError("e2e/tools/build.sh", `could not build the tools (exit ${r.exitCode})`);
  const bin = r.stdout.trim().split("\n").pop();
  const workDir = mkdtempSync(join(tmpdir(), "berth-e2e-"));
  const logDir = join(workDir, "logs");
  mkdirSync(logDir, { recursive: true });
  const pathDir = join(workDir, "path");
  await linkKubectl(pathDir);
  process.env.PATH = `${pathDir}:${bin}:${process.env.PATH}`;
  log(`work folder ${workDir}; logs in ${logDir}`);
  return { bin, workDir, logDir, log, procs: [] };
}
