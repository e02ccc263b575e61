// `berth bootstrap` for real, while Argo CD (repo-server, application controller, notifications
// controller) and the Sealed Secrets controller start as host processes when what they need
// exists, as their pods would. Records when each Application first appears and first reports
// Synced and Healthy (what the root's sync waits for, through the Application health check berth
// configures), for the waves phase.
import { $ } from "zx";
import { createWriteStream } from "node:fs";
import { join } from "node:path";
import { CLUSTER, REPO_ROOT } from "../harness/fleet.mjs";
import { startRedis, startArgoCd } from "../harness/argocd.mjs";
import { startSealedSecrets } from "../harness/sealed-secrets.mjs";
import { applications, describe, synced } from "../harness/applications.mjs";
import { AssertionFailure, atStop, checkAlive, logTail } from "../harness/processes.mjs";

/** One run of `berth bootstrap` to its end; its exit code, output and log file. */
export async function runBootstrap(ctx, { name = "berth-bootstrap" } = {}) {
  const { fleet, kubectl, procs } = ctx;
  if (!ctx.redis) {
    ctx.redis = await startRedis({ workDir: ctx.workDir, logDir: ctx.logDir });
    procs.push(ctx.redis.proc);
  }
  const logFile = join(ctx.logDir, `${name}.log`);
  const run = $({ nothrow: true, cwd: fleet.dir, env: { ...process.env, ...fleet.env } })`node ${join(REPO_ROOT, "bin/berth.js")} -C ${fleet.dir} bootstrap --cluster ${CLUSTER} --context ${CLUSTER} --key ${fleet.keyFile} --timeout 12m`;
  run.pipe(createWriteStream(logFile));
  let done;
  run.then((r) => (done = r));
  // A run the harness is interrupted in (a failure elsewhere, a signal) ends with it.
  atStop(() => done ?? run.kill());
  if (!ctx.argo) {
    ctx.argo = await startArgoCd({ bin: ctx.bin, workDir: ctx.workDir, logDir: ctx.logDir, kubeconfig: ctx.cp.kubeconfig, kubectl, redisPort: ctx.redis.port, watch: procs });
    procs.push(...ctx.argo);
    await ctx.notify.start(ctx.argo, procs);
    ctx.log("Argo CD repo-server and application controller started");
  }
  ctx.firstSeen ??= new Map();
  ctx.firstHealthy ??= new Map();
  while (!done) {
    for (const p of procs) checkAlive(p);
    if (ctx.sealer) checkAlive(ctx.sealer);
    const now = Date.now();
    for (const [appName, a] of await applications(kubectl)) {
      if (!ctx.firstSeen.has(appName)) ctx.firstSeen.set(appName, now);
      if (!ctx.firstHealthy.has(appName) && synced(a)) ctx.firstHealthy.set(appName, now);
    }
    if (!ctx.sealer && (await kubectl`kubectl get crd sealedsecrets.bitnami.com`.nothrow()).exitCode === 0) {
      ctx.sealer = await startSealedSecrets({ bin: ctx.bin, workDir: ctx.workDir, logDir: ctx.logDir, kubectl, server: ctx.cp.server, ca: ctx.cp.pki.ca, namespace: "kube-system", serviceAccount: "sealed-secrets-controller", watch: procs });
      procs.push(ctx.sealer);
      ctx.log("sealed-secrets controller started");
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  // zx's output object has getters, not fields: copy what the phases read.
  return { exitCode: done.exitCode, stdout: done.stdout, stderr: done.stderr, logFile };
}

/** Bootstrap runs to completion on its own: every Application Synced and Healthy, as the API server reports them. */
export async function bootstrap(ctx) {
  const done = await runBootstrap(ctx);
  if (done.exitCode !== 0) {
    const apps = await applications(ctx.kubectl);
    throw new AssertionFailure(`berth bootstrap exited ${done.exitCode}:\n${logTail(done.logFile, 30)}\n${done.stderr.trim()}\nApplications:\n${[...apps.values()].map(describe).join("\n")}`);
  }
  ctx.log("berth bootstrap finished: every Application Synced and Healthy");
  const apps = await applications(ctx.kubectl);
  const unhealthy = [...apps.values()].filter((a) => !synced(a));
  if (unhealthy.length > 0) throw new AssertionFailure(`not Synced and Healthy:\n${unhealthy.map(describe).join("\n")}`);
  return apps;
}
