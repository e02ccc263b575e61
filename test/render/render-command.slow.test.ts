import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { berth, makeRepo, removeRepo } from "../helpers/repo.js";
import { fixtureFleet } from "../helpers/fleet-fixture.js";
import { startChartRepoServer, type ChartRepoServer } from "./chart-repo-server.js";
import { writeDemoChart } from "./fixtures.js";
import { bundledTools, docs, helmCli, removeDir, tempDir } from "./helpers.js";
import { BUNDLE } from "../../generator/exec/tools.js";
import { ARGOCD_PIN } from "../../generator/pins/argo-cd.js";

let repoDir: string;
let server: ChartRepoServer;
let root: string;

beforeAll(async () => {
  const tools = await bundledTools();
  repoDir = tempDir("chart-repo");
  writeDemoChart(join(repoDir, "src"), { name: "demo", version: "1.2.3" });
  await helmCli(tools, ["package", "src", "-d", "."], repoDir);
  await helmCli(tools, ["repo", "index", "."], repoDir);
  server = await startChartRepoServer(repoDir);
  const tree = fixtureFleet();
  tree["apps/remote-demo/app.yaml"] = `layer: infra\nnamespace: demo\nsource: { type: helm, repo: ${server.url}, chart: demo, version: 1.2.3 }\n`;
  tree["apps/remote-demo/values.yaml"] = "color: blue\n";
  tree["apps/unreachable/app.yaml"] = "layer: infra\nnamespace: gone\nsource: { type: helm, repo: http://127.0.0.1:9/charts, chart: gone, version: 1.0.0 }\n";
  tree["clusters/dev/cluster.yaml"] += "  - remote-demo\n  - unreachable\n";
  root = makeRepo(tree);
});

afterAll(async () => {
  await server?.close();
  removeDir(repoDir);
  removeRepo(root);
});

describe("berth render", () => {
  it("renders local charts, kustomize and manifests, and remote charts from a chart repository", async () => {
    const run = await berth(root, "render", "--cluster", "dev", "--app", "shop", "metrics", "remote-demo", "kustom");
    // The tools used, on stderr; the bundled helm's minor is behind the pinned Argo CD's.
    expect(run.stderr).toBe(
      `rendered with helm ${BUNDLE.helmVersion} and kustomize ${BUNDLE.kustomizeVersion} (kubectl ${BUNDLE.kubectlVersion}, bundled); ` +
        `Argo CD ${ARGOCD_PIN.argoCd}'s repo-server runs helm ${ARGOCD_PIN.repoServer.helm} and kustomize ${ARGOCD_PIN.repoServer.kustomize}\n` +
        `warning: helm ${BUNDLE.helmVersion} differs from the ${ARGOCD_PIN.repoServer.helm} Argo CD ${ARGOCD_PIN.argoCd}'s repo-server renders with; ` +
        "what it applies may differ from this render (put helm 4.3.x on PATH to match it)\n",
    );
    expect(run.code).toBe(0);
    const objs = docs(run.stdout);
    expect(objs.find((o) => o.kind === "ConfigMap" && o.metadata.name === "shop")?.data).toEqual({ env: "staging" });
    expect(objs.find((o) => o.kind === "ConfigMap" && o.metadata.name === "metrics")?.data).toEqual({ a: "b" });
    const demo = objs.find((o) => o.kind === "ConfigMap" && o.metadata.name === "remote-demo-cfg")!;
    expect(demo.metadata.namespace).toBe("demo");
    expect(demo.data).toMatchObject({ color: "blue", kubeVersion: "v1.31.4", chartVersion: "1.2.3" });
    expect(run.stdout.indexOf("dev/remote-demo")).toBeLessThan(run.stdout.indexOf("dev/metrics"));
  });

  it("passes the cluster's Kubernetes version to the templates", async () => {
    const prod = await berth(root, "render", "--cluster", "prod", "--app", "shop");
    expect(prod.code).toBe(0);
    expect(prod.stdout).toContain("# ---- prod/shop-prod (wave");
  });

  it("reports an unreachable chart per app while the others still render, exit 1", async () => {
    const run = await berth(root, "render", "--cluster", "dev", "--app", "unreachable", "shop");
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^unreachable: render failed: .*chart "gone" version "1\.0\.0"/m);
    expect(run.stderr).toContain("1 of 2 apps could not be rendered");
    expect(docs(run.stdout).some((o) => o.metadata?.name === "shop")).toBe(true);
  });

  it("suggests a name for an unknown app, at --app (not at cluster.yaml:1:1), also for an app that runs per environment", async () => {
    const run = await berth(root, "render", "--cluster", "dev", "--app", "shopp");
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('berth: --app no app "shopp" runs on cluster "dev"\n  fix: did you mean --app shop?\n');
    // On prod, shop runs as the instance shop-prod: the app's own name is what a person types.
    const prod = await berth(root, "render", "--cluster", "prod", "--app", "shopp");
    expect(prod.stderr).toContain("did you mean --app shop?");
  });

  it("names the tool whose version matters when a kustomization fails, and counts in the singular", async () => {
    const broken = makeRepo({ ...fixtureFleet(), "apps/kustom/overlays/kind/kustomization.yaml": "resources: [missing.yaml]\n" });
    try {
      const run = await berth(broken, "render", "--cluster", "dev", "--app", "kustom");
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/^1 of 1 app could not be rendered \(kubectl v?\d[^,]*, [^)]+\)$/m);
      expect(run.stderr).not.toMatch(/could not be rendered \(helm /);
    } finally {
      removeRepo(broken);
    }
  });
});
