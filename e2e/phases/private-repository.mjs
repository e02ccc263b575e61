// Private by default (docs/private-repositories.md), proved with the real parts: the fleet
// repository is served over SSH only (Debian's openssh-server, e2e/harness/git-ssh.mjs), opened
// by the deploy keys registered on the loopback GitHub; the chart repository and the OCI registry
// (Debian's docker-registry with an htpasswd file) need a login. The real Argo CD refuses the
// repository until `berth repo connect` has registered the key through @octokit/rest, pinned the
// host key GET /meta publishes and sealed the key and the registry logins for the cluster; then it
// reconciles everything through the Secrets the real Sealed Secrets controller opens. Anonymous
// reads are refused, and a recognisable canary password never shows up in argv, output or files.
import { $ } from "zx";
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { startGithub } from "../harness/github.mjs";
import { startGitSsh } from "../harness/git-ssh.mjs";
import { serveChartRepo } from "../harness/chart-repo.mjs";
import { startOciRegistry } from "../harness/oci-registry.mjs";
import { runWatchingArgv } from "../harness/argv-watch.mjs";
import { editYaml } from "../harness/edit-yaml.mjs";
import { applications } from "../harness/applications.mjs";
import { ARGOCD_NAMESPACE } from "../harness/argocd.mjs";
import { CLUSTER, REPO_ROOT, bareRepo, commitAndPush, must } from "../harness/fleet.mjs";
import { AssertionFailure, atStop, logTail, waitFor } from "../harness/processes.mjs";
import { runBootstrap } from "./bootstrap.mjs";
import { greeterMessage } from "./values.mjs";

const OWNER = "acme";
const REPO = "fleet";
const USERNAME = "robot";
const oneLine = (s) => s.replace(/\s+/g, " ").trim();
/** berth's documented variables for a registry host (docs/private-repositories.md). */
const registryEnv = (host, password) => {
  const base = `BERTH_REGISTRY_${host.toUpperCase().replace(/[^A-Z0-9]+/g, "_")}`;
  return { [`${base}_USERNAME`]: USERNAME, [`${base}_PASSWORD`]: password };
};
const sshFingerprint = (key) => `SHA256:${createHash("sha256").update(Buffer.from(key.split(" ")[1], "base64")).digest("base64").replace(/=+$/, "")}`;

/** Starts the private GitHub, SSH server, chart repository and OCI registry; the fleet's URLs are in `fleetOptions`. */
export async function privateRepository(ctx) {
  const { workDir, logDir } = ctx;
  // Recognisable, so a leak into argv, output or a file is found by value.
  const canary = `canary-e2e-registry-Pa55-${randomBytes(6).toString("hex")}`;
  const token = `ghp_${randomBytes(18).toString("hex")}`;
  const github = await startGithub({ token, owner: OWNER, repo: REPO });
  const ssh = await startGitSsh({ repoDir: bareRepo(workDir), github: { url: github.url, token, owner: OWNER, repo: REPO } });
  github.sshHostKeys.push(ssh.hostKey);
  let sshStopped = false;
  const stopSsh = async () => {
    if (!sshStopped) await ssh.stop();
    sshStopped = true;
  };
  atStop(stopSsh);

  // The harness's own helm (the one Argo CD pins) packages and pushes the chart before the
  // registries require a login, so it never holds the login itself.
  const helmHome = join(workDir, "helm-harness");
  const helm = $({ quiet: true, env: { ...process.env, HELM_CACHE_HOME: join(helmHome, "cache"), HELM_CONFIG_HOME: join(helmHome, "config"), HELM_DATA_HOME: join(helmHome, "data") } });
  const chartDir = join(workDir, "charts");
  mkdirSync(chartDir);
  const chartRepo = await serveChartRepo(chartDir, { login: { username: USERNAME, password: canary } });
  await helm`helm package ${join(REPO_ROOT, "e2e/fixtures/fleet/charts/greeter")} -d ${chartDir}`;
  await helm`helm repo index ${chartDir} --url ${chartRepo.url}`;
  const registryDir = join(workDir, "oci-registry");
  mkdirSync(registryDir);
  const registry = await startOciRegistry({ dir: registryDir, logDir });
  await helm`helm push ${join(chartDir, "greeter-1.0.0.tgz")} oci://${registry.host}/charts --plain-http`;
  ctx.procs.push(await registry.requireLogin({ username: USERNAME, password: canary }));
  const ociRepoUrl = `oci://${registry.host}/charts`;
  const logins = { ...registryEnv(new URL(chartRepo.url).host, canary), ...registryEnv(registry.host, canary) };

  /** Every output of a berth run of this phase, searched for the canary at the end. */
  const outputs = [];
  const argv = { inspected: 0, leaks: [] };
  const berthWatched = async (fleet, args, { env = {}, input } = {}) => {
    const r = await runWatchingArgv(process.execPath, [join(REPO_ROOT, "bin/berth.js"), "-C", fleet.dir, ...args], { env: { ...process.env, ...fleet.env, ...env }, cwd: fleet.dir, input, secret: canary });
    outputs.push(r.stdout, r.stderr);
    argv.inspected += r.inspected;
    argv.leaks.push(...r.leaks);
    return r;
  };

  return {
    fleetOptions: { repoUrl: ssh.url, chartRepoUrl: chartRepo.url, ociRepoUrl },

    /**
     * A first bootstrap before `berth repo connect`: the real Argo CD cannot read the repository
     * (no credential, no pinned host key); bootstrap stops with the root Application's condition.
     */
    async refusedWithoutCredential(ctx) {
      const r = await runBootstrap(ctx, { name: "berth-bootstrap-without-credential" });
      outputs.push(r.stdout, r.stderr);
      if (r.exitCode !== 1 || !/Argo CD cannot read/.test(r.stderr)) throw new AssertionFailure(`berth bootstrap before berth repo connect: exit ${r.exitCode}, expected 1 with Argo CD's refusal:\n${logTail(r.logFile, 20)}\n${r.stderr.trim()}`);
      const root = (await applications(ctx.kubectl)).get("root");
      const refusal = (root?.status?.conditions ?? []).find((c) => /Error$/.test(c.type));
      if (!refusal) throw new AssertionFailure(`berth bootstrap reported a refusal, but the root Application has no error condition: ${JSON.stringify(root?.status ?? {})}`);
      ctx.log(`private repository: before berth repo connect, Argo CD refuses ${ssh.url}: root ${refusal.type}: ${oneLine(refusal.message)}`);
      ctx.log(`berth bootstrap stopped (exit 1) with it: ${oneLine(r.stderr.split("\n").find((l) => l.includes("fix:")) ?? "")}`);
    },

    /**
     * `berth repo connect` for the repository (deploy key through @octokit/rest against the
     * loopback GitHub, host key from GET /meta) and both registries (login on stdin, and in the
     * environment); `berth validate --render` refused without the logins, passing with them.
     */
    async connect(ctx) {
      const { fleet } = ctx;
      const clusterFile = join(fleet.dir, `clusters/${CLUSTER}/cluster.yaml`);
      editYaml(clusterFile, (doc) => {
        doc.setIn(["repo", "access"], "deployKey");
        doc.set("registries", [{ url: chartRepo.url }, { url: ociRepoUrl }]);
      });
      const connected = await berthWatched(fleet, ["repo", "connect", CLUSTER], { env: { GITHUB_TOKEN: token, GITHUB_API_URL: github.url } });
      if (connected.exitCode !== 0) throw new AssertionFailure(`berth repo connect ${CLUSTER} exited ${connected.exitCode}:\n${connected.stdout}${connected.stderr}`);
      const [key, ...others] = github.deployKeys;
      if (!key || others.length > 0 || !key.read_only || key.title !== `berth:${CLUSTER}`) throw new AssertionFailure(`GitHub's deploy keys after berth repo connect: ${JSON.stringify(github.deployKeys)}; expected one read-only key berth:${CLUSTER}`);
      const pinned = parse(readFileSync(clusterFile, "utf8")).repo.knownHosts;
      const expected = `[127.0.0.1]:${ssh.port} ${ssh.hostKey}`;
      if (JSON.stringify(pinned) !== JSON.stringify([expected])) throw new AssertionFailure(`repo.knownHosts is ${JSON.stringify(pinned)}, not the SSH server's host key from GET /meta (${expected})`);
      ctx.log(`berth repo connect ${CLUSTER}: ${connected.stdout.trim().split("\n").map(oneLine).join("; ")}`);

      const http = await berthWatched(fleet, ["repo", "connect", CLUSTER, "--registry", chartRepo.url, "--username", USERNAME, "--from-stdin"], { input: canary });
      const oci = await berthWatched(fleet, ["repo", "connect", CLUSTER, "--registry", ociRepoUrl], { env: registryEnv(registry.host, canary) });
      for (const [r, what] of [[http, chartRepo.url], [oci, ociRepoUrl]]) {
        if (r.exitCode !== 0) throw new AssertionFailure(`berth repo connect ${CLUSTER} --registry ${what} exited ${r.exitCode}:\n${r.stdout}${r.stderr}`);
      }
      ctx.log(`registry logins sealed: ${oneLine(http.stdout.split("\n")[0])} (password on stdin); ${oneLine(oci.stdout.split("\n")[0])} (BERTH_REGISTRY_* environment)`);

      // berth's own renders: refused without the logins (naming the variables), passing with them.
      const anonymous = await berthWatched(fleet, ["validate", "--render"]);
      const said = anonymous.stdout + anonymous.stderr;
      const names = Object.keys(logins).filter((n) => n.endsWith("_USERNAME"));
      if (anonymous.exitCode === 0 || !names.every((n) => said.includes(n))) throw new AssertionFailure(`berth validate --render without BERTH_REGISTRY_* logins: exit ${anonymous.exitCode}, expected a refusal naming ${names.join(" and ")}:\n${said}`);
      Object.assign(fleet.env, logins);
      const withLogins = await berthWatched(fleet, ["validate", "--render"]);
      if (withLogins.exitCode !== 0) throw new AssertionFailure(`berth validate --render with the registry logins exited ${withLogins.exitCode}:\n${withLogins.stdout}${withLogins.stderr}`);
      ctx.log(`berth validate --render: refused without the registry logins (exit ${anonymous.exitCode}, naming ${names.join(", ")}); exit 0 with them in the environment`);

      await must(fleet.berth(["generate"]), "berth generate");
      await commitAndPush(fleet.git, `${CLUSTER}: read the repository with a deploy key and the chart registries with sealed logins`);
    },

    /** After the fleet reconciled: what reached the cluster and who opened it; anonymous reads refused. */
    async proof(ctx) {
      const { fleet, kubectl, procs, workDir } = ctx;
      const relay = await greeterMessage(kubectl, "relay");
      if (relay !== "from-the-oci-registry") throw new AssertionFailure(`relay's ConfigMap says ${JSON.stringify(relay)}: the chart from the private OCI registry did not render with its values`);
      if (chartRepo.requests.length === 0) throw new AssertionFailure("the private chart repository served nothing with the login");

      // The Secrets bootstrap applied are adopted by the real controller once Argo CD synced their SealedSecrets.
      const sealed = readdirSync(join(fleet.dir, `secrets/${CLUSTER}/${ARGOCD_NAMESPACE}`)).filter((f) => f.startsWith("repo-")).map((f) => f.replace(/\.yaml$/, ""));
      if (sealed.length !== 3) throw new AssertionFailure(`expected 3 sealed repository credentials (the fleet repository, the chart repository, the OCI registry), found ${sealed.join(", ")}`);
      await waitFor("the sealed-secrets controller to own the repository Secrets", async () => {
        const r = await kubectl`kubectl -n ${ARGOCD_NAMESPACE} get secrets ${sealed} -o json`.nothrow();
        if (r.exitCode !== 0) return false;
        return JSON.parse(r.stdout).items.every((s) => (s.metadata.ownerReferences ?? []).some((o) => o.kind === "SealedSecret" && o.name === s.metadata.name));
      }, { timeoutMs: 120_000, intervalMs: 1000, watch: procs, onTimeout: async () => new AssertionFailure(`the repository Secrets were not taken over by their SealedSecrets within 120 s:\n${(await kubectl`kubectl -n ${ARGOCD_NAMESPACE} get secrets ${sealed} -o yaml`.nothrow()).stdout}`) });

      // The host key, pinned in argocd-ssh-known-hosts-cm and read from there by the repo-server.
      const cm = (await kubectl`kubectl -n ${ARGOCD_NAMESPACE} get configmap argocd-ssh-known-hosts-cm -o ${"jsonpath={.data.ssh_known_hosts}"}`).stdout;
      const hostLine = `[127.0.0.1]:${ssh.port} ${ssh.hostKey}`;
      if (cm.trim() !== hostLine) throw new AssertionFailure(`argocd-ssh-known-hosts-cm holds ${JSON.stringify(cm)}, not only the pinned ${hostLine}`);
      const used = readFileSync(join(workDir, "argocd", "ssh", "ssh_known_hosts"), "utf8");
      if (used !== cm) throw new AssertionFailure("the repo-server's known hosts file is not argocd-ssh-known-hosts-cm's content");

      // sshd let in exactly the key berth registered.
      const fingerprint = sshFingerprint(github.deployKeys[0].key);
      const accepted = ssh.log().split("\n").filter((l) => /Accepted publickey/.test(l));
      if (accepted.length === 0 || !accepted.every((l) => l.includes(fingerprint))) throw new AssertionFailure(`sshd accepted ${accepted.length} connections, expected only deploy key ${fingerprint}:\n${accepted.join("\n")}`);

      // Anonymous reads: git over SSH with no key and with a key GitHub does not know, helm without the logins.
      const probe = join(workDir, "anonymous");
      mkdirSync(probe);
      writeFileSync(join(probe, "known_hosts"), `${hostLine}\n`);
      await $({ quiet: true })`ssh-keygen -q -t ed25519 -N ${""} -f ${join(probe, "stranger")}`;
      const refusedGit = [];
      for (const [who, key] of [["no key", "/dev/null"], ["an unknown key", join(probe, "stranger")]]) {
        const r = await $({ quiet: true, nothrow: true, env: { ...process.env, GIT_SSH_COMMAND: `ssh -F /dev/null -i ${key} -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile=${join(probe, "known_hosts")}` } })`git ls-remote ${ssh.url}`;
        if (r.exitCode === 0 || !/Permission denied \(publickey\)/.test(r.stderr)) throw new AssertionFailure(`git ls-remote with ${who} was not refused (exit ${r.exitCode}): ${r.stderr}`);
        refusedGit.push(who);
      }
      const helm = $({ quiet: true, nothrow: true, cwd: probe, env: { ...process.env, HELM_CACHE_HOME: join(probe, "cache"), HELM_CONFIG_HOME: join(probe, "config"), HELM_DATA_HOME: join(probe, "data") } });
      const pulls = [
        [chartRepo.url, await helm`helm pull --repo ${chartRepo.url} greeter --version 1.0.0 -d ${probe}`],
        [ociRepoUrl, await helm`helm pull ${`${ociRepoUrl}/greeter`} --version 1.0.0 --plain-http -d ${probe}`],
      ];
      // A classic repository answers 401; helm's OCI client says it has no basic credential for the 401 it got.
      for (const [url, r] of pulls) if (r.exitCode === 0 || !/401|unauthorized|credential not found/i.test(r.stderr)) throw new AssertionFailure(`helm pull from ${url} without the login was not refused (exit ${r.exitCode}): ${r.stderr}`);

      if (github.violations.length > 0) throw new AssertionFailure(`requests the loopback GitHub refused (GitHub's OpenAPI description):\n${github.violations.join("\n")}`);
      if (github.validated() === 0) throw new AssertionFailure("the loopback GitHub validated no request: the OpenAPI check did not run");
      ctx.log(`private repository: ${sealed.length} repository Secrets owned by their SealedSecrets; host key ${hostLine.split(" ")[0]} pinned in argocd-ssh-known-hosts-cm; sshd accepted only deploy key ${fingerprint} (${accepted.length} connections); relay rendered from the OCI registry`);
      ctx.log(`anonymous reads refused: git over SSH with ${refusedGit.join(" and with ")} (Permission denied (publickey)); helm pull without the login from ${pulls.map(([u]) => u).join(" and ")}; the chart repository refused ${chartRepo.refused.length} requests without it`);
      ctx.log(`loopback GitHub: ${github.validated()} requests validated against GitHub's OpenAPI description (deploy keys, GET /meta), 0 violations`);
    },

    /** At the end: the canary password in no argv of a process berth started, no output, no file of the run. */
    async canary(ctx) {
      if (argv.leaks.length > 0) throw new AssertionFailure(`the registry password was in the argv of processes berth started:\n${argv.leaks.join("\n")}`);
      if (outputs.some((o) => o.includes(canary))) throw new AssertionFailure("the registry password appears in berth's output");
      // etcd holds the cluster's Secrets (the real one would too): the only place the password is meant to be.
      const r = await $({ quiet: true, nothrow: true })`grep -rlF --binary-files=text --exclude-dir=etcd ${canary} ${ctx.workDir} ${ssh.dir}`;
      const files = r.stdout.trim().split("\n").filter(Boolean);
      if (files.length > 0) throw new AssertionFailure(`the registry password is in plaintext in:\n${files.join("\n")}`);
      const history = (await $({ quiet: true, cwd: ctx.fleet.bare })`git log --all -p`).stdout;
      if (history.includes(canary) || history.includes(token)) throw new AssertionFailure("a credential is in the fleet's Git history");
      ctx.log(`canary: the registry password is in none of ${argv.inspected} argv of processes berth started, none of berth's output, no file of the work folder or logs (etcd excepted), not in Git`);
      await chartRepo.close();
      await github.close();
      await stopSsh();
      return "e2e: private repository and chart registries read through sealed credentials; anonymous reads refused";
    },
  };
}
