import { readFileSync } from "node:fs";
import { join, posix } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { berth, readTree, removeRepo } from "../helpers/repo.js";
import { importRepo, SEED_003 } from "./helpers.js";

const repos: string[] = [];
afterAll(() => repos.forEach(removeRepo));
const repo = () => {
  const r = importRepo();
  repos.push(r);
  return r;
};
const app = (root: string, name: string) => parse(readFileSync(join(root, `apps/${name}/app.yaml`), "utf8"));
const text = (root: string, path: string) => readFileSync(join(root, path), "utf8");

describe("berth import helmfile: seed 003's three helmfiles, one after another", () => {
  const root = repo();
  const runs: Awaited<ReturnType<typeof berth>>[] = [];
  it("imports infra (OCI charts, set:, helm-secrets, environment values)", async () => {
    const run = await berth(root, "import", "helmfile", "legacy/k8s/helmfile-infra.yaml", "--cluster", "pi", "--environment", "prod", "--layer", "infra");
    runs.push(run);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(app(root, "postgres")).toEqual({
      description: "Imported from legacy/k8s/helmfile-infra.yaml:20 (helmfile release postgres, environment prod).",
      layer: "infra",
      namespace: "infra",
      source: { type: "helm", repo: "oci://registry-1.docker.io/bitnamicharts", chart: "postgresql", version: "16.4.5" },
    });
    expect(text(root, "apps/postgres/app.yaml")).toMatch(/^# yaml-language-server: \$schema=\.\.\/\.\.\/generator\/schemas\/app\.schema\.json\n/);
    // A chart given as oci://… directly, and needs: within the file.
    expect(app(root, "valkey").source).toEqual({ type: "helm", repo: "oci://registry-1.docker.io/bitnamicharts", chart: "valkey", version: "2.4.7" });
    expect(app(root, "kafka").dependsOn).toEqual(["postgres"]);
    // One values file is copied as it is; a file plus set: are merged (set: wins).
    expect(text(root, "apps/kafka/values.yaml")).toBe(readFileSync(join(SEED_003, "values/infra/kafka.yaml"), "utf8"));
    expect(parse(text(root, "apps/postgres/values.yaml"))).toEqual({ auth: { database: "everything", existingSecret: "postgres-credentials" }, primary: { resources: { requests: { cpu: "100m", memory: "256Mi" } }, persistence: { size: "8Gi" } } });
    // Inline values using the environment's values go to the cluster's values file, comments kept.
    expect(text(root, "clusters/pi/values/valkey.yaml")).toContain("# one replica is enough on the Pis\nreplica:\n  replicaCount: 1\n");
    expect(run.stdout).toContain("legacy/k8s/helmfile-infra.yaml:30:9: helm-secrets file secrets/postgres.yaml is not imported");
    expect(run.stdout).toContain("berth seal --cluster pi --namespace infra --name postgres-secrets --from-literal KEY=VALUE");
    expect(readTree(root)).not.toHaveProperty("apps/postgres/secrets.yaml");
  });

  it("imports monitoring (an https repository) and skips installed: false with a note", async () => {
    const run = await berth(root, "import", "helmfile", "legacy/k8s/helmfile-monitoring.yaml", "--cluster", "pi", "--environment", "prod", "--layer", "monitoring");
    runs.push(run);
    expect(run.code).toBe(0);
    expect(app(root, "prometheus").source).toEqual({ type: "helm", repo: "https://prometheus-community.github.io/helm-charts", chart: "kube-prometheus-stack", version: "69.8.2" });
    expect(run.stdout).toContain("legacy/k8s/helmfile-monitoring.yaml:24:16: release otel-collector is skipped: installed: false");
    expect(readTree(root)).not.toHaveProperty("apps/otel-collector/app.yaml");
  });

  it("imports apps (local charts, per-environment values, needs: across earlier imports) and reports what it left behind", async () => {
    const run = await berth(root, "import", "helmfile", "legacy/k8s/helmfile-apps.yaml", "--cluster", "pi", "--environment", "prod");
    runs.push(run);
    expect(run.code).toBe(0);
    expect(app(root, "server")).toMatchObject({ layer: "apps", namespace: "prod", source: { type: "chart", path: "chart" }, dependsOn: ["postgres", "kafka"] });
    expect(app(root, "order-service").dependsOn).toEqual(["server"]);
    expect(text(root, "apps/server/chart/templates/deployment.yaml")).toBe(readFileSync(join(SEED_003, "charts/server/templates/deployment.yaml"), "utf8"));
    expect(text(root, "apps/server/values.yaml")).toBe(readFileSync(join(SEED_003, "values/apps/server/common.yaml"), "utf8"));
    expect(text(root, "clusters/pi/values/server.yaml")).toBe(readFileSync(join(SEED_003, "values/apps/server/prod.yaml"), "utf8"));
    for (const line of [
      "legacy/k8s/helmfile-apps.yaml:29:5: release order-service: `hooks:` is not imported",
      "legacy/k8s/helmfile-apps.yaml:33:5: release order-service: `strategicMergePatches:` is not imported",
      'legacy/k8s/helmfile-apps.yaml:40:1: go-template logic `{{ if eq .Environment.Name "prod" }}` is not evaluated',
      'legacy/k8s/values/apps/order-service/common.yaml.gotmpl:4:8: templated values file: {{ requiredEnv "ORDER_DATABASE_URL" }} cannot be resolved',
    ]) expect(run.stdout).toContain(line);
    expect(run.stdout).toMatch(/fix: helmfile hooks run commands around `helm upgrade`; Argo CD has no such step/);
  });

  it("leaves a fleet that generates, validates and is up to date, the cluster.yaml's comments intact", async () => {
    expect(runs).toHaveLength(3);
    expect((await berth(root, "generate")).code).toBe(0);
    const validate = await berth(root, "validate");
    expect(validate.stderr).toBe("");
    expect(validate.code).toBe(0);
    expect((await berth(root, "generate", "--check")).code).toBe(0);
    // No values file goes unused: each one the imports wrote is a valueFile of a generated Application.
    const tree = readTree(root);
    const used = new Set<string>();
    for (const [path, content] of Object.entries(tree)) {
      if (!path.startsWith("clusters/pi/argocd/")) continue;
      for (const doc of parseAllDocuments(content).map((d) => d.toJS())) {
        for (const src of [doc?.spec?.source, ...(doc?.spec?.sources ?? [])].filter(Boolean)) {
          for (const f of src.helm?.valueFiles ?? []) used.add(f.startsWith("$values/") ? f.slice("$values/".length) : posix.normalize(posix.join(src.path, f)));
        }
      }
    }
    const written = Object.keys(tree).filter((p) => /^(apps\/[^/]+\/values\.yaml|clusters\/pi\/values\/.+\.yaml)$/.test(p));
    expect(written.length).toBeGreaterThan(5);
    for (const f of written) expect(used, f).toContain(f);
    expect(text(root, "clusters/pi/cluster.yaml")).toContain("apps:\n  # platform\n  - argo-cd\n  - sealed-secrets\n  - postgres\n  - kafka\n  - valkey\n  - prometheus\n  - server\n  - order-service\n  - order-worker\n");
  });
});
