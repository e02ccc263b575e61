import { beforeAll, describe, expect, it } from "vitest";
import { app, byKind, cluster, env, findInstance, get, podSpec, render, type K8s } from "./fixture.js";

/** Seed 004, Synapse: five cells with PVCs and probes, Optic's TLS init container, TLS passthrough on the Gateway, Certificate, regcred. */

const CELLS = ["aha", "axon", "cortex", "maxmind", "optic"];
const r: Record<string, K8s[]> = {};
beforeAll(async () => {
  await Promise.all(["laptop", "cloud"].map(async (c) => (r[c] = await render(c, "synapse-stack"))));
});

const opticHost = (c: string) => `optic.${cluster(c).spec.ingress!.domain}`;

describe("Synapse (seed 004)", () => {
  it("runs Aha, Axon, Cortex, Maxmind and Optic from the vertexproject images, pinned", () => {
    for (const c of ["laptop", "cloud"]) {
      for (const cell of CELLS) {
        const image = podSpec(get(r[c]!, "Deployment", `synapse-${cell}`)).containers[0].image as string;
        expect(image).toMatch(cell === "optic" ? /^vertexproject\/optic:v\d+\.\d+\.\d+$/ : new RegExp(`^vertexproject/synapse-${cell}:v\\d+\\.\\d+\\.\\d+$`));
      }
    }
  });

  it("gives every cell its own PVC from the cluster's storage class, one writer at a time", () => {
    for (const c of ["laptop", "cloud"]) {
      const pvcs = byKind(r[c]!, "PersistentVolumeClaim");
      expect(pvcs.map((p) => p.metadata.name).sort()).toEqual(CELLS.map((x) => `synapse-${x}`).sort());
      for (const p of pvcs) expect(p.spec.storageClassName).toBe(cluster(c).spec.storage!.className);
      for (const cell of CELLS) {
        const d = get(r[c]!, "Deployment", `synapse-${cell}`);
        expect(d.spec.strategy.type).toBe("Recreate");
        const vol = podSpec(d).volumes.find((v: K8s) => v.persistentVolumeClaim);
        expect(vol.persistentVolumeClaim.claimName).toBe(`synapse-${cell}`);
        expect(podSpec(d).containers[0].volumeMounts).toContainEqual({ name: vol.name, mountPath: "/vertex/storage" });
      }
    }
    expect(get(r.cloud!, "PersistentVolumeClaim", "synapse-cortex").spec.storageClassName).toBe("do-block-storage");
  });

  it("checks every cell with startup and liveness probes (the Synapse healthcheck)", () => {
    for (const cell of CELLS) {
      const c = podSpec(get(r.laptop!, "Deployment", `synapse-${cell}`)).containers[0];
      for (const probe of [c.startupProbe, c.livenessProbe]) {
        expect(probe.exec.command).toEqual(["python", "-m", "synapse.tools.healthcheck", "-c", "cell:///vertex/storage"]);
        expect(probe.periodSeconds).toBe(20);
      }
      expect(c.startupProbe.failureThreshold).toBe(6);
    }
  });

  it("pulls the private images with the regcred Secret (dockerconfigjson), declared for sealing", () => {
    const regcred = app("synapse-stack").spec.secrets!.find((s) => s.name === "regcred")!;
    expect(regcred).toEqual({ name: "regcred", type: "kubernetes.io/dockerconfigjson", keys: [".dockerconfigjson"] });
    for (const cell of CELLS) expect(podSpec(get(r.laptop!, "Deployment", `synapse-${cell}`)).imagePullSecrets).toEqual([{ name: "regcred" }]);
  });

  it("registers every service with Aha and shares passwords from one Secret", () => {
    const cortex = env(podSpec(get(r.laptop!, "Deployment", "synapse-cortex")).containers[0]);
    expect(cortex.SYN_CORTEX_AHA_REGISTRY!.value).toBe("tcp://root:$(SYN_SVC_PASSWD)@synapse-aha:27492/");
    expect(cortex.SYN_CORTEX_AUTH_PASSWD!.valueFrom.secretKeyRef).toEqual({ name: "synapse-passwds", key: "corepass" });
    expect(cortex.SYN_SVC_PASSWD!.valueFrom.secretKeyRef).toEqual({ name: "synapse-passwds", key: "svcpass" });
    get(r.laptop!, "Service", "synapse-aha");
    // Aha first, then the services that register with it, then Optic.
    const w = (cell: string) => Number(get(r.laptop!, "Deployment", `synapse-${cell}`).metadata.annotations["argocd.argoproj.io/sync-wave"]);
    expect(w("aha")).toBeLessThan(w("cortex"));
    expect(w("cortex")).toBeLessThan(w("optic"));
  });

  it("copies the cert-manager certificate into Optic's cell directory with an init container", () => {
    for (const c of ["laptop", "cloud"]) {
      const spec = podSpec(get(r[c]!, "Deployment", "synapse-optic"));
      const cert = get(r[c]!, "Certificate", "synapse-optic");
      const tls = spec.volumes.find((v: K8s) => v.secret);
      expect(tls.secret.secretName).toBe(cert.spec.secretName);
      expect(tls.secret.items).toEqual([
        { key: "tls.key", path: "sslkey.pem" },
        { key: "tls.crt", path: "sslcert.pem" },
      ]);
      const init = spec.initContainers[0];
      expect(init.args.join(" ")).toMatch(/cp .*--target-directory \/vertex\/storage .*sslkey\.pem .*sslcert\.pem/);
      expect(init.volumeMounts).toContainEqual({ name: tls.name, mountPath: "/vertex/tls", readOnly: true });
      expect(init.volumeMounts.find((m: K8s) => m.mountPath === "/vertex/storage").name).toBe(spec.containers[0].volumeMounts[0].name);
      expect(env(spec.containers[0]).SYN_OPTIC_NETLOC!.value).toBe(opticHost(c));
    }
  });

  it("issues Optic's certificate from the cluster's issuer for its host name", () => {
    for (const c of ["laptop", "cloud"]) {
      const cert = get(r[c]!, "Certificate", "synapse-optic");
      expect(cert.apiVersion).toBe("cert-manager.io/v1");
      expect(cert.spec.dnsNames).toEqual([opticHost(c)]);
      expect(cert.spec.issuerRef).toEqual({ kind: "ClusterIssuer", name: cluster(c).spec.tls!.issuer });
    }
  });

  it("passes TLS through the cluster's Gateway with a TLSRoute on the SNI name (the seed's IngressRouteTCP)", async () => {
    for (const c of ["laptop", "cloud"]) {
      expect(byKind(r[c]!, "IngressRouteTCP")).toEqual([]);
      const route = get(r[c]!, "TLSRoute", "synapse-optic");
      expect(route.apiVersion).toBe("gateway.networking.k8s.io/v1");
      expect(route.spec.parentRefs).toEqual([{ name: "web", namespace: "envoy-gateway-system" }]);
      expect(route.spec.hostnames).toEqual([opticHost(c)]);
      const target = route.spec.rules[0].backendRefs[0];
      const svc = get(r[c]!, "Service", target.name);
      expect(svc.spec.ports[0].port).toBe(target.port);
      expect(podSpec(get(r[c]!, "Deployment", "synapse-optic")).containers[0].ports[0].containerPort).toBe(4443);
      // The shared Gateway has a Passthrough listener for that host, which takes TLSRoutes.
      const gw = get(await render(c, "envoy-gateway-class"), "Gateway", "web");
      const listener = gw.spec.listeners.find((l: K8s) => l.hostname === opticHost(c));
      expect(listener).toMatchObject({ protocol: "TLS", port: 443, tls: { mode: "Passthrough" } });
      expect(listener.allowedRoutes.kinds).toEqual([{ kind: "TLSRoute" }]);
      // No Traefik on kind and cloud any more: it only served this route.
      expect(findInstance(c, "traefik")).toBeUndefined();
    }
    expect(app("traefik").spec.profiles).toEqual(["k3s"]);
  });
});
