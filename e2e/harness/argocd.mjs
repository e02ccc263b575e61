// The pinned Argo CD (generator/pins/argo-cd.json) as host processes, the way its own Procfile runs it for development:
// ARGOCD_FAKE_IN_CLUSTER maps https://kubernetes.default.svc to the kubeconfig, redis from
// Debian on loopback, the repo-server with the helm and kustomize Argo CD pins on its PATH.
// Its Deployments in the cluster are the chart's, with pods simulated by kwok.
import { $ } from "zx";
import { chmodSync, copyFileSync, mkdirSync, writeFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { ARGOCD_MODULE, moduleDir } from "./fleet.mjs";
import { freePorts } from "./ports.mjs";
import { start, waitFor, HarnessError } from "./processes.mjs";

export const ARGOCD_NAMESPACE = "argocd";

export async function startRedis({ workDir, logDir }) {
  const [port] = await freePorts(1);
  const redisBin = (await $({ quiet: true, nothrow: true })`command -v redis-server`).stdout.trim();
  if (!redisBin) throw new HarnessError("redis", "redis-server is not installed (Debian package redis-server)");
  const proc = start("redis", redisBin, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", workDir], { logDir });
  await waitFor("redis to accept connections", async () => (await $({ quiet: true, nothrow: true })`redis-cli -p ${port} ping`).stdout.trim() === "PONG", { watch: [proc], timeoutMs: 30_000 });
  return { proc, port };
}

/**
 * The repo-server pod reads known hosts from argocd-ssh-known-hosts-cm mounted at
 * ARGOCD_SSH_DATA_PATH; the host process gets the same file the kubelet would write: the
 * ConfigMap's ssh_known_hosts as the API server has it, copied again whenever it changes.
 */
async function followKnownHosts({ kubectl, file, until }) {
  let last;
  const copy = async () => {
    const r = await kubectl`kubectl -n ${ARGOCD_NAMESPACE} get configmap argocd-ssh-known-hosts-cm -o ${"jsonpath={.data.ssh_known_hosts}"}`.nothrow();
    if (r.exitCode === 0 && r.stdout !== last) {
      writeFileSync(file, r.stdout);
      last = r.stdout;
    }
  };
  await copy();
  (async () => {
    while (!until()) {
      await new Promise((ok) => setTimeout(ok, 500));
      await copy().catch(() => {});
    }
  })();
}

/**
 * Once berth bootstrap has installed Argo CD's configuration (argocd-cm, and the empty
 * argocd-secret of Argo CD's install.yaml): starts argocd-server, which must fill in
 * server.secretkey itself, then the repo-server and the application controller.
 */
export async function startArgoCd({ bin, workDir, logDir, kubeconfig, kubectl, redisPort, watch }) {
  await waitFor("berth bootstrap to install argocd-cm and argocd-secret", async () => (await kubectl`kubectl -n ${ARGOCD_NAMESPACE} get configmap/argocd-cm secret/argocd-secret`.nothrow()).exitCode === 0, { timeoutMs: 600_000, intervalMs: 1000, watch });

  // Argo CD reads its namespace from the kubeconfig context.
  const cfg = parse(readFileSync(kubeconfig, "utf8"));
  cfg.contexts[0].context.namespace = ARGOCD_NAMESPACE;
  const argoKubeconfig = join(workDir, "kubeconfig-argocd");
  writeFileSync(argoKubeconfig, stringify(cfg));
  const data = join(workDir, "argocd");
  mkdirSync(join(data, "bin"), { recursive: true });
  copyFileSync(join(await moduleDir(ARGOCD_MODULE), "hack", "git-verify-wrapper.sh"), join(data, "bin", "git-verify-wrapper.sh"));
  chmodSync(join(data, "bin", "git-verify-wrapper.sh"), 0o755);
  for (const d of ["tls", "ssh", "gpg/keys", "gpg/source", "tmp"]) mkdirSync(join(data, d), { recursive: true });
  const [repoPort, repoMetrics, ctlMetrics, serverPort, serverMetrics] = await freePorts(5);
  // The pods read argocd-cm's timeout.reconciliation into ARGOCD_RECONCILIATION_TIMEOUT (the
  // controller's refresh period and the repo-server's revision cache); so do these processes.
  const reconciliation = (await kubectl`kubectl -n ${ARGOCD_NAMESPACE} get configmap argocd-cm -o ${"jsonpath={.data.timeout\\.reconciliation}"}`).stdout.trim();
  const env = {
    ...(reconciliation ? { ARGOCD_RECONCILIATION_TIMEOUT: reconciliation } : {}),
    KUBECONFIG: argoKubeconfig,
    ARGOCD_FAKE_IN_CLUSTER: "true",
    ARGOCD_GPG_ENABLED: "false",
    ARGOCD_TLS_DATA_PATH: join(data, "tls"),
    ARGOCD_SSH_DATA_PATH: join(data, "ssh"),
    ARGOCD_GNUPGHOME: join(data, "gpg/keys"),
    ARGOCD_GPG_DATA_PATH: join(data, "gpg/source"),
    TMPDIR: join(data, "tmp"),
    // The helm and kustomize the pinned Argo CD's repo-server runs (e2e/tools/build.sh builds them).
    // hack/git-verify-wrapper.sh, which Argo CD's image puts on the repo-server's PATH: from 3.6
    // the repo-server runs it for every revision and refuses the revision ("permission denied")
    // without it.
    PATH: `${join(data, "bin")}:${bin}:${process.env.PATH}`,
  };
  const argocd = join(bin, "argocd");
  const server = start("argocd-server", argocd, ["--loglevel", "info", "--insecure", "--address", "127.0.0.1", "--port", String(serverPort), "--metrics-port", String(serverMetrics), "--redis", `127.0.0.1:${redisPort}`, "--repo-server", `127.0.0.1:${repoPort}`, "--otlp-address="], { logDir, env: { ...env, ARGOCD_BINARY_NAME: "argocd-server" } });
  const secretKey = async () => (await kubectl`kubectl -n ${ARGOCD_NAMESPACE} get secret argocd-secret -o ${"jsonpath={.data.server\\.secretkey}"}`.nothrow()).stdout.trim();
  await waitFor("argocd-server to write server.secretkey into argocd-secret", async () => (await secretKey()) !== "", { watch: [server, ...watch], timeoutMs: 120_000, intervalMs: 500 });
  await waitFor("argocd-server to answer /healthz", async () => (await fetch(`http://127.0.0.1:${serverPort}/healthz`).catch(() => undefined))?.status === 200, { watch: [server], timeoutMs: 60_000, intervalMs: 500 });
  let repo;
  await followKnownHosts({ kubectl, file: join(data, "ssh", "ssh_known_hosts"), until: () => repo?.stopping });
  repo = start("argocd-repo-server", argocd, ["--loglevel", "info", "--port", String(repoPort), "--metrics-port", String(repoMetrics), "--address", "127.0.0.1", "--metrics-address", "127.0.0.1", "--redis", `127.0.0.1:${redisPort}`, "--otlp-address="], { logDir, env: { ...env, ARGOCD_BINARY_NAME: "argocd-repo-server" } });
  const controller = start("argocd-application-controller", argocd, ["--loglevel", "info", "--redis", `127.0.0.1:${redisPort}`, "--repo-server", `127.0.0.1:${repoPort}`, "--metrics-port", String(ctlMetrics), "--otlp-address=", "--status-processors", "10", "--operation-processors", "10", "--self-heal-timeout-seconds", "2"], { logDir, env: { ...env, ARGOCD_BINARY_NAME: "argocd-application-controller" } });
  await waitFor("the repo-server to listen", async () => (await $({ quiet: true, nothrow: true })`bash -c ${`exec 3<>/dev/tcp/127.0.0.1/${repoPort}`}`).exitCode === 0, { watch: [repo], timeoutMs: 60_000 });
  // What another Argo CD component run the same way needs (the notifications controller).
  return Object.assign([repo, controller, server], { argocd, env, repoPort });
}
