import type { Cluster, Fleet } from "../model/fleet.js";
import { fleetNodePorts } from "./inputs.js";
import { readKindTemplate } from "../read/bootstrap-files.js";
import { kindConfig } from "./kind-config.js";

/**
 * Host ports this kind cluster would bind that another kind cluster of the fleet binds too: both
 * cannot run on one machine (the second `kind create cluster` fails with "port is already
 * allocated"). Each cluster's config is built as bootstrap builds it (its own
 * clusters/<cluster>/kind-config.yaml or the shared template, plus the node ports its apps use).
 * Returns one warning per clash; a config that does not parse is bootstrap's to report, not this.
 */
export function kindHostPortClashes(root: string, fleet: Fleet, cluster: Cluster): string[] {
  const portsOf = (c: Cluster) => {
    const template = readKindTemplate(root, c.name);
    try {
      return { file: template.file, ports: kindConfig(template.text, c.name, fleetNodePorts(root, fleet, c)).hostPorts };
    } catch {
      return { file: template.file, ports: [] };
    }
  };
  const mine = portsOf(cluster);
  const out: string[] = [];
  for (const other of fleet.clusters) {
    if (other.name === cluster.name || other.profile !== "kind") continue;
    const theirs = portsOf(other);
    const shared = mine.ports.filter((p) => theirs.ports.includes(p));
    if (shared.length === 0) continue;
    out.push(
      `kind clusters ${cluster.name} and ${other.name} both claim host port${shared.length === 1 ? "" : "s"} ${shared.join(", ")} (${mine.file}, ${theirs.file}): only one of them can run on a machine; give each its own clusters/<cluster>/kind-config.yaml with different hostPorts`,
    );
  }
  return out;
}
