import { IN_CLUSTER } from "../../layout.js";
import { clusterKindAllowed, isNamespaceKind } from "../../model/cluster-kinds.js";
import type { Instance } from "../../model/instances.js";
import { isClusterScoped, type Scopes } from "./cluster-scoped.js";
import { isGroupKindPermitted, isNamespacePermitted, type ProjectSpec } from "./project-permits.js";
import type { RenderedObject } from "./rendered-objects.js";

export interface PermissionProblem {
  object: RenderedObject;
  message: string;
  hint: string;
}

/**
 * What Argo CD's sync would refuse: every rendered object is checked against the instance's
 * AppProject as controller/sync.go does — kind first (IsGroupKindPermitted with the kind's
 * scope), then, for namespaced objects, the namespace against the project's destinations. An
 * object without a namespace gets the Application's destination namespace, as at sync time.
 */
export function permissionProblems(inst: Instance, project: { name: string; spec: ProjectSpec }, objects: readonly RenderedObject[], scopes: Scopes): PermissionProblem[] {
  const out: PermissionProblem[] = [];
  for (const o of objects) {
    const namespaced = !isClusterScoped(o.group, o.kind, scopes);
    const what = `${o.kind} ${o.name || "(no name)"}`;
    if (!isGroupKindPermitted(project.spec, o.group, o.kind, namespaced)) {
      const gk = `${o.group || "core"}/${o.kind}`;
      out.push({
        object: o,
        message: namespaced
          ? `${inst.id} renders ${what}, but the kind ${gk} is not permitted in project ${project.name}`
          : `${inst.id} renders the cluster-scoped ${what}, but project ${project.name} does not allow the kind ${gk} (Argo CD: resource ${o.group}:${o.kind} is not permitted in project ${project.name})`,
        hint: namespaced
          ? `remove the ${o.kind} from the app`
          : isNamespaceKind(o.group, o.kind)
            ? dropNamespaceHint(inst)
            : clusterKindAllowed(inst.layer, o.group, o.kind)
            ? `declare it in apps/${inst.app?.name ?? inst.id}/app.yaml: clusterResources: [{group: "${o.group}", kind: ${o.kind}}]`
            : `layer ${inst.layer} may not create ${gk}: move the app (or this part of it) to the platform or infra layer`,
      });
      continue;
    }
    if (!namespaced) continue;
    const ns = o.namespace || inst.namespace;
    if (!isNamespacePermitted(project.spec, IN_CLUSTER, ns)) {
      const allowed = (project.spec.destinations ?? []).map((d) => d.namespace).join(", ");
      out.push({
        object: o,
        message: `${inst.id} renders ${what} into namespace ${ns}, which is not a destination of project ${project.name} (its namespaces: ${allowed}) (Argo CD: namespace ${ns} is not permitted in project '${project.name}')`,
        hint: `render it into the app's namespace ${inst.namespace} (drop metadata.namespace), or run an app of layer ${inst.layer} in namespace ${ns}`,
      });
    }
  }
  return out;
}

/**
 * No layer may create a Namespace: berth creates every app's namespace itself (namespaces.yaml of
 * the cluster), so the fix is to drop it from the render, in the way the app's source allows.
 */
function dropNamespaceHint(inst: Instance): string {
  const how: Record<string, string> = {
    helm: `turn off the chart's Namespace template in apps/${inst.app?.name ?? inst.id}/values.yaml (charts name it e.g. namespace.create: false or createNamespace: false; \`helm show values\` lists it)`,
    chart: "turn off or delete the Namespace template of the chart (a value such as namespace.create: false)",
    kustomize: "remove it from the kustomization's resources:, or add a patch with `$patch: delete` for it",
    manifests: "delete the Namespace document from the manifests",
  };
  const type = inst.app?.spec.source.type;
  return `berth creates the namespace ${inst.namespace} itself and no layer may create Namespaces: drop the Namespace from the render: ${(type && how[type]) ?? "remove it from the app's source"}`;
}
