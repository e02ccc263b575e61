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
  const variantsInUse = new Map<string, Set<string>>();
  const deployed = new Set<string>();
  for (const cluster of fleet.clusters) {
    for (const inst of clusterInstances(fleet, cluster)) {
      if (!inst.app) continue;
      deployed.add(inst.app.name);
      for (const f of valueFiles(inst, cluster)) used.add(f);
      const names = variantsInUse.get(inst.app.name) ?? new Set<string>();
      names.add(cluster.profile);
      if (inst.environment) names.add(inst.environment);
      variantsInUse.set(inst.app.name, names);
    }
  }
  const out: Diagnostic[] = [];
  for (const app of fleet.apps.values()) {
    if (!deployed.has(app.name)) continue;
    for (const variant of [...app.valueVariants].sort()) {
      const file = layout.appValuesFile(app.name, variant || undefined);
      if (used.has(file)) continue;
      const candidates = variantsInUse.get(app.name) ?? new Set<string>();
      const near = nearest(variant, candidates);
      const why = (profileName.enum as readonly string[]).includes(variant)
        ? `no cluster that runs ${app.name} has profile ${variant}`
        : app.spec.perEnvironment
          ? `${app.name} runs in no environment "${variant}"`
          : `"${variant}" is no profile, and ${app.name} is not per-environment (values-<environment>.yaml is read only with perEnvironment: true)`;
      out.push({
        file,
        line: 1,
        col: 1,
        message: `no Application reads this values file: ${why}`,
        hint: near ? `did you mean ${layout.appValuesFile(app.name, near)}? Rename it, or list it under valueFiles in ${layout.appFile(app.name)}` : `name it values-<profile>.yaml or values-<environment>.yaml for where ${app.name} runs (${[...candidates].sort().join(", ")}), list it under valueFiles, or remove it`,
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
