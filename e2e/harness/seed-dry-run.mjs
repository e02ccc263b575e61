// The example fleet's local charts, kustomize folders and manifests, rendered by `berth render`
// for every cluster that runs them and checked by the real API server: CRDs they ship are
// applied, their namespaces created, then every object goes through
// `kubectl apply --server-side --dry-run=server`, so Kubernetes itself validates the seeds.
import { parseAllDocuments, stringify } from "yaml";
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { berth, moduleDir, REPO_ROOT } from "./fleet.mjs";
import { AssertionFailure, waitFor } from "./processes.mjs";

/**
 * Objects as kubectl reads them: one JSON List, since the yaml package writes YAML 1.2 and leaves
 * strings such as "no" unquoted, which kubectl's YAML 1.1 reader takes for booleans (and a JSON
 * stream with `---` between objects is not one kubectl reads past the first).
 */
const asKubectlInput = (objects) => JSON.stringify({ apiVersion: "v1", kind: "List", items: objects });

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

/**
 * The CRDs apps/envoy-gateway's chart installs (the Gateway API's and Envoy Gateway's own), from
 * Envoy Gateway's Go module at the chart's version: a remote chart is not rendered offline, and
 * without them the example's Gateways, HTTPRoutes, TLSRoutes and EnvoyProxies would go unchecked.
 */
async function envoyGatewayCrds() {
  const version = parse(readFileSync(join(REPO_ROOT, "apps", "envoy-gateway", "app.yaml"), "utf8")).source.version;
  const dir = join(await moduleDir(`github.com/envoyproxy/gateway@${version}`), "charts", "gateway-helm", "charts", "crds", "crds");
  const files = [join(dir, "gatewayapi-crds.yaml"), ...readdirSync(join(dir, "generated")).sort().map((f) => join(dir, "generated", f))];
  return files.flatMap((f) => parseAllDocuments(readFileSync(f, "utf8")).map((d) => d.toJS()).filter((o) => o?.kind === "CustomResourceDefinition"));
}

export async function dryRunSeeds({ kubectl, log }) {
  const gatewayCrds = await envoyGatewayCrds();
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
    const crds = [...(cluster === CLUSTERS[0] ? gatewayCrds : []), ...parts.flatMap((p) => p.objects.filter((o) => o.kind === "CustomResourceDefinition"))];
    if (crds.length > 0) {
      await kubectl({ input: asKubectlInput(crds) })`kubectl apply --server-side --force-conflicts --field-manager berth-e2e -f -`;
      // A CRD created a moment ago may have no status.conditions yet, which kubectl wait reports as
      // an error rather than waiting on (bootstrap retries it the same way).
      const names = crds.map((c) => `crd/${c.metadata.name}`);
      await waitFor("the seed charts' CRDs to be Established", async () => (await kubectl`kubectl wait --for condition=Established --timeout 20s ${names}`.nothrow()).exitCode === 0, { timeoutMs: 120_000, intervalMs: 1000 });
    }
    const clusterScoped = await clusterScopedKinds();
    for (const p of parts) {
      const objects = p.objects.filter((o) => o.kind !== "CustomResourceDefinition");
      if (objects.length === 0) continue;
      const namespaces = new Set([p.namespace]);
      for (const o of objects) {
        if (clusterScoped.has(o.kind)) continue;
        o.metadata = { ...o.metadata, namespace: o.metadata?.namespace ?? p.namespace };
        namespaces.add(o.metadata.namespace);
      }
      const nsDocs = [...namespaces].map((name) => stringify({ apiVersion: "v1", kind: "Namespace", metadata: { name } }));
      await kubectl({ input: nsDocs.join("---\n") })`kubectl apply --server-side --field-manager berth-e2e -f -`;
      // One dry run per app: kubectl reports every object, accepted or not, and goes on after an error.
      const res = await kubectl({ input: asKubectlInput(objects) })`kubectl apply --server-side --dry-run=server --field-manager berth-e2e -f -`.nothrow();
      checked += res.stdout.split("\n").filter((l) => /serverside-applied \(server dry run\)/.test(l)).length;
      // A missing CRD is reported per object, possibly several to a line: count each.
      const unmapped = [...res.stderr.matchAll(/no matches for kind "([^"]+)" in version "([^"]+)"/g)];
      for (const m of unmapped) skipped.push(`${cluster}/${p.app}: ${m[1]} (${m[2]})`);
      for (const line of res.stderr.split("\n").filter((l) => /^(error|Error)/.test(l) && !/resource mapping not found|no matches for kind/.test(l))) failures.push(`${cluster}/${p.app}: ${line}`);
    }
  }
  log(`seed charts: ${checked} objects accepted by the API server (server-side dry-run), with Envoy Gateway's ${gatewayCrds.length} CRDs applied; ${skipped.length} not checked: their CRD comes from a remote chart, which is not rendered offline`);
  if (failures.length > 0) throw new AssertionFailure(`the API server rejected ${failures.length} rendered object(s) of the example fleet:\n${failures.join("\n")}`);
  return { checked, skipped };
}
