import { beforeAll, describe, expect, it } from "vitest";
import { cpuMillis, memoryBytes } from "../../generator/model/quantity.js";
import { resolveReplicas } from "../../generator/model/replicas.js";
import { app, cluster, env, envValues, findInstance, get, instance, instances, mergedValues, podSpec, render, type K8s } from "./fixture.js";

/** Seed 003, Everything coffee: infra/monitoring namespaces, per-environment services, migrations, secrets, budgets, pools. */

const SERVICES = ["server", "order", "customer"] as const;
const r: Record<string, K8s[]> = {};
beforeAll(async () => {
  const jobs: [string, string][] = [["pi", "everything-temporal"]];
  for (const env of ["staging", "prod"]) for (const s of SERVICES) jobs.push(["pi", `everything-${s}-${env}`]);
  jobs.push(["cloud", "everything-order-prod"], ["laptop", "everything-order-staging"]);
  await Promise.all(jobs.map(async ([c, a]) => (r[`${c}/${a}`] = await render(c, a))));
});

const main = (objs: K8s[], name: string) => podSpec(get(objs, "Deployment", name)).containers[0];

describe("Everything coffee (seed 003)", () => {
  it("puts infrastructure in `infra`, observability in `monitoring`, services in `staging` and `prod`", () => {
    for (const a of ["everything-postgres", "everything-kafka", "everything-valkey", "everything-temporal"]) expect(app(a).spec, a).toMatchObject({ layer: "infra", namespace: "infra" });
    for (const a of ["everything-prometheus", "everything-otel-collector"]) expect(app(a).spec, a).toMatchObject({ layer: "monitoring", namespace: "monitoring" });
    expect(app("everything-prometheus").spec.source).toMatchObject({ chart: "kube-prometheus-stack" });
    expect(app("everything-otel-collector").spec.source).toMatchObject({ chart: "opentelemetry-collector" });
    for (const s of SERVICES) {
      expect(app(`everything-${s}`).spec).toMatchObject({ layer: "apps", namespace: "{environment}", perEnvironment: true });
      expect(instance("pi", `everything-${s}-staging`).namespace).toBe("staging");
      expect(instance("pi", `everything-${s}-prod`).namespace).toBe("prod");
      expect(instance("cloud", `everything-${s}-prod`).namespace).toBe("prod");
      expect(findInstance("cloud", `everything-${s}-staging`)).toBeUndefined();
    }
  });

  it("runs staging with one replica and debug logging, prod with several replicas and info logging", () => {
    for (const s of SERVICES) {
      const staging = r[`pi/everything-${s}-staging`]!;
      const prod = r[`pi/everything-${s}-prod`]!;
      expect(get(staging, "Deployment", s).spec.replicas, s).toBe(1);
      expect(envValues(main(staging, s)).LOG_LEVEL).toBe("debug");
      expect(get(prod, "Deployment", s).spec.replicas, s).toBeGreaterThanOrEqual(2);
      expect(envValues(main(prod, s)).LOG_LEVEL).toBe("info");
      get(prod, "PodDisruptionBudget", s);
    }
  });

  it("migrates order and customer in a pre-install/pre-upgrade hook Job (backoffLimit 3, migrate -y)", () => {
    for (const s of ["order", "customer"]) {
      for (const e of ["staging", "prod"]) {
        const job = get(r[`pi/everything-${s}-${e}`]!, "Job", `${s}-migration`);
        expect(job.metadata.annotations["helm.sh/hook"]).toBe("pre-install,pre-upgrade");
        expect(job.metadata.annotations["helm.sh/hook-delete-policy"]).toBe("before-hook-creation");
        expect(job.spec.backoffLimit).toBe(3);
        const c = podSpec(job).containers[0];
        expect(c.command).toEqual(["migrate"]);
        expect(c.args).toEqual(["-y"]);
        expect(c.image).toBe(main(r[`pi/everything-${s}-${e}`]!, s).image);
        expect(env(c).DB_PASSWORD!.valueFrom.secretKeyRef.name).toBe(`${s}-db-credentials`);
      }
    }
  });

  it("gives each service its own database and a pool size that matches its declared connection pool", () => {
    for (const s of ["order", "customer"]) {
      const c = main(r[`pi/everything-${s}-prod`]!, s);
      const e = envValues(c);
      expect(e).toMatchObject({ DB_HOST: "postgresql.infra.svc.cluster.local", DB_NAME: `${s}_db`, DB_USER: `${s}_service` });
      const pool = app(`everything-${s}`).spec.connectionPools!.find((p) => p.to === "everything-postgres")!;
      expect(e.DB_POOL_SIZE).toBe(String(pool.size));
      expect(env(c).DB_PASSWORD!.valueFrom.secretKeyRef).toEqual({ name: `${s}-db-credentials`, key: "password" });
    }
    const temporal = main(r["pi/everything-temporal"]!, "temporal");
    const t = envValues(temporal);
    // The seed: "Temporal 30 = 20 default + 10 visibility".
    expect(Number(t.SQL_MAX_CONNS) + Number(t.SQL_VIS_MAX_CONNS)).toBe(app("everything-temporal").spec.connectionPools![0]!.size);
    expect(t.DB_POOL_SIZE).toBe("30");
  });

  it("keeps every pool plus the reserve under max_connections=100, on every cluster", () => {
    const pg = app("everything-postgres").spec.postgres!;
    expect(pg.maxConnections).toBe(100);
    expect(mergedValues("pi", "everything-postgres").primary.extendedConfiguration).toMatch(/max_connections = 100/);
    for (const c of ["pi", "cloud", "laptop"]) {
      let sum = pg.reserve ?? 0;
      for (const i of instances(c)) {
        for (const p of i.app?.spec.connectionPools ?? []) {
          if (p.to === "everything-postgres") sum += p.size * resolveReplicas(p.replicas, cluster(c).profile, i.environment);
        }
      }
      expect(sum, c).toBeLessThanOrEqual(pg.maxConnections);
    }
    // The replicas a pool counts are the Deployment's.
    for (const s of ["order", "customer"]) {
      const pool = app(`everything-${s}`).spec.connectionPools![0]!;
      expect(resolveReplicas(pool.replicas, "k3s", "prod")).toBe(get(r[`pi/everything-${s}-prod`]!, "Deployment", s).spec.replicas);
    }
  });

  it("consumes the seed's four credentials Secrets by name, in their namespaces", () => {
    const consumed = new Set<string>();
    for (const i of instances("pi")) for (const s of i.app?.spec.secrets ?? []) consumed.add(`${s.namespace ?? i.namespace}/${s.name}`);
    for (const s of ["infra/postgres-credentials", "infra/temporal-credentials", "staging/order-db-credentials", "prod/order-db-credentials", "staging/customer-db-credentials", "prod/customer-db-credentials"]) {
      expect(consumed, s).toContain(s);
    }
    expect(mergedValues("pi", "everything-postgres").auth.existingSecret).toBe("postgres-credentials");
    expect(env(main(r["pi/everything-temporal"]!, "temporal")).POSTGRES_PWD!.valueFrom.secretKeyRef.name).toBe("temporal-credentials");
  });

  it("requests the seed's resource table", () => {
    const table: Record<string, [string, string]> = {
      postgres: ["192Mi", "500m"],
      kafka: ["192Mi", "500m"],
      server: ["64Mi", "100m"],
      order: ["64Mi", "100m"],
      customer: ["64Mi", "100m"],
      valkey: ["128Mi", "100m"],
      temporal: ["256Mi", "250m"],
      "otel-collector": ["64Mi", "100m"],
      prometheus: ["256Mi", "250m"],
      grafana: ["128Mi", "100m"],
    };
    const req = (r0: K8s) => [memoryBytes(String(r0.memory)), cpuMillis(String(r0.cpu))];
    const want = (k: string) => [memoryBytes(table[k]![0]), cpuMillis(table[k]![1])];
    expect(req(mergedValues("pi", "everything-postgres").primary.resources.requests)).toEqual(want("postgres"));
    expect(req(mergedValues("pi", "everything-kafka").controller.resources.requests)).toEqual(want("kafka"));
    expect(req(mergedValues("pi", "everything-valkey").primary.resources.requests)).toEqual(want("valkey"));
    expect(req(mergedValues("pi", "everything-otel-collector").resources.requests)).toEqual(want("otel-collector"));
    expect(req(main(r["pi/everything-temporal"]!, "temporal").resources.requests)).toEqual(want("temporal"));
    for (const s of SERVICES) expect(req(main(r[`pi/everything-${s}-prod`]!, s).resources.requests), s).toEqual(want(s));
    // Prometheus and Grafana pods: main containers plus their sidecars.
    const kps = mergedValues("pi", "everything-prometheus");
    const sum = (...xs: K8s[]) => xs.map(req).reduce((a, b) => [a[0]! + b[0]!, a[1]! + b[1]!]);
    expect(sum(kps.prometheus.prometheusSpec.resources.requests, kps.prometheusOperator.prometheusConfigReloader.resources.requests)).toEqual(want("prometheus"));
    expect(sum(kps.grafana.resources.requests, kps.grafana.sidecar.resources.requests, kps.grafana.sidecar.resources.requests)).toEqual(want("grafana"));
    const declared = Object.fromEntries(app("everything-prometheus").spec.resources!.map((w) => [w.workload, [memoryBytes(w.memory), cpuMillis(w.cpu)]]));
    expect(declared.prometheus).toEqual(want("prometheus"));
    expect(declared.grafana).toEqual(want("grafana"));
  });

  it("keeps the seed's service names (DNS) for the shared infrastructure", () => {
    expect(mergedValues("pi", "everything-postgres").fullnameOverride).toBe("postgresql");
    expect(mergedValues("pi", "everything-kafka").fullnameOverride).toBe("kafka");
    expect(mergedValues("pi", "everything-otel-collector").fullnameOverride).toBe("otel-collector");
    expect(mergedValues("pi", "everything-valkey").extraDeploy[0].metadata.name).toBe("valkey");
    const svc = get(r["pi/everything-temporal"]!, "Service", "temporal");
    expect(svc.spec.ports[0].port).toBe(7233);
    expect(get(r["pi/everything-order-prod"]!, "Service", "order").spec.ports[0].port).toBe(50051);
    const server = envValues(main(r["pi/everything-server-staging"]!, "server"));
    expect(server.ORDER_SERVICE_ADDR).toBe("order.staging.svc.cluster.local:50051");
    expect(server.CUSTOMER_SERVICE_ADDR).toBe("customer.staging.svc.cluster.local:50051");
    expect(envValues(main(r["pi/everything-order-prod"]!, "order")).OTEL_EXPORTER_OTLP_ENDPOINT).toBe("http://otel-collector.monitoring.svc.cluster.local:4317");
  });

  it("pulls its images through the Pi's registry mirror, from the cloud registry on cloud, and kind-loaded on the laptop", () => {
    expect(main(r["pi/everything-order-prod"]!, "order").image).toBe("registry.local/everything/order-service:0.1.0");
    expect(main(r["cloud/everything-order-prod"]!, "order").image).toBe("registry.example.com/everything/order-service:0.1.0");
    expect(main(r["laptop/everything-order-staging"]!, "order").image).toBe("everything/order-service:0.1.0");
  });
});
