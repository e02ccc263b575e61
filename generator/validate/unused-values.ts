import type { Diagnostic } from "../errors.js";
import { layout } from "../layout.js";
import type { Fleet } from "../model/fleet.js";
import { clusterInstances } from "../model/instances.js";
import { nearest } from "../model/suggest.js";
import { profileName } from "../model/schema/common.js";
import { valueFiles } from "../plan/applications.js";

/**
 * Values files that no Application reads: a misspelt profile or environment suffix, an
 * environment file on an app that is not per-environment, a cluster's file for an app it does not
 * run. Helm and Argo CD would ignore them silently; the change the author meant would not deploy.
 * Apps that run on no cluster are left alone (nothing of theirs deploys anyway).
 */
export function checkUnusedValueFiles(fleet: Fleet): Diagnostic[] {
  const used = new Set<string>();
  const deployed = new Set<string>();
  for (const cluster of fleet.clusters) {
    for (const inst of clusterInstances(fleet, cluster)) {
      if (!inst.app) continue;
      deployed.add(inst.app.name);
      for (const f of valueFiles(inst, cluster)) used.add(f);
    }
  }
  const profiles = profileName.enum as readonly string[];
  const environments = new Set(fleet.clusters.flatMap((c) => c.spec.environments));
  const out: Diagnostic[] = [];
  for (const app of fleet.apps.values()) {
    if (!deployed.has(app.name)) continue;
    for (const variant of [...app.valueVariants].sort()) {
      const file = layout.appValuesFile(app.name, variant || undefined);
      // A profile's file waits for a cluster of that profile; an environment's, for a cluster
      // hosting that environment: both are meant, even if no such cluster exists yet.
      if (used.has(file) || profiles.includes(variant) || (app.spec.perEnvironment && environments.has(variant))) continue;
      const candidates = new Set([...profiles, ...(app.spec.perEnvironment ? environments : [])]);
      const near = nearest(variant, candidates);
      const why = app.spec.perEnvironment
        ? `"${variant}" is neither a profile (${profiles.join(", ")}) nor an environment of the fleet`
        : environments.has(variant)
          ? `${app.name} is not per-environment, so values-<environment>.yaml is not read (set perEnvironment: true)`
          : `"${variant}" is not a profile (${profiles.join(", ")})`;
      out.push({
        file,
        line: 1,
        col: 1,
        message: `no Application reads this values file: ${why}`,
        hint: near && !environments.has(variant) ? `did you mean ${layout.appValuesFile(app.name, near)}? Rename it, or list it under valueFiles in ${layout.appFile(app.name)}` : `list it under valueFiles in ${layout.appFile(app.name)}${app.spec.perEnvironment ? "" : ", set perEnvironment: true"}, or remove it`,
      });
    }
  }
  for (const cluster of fleet.clusters) {
    const apps = new Set(clusterInstances(fleet, cluster).flatMap((i) => (i.app ? [i.app.name] : [])));
    for (const name of [...cluster.valueOverrides].sort()) {
      const file = layout.clusterValuesFile(cluster.name, name);
      if (used.has(file)) continue;
      const near = nearest(name, apps);
      out.push({
        file,
        line: 1,
        col: 1,
        message: `no Application reads this values file: app "${name}" does not run on cluster "${cluster.name}"`,
        hint: near ? `did you mean ${layout.clusterValuesFile(cluster.name, near)}? Rename it, or add ${name} to the apps of ${layout.clusterFile(cluster.name)}` : `add ${name} to the apps of ${layout.clusterFile(cluster.name)}, or remove the file`,
      });
    }
  }
  return out;
}
