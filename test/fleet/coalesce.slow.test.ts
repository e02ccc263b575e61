import { beforeAll, describe, expect, it } from "vitest";
import { app, application, byKind, cluster, envValues, findInstance, get, podSpec, render, wave, type K8s } from "./fixture.js";

/** Seed 000, Coalesce: API server, collab server behind a headless Service, audio processor, Envoy Gateway, CoreDNS tuning. */

const r: Record<string, K8s[]> = {};
beforeAll(async () => {
  const jobs: [string, string][] = [];
  for (const c of ["laptop", "cloud"]) for (const a of ["coalesce-collab-server", "coalesce-api-server", "coalesce-audio-processor", "coalesce-gateway", "envoy-gateway-class"]) jobs.push([c, a]);
  jobs.push(["laptop", "coalesce-coredns"], ["pi", "coalesce-coredns"]);
  await Promise.all(jobs.map(async ([c, a]) => (r[`${c}/${a}`] = await render(c, a))));
});

const apiContainer = (objs: K8s[]) => podSpec(get(objs, "Deployment", "coalesce-api-server")).containers[0];

describe("Coalesce (seed 000)", () => {
  it("puts the collab server behind a headless Service the StatefulSet is governed by", () => {
    for (const c of ["laptop", "cloud"]) {
      const objs = r[`${c}/coalesce-collab-server`]!;
      const svc = get(objs, "Service", "coalesce-collab-server");
      expect(svc.spec.clusterIP).toBe("None");
      expect(svc.spec.publishNotReadyAddresses).toBe(false);
      const sts = get(objs, "StatefulSet", "coalesce-collab-server");
      expect(sts.spec.serviceName).toBe(svc.metadata.name);
      expect(sts.spec.template.metadata.labels).toMatchObject(svc.spec.selector);
      expect(sts.spec.template.spec.containers[0].ports[0].containerPort).toBe(svc.spec.ports[0].port);
    }
    expect(get(r["cloud/coalesce-collab-server"]!, "StatefulSet", "coalesce-collab-server").spec.replicas).toBe(3);
  });

  it("passes the headless Service's DNS name to the API server, which discovers collab servers by DNS", () => {
    for (const c of ["laptop", "cloud"]) {
      const svc = get(r[`${c}/coalesce-collab-server`]!, "Service", "coalesce-collab-server");
      const e = envValues(apiContainer(r[`${c}/coalesce-api-server`]!));
      expect(e.COLLAB_SERVERS_DNS).toBe(`${svc.metadata.name}.coalesce.svc.cluster.local`);
      expect(e.COLLAB_SERVER_PORT).toBe(String(svc.spec.ports[0].port));
    }
  });

  it("fronts the API server with a ClusterIP Service and autoscales it with an HPA on cloud only", () => {
    const laptop = r["laptop/coalesce-api-server"]!;
    const cloud = r["cloud/coalesce-api-server"]!;
    expect(get(laptop, "Service", "coalesce-api-server").spec.type).toBe("ClusterIP");
    expect(byKind(laptop, "HorizontalPodAutoscaler")).toEqual([]);
    expect(get(laptop, "Deployment", "coalesce-api-server").spec.replicas).toBe(1);
    const hpa = get(cloud, "HorizontalPodAutoscaler", "coalesce-api-server");
    expect(hpa.spec.scaleTargetRef).toMatchObject({ kind: "Deployment", name: "coalesce-api-server" });
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
    // The HPA owns the replica count; Argo CD must not reset it.
    expect(get(cloud, "Deployment", "coalesce-api-server").spec.replicas).toBeUndefined();
    expect(byKind(cloud, "PodDisruptionBudget")).toHaveLength(1);
  });

  it("runs the seed's images with pinned tags, and the audio processor on CPU", () => {
    expect(apiContainer(r["laptop/coalesce-api-server"]!).image).toBe("coalesce-project-server:0.0.1");
    const audio = podSpec(get(r["laptop/coalesce-audio-processor"]!, "Deployment", "coalesce-audio-processor")).containers[0];
    expect(audio.image).toBe("coalesce-audio-processor:0.0.1");
    expect(envValues(audio).DEVICE).toBe("cpu");
  });

  it("wires Postgres, Redis, MinIO and Kratos by Secret reference", () => {
    const e = apiContainer(r["laptop/coalesce-api-server"]!).env as K8s[];
    const ref = (n: string) => e.find((x) => x.name === n)?.valueFrom?.secretKeyRef;
    expect(ref("POSTGRES_PASSWORD")).toEqual({ name: "coalesce-postgres-credentials", key: "password" });
    expect(ref("REDIS_PASSWORD")).toEqual({ name: "coalesce-redis-credentials", key: "redis-password" });
    expect(ref("S3_SECRET_ACCESS_KEY")).toEqual({ name: "coalesce-minio-credentials", key: "root-password" });
    for (const a of ["coalesce-postgres", "coalesce-redis", "coalesce-minio", "coalesce-kratos"]) {
      expect(app(a).spec.source.type, a).toBe("helm");
      expect(findInstance("laptop", a) && findInstance("cloud", a), a).toBeTruthy();
    }
    expect(app("coalesce-kratos").spec.dependsOn).toContain("coalesce-postgres");
  });

  it("routes through Envoy Gateway: EnvoyProxy attached to the Gateway, HTTPRoute to the API Service", () => {
    for (const c of ["laptop", "cloud"]) {
      const objs = r[`${c}/coalesce-gateway`]!;
      const gw = get(objs, "Gateway", "coalesce");
      const cls = get(r[`${c}/envoy-gateway-class`]!, "GatewayClass", gw.spec.gatewayClassName);
      expect(cls.spec.controllerName).toBe("gateway.envoyproxy.io/gatewayclass-controller");
      expect(gw.spec.infrastructure.parametersRef).toEqual({ group: "gateway.envoyproxy.io", kind: "EnvoyProxy", name: "coalesce" });
      get(objs, "EnvoyProxy", "coalesce");
      const route = get(objs, "HTTPRoute", "coalesce-api");
      expect(route.spec.parentRefs[0].name).toBe("coalesce");
      const backend = route.spec.rules[0].backendRefs[0];
      const svc = get(r[`${c}/coalesce-api-server`]!, "Service", backend.name);
      expect(svc.spec.ports[0].port).toBe(backend.port);
    }
    // The seed exposed the backend on localhost:3333 (kind node port → host port).
    const kind = r["laptop/coalesce-gateway"]!;
    expect(get(kind, "Gateway", "coalesce").spec.listeners[0].port).toBe(3333);
    expect(get(kind, "EnvoyProxy", "coalesce").spec.provider.kubernetes.envoyService.type).toBe("NodePort");
    const cloud = r["cloud/coalesce-gateway"]!;
    expect(get(cloud, "EnvoyProxy", "coalesce").spec.provider.kubernetes.envoyService.type).toBe("LoadBalancer");
    // HTTPS on cloud: cert-manager issues the listener's certificate for the annotated Gateway.
    const gw = get(cloud, "Gateway", "coalesce");
    expect(gw.metadata.annotations["cert-manager.io/cluster-issuer"]).toBe(cluster("cloud").spec.tls!.issuer);
    const https = gw.spec.listeners.find((l: K8s) => l.protocol === "HTTPS");
    expect(https.tls.certificateRefs[0].name).toBe("coalesce-tls");
    expect(https.hostname).toBe("coalesce.example.com");
    expect(byKind(cloud, "Certificate")).toEqual([]);
  });

  it("syncs Envoy Gateway's CRDs before anything that uses them", () => {
    for (const c of ["laptop", "cloud"]) {
      expect(application(c, "envoy-gateway").spec.syncPolicy.syncOptions).toContain("ServerSideApply=true");
      for (const user of ["envoy-gateway-class", "coalesce-gateway"]) {
        expect(wave(c, user), `${c} ${user}`).toBeGreaterThan(wave(c, "envoy-gateway"));
        expect(application(c, user).spec.syncPolicy.syncOptions).toContain("SkipDryRunOnMissingResource=true");
      }
      expect(wave(c, "coalesce-gateway")).toBeGreaterThan(wave(c, "envoy-gateway-class"));
    }
  });

  it("tunes the CoreDNS cache to 2 s on kind (kubeadm's ConfigMap) and k3s (coredns-custom) only", () => {
    expect(app("coalesce-coredns").spec.profiles).toEqual(["kind", "k3s"]);
    expect(findInstance("cloud", "coalesce-coredns")).toBeUndefined();
    const kind = get(r["laptop/coalesce-coredns"]!, "ConfigMap", "coredns");
    expect(kind.metadata.namespace).toBe("kube-system");
    expect(kind.data.Corefile).toMatch(/^\s+cache 2$/m);
    expect(kind.data.Corefile).toMatch(/^\s+ttl 2$/m);
    expect(kind.data.Corefile).not.toMatch(/cache 30/);
    // Cluster DNS must survive the app being removed.
    expect(kind.metadata.annotations["argocd.argoproj.io/sync-options"]).toMatch(/Delete=false/);
    const k3s = r["pi/coalesce-coredns"]!;
    expect(byKind(k3s, "ConfigMap").map((x) => x.metadata.name)).toEqual(["coredns-custom"]);
    const server = get(k3s, "ConfigMap", "coredns-custom").data["cache.server"];
    expect(server).toMatch(/cluster\.local:53 \{/);
    expect(server).toMatch(/^\s+cache 2$/m);
    expect(application("laptop", "coalesce-coredns").spec.source.path).toBe("apps/coalesce-coredns/coredns/kind");
    expect(application("pi", "coalesce-coredns").spec.source.path).toBe("apps/coalesce-coredns/coredns/k3s");
  });
});
