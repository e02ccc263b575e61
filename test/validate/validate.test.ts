import { afterEach, describe, expect, it } from "vitest";
import { strictCrdProblems } from "../../generator/validate/crd-strict.js";
import { modelProblems } from "../../generator/validate/k8s-models.js";
import { projectPolicyProblems } from "../../generator/validate/project-policy.js";
import { berth, makeRepo, removeRepo } from "../helpers/repo.js";
import { fixtureFleet } from "../helpers/fleet-fixture.js";

const repos: string[] = [];
afterEach(() => repos.splice(0).forEach(removeRepo));

const app = {
  apiVersion: "argoproj.io/v1alpha1",
  kind: "Application",
  metadata: { name: "a", namespace: "argocd" },
  spec: {
    project: "apps",
    destination: { server: "https://kubernetes.default.svc", namespace: "x" },
    source: { repoURL: "https://git.example.com/r.git", path: "p", targetRevision: "main" },
  },
};

describe("generated-object validation", () => {
  it("accepts a valid Application", () => {
    expect(strictCrdProblems(app)).toEqual([]);
  });

  it("flags unknown fields and wrong types of Argo CD objects", () => {
    const bad = { ...app, spec: { ...app.spec, sourc: {}, syncPolicy: { automated: { prune: "yes", selfHael: true } } } };
    expect(strictCrdProblems(bad)).toEqual(['spec: unknown field "sourc"', 'spec.syncPolicy.automated: unknown field "selfHael"', "spec.syncPolicy.automated.prune: must be boolean"]);
  });

  it("validates against the pinned Argo CD's CRDs: v3.6 names cluster-scoped grants, a misspelt field is still refused", () => {
    const project = (entry: Record<string, string>) => ({ apiVersion: "argoproj.io/v1alpha1", kind: "AppProject", metadata: { name: "p" }, spec: { clusterResourceWhitelist: [entry] } });
    expect(strictCrdProblems(project({ group: "", kind: "Namespace", name: "shop" }))).toEqual([]);
    expect(strictCrdProblems(project({ group: "", kind: "Namespace", names: "shop" }))).toEqual(['spec.clusterResourceWhitelist.0: unknown field "names"']);
  });

  it("validates core kinds with kubernetes-models", () => {
    expect(modelProblems({ apiVersion: "v1", kind: "Namespace", metadata: { name: "shop", labels: { a: "b" } } })).toEqual([]);
    expect(modelProblems({ apiVersion: "v1", kind: "Namespace", metadata: { name: "shop", labels: { a: 1 } } })).toEqual(["metadata.labels.a: must be string"]);
  });

  it("allows core/Namespace only to the root's project, which may create nothing else", () => {
    const project = (name: string, spec: Record<string, unknown>) => ({ metadata: { name }, spec });
    const ns = { clusterResourceWhitelist: [{ group: "", kind: "Namespace" }] };
    const rootKinds = { namespaceResourceWhitelist: [{ group: "argoproj.io", kind: "Application" }, { group: "argoproj.io", kind: "AppProject" }] };
    expect(projectPolicyProblems(project("berth", { ...ns, ...rootKinds, destinations: [{ server: "https://kubernetes.default.svc", namespace: "argocd" }] }))).toEqual([]);
    expect(projectPolicyProblems(project("platform", ns))).toEqual(["grants the cluster-scoped kind core/Namespace to layer platform"]);
    expect(projectPolicyProblems(project("berth", { clusterResourceWhitelist: [{ group: "rbac.authorization.k8s.io", kind: "ClusterRole" }], ...rootKinds }))).toEqual([
      "grants the cluster-scoped kind rbac.authorization.k8s.io/ClusterRole to layer berth",
    ]);
    expect(projectPolicyProblems(project("berth", { ...ns, destinations: [{ server: "https://kubernetes.default.svc", namespace: "shop" }] }))).toEqual([
      "the root's project may only deploy into argocd, not shop",
      "the root's project must allow exactly the namespaced kinds argoproj.io/Application and argoproj.io/AppProject",
    ]);
  });

  it("flags an AppProject field outside the CRD", () => {
    const project = { apiVersion: "argoproj.io/v1alpha1", kind: "AppProject", metadata: { name: "p" }, spec: { destinations: [{ namespace: "x", server: "s", cluster: "c" }] } };
    expect(strictCrdProblems(project)).toEqual(['spec.destinations.0: unknown field "cluster"']);
  });

  it("berth validate passes on the fixture fleet", async () => {
    const root = makeRepo(fixtureFleet());
    repos.push(root);
    const run = await berth(root, "validate");
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^valid: 2 clusters, 6 apps, 36 generated objects/);
  });

  it("counts only the cluster it was asked to validate", async () => {
    const root = makeRepo(fixtureFleet());
    repos.push(root);
    const run = await berth(root, "validate", "dev");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^valid: 1 cluster, /);
  });
});
