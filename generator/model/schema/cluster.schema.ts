import { cpuQuantity, dnsLabel, memoryQuantity, profileName, valuesMap } from "./common.js";

/**
 * `clusters/<name>/cluster.yaml`. The single source of truth: the TypeScript type `ClusterSpec`
 * derives from this object, and `generator/schemas/cluster.schema.json` is published from it.
 */
export const clusterSchema = {
  $schema: "http://json-schema.org/draft-07/schema#",
  $id: "https://berth.dev/schemas/cluster.schema.json",
  title: "berth cluster",
  description: "One Kubernetes cluster of the fleet: what it is and which apps run on it.",
  type: "object",
  additionalProperties: false,
  required: ["profile", "repo", "kubernetes", "capacity", "environments", "apps"],
  properties: {
    description: { type: "string" },
    profile: profileName,
    repo: {
      type: "object",
      additionalProperties: false,
      required: ["url"],
      description: "The Git repository and revision Argo CD on this cluster tracks.",
      properties: {
        url: {
          type: "string",
          pattern: "^(https://|ssh://|git@|file:///)[^\\s]+$",
          description: "Git URL Argo CD reads: https://, ssh://, git@host:path, or file:///path (a repository on the Argo CD host, as in Argo CD's own e2e tests).",
        },
        revision: { type: "string", minLength: 1, default: "main" },
      },
    },
    kubernetes: {
      type: "object",
      additionalProperties: false,
      required: ["version"],
      properties: {
        version: {
          type: "string",
          pattern: "^1\\.[0-9]+\\.[0-9]+$",
          description: "The cluster's Kubernetes version, e.g. 1.37.2 (passed to helm --kube-version).",
        },
        apiVersions: {
          type: "array",
          items: { type: "string", pattern: "^[a-z0-9.-]+(/[a-zA-Z0-9]+)?(/[A-Za-z]+)?$" },
          uniqueItems: true,
          description: "Extra API versions the cluster serves (CRDs installed outside berth), e.g. monitoring.coreos.com/v1.",
        },
      },
    },
    arch: { type: "string", enum: ["amd64", "arm64"], description: "Node architecture; defaults from the profile." },
    capacity: {
      type: "object",
      additionalProperties: false,
      required: ["nodes", "cpu", "memory"],
      description: "Allocatable capacity of each node; the resource budget check sums requests against nodes × this.",
      properties: {
        nodes: { type: "integer", minimum: 1 },
        cpu: cpuQuantity,
        memory: memoryQuantity,
      },
    },
    environments: {
      type: "array",
      items: dnsLabel,
      minItems: 1,
      uniqueItems: true,
      description: "Environments this cluster hosts, e.g. [staging, prod]. Per-environment apps get one Application each.",
    },
    apps: {
      type: "array",
      uniqueItems: true,
      description: "The apps that run on this cluster: names of folders under apps/, optionally with per-cluster settings.",
      items: {
        anyOf: [
          dnsLabel,
          {
            type: "object",
            additionalProperties: false,
            required: ["name"],
            properties: {
              name: dnsLabel,
              environments: {
                type: "array",
                items: dnsLabel,
                minItems: 1,
                uniqueItems: true,
                description: "For a per-environment app: the subset of the cluster's environments it runs in.",
              },
              values: { ...valuesMap, description: "Per-cluster Helm values; they win over every values file." },
            },
          },
        ],
      },
    },
    identity: {
      type: "object",
      additionalProperties: false,
      minProperties: 1,
      description: "How `berth bootstrap` recognises this cluster, checked before its first change: then --context may have any name.",
      properties: {
        apiServer: { type: "string", pattern: "^https://[^\\s]+$", description: "The API server URL, as in the kubeconfig (`kubectl config view --minify -o jsonpath='{.clusters[0].cluster.server}'`)." },
        kubeSystemUID: {
          type: "string",
          pattern: "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
          description: "The UID of the kube-system namespace (`kubectl get namespace kube-system -o jsonpath='{.metadata.uid}'`): unique per cluster, survives renamed contexts.",
        },
      },
    },
    ingress: {
      type: "object",
      additionalProperties: false,
      required: ["domain"],
      properties: {
        domain: { type: "string", pattern: "^[a-z0-9.-]+$", description: "Base DNS domain for app hosts." },
        className: { type: "string", description: "IngressClass; defaults from the profile (nginx on kind, traefik on k3s)." },
      },
    },
    storage: {
      type: "object",
      additionalProperties: false,
      required: ["className"],
      properties: { className: { type: "string", description: "StorageClass for PVCs; defaults from the profile." } },
    },
    tls: {
      type: "object",
      additionalProperties: false,
      required: ["issuer"],
      properties: {
        issuer: { type: "string", description: "cert-manager ClusterIssuer that signs app certificates." },
        email: { type: "string", format: "email", description: "ACME account e-mail (Let's Encrypt)." },
      },
    },
    external: {
      type: "object",
      description: "Managed services that replace in-cluster apps on this cluster, by app name.",
      propertyNames: dnsLabel,
      additionalProperties: {
        type: "object",
        additionalProperties: false,
        required: ["host", "port"],
        properties: {
          host: { type: "string", minLength: 1 },
          port: { type: "integer", minimum: 1, maximum: 65535 },
          secret: { ...dnsLabel, description: "Secret (sealed for this cluster) holding the credentials." },
        },
      },
    },
  },
} as const;
