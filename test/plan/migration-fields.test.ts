import { afterEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { fixtureFleet } from "../helpers/fleet-fixture.js";
import { berth, makeRepo, readTree, removeRepo } from "../helpers/repo.js";
import { generatedDocument } from "../helpers/generated.js";

/** Migrating real Helm releases: keep the release name, use upstream values files as they are, ignore known drift. */
const repos: string[] = [];
afterEach(() => repos.splice(0).forEach(removeRepo));

async function application(tree: Record<string, string>, file: string, name: string): Promise<any> {
  const root = makeRepo(tree);
  repos.push(root);
  const run = await berth(root, "generate");
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  return parse(generatedDocument(readTree(root, "clusters")[file]!, "Application", name));
}

describe("app.yaml fields for migrating existing releases", () => {
  it("releaseName, valueFiles and ignoreDifferences reach the Application", async () => {
    const tree = fixtureFleet();
    tree["apps/postgres/app.yaml"] +=
      "releaseName: legacy-pg\nvalueFiles: [values-production.yaml]\nignoreDifferences:\n  - { group: apps, kind: StatefulSet, jsonPointers: [/spec/replicas] }\n";
    tree["apps/postgres/values-production.yaml"] = "primary: { resources: { requests: { memory: 1Gi } } }\n";
    const app = await application(tree, "clusters/prod/argocd/infra.yaml", "postgres");
    const chart = app.spec.sources[0];
    expect(chart.helm.releaseName).toBe("legacy-pg");
    expect(chart.helm.valueFiles).toEqual(["$values/apps/postgres/values.yaml", "$values/apps/postgres/values-production.yaml", "$values/apps/postgres/values-cloud.yaml"]);
    expect(app.spec.ignoreDifferences).toEqual([{ group: "apps", kind: "StatefulSet", jsonPointers: ["/spec/replicas"] }]);
  });

  it("defaults the release name to the app name", async () => {
    const app = await application(fixtureFleet(), "clusters/prod/argocd/infra.yaml", "postgres");
    expect(app.spec.sources[0].helm.releaseName).toBe("postgres");
    expect(app.spec.ignoreDifferences).toBeUndefined();
  });
});
