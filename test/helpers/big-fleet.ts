/** A fleet large enough that `berth generate` takes long enough to be interrupted mid-write. */
export function bigFleet(apps: number, revision: string): Record<string, string> {
  const names = Array.from({ length: apps }, (_, i) => `svc-${String(i).padStart(3, "0")}`);
  const tree: Record<string, string> = {
    "apps/argo-cd/app.yaml": "layer: platform\nnamespace: argocd\nrole: argocd\nsource: { type: helm, repo: https://argoproj.github.io/argo-helm, chart: argo-cd, version: 8.5.0 }\n",
  };
  for (const cluster of ["alpha", "beta"]) {
    tree[`clusters/${cluster}/cluster.yaml`] = [
      "profile: kind",
      `repo: { url: https://git.example.com/fleet.git, revision: ${revision} }`,
      "kubernetes: { version: 1.31.4 }",
      "capacity: { nodes: 1, cpu: '64', memory: 256Gi }",
      "environments: [dev]",
      `apps: [argo-cd, ${names.join(", ")}]`,
      "",
    ].join("\n");
  }
  for (const [i, name] of names.entries()) {
    tree[`apps/${name}/app.yaml`] = `layer: ${["infra", "monitoring", "apps"][i % 3]}\nnamespace: ${name}\nsource: { type: manifests, path: m }\n${i > 2 ? `dependsOn: [${names[i - 3]}]\n` : ""}`;
    tree[`apps/${name}/m/cm.yaml`] = `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: ${name} }\n`;
  }
  return tree;
}
