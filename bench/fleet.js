// The fleet `npm run bench` measures: CLUSTERS clusters × APPS apps, each app a remote Helm chart
// with its values kept in Git (Argo CD's multi-source form with a `$values` ref), written both as a
// berth repository and as the values of the equivalent hand-written app-of-apps chart
// (bench/app-of-apps/), so that `helm template` renders the same 10,000 Applications.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

export const REPO_URL = "https://git.example.com/fleet.git";
const LAYERS = ["infra", "monitoring", "apps"];

export function fleetShape(clusters, apps) {
  const clusterNames = Array.from({ length: clusters }, (_, i) => `c${String(i).padStart(4, "0")}`);
  const appSpecs = Array.from({ length: apps }, (_, i) => {
    const name = `app${String(i).padStart(3, "0")}`;
    return { name, layer: LAYERS[i % LAYERS.length], namespace: name, repo: `https://charts.example.com/${name}`, chart: name, version: `1.${i % 7}.0` };
  });
  return { clusters: clusterNames, apps: appSpecs };
}

/**
 * Writes the berth repository (clusters/, apps/) under `root`. `layered`: the clusters use
 * `appOfApps: layered`, as a cluster of thousands of apps must (validate refuses it flat).
 */
export function writeBerthFleet(root, shape, { layered = false } = {}) {
  const write = (p, s) => {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), s);
  };
  write("apps/argo-cd/app.yaml", "layer: platform\nnamespace: argocd\nrole: argocd\nsource: { type: helm, repo: https://argoproj.github.io/argo-helm, chart: argo-cd, version: 8.5.0 }\n");
  for (const a of shape.apps) {
    write(`apps/${a.name}/app.yaml`, `layer: ${a.layer}\nnamespace: ${a.namespace}\nsource: { type: helm, repo: ${a.repo}, chart: ${a.chart}, version: ${a.version} }\nresources: [{ workload: ${a.name}, cpu: 10m, memory: 16Mi }]\n`);
    write(`apps/${a.name}/values.yaml`, `replicaCount: 1\nimage: { tag: "1.0.0" }\nservice: { port: 8080 }\n`);
  }
  for (const c of shape.clusters) {
    write(
      `clusters/${c}/cluster.yaml`,
      `profile: kind\n${layered ? "appOfApps: layered\n" : ""}repo: { url: ${REPO_URL} }\nkubernetes: { version: 1.31.4 }\ncapacity: { nodes: 10, cpu: "64", memory: 256Gi }\nenvironments: [dev]\napps: [argo-cd, ${shape.apps.map((a) => a.name).join(", ")}]\n`,
    );
  }
}

/** The values of the hand-written app-of-apps chart: the same fleet as one list of Applications, as helm users write it. */
export function appOfAppsValues(shape) {
  const lines = [`repoURL: ${REPO_URL}`, "targetRevision: HEAD", "applications:"];
  for (const c of shape.clusters) {
    shape.apps.forEach((a, i) => lines.push(`  - { cluster: ${c}, app: ${a.name}, wave: ${i}, layer: ${a.layer}, namespace: ${a.namespace}, repo: "${a.repo}", chart: ${a.chart}, version: "${a.version}" }`));
  }
  return `${lines.join("\n")}\n`;
}
