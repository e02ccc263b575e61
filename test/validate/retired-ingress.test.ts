import { afterEach, describe, expect, it } from "vitest";
import { berth, makeRepo, removeRepo } from "../helpers/repo.js";
import { fixtureFleet } from "../helpers/fleet-fixture.js";

const roots: string[] = [];
afterEach(() => roots.splice(0).forEach(removeRepo));

function fleet(extra: Record<string, string>, clusterApps: string[]): string {
  const tree = fixtureFleet();
  Object.assign(tree, extra);
  tree["clusters/dev/cluster.yaml"] += clusterApps.map((a) => `  - ${a}\n`).join("");
  const root = makeRepo(tree);
  roots.push(root);
  return root;
}

describe("validate on a fleet that installs the retired NGINX ingress controller", () => {
  it("warns once per app, naming the clusters, the retirement date and the replacement; still exit 0", async () => {
    const root = fleet(
      { "apps/web-in/app.yaml": "layer: platform\nnamespace: web-in\nsource: { type: helm, repo: https://kubernetes.github.io/ingress-nginx, chart: ingress-nginx, version: 4.12.1 }\n" },
      ["web-in"],
    );
    const r = await berth(root, "validate");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe(
      "warning: apps/web-in/app.yaml: ingress-nginx (on cluster dev) reached its end of maintenance on 2026-03-24 and gets no more releases or security fixes; " +
        "route through the Gateway API instead (Envoy Gateway: apps envoy-gateway and envoy-gateway-class, HTTPRoutes on the cluster's Gateway), as docs/gateway-api.md shows\n",
    );
  });

  it("says nothing for a fleet without it, nor for an app folder no cluster runs", async () => {
    const root = fleet({ "apps/ingress-nginx/app.yaml": "layer: platform\nnamespace: ingress-nginx\nsource: { type: helm, repo: https://example.com/charts, chart: other, version: 1.0.0 }\n" }, []);
    const r = await berth(root, "validate");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe("");
  });
});
