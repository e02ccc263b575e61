// Waves wait: nothing in a later wave than store's appeared before store was Synced and Healthy,
// and each wave started only once the one before it was (times as bootstrap's phase recorded
// them). Then the Application health check berth puts in argocd-cm, run by Argo CD itself
// (`argocd admin settings resource-overrides health`) on every live child Application and on the
// states that let a wave start early: a child whose resources are not created yet, whose
// manifests failed to load, whose sync still runs, or whose verdict belongs to an older source.
import { $ } from "zx";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { HOLD_MS } from "../harness/control-plane.mjs";
import { ARGOCD_NAMESPACE } from "../harness/argocd.mjs";
import { applications, waveOf } from "../harness/applications.mjs";
import { AssertionFailure } from "../harness/processes.mjs";

export async function waves(ctx) {
  const { firstSeen, firstHealthy } = ctx;
  const apps = await applications(ctx.kubectl);
  const store = apps.get("store");
  if (!store) throw new AssertionFailure("the store Application does not exist");
  const storeHealthy = firstHealthy.get("store");
  const early = [...apps.values()].filter((a) => waveOf(a) > waveOf(store) && firstSeen.get(a.metadata.name) < storeHealthy);
  if (early.length > 0) throw new AssertionFailure(`Applications of a later wave than store (${waveOf(store)}) were created before store was Synced and Healthy: ${early.map((a) => `${a.metadata.name} (wave ${waveOf(a)})`).join(", ")}`);
  const children = [...apps.values()].filter((a) => a.metadata.name !== "root");
  const order = [...new Set(children.map(waveOf))].sort((x, y) => x - y);
  for (let i = 1; i < order.length; i++) {
    const lastOfPrev = Math.max(...children.filter((a) => waveOf(a) === order[i - 1]).map((a) => firstHealthy.get(a.metadata.name) ?? 0));
    const firstOfNext = Math.min(...[...apps.values()].filter((a) => waveOf(a) === order[i]).map((a) => firstSeen.get(a.metadata.name) ?? Infinity));
    // One poll (1 s) of slack: both times are when the harness saw the change.
    if (firstOfNext < lastOfPrev - 1500) throw new AssertionFailure(`wave ${order[i]} started ${Math.round((lastOfPrev - firstOfNext) / 1000)} s before wave ${order[i - 1]} was Synced and Healthy`);
  }
  const cases = await healthCheckCases(ctx, apps);
  ctx.log(`waves completed in order: ${order.join(" → ")} (store held ${HOLD_MS / 1000} s by kwok; nothing later started before it was Synced and Healthy); Argo CD's own run of berth's Application health check: ${cases}`);
  return order;
}

/** What a wave gate sees for each state of a child Application, as Argo CD evaluates argocd-cm's check. */
async function healthCheckCases(ctx, apps) {
  const store = apps.get("store");
  const root = apps.get("root");
  const dir = join(ctx.workDir, "application-health");
  mkdirSync(dir, { recursive: true });
  const cm = join(dir, "argocd-cm.yaml");
  writeFileSync(cm, (await ctx.kubectl`kubectl -n ${ARGOCD_NAMESPACE} get configmap argocd-cm -o yaml`).stdout);
  // The store, changed into another state.
  const variant = (edit) => {
    const a = structuredClone(store);
    edit(a);
    return a;
  };
  // The same child, its verdict made against another revision of its (first) source.
  const older = (app) => {
    const a = structuredClone(app);
    const compared = a.spec.sources ? a.status.sync.comparedTo.sources[0] : a.status.sync.comparedTo.source;
    compared.targetRevision = `${compared.targetRevision ?? "HEAD"}-older`;
    return a;
  };
  // Every live child, Synced and Healthy after bootstrap (one source or several), is Healthy to the check.
  const settled = [...apps.values()].filter((a) => a.metadata.name !== "root");
  const cases = [
    ...settled.map((a) => [`the live ${a.metadata.name} (${a.spec.sources ? `${a.spec.sources.length} sources` : "one source"})`, a, "Healthy"]),
    ["no status yet (just created)", variant((a) => delete a.status), "Progressing"],
    ["resources not created yet: Healthy by Argo CD's count, OutOfSync", variant((a) => (a.status.sync.status = "OutOfSync")), "Progressing"],
    ["every resource Missing", variant((a) => (a.status.health = { status: "Missing" })), "Progressing"],
    ["manifests failed to load", variant((a) => {
      a.status.sync.status = "Unknown";
      a.status.conditions = [{ type: "ComparisonError", message: "failed to list refs" }];
    }), "Progressing"],
    ["its sync still running", variant((a) => (a.status.operationState = { ...a.status.operationState, phase: "Running", message: "waiting for healthy state of apps/Deployment/store" })), "Progressing"],
    ...settled.filter((a) => a === store || a === settled.find((b) => b.spec.sources)).map((a) => [`a verdict on an older source of ${a.metadata.name}`, older(a), "Progressing"]),
    ["Degraded", variant((a) => (a.status.health = { status: "Degraded", message: "CrashLoopBackOff" })), "Degraded"],
    // The root syncs its own file: while that sync runs it is OutOfSync, and must not wait for itself.
    ["the root, which manages itself, during its own sync", (() => {
      const a = structuredClone(root);
      a.status.sync.status = "OutOfSync";
      a.status.operationState = { ...a.status.operationState, phase: "Running", message: "waiting for healthy state of argoproj.io/Application/root" };
      return a;
    })(), root.status.health.status],
  ];
  const wrong = [];
  for (const [i, [what, app, want]] of cases.entries()) {
    const file = join(dir, `case-${i}.yaml`);
    writeFileSync(file, stringify(app));
    const r = await $({ nothrow: true, env: { ...process.env, ARGOCD_BINARY_NAME: "argocd" } })`${ctx.argo.argocd} admin settings resource-overrides health ${file} --argocd-cm-path ${cm}`;
    const got = /^STATUS: (\S+)/m.exec(r.stdout)?.[1];
    if (got !== want) wrong.push(`${what}: ${got ?? `exit ${r.exitCode}: ${(r.stderr || r.stdout).trim()}`}, expected ${want}`);
  }
  if (wrong.length > 0) throw new AssertionFailure(`the Application health check in argocd-cm lets a wave start early or stops it wrongly:\n  ${wrong.join("\n  ")}`);
  return `${cases.length} child states, ${cases.filter((c) => c[2] === "Healthy").length} Healthy`;
}
