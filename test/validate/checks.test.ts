import { afterEach, describe, expect, it } from "vitest";
import { berth, makeRepo, removeRepo } from "../helpers/repo.js";
import { fixtureFleet } from "../helpers/fleet-fixture.js";

const repos: string[] = [];
afterEach(() => repos.splice(0).forEach(removeRepo));

function withResources(): Record<string, string> {
  const tree = fixtureFleet();
  tree["apps/postgres/app.yaml"] += "resources:\n  - { workload: postgresql, cpu: 500m, memory: 2Gi }\n";
  tree["apps/shop/app.yaml"] += "resources:\n  - { workload: web, cpu: 250m, memory: 1Gi, replicas: { default: 1, prod: 4 } }\n";
  return tree;
}

async function validate(tree: Record<string, string>) {
  const root = makeRepo(tree);
  repos.push(root);
  return berth(root, "validate");
}

describe("resource budget", () => {
  it("reports each cluster's requests against its capacity", async () => {
    const run = await validate(withResources());
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("dev: requests 3Gi of 8Gi memory (38%), 750m of 4 CPU (19%)");
    expect(run.stdout).toContain("prod: requests 6Gi of 48Gi memory (13%), 1500m of 12 CPU (13%)");
  });

  it("fails an over-committed cluster, naming the largest consumers and the fix", async () => {
    const tree = withResources();
    tree["clusters/dev/cluster.yaml"] = tree["clusters/dev/cluster.yaml"]!.replace("memory: 8Gi", "memory: 2Gi").replace('cpu: "4"', 'cpu: "0.5"');
    const run = await validate(tree);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('clusters/dev/cluster.yaml:4:43: memory requests on cluster "dev" add up to 3Gi, over its capacity of 2Gi (1 × 2Gi); largest: postgres 2Gi, shop-staging 1Gi');
    expect(run.stderr).toContain('CPU requests on cluster "dev" add up to 750m, over its capacity of 500m (1 × 0.5); largest: postgres 500m, shop-staging 250m');
    expect(run.stderr).toContain("fix: lower the requests or replicas of the largest consumers");
  });
});

describe("Postgres connection pools", () => {
  it("fail when pools plus reserve exceed max_connections", async () => {
    const tree = fixtureFleet();
    tree["apps/postgres/app.yaml"] = tree["apps/postgres/app.yaml"]!.replace("maxConnections: 100, reserve: 20", "maxConnections: 35, reserve: 20");
    const run = await validate(tree);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/apps\/postgres\/app\.yaml:\d+:\d+: on cluster "dev", connection pools to postgres need 40 connections \(shop-staging 20 \+ reserve 20\), over max_connections 35/);
    expect(run.stderr).toContain("fix: lower connectionPools sizes or replicas");
  });

  it("pass when they fit", async () => {
    const tree = fixtureFleet();
    tree["apps/postgres/app.yaml"] = tree["apps/postgres/app.yaml"]!.replace("maxConnections: 100, reserve: 20", "maxConnections: 40, reserve: 20");
    expect((await validate(tree)).code).toBe(0);
  });
});
