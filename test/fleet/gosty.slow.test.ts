import { beforeAll, describe, expect, it } from "vitest";
import { app, application, byKind, findInstance, get, mergedValues, namespaceObject, podSpec, readYaml, render, wave, type K8s } from "./fixture.js";

/** Seed 002, gosty: RabbitMQ with a shared Erlang cookie, MongoDB, services, EFK, Linkerd, Chaos Mesh, k3s registry mirror. */

const r: Record<string, K8s[]> = {};
beforeAll(async () => {
  const jobs: [string, string][] = [
    ["laptop", "gosty-services"],
    ["cloud", "gosty-services"],
    ["laptop", "gosty-efk"],
    ["cloud", "gosty-efk"],
    ["laptop", "gosty-chaos"],
    ["laptop", "linkerd-identity"],
    ["cloud", "linkerd-identity"],
  ];
  await Promise.all(jobs.map(async ([c, a]) => (r[`${c}/${a}`] = await render(c, a))));
});

const GOSTY_APPS = ["gosty-rabbitmq", "gosty-mongodb", "gosty-services", "gosty-chaos"];

describe("gosty (seed 002)", () => {
  it("gives every RabbitMQ node the Erlang cookie from the sealed Secret, so scaling works", () => {
    const secret = app("gosty-rabbitmq").spec.secrets!.find((s) => s.name === "gosty-rabbitmq-credentials")!;
    for (const c of ["laptop", "cloud"]) {
      const v = mergedValues(c, "gosty-rabbitmq");
      expect(v.auth.existingErlangSecret, c).toBe(secret.name);
      expect(secret.keys).toContain(v.auth.existingSecretErlangKey);
      expect(v.auth.existingPasswordSecret).toBe(secret.name);
      expect(secret.keys).toContain(v.auth.existingSecretPasswordKey);
      expect(v.auth.erlangCookie, "no cookie in values").toBeUndefined();
    }
    expect(mergedValues("cloud", "gosty-rabbitmq").replicaCount).toBe(3);
    expect(mergedValues("laptop", "gosty-rabbitmq").replicaCount).toBe(1);
  });

  it("runs MongoDB standalone on the laptop and as a replica set with an arbiter on cloud", () => {
    expect(mergedValues("laptop", "gosty-mongodb").architecture).toBe("standalone");
    const cloud = mergedValues("cloud", "gosty-mongodb");
    expect(cloud).toMatchObject({ architecture: "replicaset", arbiter: { enabled: true }, auth: { existingSecret: "gosty-mongodb-credentials" } });
    const hosts = (objs: K8s[]) => get(objs, "ConfigMap", byKind(objs, "ConfigMap")[0]!.metadata.name).data.GOSTY_MONGODB_HOSTS;
    expect(hosts(r["laptop/gosty-services"]!)).toBe("gosty-mongodb:27017");
    expect(hosts(r["cloud/gosty-services"]!)).toContain("gosty-mongodb-1.gosty-mongodb-headless:27017");
  });

  it("runs the API server, file server and workers from plain manifests, per profile", () => {
    expect(app("gosty-services").spec.source).toEqual({ type: "kustomize", path: "overlays/{profile}" });
    for (const c of ["laptop", "cloud"]) {
      const objs = r[`${c}/gosty-services`]!;
      for (const d of ["gosty-apiserver", "gosty-fileserver", "gosty-worker"]) get(objs, "Deployment", d);
      // The seed relied on Kubernetes' service link variables (GOSTY_FILESERVER_SERVICE_HOST).
      get(objs, "Service", "gosty-fileserver");
      get(objs, "PersistentVolumeClaim", "gosty-fileserver-data");
    }
    expect(get(r["cloud/gosty-services"]!, "Deployment", "gosty-worker").spec.replicas).toBe(3);
    expect(podSpec(get(r["cloud/gosty-services"]!, "Deployment", "gosty-apiserver")).containers[0].image).toBe("registry.example.com/gosty/gosty-apiserver:0.1.0");
  });

  it("injects Linkerd proxies into the gosty namespace, after Linkerd is up", () => {
    for (const c of ["laptop", "cloud"]) {
      for (const a of GOSTY_APPS) {
        if (!findInstance(c, a)) continue;
        expect(app(a).spec.namespace).toBe("gosty");
        expect(namespaceObject(c, "gosty").metadata.annotations["linkerd.io/inject"], `${c} ${a}`).toBe("enabled");
        expect(wave(c, a), `${c} ${a}`).toBeGreaterThan(wave(c, "linkerd-control-plane"));
      }
    }
  });

  it("runs Linkerd from linkerd-crds/linkerd-control-plane with identity certificates issued by cert-manager", () => {
    const cp = readYaml("apps/linkerd-control-plane/values.yaml");
    expect(cp.identity).toEqual({ externalCA: true, issuer: { scheme: "kubernetes.io/tls" } });
    expect(readYaml("apps/linkerd-crds/values.yaml").installGatewayAPI).toBe(false);
    for (const c of ["laptop", "cloud"]) {
      const objs = r[`${c}/linkerd-identity`]!;
      const issuer = get(objs, "Certificate", "linkerd-identity-issuer");
      expect(issuer.spec).toMatchObject({ secretName: "linkerd-identity-issuer", isCA: true, commonName: "identity.linkerd.cluster.local" });
      expect(issuer.metadata.namespace).toBe("linkerd");
      const anchorIssuer = get(objs, "ClusterIssuer", issuer.spec.issuerRef.name);
      const anchor = get(objs, "Certificate", "linkerd-trust-anchor");
      expect(anchorIssuer.spec.ca.secretName).toBe(anchor.spec.secretName);
      const bundle = get(objs, "Bundle", "linkerd-identity-trust-roots");
      expect(bundle.spec.sources[0].secret.name).toBe(anchor.spec.secretName);
      expect(bundle.spec.target.namespaceSelector.matchLabels).toEqual({ "linkerd.io/is-control-plane": "true" });
      // The webhook certificates the chart would otherwise regenerate on every render.
      for (const w of ["proxyInjector", "profileValidator", "policyValidator"]) {
        const [ns, name] = String(cp[w].injectCaFrom).split("/");
        expect(cp[w].externalSecret).toBe(true);
        expect(get(objs, "Certificate", name!).spec.secretName).toBe(`${name}-k8s-tls`);
        expect(ns).toBe("linkerd");
      }
      expect(wave(c, "linkerd-control-plane")).toBeGreaterThan(wave(c, "linkerd-identity"));
      expect(wave(c, "linkerd-identity")).toBeGreaterThan(wave(c, "trust-manager"));
      expect(namespaceObject(c, "linkerd").metadata.labels["linkerd.io/is-control-plane"]).toBe("true");
    }
  });

  it("ships logs to Elasticsearch/Kibana with Fluentd, in fluentd-monitoring (monitoring layer)", () => {
    expect(app("gosty-efk").spec).toMatchObject({ layer: "monitoring", namespace: "fluentd-monitoring" });
    for (const c of ["laptop", "cloud"]) {
      const objs = r[`${c}/gosty-efk`]!;
      get(objs, "StatefulSet", "elasticsearch");
      get(objs, "Service", "kibana");
      const ds = get(objs, "DaemonSet", "fluentd");
      const host = podSpec(ds).containers[0].env.find((e: K8s) => e.name === "FLUENT_ELASTICSEARCH_HOST").value;
      expect(host).toBe("elasticsearch.fluentd-monitoring.svc.cluster.local");
      expect(get(objs, "ClusterRoleBinding", "gosty-fluentd").subjects[0].namespace).toBe("fluentd-monitoring");
    }
  });

  it("runs the Chaos Mesh scenarios on the laptop only, after Chaos Mesh's CRDs", () => {
    expect(app("gosty-chaos").spec.profiles).toEqual(["kind"]);
    expect(app("chaos-mesh").spec.profiles).toEqual(["kind"]);
    expect(findInstance("cloud", "gosty-chaos")).toBeUndefined();
    const schedules = byKind(r["laptop/gosty-chaos"]!, "Schedule");
    expect(schedules.length).toBeGreaterThanOrEqual(2);
    for (const s of schedules) {
      expect(s.apiVersion).toBe("chaos-mesh.org/v1alpha1");
      const inner = s.spec[s.spec.type.charAt(0).toLowerCase() + s.spec.type.slice(1)];
      expect(inner.selector.namespaces).toEqual(["gosty"]);
    }
    expect(application("laptop", "gosty-chaos").spec.syncPolicy.syncOptions).toContain("SkipDryRunOnMissingResource=true");
    expect(wave("laptop", "gosty-chaos")).toBeGreaterThan(wave("laptop", "chaos-mesh"));
  });

  it("keeps the k3s registry mirror as node configuration for the Pi", () => {
    const reg = readYaml("clusters/pi/k3s/registries.yaml");
    expect(reg.mirrors["registry.local"].endpoint).toEqual(["http://192.168.56.1:5000"]);
    expect(mergedValues("pi", "everything-order-prod").image.registry).toBe("registry.local");
  });
});
