// The Sealed Secrets controller as a host process. It only knows in-cluster configuration
// (rest.InClusterConfig), so it runs in a private mount namespace where a tmpfs over /run
// (/var/run/secrets) holds a service-account token of the chart's ServiceAccount, the cluster CA
// and its namespace; KUBERNETES_SERVICE_HOST/PORT point at the loopback API server. The host's
// /var/run/secrets is never touched.
import { $ } from "zx";
import { mkdirSync, writeFileSync, copyFileSync } from "node:fs";
import { join } from "node:path";
import { freePorts } from "./ports.mjs";
import { start, restart, waitFor, HarnessError } from "./processes.mjs";

export async function startSealedSecrets({ bin, workDir, logDir, kubectl, server, ca, namespace, serviceAccount, watch }) {
  await waitFor(`the ServiceAccount ${namespace}/${serviceAccount} (from the sealed-secrets chart)`, async () => (await kubectl`kubectl -n ${namespace} get serviceaccount ${serviceAccount}`.nothrow()).exitCode === 0, { timeoutMs: 600_000, intervalMs: 1000, watch });
  // As a pod would, it starts once Argo CD has applied the chart's RBAC (a pod started earlier
  // would crash and be restarted by the kubelet; the harness waits instead).
  const as = `system:serviceaccount:${namespace}:${serviceAccount}`;
  const can = async (...args) => (await kubectl`kubectl auth can-i ${args} --as ${as}`.nothrow()).stdout.trim() === "yes";
  await waitFor(`the chart's RBAC for ${as}`, async () => (await can("list", "secrets", "-n", namespace)) && (await can("watch", "sealedsecrets.bitnami.com", "-A")) && (await can("create", "secrets", "-A")), { timeoutMs: 600_000, intervalMs: 1000, watch });
  const token = (await kubectl`kubectl -n ${namespace} create token ${serviceAccount} --duration 2h`).stdout.trim();
  // And with the token itself, as the controller will call.
  await waitFor(`the API server to let ${as} list Secrets with its token`, async () => (await kubectl`kubectl --kubeconfig /dev/null --server ${server} --certificate-authority ${ca} --token ${token} -n ${namespace} get secrets -o name`.nothrow()).exitCode === 0, { timeoutMs: 120_000, intervalMs: 1000, watch });
  const sa = join(workDir, "sealed-secrets-sa");
  mkdirSync(sa, { recursive: true });
  writeFileSync(join(sa, "token"), token, { mode: 0o600 });
  writeFileSync(join(sa, "namespace"), namespace);
  copyFileSync(ca, join(sa, "ca.crt"));
  if ((await $({ quiet: true, nothrow: true })`unshare --mount --propagation private true`).exitCode !== 0) {
    throw new HarnessError("sealed-secrets-controller", "cannot create a private mount namespace (unshare --mount needs root or user namespaces)");
  }
  const [httpPort, metricsPort] = await freePorts(2);
  const url = new URL(server);
  const script = [
    "set -e",
    // A fresh /run for this process alone (/var/run links to it), so nothing is created on the host.
    "mount -t tmpfs -o mode=0755 tmpfs /run",
    "mkdir -p /var/run/secrets/kubernetes.io/serviceaccount",
    `cp "$SA_DIR"/token "$SA_DIR"/ca.crt "$SA_DIR"/namespace /var/run/secrets/kubernetes.io/serviceaccount/`,
    `exec "$CONTROLLER" --listen-addr 127.0.0.1:${httpPort} --listen-metrics-addr 127.0.0.1:${metricsPort} --key-renew-period 0 --update-status`,
  ].join("\n");
  const proc = start("sealed-secrets-controller", "unshare", ["--mount", "--propagation", "private", "bash", "-c", script], {
    logDir,
    env: { SA_DIR: sa, CONTROLLER: join(bin, "sealed-secrets-controller"), KUBERNETES_SERVICE_HOST: url.hostname, KUBERNETES_SERVICE_PORT: url.port },
  });
  return proc;
}

/**
 * What a Deployment rollout does to the controller's pod, for the host process: whenever the
 * chart's Deployment gets a new restartedAt (kubectl rollout restart, as `berth keys install`,
 * `rotate` and `remove` do after changing the installed keys), the process is restarted, so it
 * loads the key Secrets again exactly as a new pod would. `restarts()` counts them.
 */
export async function followRollouts({ kubectl, namespace, proc, log }) {
  const deployment = await waitFor("the sealed-secrets controller Deployment", async () => {
    const r = await kubectl`kubectl -n ${namespace} get deployments -l app.kubernetes.io/name=sealed-secrets -o jsonpath=${"{.items[0].metadata.name}"}`.nothrow();
    return r.exitCode === 0 && r.stdout.trim() ? r.stdout.trim() : undefined;
  }, { timeoutMs: 60_000, watch: [proc] });
  const restartedAt = async () => (await kubectl`kubectl -n ${namespace} get deployment ${deployment} -o jsonpath=${"{.spec.template.metadata.annotations.kubectl\\.kubernetes\\.io/restartedAt}"}`.nothrow()).stdout.trim();
  let seen = await restartedAt();
  let count = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const now = await restartedAt();
      if (running && now !== seen) {
        seen = now;
        await restart(proc);
        count++;
        log(`sealed-secrets controller restarted (deployment/${deployment} rolled out at ${now})`);
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  })();
  return {
    deployment,
    restarts: () => count,
    stop: async () => {
      running = false;
      await loop;
    },
  };
}
