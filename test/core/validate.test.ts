import { afterEach, describe, expect, it } from "vitest";
import { strictCrdProblems } from "../../generator/validate/crd-strict.js";
import { modelProblems } from "../../generator/validate/k8s-models.js";
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
    expect(modelProblems(app)).toEqual([]);
    expect(strictCrdProblems(app)).toEqual([]);
  });

  it("flags unknown fields the kubernetes-models validators let through", () => {
    const bad = { ...app, spec: { ...app.spec, sourc: {}, syncPolicy: { automated: { prune: true, selfHael: true } } } };
    expect(modelProblems(bad)).toEqual([]);
    expect(strictCrdProblems(bad)).toEqual(['spec: unknown field "sourc"', 'spec.syncPolicy.automated: unknown field "selfHael"']);
  });

  it("flags wrong types through both validators", () => {
    const bad = { ...app, spec: { ...app.spec, syncPolicy: { automated: { prune: "yes" } } } };
    expect(modelProblems(bad)).toEqual(["spec.syncPolicy.automated.prune: must be boolean"]);
    expect(strictCrdProblems(bad)).toEqual(["spec.syncPolicy.automated.prune: must be boolean"]);
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
    expect(run.stdout).toMatch(/^valid: 2 clusters, 6 apps, 25 generated objects/);
  });
});
