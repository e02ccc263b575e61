// The example fleet's local charts, kustomize folders and manifests, rendered by `berth render`
// for every cluster that runs them and checked by the real API server: CRDs they ship are
// applied, their namespaces created, then every object goes through
// `kubectl apply --server-side --dry-run=server`, so Kubernetes itself validates the seeds.
import { parseAllDocuments, stringify } from "yaml";
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { berth, REPO_ROOT } from "./fleet.mjs";
import { AssertionFailure } from "./processes.mjs";

const CLUSTERS = ["laptop", "pi", "cloud"];

function localApps() {
  const dir = join(REPO_ROOT, "apps");
  return readdirSync(dir).filter((a) => {
    const f = join(dir, a, "app.yaml");
    return existsSync(f) && parse(readFileSync(f, "utf8"))?.source?.type !== "helm";
  });
}

/** Splits `berth render` output at its `# ---- cluster/app (wave N, namespace NS)` headers. */
function splitRender(text) {
  const parts = [];
  let cur;
  for (const line of text.split("\n")) {
    const m = /^# ---- [^/]+\/(\S+) \(wave -?\d+, namespace (\S+)\)/.exec(line);
    if (m) parts.push((cur = { app: m[1], namespace: m[2], lines: [] }));
    else if (cur) cur.lines.push(line);
  }
  return parts.map((p) => ({ app: p.app, namespace: p.namespace, objects: parseAllDocuments(p.lines.join("\n")).map((d) => d.toJS()).filter((o) => o && o.kind) }));
}

export async function dryRunSeeds({ kubectl, log }) {
  // Kinds the API server serves cluster-scoped (after the CRDs below are applied, theirs too).
  const clusterScopedKinds = async () => new Set((await kubectl`kubectl api-resources --namespaced=false --no-headers`).stdout.split("\n").filter(Boolean).map((l) => l.trim().split(/\s+/).pop()));
  const run = berth(REPO_ROOT);
  const apps = localApps();
  let checked = 0;
  const skipped = [];
  const failures = [];
  for (const cluster of CLUSTERS) {
    const clusterFile = parse(readFileSync(join(REPO_ROOT, "clusters", cluster, "cluster.yaml"), "utf8"));
    const onCluster = clusterFile.apps.map((a) => (typeof a === "string" ? a : a.name)).filter((a) => apps.includes(a));
    if (onCluster.length === 0) continue;
    const r = await run(["render", "--cluster", cluster, "--app", ...onCluster]);
    if (r.exitCode !== 0) throw new AssertionFailure(`berth render --cluster ${cluster} failed (exit ${r.exitCode}):\n${r.stderr.trim()}`);
    const parts = splitRender(r.stdout);
    const crds = parts.flatMap((p) => p.objects.filter((o) => o.kind === "CustomResourceDefinition"));
    if (crds.length > 0) {
      await kubectl({ input: crds.map((o) => stringify(o)).join("---\n") })`kubectl apply --server-side --force-conflicts --field-manager berth-e2e -f -`;
      await kubectl`kubectl wait --for condition=Established --timeout 60s ${crds.map((c) => `crd/${c.metadata.name}`)}`;
    }
    const clusterScoped = await clusterScopedKinds();
    for (const p of parts) {
      await kubectl({ input: stringify({ apiVersion: "v1", kind: "Namespace", metadata: { name: p.namespace } }) })`kubectl apply --server-side --field-manager berth-e2e -f -`;
      for (const o of p.objects) {
        if (o.kind === "CustomResourceDefinition") continue;
        const namespaced = !clusterScoped.has(o.kind);
        if (namespaced) o.metadata = { ...o.metadata, namespace: o.metadata?.namespace ?? p.namespace };
        if (namespaced && o.metadata.namespace !== p.namespace) {
          await kubectl({ input: stringify({ apiVersion: "v1", kind: "Namespace", metadata: { name: o.metadata.namespace } }) })`kubectl apply --server-side --field-manager berth-e2e -f -`;
        }
        const res = await kubectl({ input: stringify(o) })`kubectl apply --server-side --dry-run=server --field-manager berth-e2e -f -`.nothrow();
        const what = `${cluster}/${p.app}: ${o.kind} ${o.metadata?.namespace ? o.metadata.namespace + "/" : ""}${o.metadata?.name}`;
        if (res.exitCode === 0) checked++;
        else if (/no matches for kind|ensure CRDs are installed first/.test(res.stderr)) skipped.push(`${what} (its CRD comes from a remote chart)`);
        else failures.push(`${what}: ${res.stderr.trim()}`);
      }
    }
  }
  log(`seed charts: ${checked} objects accepted by the API server (server-side dry-run); ${skipped.length} not checked because their CRD comes from a remote chart`);
  for (const s of skipped) log(`  not checked: ${s}`);
  if (failures.length > 0) throw new AssertionFailure(`the API server rejected ${failures.length} rendered object(s) of the example fleet:\n${failures.join("\n")}`);
  return { checked, skipped };
}
