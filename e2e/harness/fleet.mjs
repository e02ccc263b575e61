// The e2e fleet, made ready to deploy: copied from e2e/fixtures/fleet to a work folder, its run-time
// values filled in, the charts that come from Go modules assembled, a sealing key generated and
// a secret sealed, generated with berth, committed and pushed to a bare repository that Argo CD
// reads by file:// URL.
import { $ } from "zx";
import { cpSync, mkdirSync, readFileSync, writeFileSync, readdirSync, statSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { randomBytes } from "node:crypto";
import { parseAllDocuments, parseDocument } from "yaml";
import { HarnessError } from "./processes.mjs";

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const TEMPLATE = join(REPO_ROOT, "e2e", "fixtures", "fleet");
/** generator/pins/argo-cd.json: the Argo CD release berth pins and the Go toolchain it needs. */
export const ARGOCD_PIN = JSON.parse(readFileSync(join(REPO_ROOT, "generator", "pins", "argo-cd.json"), "utf8"));
export const ARGOCD_MODULE = `github.com/argoproj/argo-cd/v3@${ARGOCD_PIN.argoCd}`;
// v0.40.0's go.mod names it github.com/bitnami/sealed-secrets; the proxy serves it under the old path.
export const SEALED_SECRETS_MODULE = "github.com/bitnami-labs/sealed-secrets@v0.40.0";
export const CLUSTER = "lab";

/** `node bin/berth.js -C <dir> …`, the CLI exactly as a user runs it. */
export function berth(dir, env = {}) {
  const bin = join(REPO_ROOT, "bin", "berth.js");
  return (args, opts = {}) => $({ quiet: true, nothrow: true, cwd: dir, env: { ...process.env, ...env }, ...opts })`node ${bin} -C ${dir} ${args}`;
}

export async function moduleDir(module) {
  const env = { ...process.env, GOTOOLCHAIN: ARGOCD_PIN.goToolchain, GOFLAGS: "-mod=mod" };
  const r = await $({ quiet: true, nothrow: true, env })`go mod download -json ${module}`;
  const dir = r.exitCode === 0 ? JSON.parse(r.stdout).Dir : undefined;
  if (!dir) throw new HarnessError("fleet", `Go module ${module} is not in the module cache: ${r.stderr.trim()}`);
  return dir;
}

function replaceInTree(dir, replacements) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) replaceInTree(p, replacements);
    else if (/\.ya?ml$/.test(name)) {
      const text = readFileSync(p, "utf8");
      let out = text;
      for (const [k, v] of Object.entries(replacements)) out = out.split(k).join(v);
      if (out !== text) writeFileSync(p, out);
    }
  }
}

/**
 * Argo CD's install.yaml, less argocd-cm and the notifications ConfigMap and Secret (templated
 * from values, as argo-helm does; the example chart drops the same Secret) and
 * argocd-ssh-known-hosts-cm (templated from configs.ssh.knownHosts, as argo-helm does; install.yaml's
 * list becomes the default) and the empty argocd-secret, as in the example chart: berth bootstrap
 * applies it and argocd-server fills it in.
 */
async function assembleArgoCdChart(chartDir) {
  const src = join(await moduleDir(ARGOCD_MODULE), "manifests", "install.yaml");
  const docs = parseAllDocuments(readFileSync(src, "utf8"));
  const templated = { ConfigMap: ["argocd-cm", "argocd-notifications-cm", "argocd-ssh-known-hosts-cm"], Secret: ["argocd-secret", "argocd-notifications-secret"] };
  const kept = docs.filter((d) => {
    const o = d.toJS();
    return o && !(templated[o.kind] ?? []).includes(o.metadata?.name);
  });
  const knownHosts = docs.map((d) => d.toJS()).find((o) => o?.kind === "ConfigMap" && o.metadata?.name === "argocd-ssh-known-hosts-cm")?.data?.ssh_known_hosts;
  if (!knownHosts) throw new HarnessError("fleet", "Argo CD's install.yaml has no argocd-ssh-known-hosts-cm with ssh_known_hosts");
  const valuesFile = join(chartDir, "values.yaml");
  const values = parseDocument(readFileSync(valuesFile, "utf8"));
  values.setIn(["configs", "ssh", "knownHosts"], knownHosts);
  writeFileSync(valuesFile, values.toString());
  mkdirSync(join(chartDir, "files"), { recursive: true });
  writeFileSync(join(chartDir, "files", "install.yaml"), kept.map((d) => String(d).replace(/^---\n/, "")).join("---\n"));
  return docs.length - kept.length;
}

/** `prepare(run, dir)`, when given, runs before the first generate (a phase's own cluster.yaml settings and sealed secrets). */
/** The bare repository the fleet is pushed to (and served from). */
export const bareRepo = (workDir) => join(workDir, "fleet.git");

/**
 * `repoUrl` is how Argo CD reads the bare repository (default its file:// URL); `env` is the
 * environment every berth run gets besides the harness's (registry logins, never argv).
 */
export async function prepareFleet({ workDir, chartRepoUrl, ociRepoUrl, repoUrl = `file://${bareRepo(workDir)}`, env = {}, bin, prepare }) {
  const dir = join(workDir, "fleet");
  const bare = bareRepo(workDir);
  cpSync(TEMPLATE, dir, { recursive: true, filter: (s) => !s.startsWith(join(TEMPLATE, "charts")) });
  replaceInTree(dir, { "@REPO_URL@": repoUrl, "@CHART_REPO_URL@": chartRepoUrl, "@OCI_REPO_URL@": ociRepoUrl });
  const dropped = await assembleArgoCdChart(join(dir, "apps", "argo-cd", "chart"));
  if (dropped !== 5) throw new HarnessError("fleet", `expected argocd-cm, argocd-ssh-known-hosts-cm, argocd-secret and the notifications ConfigMap and Secret in Argo CD's install.yaml, removed ${dropped}`);
  cpSync(join(await moduleDir(SEALED_SECRETS_MODULE), "helm", "sealed-secrets"), join(dir, "apps", "sealed-secrets", "chart"), { recursive: true });
  // Module files are read-only in the module cache.
  await $({ quiet: true })`chmod -R u+w ${dir}`;

  const git = $({ quiet: true, cwd: dir, env: { ...process.env, GIT_AUTHOR_NAME: "e2e", GIT_AUTHOR_EMAIL: "e2e@berth.test", GIT_COMMITTER_NAME: "e2e", GIT_COMMITTER_EMAIL: "e2e@berth.test" } });
  await $({ quiet: true })`git init -q --bare -b main ${bare}`;
  await git`git init -q -b main`;
  await git`git remote add origin ${bare}`;

  const run = berth(dir, env);
  const keyFile = join(workDir, "sealing.key");
  await must(run(["keys", "generate", "--cluster", CLUSTER, "--out", keyFile]), "berth keys generate");
  // The value exists only in memory: sealed from stdin, compared with what the controller opens.
  const password = randomBytes(18).toString("base64url");
  await must(run(["seal", "--cluster", CLUSTER, "--namespace", "web", "--name", "web-credentials", "--from-stdin", "password"], { input: password }), "berth seal");
  if (prepare) await prepare(run, dir);
  await must(run(["generate"]), "berth generate");
  await commitAndPush(git, "e2e fleet");
  return { dir, bare, repoUrl, keyFile, password, git, berth: run, env };
}

export async function commitAndPush(git, message) {
  await git`git add -A`;
  await git`git commit -q -m ${message}`;
  await git`git push -q origin main`;
  return (await git`git rev-parse HEAD`).stdout.trim();
}

export async function must(promise, what) {
  const r = await promise;
  if (r.exitCode !== 0) throw new HarnessError(what, `exit ${r.exitCode}\n${(r.stdout + r.stderr).trim().split("\n").slice(-20).join("\n")}`);
  return r;
}
