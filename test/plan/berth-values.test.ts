import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { fixtureFleet } from "../helpers/fleet-fixture.js";
import { berth, makeRepo, removeRepo } from "../helpers/repo.js";
import { generatedDocument } from "../helpers/generated.js";

const repos: string[] = [];
afterEach(() => repos.splice(0).forEach(removeRepo));

/** The fixture fleet where prod's postgres is a managed service, plus a local chart that depends on nothing. */
function tree(blogAsks: boolean): Record<string, string> {
  const t = fixtureFleet();
  t["clusters/prod/cluster.yaml"] = t["clusters/prod/cluster.yaml"]!.replace(
    "apps: [argo-cd, sealed-secrets, shop, metrics, postgres]",
    "apps: [argo-cd, sealed-secrets, shop, metrics, blog]\nexternal:\n  postgres: { host: db.example.com, port: 5432, secret: postgres-credentials }",
  );
  delete t["secrets/prod/data/postgres-credentials.yaml"];
  t["apps/blog/app.yaml"] = `layer: apps\nnamespace: blog\nsource: { type: chart }\n${blogAsks ? "berthValues: true\n" : ""}`;
  t["apps/blog/chart/Chart.yaml"] = "apiVersion: v2\nname: blog\nversion: 0.1.0\n";
  t["apps/blog/chart/templates/cm.yaml"] = "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: blog }\n";
  return t;
}

async function inlineValues(t: Record<string, string>, name: string): Promise<Record<string, any> | undefined> {
  const root = makeRepo(t);
  repos.push(root);
  const r = await berth(root, "generate", "--cluster", "prod");
  expect(r.code, r.stderr).toBe(0);
  const app = parse(generatedDocument(readFileSync(join(root, "clusters/prod/argocd/apps.yaml"), "utf8"), "Application", name));
  return app.spec.source.helm?.valuesObject;
}

describe(".Values.berth: only for a local chart that asks, and only its own data", () => {
  it("a local chart without berthValues gets no berth values", async () => {
    expect(await inlineValues(tree(false), "blog")).toBeUndefined();
  });

  it("with berthValues: true it gets the cluster's context, but not the managed services other apps use", async () => {
    const values = await inlineValues(tree(true), "blog");
    expect(values?.berth).toMatchObject({ cluster: "prod", profile: "cloud", namespace: "blog" });
    expect(values?.berth).not.toHaveProperty("external");
  });

  it("an app that depends on an external service gets that service's endpoint", async () => {
    const values = await inlineValues(tree(true), "shop-prod");
    expect(values?.berth.external).toEqual({ postgres: { host: "db.example.com", port: 5432, secret: "postgres-credentials" } });
  });
});
