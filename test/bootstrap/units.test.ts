import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseDuration, formatDuration } from "../../generator/bootstrap/duration.js";
import { splitRendered } from "../../generator/bootstrap/execute.js";
import { formatCmd } from "../../generator/bootstrap/format.js";
import { fleetNodePorts } from "../../generator/bootstrap/inputs.js";
import { readKindTemplate } from "../../generator/read/bootstrap-files.js";
import { kindConfig, nodePortsIn } from "../../generator/bootstrap/kind-config.js";
import { changeLines, parseApplications, progressLine, type AppState } from "../../generator/bootstrap/watch.js";
import { loadCheckedFleet } from "../../generator/read/checked-fleet.js";
import { application, HELM_OUTPUT, list } from "./fake-tools.js";
import { REPO } from "./helpers.js";

describe("kind config", () => {
  it("finds node ports at any depth, in the NodePort range only", () => {
    expect(nodePortsIn({ service: { nodePort: 30333 }, ports: { websecure: { nodePort: 30443 }, web: { nodePort: 8080 } }, list: [{ nodePort: 31000 }], other: { port: 30500 } })).toEqual([30333, 30443, 31000]);
  });

  it("the laptop's apps ask for node ports 30080/30443 (the shared Gateway) and 30333 (coalesce-gateway), and the template maps them to 80, 443 and 3333", () => {
    const fleet = loadCheckedFleet(REPO);
    const laptop = fleet.clusters.find((c) => c.name === "laptop")!;
    const uses = fleetNodePorts(REPO, fleet, laptop);
    expect([...uses].sort((a, b) => a.port - b.port)).toEqual([
      { port: 30080, app: "envoy-gateway-class" },
      { port: 30333, app: "coalesce-gateway" },
      { port: 30443, app: "envoy-gateway-class" },
    ]);
    const template = readKindTemplate(REPO, "laptop");
    expect(template.file).toBe("bootstrap/kind-config.yaml");
    const config = kindConfig(template.text, "laptop", uses);
    expect(config.added).toEqual([]);
    // Host ports 80/443 are the Gateway's: no hostPort-mode container ports 80/443 beside them.
    expect(config.addedIngress).toEqual([]);
    const doc = parse(config.yaml) as { name: string; nodes: { role: string; labels: Record<string, string>; extraPortMappings: { containerPort: number; hostPort: number }[] }[] };
    expect(doc.name).toBe("laptop");
    expect(doc.nodes[0]!.labels).toEqual({ "ingress-ready": "true" });
    expect(doc.nodes[0]!.extraPortMappings.map((m) => `${m.containerPort}->${m.hostPort}`)).toEqual(["30080->80", "30443->443", "30333->3333"]);
  });

  it("maps a node port the template does not know to the same host port, and adds 80/443 and the label when missing", () => {
    const config = kindConfig("kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\n", "dev", [{ port: 31234, app: "shop" }]);
    expect(config.added).toEqual([{ port: 31234, app: "shop" }]);
    const doc = parse(config.yaml) as { nodes: { role: string; labels: Record<string, string>; extraPortMappings: { containerPort: number; hostPort: number }[] }[] };
    expect(doc.nodes[0]!.role).toBe("control-plane");
    expect(doc.nodes[0]!.labels["ingress-ready"]).toBe("true");
    expect(doc.nodes[0]!.extraPortMappings.map((m) => `${m.containerPort}->${m.hostPort}`)).toEqual(["80->80", "443->443", "31234->31234"]);
  });

  it("rejects a template that is not a kind Cluster", () => {
    expect(() => kindConfig("apiVersion: v1\nkind: ConfigMap\n", "dev", [])).toThrow(/is not a kind cluster configuration/);
  });
});

describe("durations", () => {
  it("parses kubectl-style durations and prints them back", () => {
    expect(parseDuration("15m")).toBe(900_000);
    expect(parseDuration("1h30m")).toBe(5_400_000);
    expect(parseDuration("90s")).toBe(90_000);
    for (const bad of ["", "15", "m", "0s", "1.5m", "-1m", "15x"]) expect(parseDuration(bad), bad).toBeUndefined();
    expect(formatDuration(900_000)).toBe("15m");
    expect(formatDuration(5_400_000)).toBe("1h30m");
    expect(formatDuration(125_000)).toBe("2m5s");
    expect(formatDuration(0)).toBe("0s");
  });
});

describe("commands are shown as a shell would need them, and never run by one", () => {
  it("quotes what needs quoting and names stdin", () => {
    expect(formatCmd({ tool: "kubectl", args: ["apply", "-f", "a b.yaml", "it's"], stdin: { source: "text", label: "Namespace argocd", text: "" } })).toBe(
      "kubectl apply -f 'a b.yaml' 'it'\\''s' < Namespace argocd",
    );
  });
});

describe("watching Applications", () => {
  const states = (items: unknown[]) => parseApplications(JSON.stringify(list(items)))!;
  const expected = [{ name: "root" }, { name: "argo-cd", wave: 0 }, { name: "everything-postgres", wave: 3 }];

  it("prints one line per change: health only, sync only, or both", () => {
    const a = states([application("root", "Synced", "Healthy"), application("argo-cd", "OutOfSync", "Healthy"), application("everything-postgres", "Synced", "Progressing")]);
    const b = states([application("root", "Synced", "Healthy"), application("argo-cd", "Synced", "Healthy"), application("everything-postgres", "Synced", "Healthy")]);
    expect(changeLines(expected, new Map(), a)).toEqual([
      "root: not created → Synced/Healthy",
      "wave 0 argo-cd: not created → OutOfSync/Healthy",
      "wave 3 everything-postgres: not created → Synced/Progressing",
    ]);
    expect(changeLines(expected, a, b)).toEqual(["wave 0 argo-cd: OutOfSync → Synced", "wave 3 everything-postgres: Progressing → Healthy"]);
    expect(changeLines(expected, b, b)).toEqual([]);
    expect(progressLine(expected, a)).toBe("1 of 3 Applications Synced and Healthy; earliest wave not done: 0");
  });

  it("reads what explains a stuck Application, and rejects what is not an Application list", () => {
    const s = states([
      application("x", "OutOfSync", "Degraded", {
        health: { status: "Degraded", message: "  multi\n line " },
        operationState: { phase: "Running", message: "waiting for healthy state of apps/Deployment/x" },
        conditions: [{ type: "SyncError", message: "boom" }],
        resources: [{ kind: "Job", namespace: "ns", name: "migrate", status: "OutOfSync", health: { status: "Missing" } }],
      }),
    ]).get("x") as AppState;
    expect(s).toEqual({
      name: "x",
      sync: "OutOfSync",
      health: "Degraded",
      healthMessage: "multi line",
      operationPhase: "Running",
      operationMessage: "waiting for healthy state of apps/Deployment/x",
      conditions: [{ type: "SyncError", message: "boom" }],
      troubled: ["Job ns/migrate: OutOfSync, Missing"],
    });
    expect(parseApplications("not json")).toBeUndefined();
    expect(parseApplications('{"kind":"Status"}')).toBeUndefined();
  });
});

describe("rendered Argo CD", () => {
  it("splits CRDs from the rest and finds the workloads to wait for (not those scaled to zero)", () => {
    const r = splitRendered(HELM_OUTPUT);
    expect(r.crdNames).toEqual(["applications.argoproj.io", "appprojects.argoproj.io"]);
    expect(r.install).toHaveLength(5);
    expect(r.workloads.map((w) => w.ref)).toEqual(["deployment/argo-cd-argocd-server", "deployment/argo-cd-argocd-repo-server", "statefulset/argo-cd-argocd-application-controller"]);
  });
});
