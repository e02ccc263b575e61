import type { RenderedObject } from "./rendered-objects.js";

/**
 * The built-in cluster-scoped kinds of Kubernetes 1.34 (`kubectl api-resources --namespaced=false`
 * on a kind cluster), as "group/Kind". Argo CD learns scope from the cluster's discovery; offline,
 * this table plus the fleet's own CustomResourceDefinitions stand in for it.
 */
const BUILT_IN = new Set([
  "/Namespace", "/Node", "/PersistentVolume", "/ComponentStatus",
  "admissionregistration.k8s.io/MutatingWebhookConfiguration", "admissionregistration.k8s.io/ValidatingWebhookConfiguration",
  "admissionregistration.k8s.io/ValidatingAdmissionPolicy", "admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding",
  "admissionregistration.k8s.io/MutatingAdmissionPolicy", "admissionregistration.k8s.io/MutatingAdmissionPolicyBinding",
  "apiextensions.k8s.io/CustomResourceDefinition", "apiregistration.k8s.io/APIService",
  "authentication.k8s.io/TokenReview", "authentication.k8s.io/SelfSubjectReview",
  "authorization.k8s.io/SelfSubjectAccessReview", "authorization.k8s.io/SelfSubjectRulesReview", "authorization.k8s.io/SubjectAccessReview",
  "certificates.k8s.io/CertificateSigningRequest", "certificates.k8s.io/ClusterTrustBundle",
  "flowcontrol.apiserver.k8s.io/FlowSchema", "flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration",
  "networking.k8s.io/IngressClass", "networking.k8s.io/IPAddress", "networking.k8s.io/ServiceCIDR",
  "node.k8s.io/RuntimeClass",
  "rbac.authorization.k8s.io/ClusterRole", "rbac.authorization.k8s.io/ClusterRoleBinding",
  "resource.k8s.io/DeviceClass",
  "scheduling.k8s.io/PriorityClass",
  "storage.k8s.io/CSIDriver", "storage.k8s.io/CSINode", "storage.k8s.io/StorageClass", "storage.k8s.io/VolumeAttachment", "storage.k8s.io/VolumeAttributesClass",
]);

/** What decides whether a kind is cluster-scoped: the built-in table and the fleet's CRDs. */
export interface Scopes {
  /** "group/Kind" → true when a CRD of the fleet declares it `scope: Cluster`. */
  crds: Map<string, boolean>;
}

/** Collects the scope of every CustomResourceDefinition among rendered objects. */
export function crdScopes(objects: Iterable<RenderedObject>, into: Scopes = { crds: new Map() }): Scopes {
  for (const o of objects) {
    if (o.group !== "apiextensions.k8s.io" || o.kind !== "CustomResourceDefinition") continue;
    const spec = (o.body.spec ?? {}) as { group?: unknown; names?: { kind?: unknown }; scope?: unknown };
    if (typeof spec.group === "string" && typeof spec.names?.kind === "string") {
      into.crds.set(`${spec.group}/${spec.names.kind}`, spec.scope === "Cluster");
    }
  }
  return into;
}

/**
 * Whether Argo CD would treat the kind as cluster-scoped. A custom kind whose CRD the fleet does
 * not render (a remote chart offline, a CRD installed by hand) counts as namespaced, which is
 * what almost every custom resource is.
 */
export function isClusterScoped(group: string, kind: string, scopes: Scopes): boolean {
  return BUILT_IN.has(`${group}/${kind}`) || scopes.crds.get(`${group}/${kind}`) === true;
}
