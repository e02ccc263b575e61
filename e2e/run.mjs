#!/usr/bin/env node
// npm run e2e: berth's real commands against a real control plane on loopback.
//
// 1. builds (or reuses) the pinned Go binaries (e2e/tools/build.sh);
// 2. starts etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok;
// 3. checks the example fleet's local charts with the API server (server-side dry-run);
// 4. prepares the e2e fleet (e2e/fixtures/fleet): keys, a sealed secret, berth generate, a bare Git repo;
// 5. runs `berth bootstrap` for real while Argo CD (repo-server, application controller) and the
//    Sealed Secrets controller run as host processes, until every Application is Synced and
//    Healthy; proves the waves wait, `$values`, the opened SealedSecret, deploy-by-push and
//    AppProject enforcement.
//
// Exit 0 when every assertion holds, 1 when one fails, 2 when the harness could not run.
import { $ } from "zx";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, readFileSync, createWriteStream } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { startControlPlane, HOLD_MS } from "./harness/control-plane.mjs";
import { AssertionFailure, HarnessError, logTail, stopAll, waitFor, checkAlive } from "./harness/processes.mjs";
import { prepareFleet, commitAndPush, must, CLUSTER, REPO_ROOT } from "./harness/fleet.mjs";
import { serveChartRepo } from "./harness/chart-repo.mjs";
import { startRedis, startArgoCd, ARGOCD_NAMESPACE } from "./harness/argocd.mjs";
import { startSealedSecrets } from "./harness/sealed-secrets.mjs";
import { dryRunSeeds } from "./harness/seed-dry-run.mjs";
import { linkKubectl } from "./harness/kubectl.mjs";
import { notifications } from "./phases/notifications.mjs";
import { keyRotation } from "./phases/key-rotation.mjs";
import { renderEquality } from "./phases/render-equality.mjs";
import { layeredLayout } from "./phases/layered.mjs";

$.verbose = false;
const started = Date.now();
const log = (msg) => console.log(`e2e [${Math.round((Date.now() - started) / 1000)}s] ${msg}`);
const keep = process.env.BERTH_E2E_KEEP === "1";

async function buildTools() {
  log("building the pinned control-plane tools (cached after the first run)");
  const r = await $({ nothrow: true, stdio: ["ignore", "pipe", "inherit"] })`bash ${join(REPO_ROOT, "e2e/tools/build.sh")}`;
  if (r.exitCode !== 0) throw new HarnessError("e2e/tools/build.sh", `could not build the tools (exit ${r.exitCode})`);
  return r.stdout.trim().split("\n").pop();
}

async function prerequisites() {
  const missing = [];
  for (const [cmd, pkg] of [["go", "Go >= 1.24"], ["git", "git"], ["openssl", "openssl"], ["redis-server", "redis-server"], ["redis-cli", "redis-tools"], ["unshare", "util-linux"]]) {
    if ((await $({ nothrow: true })`command -v ${cmd}`).exitCode !== 0) missing.push(`${cmd} (${pkg})`);
  }
  if (missing.length > 0) throw new HarnessError("prerequisites", `missing: ${missing.join(", ")}; see the README's e2e section`);
}

/** Every Application in argocd, by name. */
async function applications(kubectl) {
  const r = await kubectl`kubectl -n ${ARGOCD_NAMESPACE} get applications.argoproj.io -o json`.nothrow();
  if (r.exitCode !== 0) return new Map();
  return new Map(JSON.parse(r.stdout).items.map((a) => [a.metadata.name, a]));
}

const synced = (a) => a?.status?.sync?.status === "Synced" && a?.status?.health?.status === "Healthy";
const waveOf = (a) => Number(a.metadata.annotations?.["argocd.argoproj.io/sync-wave"] ?? 0);
function describe(a) {
  const conds = (a.status?.conditions ?? []).map((c) => `${c.type}: ${c.message}`).join("; ");
  const op = a.status?.operationState;
  // Argo CD puts a refused resource's reason on the resource's result, not on the operation.
  const failed = (op?.syncResult?.resources ?? []).filter((r) => r.status === "SyncFailed").map((r) => `${r.kind} ${r.name}: ${r.message}`).join("; ");
  return `${a.metadata.name}: sync ${a.status?.sync?.status ?? "?"}, health ${a.status?.health?.status ?? "?"}${op ? `, last operation ${op.phase}: ${op.message ?? ""}` : ""}${failed ? ` (${failed})` : ""}${conds ? `; ${conds}` : ""}`;
}

async function main() {
  await prerequisites();
  const bin = await buildTools();
  const workDir = mkdtempSync(join(tmpdir(), "berth-e2e-"));
  const logDir = join(workDir, "logs");
  mkdirSync(logDir, { recursive: true });
  const pathDir = join(workDir, "path");
  await linkKubectl(pathDir);
  // The harness, berth and Argo CD's repo-server find kubectl and the helm and kustomize the pinned Argo CD runs here.
  process.env.PATH = `${pathDir}:${bin}:${process.env.PATH}`;
  log(`work folder ${workDir}; logs in ${logDir}`);

  let passed = false;
  try {
    const cp = await startControlPlane({ bin, workDir, context: CLUSTER, tier: 2 });
    const { kubectl } = cp;
    process.env.KUBECONFIG = cp.kubeconfig;
    log(`control plane up at ${cp.server} (etcd, kube-apiserver, controller-manager, scheduler, kwok)`);

    const seeds = await dryRunSeeds({ kubectl, log });

    const chartDir = join(workDir, "charts");
    mkdirSync(chartDir);
    const chartRepo = await serveChartRepo(chartDir);
    await $`helm package ${join(REPO_ROOT, "e2e/fixtures/fleet/charts/greeter")} -d ${chartDir}`;
    await $`helm repo index ${chartDir} --url ${chartRepo.url}`;
    const notify = await notifications({ logDir, log });
    const fleet = await prepareFleet({ workDir, chartRepoUrl: chartRepo.url, bin, prepare: notify.prepare });
    log(`e2e fleet generated and pushed to ${fleet.repoUrl}`);

    const redis = await startRedis({ workDir, logDir });
    const procs = [...cp.procs, redis.proc];

    // Bootstrap runs to completion on its own; Argo CD and the sealed-secrets controller start
    // when what they need exists, as their pods would.
    const bootstrapLog = join(logDir, "berth-bootstrap.log");
    const bootstrap = $({ nothrow: true, cwd: fleet.dir })`node ${join(REPO_ROOT, "bin/berth.js")} -C ${fleet.dir} bootstrap --cluster ${CLUSTER} --context ${CLUSTER} --key ${fleet.keyFile} --timeout 12m`;
    bootstrap.pipe(createWriteStream(bootstrapLog));
    const bootstrapDone = bootstrap.then((r) => r);
    const argo = await startArgoCd({ bin, workDir, logDir, kubeconfig: cp.kubeconfig, kubectl, redisPort: redis.port, watch: procs });
    procs.push(...argo);
    await notify.start(argo, procs);
    log("Argo CD repo-server and application controller started");

    // Waves: record when each Application first appears and first reports Healthy (what the
    // root's sync waits for, through the Application health check berth configures).
    const firstSeen = new Map();
    const firstHealthy = new Map();
    let sealer;
    let done;
    bootstrapDone.then((r) => (done = r));
    while (!done) {
      for (const p of procs) checkAlive(p);
      if (sealer) checkAlive(sealer);
      const apps = await applications(kubectl);
      const now = Date.now();
      for (const [name, a] of apps) {
        if (!firstSeen.has(name)) firstSeen.set(name, now);
        if (!firstHealthy.has(name) && a.status?.health?.status === "Healthy") firstHealthy.set(name, now);
      }
      if (!sealer && (await kubectl`kubectl get crd sealedsecrets.bitnami.com`.nothrow()).exitCode === 0) {
        sealer = await startSealedSecrets({ bin, workDir, logDir, kubectl, server: cp.server, ca: cp.pki.ca, namespace: "kube-system", serviceAccount: "sealed-secrets-controller", watch: procs });
        procs.push(sealer);
        log("sealed-secrets controller started");
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
    if (done.exitCode !== 0) {
      const apps = await applications(kubectl);
      throw new AssertionFailure(`berth bootstrap exited ${done.exitCode}:\n${logTail(bootstrapLog, 30)}\n${done.stderr.trim()}\nApplications:\n${[...apps.values()].map(describe).join("\n")}`);
    }
    log("berth bootstrap finished: every Application Synced and Healthy");

    // 1. Every Application Synced and Healthy, as the API server reports them.
    const apps = await applications(kubectl);
    const unhealthy = [...apps.values()].filter((a) => !synced(a));
    if (unhealthy.length > 0) throw new AssertionFailure(`not Synced and Healthy:\n${unhealthy.map(describe).join("\n")}`);

    // 2. Waves wait: nothing in a later wave than store's appeared before store was Healthy.
    const store = apps.get("store");
    if (!store) throw new AssertionFailure("the store Application does not exist");
    const storeHealthy = firstHealthy.get("store");
    const early = [...apps.values()].filter((a) => waveOf(a) > waveOf(store) && firstSeen.get(a.metadata.name) < storeHealthy);
    if (early.length > 0) throw new AssertionFailure(`Applications of a later wave than store (${waveOf(store)}) were created before store was Healthy: ${early.map((a) => `${a.metadata.name} (wave ${waveOf(a)})`).join(", ")}`);
    const waves = [...new Set([...apps.values()].filter((a) => a.metadata.name !== "root").map(waveOf))].sort((x, y) => x - y);
    for (let i = 1; i < waves.length; i++) {
      const lastOfPrev = Math.max(...[...apps.values()].filter((a) => waveOf(a) === waves[i - 1] && a.metadata.name !== "root").map((a) => firstHealthy.get(a.metadata.name) ?? 0));
      const firstOfNext = Math.min(...[...apps.values()].filter((a) => waveOf(a) === waves[i]).map((a) => firstSeen.get(a.metadata.name) ?? Infinity));
      // One poll (1 s) of slack: both times are when the harness saw the change.
      if (firstOfNext < lastOfPrev - 1500) throw new AssertionFailure(`wave ${waves[i]} started ${Math.round((lastOfPrev - firstOfNext) / 1000)} s before wave ${waves[i - 1]} was Healthy`);
    }
    log(`waves completed in order: ${waves.join(" → ")} (store held ${HOLD_MS / 1000} s by kwok; nothing later started before it was Healthy)`);

    // 3. $values: the greeter's message exists only in apps/greeter/values.yaml in Git.
    const message = async () => (await kubectl`kubectl -n greeter get configmap greeter -o jsonpath=${"{.data.message}"}`.nothrow()).stdout;
    if ((await message()) !== "from-the-values-file-in-git") throw new AssertionFailure(`greeter's ConfigMap says ${JSON.stringify(await message())}, not the value from apps/greeter/values.yaml: $values did not resolve`);
    log("$values: the remote chart rendered with the values file from Git");

    // 4. The SealedSecret, opened by the real controller with the key bootstrap installed.
    const opened = await waitFor("the sealed-secrets controller to open web/web-credentials", async () => {
      const r = await kubectl`kubectl -n web get secret web-credentials -o jsonpath=${"{.data.password}"}`.nothrow();
      return r.exitCode === 0 && r.stdout ? Buffer.from(r.stdout, "base64").toString() : undefined;
    }, { timeoutMs: 60_000, watch: sealer ? [sealer] : [], onTimeout: () => new AssertionFailure("the sealed-secrets controller did not open web/web-credentials within 60 s") });
    if (opened !== fleet.password) throw new AssertionFailure("web/web-credentials was opened, but its password is not the sealed value");
    const sealedCount = JSON.parse((await kubectl`kubectl get sealedsecrets.bitnami.com -A -o json`).stdout).items.length;
    log(`sealed secrets: ${sealedCount} opened by the controller into Secrets with the sealed values`);

    // 5. Deploy by pushing: a second commit changes a value; Argo CD syncs it by itself.
    const valuesFile = join(fleet.dir, "apps/greeter/values.yaml");
    writeFileSync(valuesFile, readFileSync(valuesFile, "utf8").replace("from-the-values-file-in-git", "from-the-second-commit"));
    await must(fleet.berth(["generate"]), "berth generate");
    const pushed = await commitAndPush(fleet.git, "greeter: new message");
    await waitFor("Argo CD to deploy the pushed commit", async () => (await message()) === "from-the-second-commit", {
      timeoutMs: 180_000,
      intervalMs: 1000,
      watch: procs,
      onTimeout: async () => new AssertionFailure(`a pushed commit was not deployed within 180 s: greeter's ConfigMap says ${JSON.stringify(await message())}\n${describe((await applications(kubectl)).get("greeter") ?? { metadata: { name: "greeter" } })}`),
    });
    log("deploy by push: the second commit reached the cluster with no other action");
    await notify.afterPush(pushed, fleet, procs);

    // 6. AppProject enforcement, after the fleet is Healthy: an apps-layer app that renders a ClusterRole.
    const rogueDir = join(fleet.dir, "apps/rogue");
    mkdirSync(join(rogueDir, "manifests"), { recursive: true });
    writeFileSync(join(rogueDir, "app.yaml"), "layer: apps\nnamespace: rogue\nsource: { type: manifests, path: manifests }\n");
    writeFileSync(join(rogueDir, "manifests/clusterrole.yaml"), stringify({ apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: "rogue" }, rules: [{ apiGroups: [""], resources: ["secrets"], verbs: ["get"] }] }));
    const clusterFile = join(fleet.dir, `clusters/${CLUSTER}/cluster.yaml`);
    const clusterText = readFileSync(clusterFile, "utf8");
    writeFileSync(clusterFile, clusterText.replace("  - greeter\n", "  - greeter\n  - rogue\n"));
    const validate = await fleet.berth(["validate", "--render"]);
    const berthFlagged = validate.exitCode === 1 && /ClusterRole/.test(validate.stdout + validate.stderr);
    log(`berth validate --render on the rogue app: exit ${validate.exitCode}${berthFlagged ? " (flagged the ClusterRole)" : " (did NOT flag the ClusterRole)"}`);
    await must(fleet.berth(["generate"]), "berth generate");
    const rogueSha = await commitAndPush(fleet.git, "rogue app (must be refused by its project)");
    const refusal = await waitFor("Argo CD to refuse the rogue app's ClusterRole", async () => {
      const a = (await applications(kubectl)).get("rogue");
      const text = a ? describe(a) : "";
      return /not permitted in project/.test(text) ? text : undefined;
    }, { timeoutMs: 180_000, intervalMs: 1000, watch: procs, onTimeout: async () => new AssertionFailure(`Argo CD did not refuse the rogue app's ClusterRole within 180 s:\n${[...(await applications(kubectl)).values()].map(describe).join("\n")}`) });
    log(`AppProject enforcement: ${refusal.replace(/\n/g, " ")}`);
    await notify.afterRefusal(rogueSha, procs);
    writeFileSync(clusterFile, clusterText);
    rmSync(rogueDir, { recursive: true });
    await must(fleet.berth(["generate"]), "berth generate");
    const head = await commitAndPush(fleet.git, "remove the rogue app");
    // A refused sync keeps retrying (berth's retry policy), and Argo CD does not finalize
    // the deletion of an Application while an operation is in progress: terminate it, as
    // `argocd app terminate-op` does, instead of waiting out the backoff.
    // The root's own sync of the commit that added rogue waits for rogue to be Healthy (its wave),
    // so it does not take the removal until that operation ends: terminate it too, as
    // `argocd app terminate-op root` would (Argo CD 3.6 keeps it Running while rogue retries).
    for (const app of ["rogue", "root"]) {
      await kubectl`kubectl -n ${ARGOCD_NAMESPACE} patch application ${app} --type merge -p ${JSON.stringify({ status: { operationState: { phase: "Terminating" } } })}`.nothrow();
    }
    await waitFor("the rogue Application to be pruned", async () => !(await applications(kubectl)).has("rogue"), { timeoutMs: 180_000, intervalMs: 1000, watch: procs, onTimeout: () => new AssertionFailure("the rogue Application was not pruned within 180 s of its removal from Git") });
    if (!berthFlagged) throw new AssertionFailure(`berth validate --render did not flag the apps-layer ClusterRole that Argo CD refused (exit ${validate.exitCode}):\n${(validate.stdout + validate.stderr).trim()}`);

    // berth never prunes a Namespace (Prune=false,Delete=false): the root shows the one nothing
    // uses any more as out of sync until a person deletes it, as the README says. Do that.
    await kubectl`kubectl delete namespace rogue --wait=false`.nothrow();
    const final = await waitFor("every Application to be Synced and Healthy again", async () => {
      const apps = await applications(kubectl);
      return [...apps.values()].every(synced) ? apps : undefined;
    }, { timeoutMs: 180_000, intervalMs: 1000, watch: procs, onTimeout: async () => new AssertionFailure(`after the enforcement phase, not Synced and Healthy:\n${[...(await applications(kubectl)).values()].filter((a) => !synced(a)).map(describe).join("\n")}`) });
    // berth status against the live Applications, before the later phases push more commits.
    const statusLine = await notify.final(final, head, fleet.bare, () => applications(kubectl));
    const equal = await renderEquality({ fleet, kubectl, cluster: CLUSTER, namespace: ARGOCD_NAMESPACE });
    log(`render equality: ${equal.objects} objects, every field as berth rendered it; ${equal.tools}`);
    const resealed = await keyRotation({ fleet, kubectl, sealer, procs, workDir, log });
    const layered = await layeredLayout({ fleet, kubectl, repoServer: argo[0], procs, log, applications, synced, describe });
    await chartRepo.close();
    log(`seed charts validated by the API server: ${seeds.checked} objects`);
    passed = true;
    console.log(`e2e: berth render equals what Argo CD applied for ${equal.apps} apps`);
    console.log(statusLine);
    console.log(`e2e: sealing key rotated; ${resealed} sealed secrets re-sealed and opened with the new key`);
    console.log(`e2e: repo-server refused the flat root (${layered.flatBytes} bytes over ${layered.limit}) as berth validate said; layered: ${layered.parents} parents adopted ${layered.kept} kept children, ${layered.final.size} Applications Synced and Healthy`);
    console.log(`e2e: ${final.size} Applications Synced and Healthy on cluster ${CLUSTER}; waves ${waves.length}; sealed secrets opened ${sealedCount}`);
  } finally {
    await stopAll();
    // A failed run keeps its folder: the logs of every component are in it.
    if (passed && !keep) rmSync(workDir, { recursive: true, force: true });
    else console.error(`e2e: kept ${workDir} (logs in ${logDir})`);
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    if (e instanceof AssertionFailure) {
      console.error(`e2e: assertion failed: ${e.message}`);
      process.exit(1);
    }
    if (e instanceof HarnessError) {
      console.error(`e2e: could not run: ${e.message}`);
      const tail = logTail(e.logFile);
      if (tail) console.error(`--- last lines of ${e.logFile}:\n${tail}`);
      process.exit(2);
    }
    console.error(`e2e: could not run: ${e?.stack ?? e}`);
    process.exit(2);
  },
);
