import { createHash } from "node:crypto";

/**
 * A small fleet that exercises every source type, every layer, per-environment apps, dependsOn
 * across and within layers, secrets, external services, value layering and inline overrides.
 */
export const SCHEMA_APP = "# yaml-language-server: $schema=../../generator/schemas/app.schema.json\n";

export function fixtureFleet(): Record<string, string> {
  return {
    ...fixtureSealedSecrets(),
    "clusters/dev/cluster.yaml": `profile: kind
repo: { url: https://git.example.com/fleet.git, revision: main }
kubernetes: { version: 1.31.4 }
capacity: { nodes: 1, cpu: "4", memory: 8Gi }
environments: [staging, prod]
ingress: { domain: dev.localhost }
apps:
  - argo-cd
  - sealed-secrets
  - name: shop
    environments: [staging]
    values: { replicas: 1 }
  - metrics
  - kustom
  - postgres
`,
    "clusters/prod/cluster.yaml": `profile: cloud
repo: { url: https://git.example.com/fleet.git, revision: release }
kubernetes: { version: 1.30.2, apiVersions: [monitoring.coreos.com/v1] }
capacity: { nodes: 3, cpu: "4", memory: 16Gi }
environments: [prod]
ingress: { domain: example.com, className: nginx }
tls: { issuer: letsencrypt, email: ops@example.com }
apps: [argo-cd, sealed-secrets, shop, metrics, postgres]
`,
    "clusters/prod/values/shop.yaml": "replicas: 3\n",
    "apps/argo-cd/app.yaml": `${SCHEMA_APP}layer: platform
namespace: argocd
role: argocd
source: { type: helm, repo: https://argoproj.github.io/argo-helm, chart: argo-cd, version: 8.5.0 }
sync: { serverSideApply: true }
clusterResources:
  - { group: apiextensions.k8s.io, kind: CustomResourceDefinition }
`,
    "apps/argo-cd/values.yaml": "configs: { params: { server.insecure: true } }\n",
    "apps/sealed-secrets/app.yaml": `layer: platform
namespace: kube-system
role: sealed-secrets
source: { type: helm, repo: oci://registry.example.com/charts, chart: sealed-secrets, version: 2.17.3 }
`,
    "apps/postgres/app.yaml": `layer: infra
namespace: data
source: { type: helm, repo: oci://registry-1.docker.io/bitnamicharts, chart: postgresql, version: 16.4.5 }
postgres: { maxConnections: 100, reserve: 20 }
secrets:
  - { name: postgres-credentials, keys: [postgres-password] }
`,
    "apps/postgres/values.yaml": "auth: { existingSecret: postgres-credentials }\n",
    "apps/postgres/values-cloud.yaml": "primary: { persistence: { size: 20Gi } }\n",
    "apps/metrics/app.yaml": `layer: monitoring
namespace: monitoring
source: { type: manifests, path: manifests }
dependsOn: [postgres]
`,
    "apps/metrics/manifests/config.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: metrics }\ndata: { a: b }\n",
    "apps/kustom/app.yaml": `layer: infra
namespace: kustom
profiles: [kind]
source: { type: kustomize, path: "overlays/{profile}" }
`,
    "apps/kustom/overlays/kind/kustomization.yaml": "resources: []\n",
    "apps/shop/app.yaml": `layer: apps
namespace: "shop-{environment}"
perEnvironment: true
source: { type: chart }
dependsOn: [postgres]
namespaceMetadata: { annotations: { linkerd.io/inject: enabled } }
secrets:
  - { name: shop-db, keys: [password] }
connectionPools:
  - { to: postgres, size: 10, replicas: 2 }
berthValues: true
`,
    "apps/shop/chart/Chart.yaml": "apiVersion: v2\nname: shop\nversion: 0.1.0\n",
    "apps/shop/chart/templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: shop }\ndata: { env: {{ .Values.berth.environment | quote }} }\n",
    "apps/shop/values.yaml": "replicas: 1\nlog: info\n",
    "apps/shop/values-staging.yaml": "log: debug\n",
  };
}

/**
 * Structurally valid SealedSecrets (fake ciphertext, nothing decrypts them) for every secret the
 * fixture fleet consumes (fake ciphertext), so that `berth validate` passes on the fixture.
 */
export function fixtureSealedSecrets(sealedWith = "0".repeat(64)): Record<string, string> {
  const value = (seed: string) => {
    const rsa = createHash("sha512").update(seed).digest();
    const wrapped = Buffer.concat(Array.from({ length: 8 }, () => rsa)); // 512 bytes, like RSA-4096
    const prefix = Buffer.alloc(2);
    prefix.writeUInt16BE(wrapped.length);
    return Buffer.concat([prefix, wrapped, createHash("sha256").update(seed).digest()]).toString("base64");
  };
  const file = (ns: string, name: string, key: string) => `apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata:
  name: ${name}
  namespace: ${ns}
  annotations:
    berth.dev/sealed-with: "${sealedWith}"
spec:
  encryptedData:
    ${key}: ${value(`${ns}/${name}/${key}`)}
  template:
    metadata:
      name: ${name}
      namespace: ${ns}
    type: Opaque
`;
  return {
    "secrets/dev/data/postgres-credentials.yaml": file("data", "postgres-credentials", "postgres-password"),
    "secrets/dev/shop-staging/shop-db.yaml": file("shop-staging", "shop-db", "password"),
    "secrets/prod/data/postgres-credentials.yaml": file("data", "postgres-credentials", "postgres-password"),
    "secrets/prod/shop-prod/shop-db.yaml": file("shop-prod", "shop-db", "password"),
  };
}
