import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { layout } from "../layout.js";

/** What `berth bootstrap` reads besides the loaded fleet: the kind config template, k3s node files, values data. */

/** berth's default kind config template, relative to the repository root. */
export const KIND_TEMPLATE = "bootstrap/kind-config.yaml";
/** A cluster's own kind config, preferred over the shared template. */
export const clusterKindTemplate = (cluster: string) => layout.kindConfig(cluster);

/**
 * Used when the repository has neither (a fleet repository that is not berth's own): the
 * laptop's ports 80 and 443 go to the node ports of the shared Gateway's proxy, as
 * envoy-gateway-class's kind values set them (30080, 30443).
 */
const BUILTIN_KIND_TEMPLATE = `kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
nodes:
  - role: control-plane
    labels: { ingress-ready: "true" }
    extraPortMappings:
      - { containerPort: 30080, hostPort: 80, protocol: TCP }
      - { containerPort: 30443, hostPort: 443, protocol: TCP }
`;

/** The kind config template for a cluster and where it came from. */
export function readKindTemplate(root: string, cluster: string): { text: string; file: string } {
  for (const file of [clusterKindTemplate(cluster), KIND_TEMPLATE]) {
    const abs = join(root, file);
    if (existsSync(abs)) return { text: readFileSync(abs, "utf8"), file };
  }
  return { text: BUILTIN_KIND_TEMPLATE, file: "berth's built-in kind config" };
}

/** Node configuration files committed under clusters/<cluster>/k3s/ (repository-relative, sorted). */
export function k3sNodeFiles(root: string, cluster: string): string[] {
  const dir = layout.k3sDir(cluster);
  if (!existsSync(join(root, dir))) return [];
  return readdirSync(join(root, dir), { withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => `${dir}/${e.name}`)
    .sort();
}

/**
 * A values file's data when it is a map; undefined when it cannot be read or parsed (that is
 * validate's business, and such a file cannot ask for anything).
 */
export function readValuesMap(root: string, rel: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = parse(readFileSync(join(root, rel), "utf8"));
    return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
