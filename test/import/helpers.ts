import { cpSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { fixtureFleet } from "../helpers/fleet-fixture.js";
import { makeRepo } from "../helpers/repo.js";

/** Helmfiles shaped like seed 003's k8s/ folder (OCI Bitnami charts, kube-prometheus-stack, local charts, two environments, needs:). */
export const SEED_003 = fileURLToPath(new URL("./fixtures/everything/k8s", import.meta.url));

/** A fleet with one k3s cluster `pi` running only the platform apps, and the helmfile folder copied to legacy/k8s/. */
export function importRepo(): string {
  const f = fixtureFleet();
  const root = makeRepo({
    "apps/argo-cd/app.yaml": f["apps/argo-cd/app.yaml"]!,
    "apps/sealed-secrets/app.yaml": f["apps/sealed-secrets/app.yaml"]!,
    "clusters/pi/cluster.yaml": `# yaml-language-server: $schema=../../generator/schemas/cluster.schema.json
profile: k3s
repo: { url: https://git.example.com/fleet.git }
kubernetes: { version: 1.31.4 }
capacity: { nodes: 4, cpu: "4", memory: 4Gi }
environments: [staging, prod]
apps:
  # platform
  - argo-cd
  - sealed-secrets
`,
  });
  cpSync(SEED_003, join(root, "legacy/k8s"), { recursive: true });
  return root;
}
