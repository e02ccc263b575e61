import { parse } from "yaml";
import { toYaml } from "../yaml/canonical.js";

/** A node port some app's values ask for, and which app. */
export interface NodePortUse {
  port: number;
  app: string;
}

export interface KindConfigResult {
  /** The config passed to `kind create cluster --config -`. */
  yaml: string;
  /** Node ports that the template did not map and were mapped to the same host port. */
  added: NodePortUse[];
  /** Host ports 80/443 the template left unbound, mapped to the same container port (hostPort mode). */
  addedIngress: number[];
  /** Every host port the config binds, sorted: two kind clusters on one host cannot share one. */
  hostPorts: number[];
}

type Plain = Record<string, unknown>;
const isPlain = (v: unknown): v is Plain => v !== null && typeof v === "object" && !Array.isArray(v);

/** The lowest and highest port of Kubernetes' default NodePort range. */
const NODE_PORT_MIN = 30000;
const NODE_PORT_MAX = 32767;

/**
 * Every `nodePort: <number>` in the NodePort range in a values tree (any depth, in maps and lists):
 * the ports an app expects to reach through the node, which kind must map to the host.
 */
export function nodePortsIn(values: unknown): number[] {
  const out = new Set<number>();
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (isPlain(v)) {
      for (const [k, x] of Object.entries(v)) {
        if (k === "nodePort" && typeof x === "number" && Number.isInteger(x) && x >= NODE_PORT_MIN && x <= NODE_PORT_MAX) out.add(x);
        else walk(x);
      }
    }
  };
  walk(values);
  return [...out].sort((a, b) => a - b);
}

/**
 * The kind config for a cluster: the template with `name` set, the control-plane node labelled
 * `ingress-ready=true`, host ports 80/443 bound (when the template binds neither, to container
 * ports 80/443, for an ingress controller in hostPort mode; berth's templates bind them to the
 * shared Gateway's node ports instead), and every node port the fleet uses mapped (to the host
 * port the template chose, else the same port). Pure.
 * Throws an Error with a one-line reason when the template is not a kind Cluster config.
 */
export function kindConfig(template: string, cluster: string, nodePorts: readonly NodePortUse[]): KindConfigResult {
  const doc: unknown = parse(template);
  if (!isPlain(doc) || doc.kind !== "Cluster" || typeof doc.apiVersion !== "string" || !doc.apiVersion.startsWith("kind.x-k8s.io/")) {
    throw new Error("is not a kind cluster configuration (kind: Cluster, apiVersion: kind.x-k8s.io/v1alpha4)");
  }
  const config: Plain = structuredClone(doc);
  config.name = cluster;
  const nodes = Array.isArray(config.nodes) ? (config.nodes as unknown[]) : [];
  let cp = nodes.find((n): n is Plain => isPlain(n) && n.role === "control-plane");
  if (!cp) {
    cp = { role: "control-plane" };
    nodes.unshift(cp);
  }
  config.nodes = nodes;
  cp.labels = { ...(isPlain(cp.labels) ? cp.labels : {}), "ingress-ready": "true" };
  const mappings = Array.isArray(cp.extraPortMappings) ? (cp.extraPortMappings as unknown[]).filter(isPlain) : [];
  const mapped = new Set<number>();
  const bound = new Set<number>();
  for (const n of nodes) {
    if (!isPlain(n) || !Array.isArray(n.extraPortMappings)) continue;
    for (const m of n.extraPortMappings) {
      if (isPlain(m) && typeof m.containerPort === "number") mapped.add(m.containerPort);
      if (isPlain(m) && typeof m.hostPort === "number") bound.add(m.hostPort);
    }
  }
  const addedIngress: number[] = [];
  for (const port of [80, 443]) {
    if (!mapped.has(port) && !bound.has(port)) {
      mappings.push({ containerPort: port, hostPort: port, protocol: "TCP" });
      mapped.add(port);
      addedIngress.push(port);
    }
  }
  const added: NodePortUse[] = [];
  for (const use of [...nodePorts].sort((a, b) => a.port - b.port || (a.app < b.app ? -1 : 1))) {
    if (mapped.has(use.port)) continue;
    mappings.push({ containerPort: use.port, hostPort: use.port, protocol: "TCP" });
    mapped.add(use.port);
    added.push(use);
  }
  cp.extraPortMappings = mappings;
  const hostPorts = new Set<number>();
  for (const n of nodes) {
    if (!isPlain(n) || !Array.isArray(n.extraPortMappings)) continue;
    for (const m of n.extraPortMappings) if (isPlain(m) && typeof m.hostPort === "number" && m.hostPort > 0) hostPorts.add(m.hostPort);
  }
  return { yaml: toYaml(config), added, addedIngress, hostPorts: [...hostPorts].sort((a, b) => a - b) };
}
