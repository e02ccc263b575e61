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
        access: {
          type: "string",
          enum: ["public", "deployKey", "githubApp", "token"],
          default: "public",
          description:
            "How Argo CD on this cluster reads the repository: public (no credential), deployKey (an ssh:// or git@ URL; a read-only key berth registers), githubApp or token (an https:// URL). The credential is sealed for this cluster by `berth repo connect` into secrets/<cluster>/argocd/.",
        },
        knownHosts: {
          type: "array",
          uniqueItems: true,
          items: { type: "string", pattern: "^[^\\s#]+ (ssh-ed25519|ecdsa-sha2-nistp256|ecdsa-sha2-nistp384|ecdsa-sha2-nistp521|ssh-rsa) [A-Za-z0-9+/=]+$" },
          description: "SSH host keys Argo CD pins for this repository (argocd-ssh-known-hosts-cm), `host type key` lines; `berth repo connect` writes GitHub's from its API.",
        },
      },
    },
    registries: {
      type: "array",
      description: "Private chart registries Argo CD on this cluster logs in to (Helm https:// or oci://); each needs a credential sealed by `berth repo connect <cluster> --registry <url>`.",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["url"],
        properties: {
          url: { type: "string", pattern: "^(https?://|oci://)[^\\s@]+$", description: "The registry as apps name it in source.repo (https://… or oci://…; http:// only on this machine)." },
          prefix: { type: "boolean", default: false, description: "Seal one credential for every repository under this URL prefix (an Argo CD repo-creds Secret) rather than for this URL alone." },
        },
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
      // No uniqueItems: checked by name in rules.ts, linear at thousands of entries.
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
    appOfApps: {
      type: "string",
      enum: ["flat", "layered"],
      default: "flat",
      description:
        "How the root Application holds the cluster's Applications. flat: the root syncs all of them (one file per layer). layered: the root syncs one parent Application per layer, sync wave and name bucket, each syncing its own file, so no Application or directory source grows past Argo CD's and etcd's limits; for clusters of more than about 1,000 apps (see docs/scale.md before switching an existing cluster).",
    },
    keepApplications: {
      type: "boolean",
      default: false,
      description:
        "Argo CD keeps every child Application, and its resources, when the Application that lists it stops doing so (Prune=false,Delete=false). Set it in the commit before a change that moves Applications to other parents (switching appOfApps; in a layered cluster, a dependsOn or layer change) and remove it once Argo CD has synced the move: while it is set, an app removed from the cluster is not deleted. See docs/scale.md.",
    },
    identity: {
      type: "object",
      additionalProperties: false,
      minProperties: 1,
      description: "How `berth bootstrap` recognises this cluster, checked before its first change. With kubeSystemUID, --context may have any name: the UID is the only proof, read from the cluster that answers.",
      properties: {
        apiServer: { type: "string", pattern: "^https://[^\\s]+$", description: "The API server URL, as in the kubeconfig (`kubectl config view --minify -o jsonpath='{.clusters[0].cluster.server}'`): checked against where the context points, which another cluster behind the same address shares, so it is an extra check, not proof; record kubeSystemUID." },
        kubeSystemUID: {
          type: "string",
          pattern: "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
          description: "The UID of the kube-system namespace (`kubectl get namespace kube-system -o jsonpath='{.metadata.uid}'`): unique per cluster, survives renamed contexts.",
        },
      },
    },
    notify: {
      type: "object",
      additionalProperties: false,
      required: ["github"],
      description: "Where this cluster's Argo CD reports after a push (docs/after-a-push.md): a commit status per cluster on GitHub, and failures to Slack or a webhook. The credentials are sealed for the cluster as argocd/argocd-notifications-secret.",
      properties: {
        github: {
          type: "object",
          additionalProperties: false,
          required: ["repository"],
          properties: {
            repository: { type: "string", pattern: "^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", description: "owner/name of the GitHub repository whose commits get the statuses." },
            api: {
              type: "string",
              // The token travels with every request: plain http only to a loopback address.
              pattern: "^(https://[^\\s]+|http://(127\\.0\\.0\\.1|localhost)(:[0-9]+)?(/[^\\s]*)?)$",
              default: "https://api.github.com",
              description: "GitHub's REST API (GitHub Enterprise Server: https://<host>/api/v3; http only on loopback).",
            },
            app: {
              type: "object",
              additionalProperties: false,
              required: ["id", "installationId"],
              description: "Post as a GitHub App (Argo CD's github service); its private key is sealed as github-privateKey. Without it, a token sealed as github-token posts through Argo CD's webhook service.",
              properties: {
                id: { type: "integer", minimum: 1 },
                installationId: { type: "integer", minimum: 1 },
              },
            },
          },
        },
        argocdUrl: { type: "string", pattern: "^https?://[^\\s]+$", description: "Argo CD's web UI; each status links to its Application there." },
        slack: {
          type: "object",
          additionalProperties: false,
          required: ["channel"],
          description: "Failures also go to this Slack channel; the bot token is sealed as slack-token.",
          properties: { channel: { type: "string", pattern: "^[-._a-zA-Z0-9]+$", description: "The channel name, without #." } },
        },
        webhook: { type: "boolean", description: "Failures are also POSTed as JSON to the URL sealed as webhook-url (it usually holds a token, so it is sealed, not written here)." },
      },
    },
    ingress: {
      type: "object",
      additionalProperties: false,
      required: ["domain"],
      properties: {
        domain: { type: "string", pattern: "^[a-z0-9.-]+$", description: "Base DNS domain for app hosts." },
        gateway: {
          type: "object",
          additionalProperties: false,
          required: ["name", "namespace"],
          description:
            "The cluster's shared Gateway API Gateway that apps attach their HTTPRoutes and TLSRoutes to (parentRefs); defaults from the profile: web in envoy-gateway-system on kind and cloud (apps envoy-gateway-class), web in kube-system on k3s (k3s's Traefik).",
          properties: {
            name: { type: "string", pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", maxLength: 253 },
            namespace: { type: "string", pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", maxLength: 63 },
          },
        },
        className: { type: "string", description: "IngressClass, for charts that still create Ingress objects (docs/gateway-api.md); defaults from the profile (traefik on k3s; none on kind and cloud, which route through the Gateway)." },
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
