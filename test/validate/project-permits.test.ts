import { describe, expect, it } from "vitest";
import { isGroupKindPermitted, isNamespacePermitted } from "../../generator/validate/render/project-permits.js";
import { parseRendered } from "../../generator/validate/render/rendered-objects.js";

const IN = "https://kubernetes.default.svc";

describe("Argo CD v3.1.5's AppProject permission checks", () => {
  it("allows a namespaced kind when there is no namespace whitelist, but nothing when it is empty", () => {
    expect(isGroupKindPermitted({}, "apps", "Deployment", true)).toBe(true);
    expect(isGroupKindPermitted({ namespaceResourceWhitelist: [] }, "apps", "Deployment", true)).toBe(false);
    expect(isGroupKindPermitted({ namespaceResourceWhitelist: [{ group: "argoproj.io", kind: "Application" }] }, "apps", "Deployment", true)).toBe(false);
    expect(isGroupKindPermitted({ namespaceResourceBlacklist: [{ group: "*", kind: "Secret" }] }, "", "Secret", true)).toBe(false);
  });

  it("allows a cluster-scoped kind only when the cluster whitelist lists it (globs as in filepath.Match)", () => {
    expect(isGroupKindPermitted({}, "rbac.authorization.k8s.io", "ClusterRole", false)).toBe(false);
    expect(isGroupKindPermitted({ clusterResourceWhitelist: [] }, "rbac.authorization.k8s.io", "ClusterRole", false)).toBe(false);
    expect(isGroupKindPermitted({ clusterResourceWhitelist: [{ group: "rbac.authorization.k8s.io", kind: "ClusterRole" }] }, "rbac.authorization.k8s.io", "ClusterRole", false)).toBe(true);
    expect(isGroupKindPermitted({ clusterResourceWhitelist: [{ group: "rbac.authorization.k8s.io", kind: "Cluster*" }] }, "rbac.authorization.k8s.io", "ClusterRoleBinding", false)).toBe(true);
    expect(isGroupKindPermitted({ clusterResourceWhitelist: [{ group: "", kind: "Namespace" }] }, "rbac.authorization.k8s.io", "ClusterRole", false)).toBe(false);
  });

  it("checks a namespace against the destinations on the same server", () => {
    const spec = { destinations: [{ server: IN, namespace: "shop" }, { server: "https://other", namespace: "web" }] };
    expect(isNamespacePermitted(spec, IN, "shop")).toBe(true);
    expect(isNamespacePermitted(spec, IN, "web")).toBe(false);
    expect(isNamespacePermitted({ destinations: [{ server: IN, namespace: "shop-*" }] }, IN, "shop-prod")).toBe(true);
    expect(isNamespacePermitted({ destinations: [{ server: IN, namespace: "*" }, { server: IN, namespace: "!kube-system" }] }, IN, "kube-system")).toBe(false);
  });
});

describe("rendered streams", () => {
  it("keeps each object's source file and flattens lists", () => {
    const { objects, problems } = parseRendered("---\n# Source: c/templates/a.yaml\napiVersion: v1\nkind: List\nitems:\n  - { apiVersion: v1, kind: ConfigMap, metadata: { name: a, namespace: x } }\n---\n# Source: c/templates/b.yaml\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: { name: r }\n---\n- 1\n");
    expect(objects.map((o) => [o.source, o.group, o.kind, o.name, o.namespace])).toEqual([
      ["c/templates/a.yaml", "", "ConfigMap", "a", "x"],
      ["c/templates/b.yaml", "rbac.authorization.k8s.io", "ClusterRole", "r", ""],
    ]);
    expect(problems).toEqual([{ source: "c/templates/b.yaml", message: "a document is not a Kubernetes object (not a mapping)" }]);
  });
});
