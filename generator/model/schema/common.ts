/** JSON Schema fragments shared by cluster.yaml and app.yaml. */

export const dnsLabel = {
  type: "string",
  pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$",
  maxLength: 63,
  description: "A DNS label (RFC 1123): lowercase letters, digits and '-', at most 63 characters.",
} as const;

export const profileName = {
  type: "string",
  enum: ["kind", "k3s", "cloud"],
  description: "kind: a laptop cluster; k3s: Raspberry Pis; cloud: a managed cloud cluster.",
} as const;

/** Kubernetes resource quantities, e.g. `500m`, `2`, `906Mi`, `1.5Gi`. */
export const cpuQuantity = {
  type: "string",
  pattern: "^([0-9]+(\\.[0-9]+)?|[0-9]+m)$",
  description: "CPU quantity: cores (`2`, `0.5`) or millicores (`500m`).",
} as const;

export const memoryQuantity = {
  type: "string",
  pattern: "^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|k|M|G|T)?$",
  description: "Memory quantity, e.g. `906Mi`, `4Gi`.",
} as const;

/** Helm values: any mapping. */
export const valuesMap = {
  type: "object",
  description: "Helm values (a mapping).",
} as const;
