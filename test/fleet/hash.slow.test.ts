import { beforeAll, describe, expect, it } from "vitest";
import { allContainers, app, byKind, cluster, findInstance, get, podSpec, readYaml, render, workloads, type K8s } from "./fixture.js";

/** Seed 001, HASH: in-cluster or external Postgres/Redis, host routing, graph with migrations, ConfigMap env, secrets. */

let laptop: K8s[];
let cloud: K8s[];
beforeAll(async () => {
  [laptop, cloud] = await Promise.all([render("laptop", "hash-stack"), render("cloud", "hash-stack")]);
});

const wave = (o: K8s) => Number(o.metadata.annotations?.["argocd.argoproj.io/sync-wave"] ?? 0);

describe("HASH (seed 001)", () => {
  it("runs the graph's DB migration Job before the graph, after the environment it reads", () => {
    for (const objs of [laptop, cloud]) {
      const job = get(objs, "Job", "hash-graph-migrate");
      const a = job.metadata.annotations;
      expect(a["argocd.argoproj.io/hook"]).toBe("Sync");
      expect(a["argocd.argoproj.io/hook-delete-policy"]).toBe("BeforeHookCreation");
      expect(job.spec.backoffLimit).toBe(3);
      const graph = get(objs, "Deployment", "hash-graph");
      const env = get(objs, "ConfigMap", "hash-env");
      expect(wave(env)).toBeLessThan(wave(job));
      expect(wave(job)).toBeLessThan(wave(graph));
      // The API needs the graph, the frontend the API.
      expect(wave(graph)).toBeLessThan(wave(get(objs, "Deployment", "hash-api")));
      expect(wave(get(objs, "Deployment", "hash-api"))).toBeLessThan(wave(get(objs, "Deployment", "hash-frontend")));
      expect(podSpec(job).containers[0].image).toMatch(/hash\/hash-graph-migrate-prod:0\.1\.0$/);
    }
  });

  it("defines the environment once, in one ConfigMap every container consumes with envFrom", () => {
    for (const objs of [laptop, cloud]) {
      const names = objs.filter((o) => o.kind === "ConfigMap").map((o) => o.metadata.name);
      expect(names).toEqual(["hash-env"]);
      for (const w of workloads(objs)) {
        for (const c of allContainers(w)) {
          expect(c.envFrom, `${w.metadata.name}/${c.name}`).toEqual([{ configMapRef: { name: "hash-env" } }]);
          // Only credentials (and values built from them) are set per container.
          for (const e of c.env ?? []) expect(e.valueFrom?.secretKeyRef ?? e.value?.includes("$("), `${w.metadata.name} ${e.name}`).toBeTruthy();
        }
      }
    }
  });

  it("reads every credential from a Secret by reference", () => {
    const refs = workloads(laptop).flatMap((w) => allContainers(w).flatMap((c) => (c.env ?? []).map((e: K8s) => e.valueFrom?.secretKeyRef).filter(Boolean)));
    expect(new Set(refs.map((x: K8s) => `${x.name}/${x.key}`))).toEqual(
      new Set(["hash-postgres-credentials/password", "hash-redis-credentials/password", "hash-kratos-secrets/cookie-secret", "hash-kratos-secrets/cipher-secret", "hash-kratos-secrets/api-key"]),
    );
  });

  it("uses in-cluster Postgres and Redis on the laptop (the seed's pg.host = hash-db)", () => {
    const env = get(laptop, "ConfigMap", "hash-env").data;
    expect(env.HASH_GRAPH_PG_HOST).toBe("hash-db");
    expect(env.HASH_REDIS_HOST).toBe("hash-redis-master");
    expect(readYaml("apps/hash-postgres/values.yaml").fullnameOverride).toBe("hash-db");
    expect(findInstance("laptop", "hash-postgres")).toBeDefined();
    expect(findInstance("laptop", "hash-redis")).toBeDefined();
  });

  it("points at the managed endpoints and their credentials Secret where the cluster declares them external", () => {
    const ext = cluster("cloud").spec.external!;
    expect(findInstance("cloud", "hash-postgres")).toBeUndefined();
    expect(findInstance("cloud", "hash-redis")).toBeUndefined();
    const env = get(cloud, "ConfigMap", "hash-env").data;
    expect(env.HASH_GRAPH_PG_HOST).toBe(ext["hash-postgres"]!.host);
    expect(env.HASH_GRAPH_PG_PORT).toBe(String(ext["hash-postgres"]!.port));
    expect(env.HASH_GRAPH_PG_SSLMODE).toBe("require");
    expect(env.HASH_REDIS_HOST).toBe(ext["hash-redis"]!.host);
    expect(env.HASH_REDIS_ENCRYPTED_TRANSIT).toBe("true");
    const graph = podSpec(get(cloud, "Deployment", "hash-graph")).containers[0];
    const pw = graph.env.find((e: K8s) => e.name === "HASH_GRAPH_PG_PASSWORD").valueFrom.secretKeyRef;
    expect(pw.name).toBe(ext["hash-postgres"]!.secret);
    expect(app("hash-stack").spec.secrets!.map((s) => s.name)).toContain(ext["hash-postgres"]!.secret);
  });

  it("routes by host on the cluster's Gateway: hash., api.hash. and kratos.hash. (the seed's NGINX host rules)", async () => {
    expect(byKind(laptop, "Ingress")).toEqual([]);
    const routes = Object.fromEntries(
      byKind(laptop, "HTTPRoute").map((x) => {
        expect(x.spec.parentRefs).toEqual([{ name: "web", namespace: "envoy-gateway-system" }]);
        return [x.spec.hostnames[0], x.spec.rules[0].backendRefs[0].name];
      }),
    );
    expect(routes).toEqual({ "hash.localhost": "hash-frontend", "api.hash.localhost": "hash-api", "kratos.hash.localhost": "hash-kratos" });
    for (const [, svc] of Object.entries(routes)) get(laptop, "Service", svc as string);
    // HTTPS on cloud: the shared Gateway has a listener per host, its certificate from cert-manager.
    const gw = get(await render("cloud", "envoy-gateway-class"), "Gateway", "web");
    expect(gw.metadata.annotations["cert-manager.io/cluster-issuer"]).toBe("letsencrypt-prod");
    for (const host of ["hash.example.com", "api.hash.example.com", "kratos.hash.example.com"]) {
      const l = gw.spec.listeners.find((x: K8s) => x.hostname === host);
      expect(l, host).toMatchObject({ protocol: "HTTPS", port: 443, tls: { mode: "Terminate" } });
      expect(byKind(cloud, "HTTPRoute").some((x) => x.spec.hostnames.includes(host)), host).toBe(true);
    }
    expect(get(laptop, "ConfigMap", "hash-env").data.API_ORIGIN).toBe("http://api.hash.localhost");
    expect(get(cloud, "ConfigMap", "hash-env").data.API_ORIGIN).toBe("https://api.hash.example.com");
  });

  it("runs Kratos with its migrations and the frontend in the cluster", () => {
    const kratos = get(laptop, "Deployment", "hash-kratos");
    expect(podSpec(kratos).initContainers[0].args).toEqual(["migrate", "sql", "-e", "--yes"]);
    expect(podSpec(get(laptop, "Deployment", "hash-frontend")).containers[0].image).toBe("hash/hash-frontend-prod:0.1.0");
    expect(podSpec(get(cloud, "Deployment", "hash-api")).containers[0].image).toBe("registry.example.com/hash/hash-api-prod:0.1.0");
  });

  it("offers the Kubernetes dashboard at k8s.hash.<domain> on the laptop only", () => {
    expect(app("hash-dashboard").spec.profiles).toEqual(["kind"]);
    expect(findInstance("laptop", "hash-dashboard")).toBeDefined();
    expect(findInstance("cloud", "hash-dashboard")).toBeUndefined();
    expect(readYaml("clusters/laptop/values/hash-dashboard.yaml").route.host).toBe("k8s.hash.localhost");
    // The chart renders the HTTPRoute from extras.manifests (its own app.httproute came after 7.13.0).
    const values = readYaml("apps/hash-dashboard/values.yaml");
    expect(values.app.ingress.enabled).toBe(false);
    expect(values.kong.proxy.http.enabled).toBe(true);
    const route = values.extras.manifests[0];
    expect(route.kind).toBe("HTTPRoute");
    expect(route.spec.parentRefs).toEqual([{ name: "web", namespace: "envoy-gateway-system" }]);
    expect(route.spec.rules[0].backendRefs[0]).toEqual({ name: "{{ .Release.Name }}-kong-proxy", port: 80 });
  });
});
