import { cpuQuantity, dnsLabel, memoryQuantity, profileName } from "./common.js";

const relativePath = {
  type: "string",
  minLength: 1,
  pattern: "^(?!/)(?!.*(^|/)\\.\\.(/|$)).+$",
  description: "A path relative to the app's folder, inside it; `{profile}` and `{environment}` are substituted.",
} as const;

const replicas = {
  description: "Replica count: a number, or per environment/profile with a default.",
  anyOf: [
    { type: "integer", minimum: 0 },
    {
      type: "object",
      required: ["default"],
      propertyNames: dnsLabel,
      additionalProperties: { type: "integer", minimum: 0 },
    },
  ],
} as const;

/**
 * `apps/<name>/app.yaml`. The single source of truth: the TypeScript type `AppSpec` derives from
 * this object, and `generator/schemas/app.schema.json` is published from it.
 */
export const appSchema = {
  $schema: "http://json-schema.org/draft-07/schema#",
  $id: "https://berth.dev/schemas/app.schema.json",
  title: "berth app",
  description: "One deployable app: where its manifests come from, where it runs and what it needs.",
  type: "object",
  additionalProperties: false,
  required: ["layer", "namespace", "source"],
  properties: {
    description: { type: "string" },
    layer: {
      type: "string",
      enum: ["platform", "infra", "monitoring", "apps"],
      description: "Sync order: platform, then infra, then monitoring, then apps.",
    },
    namespace: {
      type: "string",
      pattern: "^([a-z0-9]([-a-z0-9]*[a-z0-9])?|[a-z0-9-]*\\{environment\\}[a-z0-9-]*)$",
      maxLength: 63,
      description: "Destination namespace. With perEnvironment, `{environment}` is replaced, e.g. `shop-{environment}`.",
    },
    perEnvironment: {
      type: "boolean",
      default: false,
      description: "Deploy once per environment of the cluster (an Application named <app>-<environment>).",
    },
    berthValues: {
      type: "boolean",
      default: false,
      description:
        "Local charts only: pass berth's context as `.Values.berth` (cluster, profile, arch, environment, namespace, ingress, storageClass, tls, and `external`: the managed services on this cluster that replace apps this app dependsOn or pools connections to). Off by default, so a chart whose values.schema.json forbids unknown properties renders.",
    },
    profiles: {
      type: "array",
      items: profileName,
      minItems: 1,
      uniqueItems: true,
      description: "Cluster profiles this app supports; all when omitted.",
    },
    releaseName: {
      ...dnsLabel,
      maxLength: 53,
      description: "Helm release name of a `helm` or `chart` source; defaults to the app's name. Keep an existing release's name when migrating it (or importing a helmfile release), so its resources are not renamed.",
    },
    system: {
      ...dnsLabel,
      description: "The system this app belongs to in `berth fleet`'s table; by default the app name before its first '-' (platform apps: \"platform\" unless other apps share that prefix).",
    },
    role: {
      type: "string",
      enum: ["argocd", "sealed-secrets"],
      description: "Marks the app berth configures specially: Argo CD itself, or the Sealed Secrets controller.",
    },
    source: {
      type: "object",
      required: ["type"],
      description: "Where the manifests come from: a Helm chart from a repository, a local chart, a kustomize folder or a folder of plain manifests.",
      discriminator: { propertyName: "type" },
      oneOf: [
        {
          additionalProperties: false,
          required: ["type", "repo", "chart", "version"],
          properties: {
            type: { const: "helm" },
            repo: { type: "string", pattern: "^(https?|oci)://[^\\s]+$", description: "Chart repository: https://… or oci://…" },
            chart: { type: "string", minLength: 1 },
            version: {
              type: "string",
              pattern: "^v?[0-9]+\\.[0-9]+\\.[0-9]+([-+][0-9A-Za-z.-]+)?$",
              description: "An exact chart version (ranges are not reproducible).",
            },
          },
        },
        {
          additionalProperties: false,
          required: ["type"],
          properties: { type: { const: "chart" }, path: { ...relativePath, default: "chart" } },
        },
        {
          additionalProperties: false,
          required: ["type", "path"],
          properties: { type: { const: "kustomize" }, path: relativePath },
        },
        {
          additionalProperties: false,
          required: ["type", "path"],
          properties: { type: { const: "manifests" }, path: relativePath },
        },
      ],
    },
    valueFiles: {
      type: "array",
      items: { type: "string", pattern: "^(?!.*(^|/)\\.\\.(/|$))[A-Za-z0-9_.][-A-Za-z0-9_./]*\\.ya?ml$" },
      uniqueItems: true,
      description: "Extra values files in the app's folder (e.g. an upstream chart's values-production.yaml), after values.yaml and before the profile, environment and cluster files.",
    },
    ignoreDifferences: {
      type: "array",
      description: "Passed through to the Application's spec.ignoreDifferences (the pinned Argo CD's shape, generator/pins/argo-cd.json).",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["kind"],
        properties: {
          group: { type: "string" },
          kind: { type: "string", minLength: 1 },
          name: { type: "string" },
          namespace: { type: "string" },
          jsonPointers: { type: "array", items: { type: "string" } },
          jqPathExpressions: { type: "array", items: { type: "string" } },
          managedFieldsManagers: { type: "array", items: { type: "string" } },
        },
      },
    },
    dependsOn: {
      type: "array",
      items: dnsLabel,
      uniqueItems: true,
      description: "Apps that must be Healthy before this one syncs (same or earlier layer).",
    },
    secrets: {
      type: "array",
      description: "Secrets this app consumes; each must be sealed for every cluster running the app.",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["name", "keys"],
        properties: {
          name: dnsLabel,
          namespace: { ...dnsLabel, description: "Defaults to the app's namespace." },
          keys: { type: "array", items: { type: "string", pattern: "^[-._a-zA-Z0-9]+$" }, minItems: 1, uniqueItems: true },
          type: { type: "string", description: "Secret type, e.g. kubernetes.io/dockerconfigjson." },
        },
      },
    },
    resources: {
      type: "array",
      description: "Requests of each workload, for the cluster resource budget.",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["workload", "cpu", "memory"],
        properties: {
          workload: { type: "string", minLength: 1 },
          cpu: cpuQuantity,
          memory: memoryQuantity,
          replicas,
        },
      },
    },
    postgres: {
      type: "object",
      additionalProperties: false,
      required: ["maxConnections"],
      description: "This app is a Postgres server; consumers' pools must fit its max_connections.",
      properties: {
        maxConnections: { type: "integer", minimum: 1 },
        reserve: { type: "integer", minimum: 0, default: 0, description: "Connections kept free for admin and migrations." },
      },
    },
    connectionPools: {
      type: "array",
      description: "Database connection pools this app opens (per replica).",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["to", "size"],
        properties: { to: dnsLabel, size: { type: "integer", minimum: 1 }, replicas },
      },
    },
    namespaceMetadata: {
      type: "object",
      additionalProperties: false,
      description: "Labels and annotations of the Namespace berth creates for the app (e.g. linkerd.io/inject: enabled); apps sharing a namespace must agree.",
      properties: {
        labels: { type: "object", additionalProperties: { type: "string" } },
        annotations: { type: "object", additionalProperties: { type: "string" } },
      },
    },
    sync: {
      type: "object",
      additionalProperties: false,
      description: "Argo CD sync options the app needs.",
      properties: {
        serverSideApply: { type: "boolean", description: "For apps with CRDs too big for client-side apply." },
        skipDryRunOnMissingResource: { type: "boolean", description: "For resources whose CRD another app installs." },
        replace: { type: "boolean" },
      },
    },
    clusterResources: {
      type: "array",
      description: "Cluster-scoped kinds the app creates; its layer's AppProject allows exactly these.",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["group", "kind"],
        properties: { group: { type: "string" }, kind: { type: "string", pattern: "^[A-Z][A-Za-z0-9]*$" } },
      },
    },
  },
} as const;
