import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, relative, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { loadCheckedFleet } from "../../generator/read/checked-fleet.js";
import { planCluster } from "../../generator/plan/plan-cluster.js";
import { renderRequest } from "../../generator/plan/render-requests.js";
import { application, copyExampleFleet, fakeWorld, list, quickKeyPair, type FakeWorld } from "./fake-tools.js";
import { allHealthy, bootstrap, commandLines, REPO, type Run } from "./helpers.js";
import { generatedDocument } from "../helpers/generated.js";

/**
 * The laptop (profile kind) of the example fleet, in a temporary copy whose sealing certificate
 * is replaced by one whose private key the test holds. kind, kubectl and helm are recording
 * executables (fake-tools.ts): there is no Docker, kind or API server here.
 */
let root: string;
let keyFile: string;
let keyPem: string;

beforeAll(async () => {
  root = copyExampleFleet(REPO);
  const pair = await quickKeyPair();
  writeFileSync(join(root, "clusters/laptop/sealing-cert.pem"), pair.certPem);
  keyFile = join(tmpdir(), `${basename(root)}-laptop.key`); // outside the repository
  writeFileSync(keyFile, pair.privateKeyPem, { mode: 0o600 });
  keyPem = pair.privateKeyPem;
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(keyFile, { force: true });
});

describe("berth bootstrap on kind (laptop), with its sealing key: a first run", () => {
  let world: FakeWorld;
  let r: Run;
  beforeAll(async () => {
    world = fakeWorld({ applications: [list([]), list([application("root", "Synced", "Progressing")]), allHealthy(root, "laptop")] });
    r = await bootstrap(world, root, { cluster: "laptop", key: keyFile });
  });
  afterAll(() => world.remove());

  it("runs exactly these commands, in this order, and ends when every Application is Synced and Healthy", () => {
    expect(r.code, r.stderr).toBe(0);
    const ctx = "kubectl --context kind-laptop";
    const ssa = `${ctx} apply --server-side --force-conflicts --field-manager argocd-controller`;
    expect(commandLines(r.log, world)).toEqual([
      "kind get clusters",
      "kind create cluster --name laptop --image kindest/node:v1.37.2 --config - --wait 120s",
      "kubectl config get-contexts -o name",
      `${ctx} version -o json --request-timeout 20s`,
      `${ctx} apply --server-side --field-manager berth-bootstrap -f -`,
      `${ctx} apply --server-side --field-manager berth-bootstrap -f -`,
      "helm template --namespace argocd --kube-version 1.37.2 --include-crds -f apps/argo-cd/values.yaml -f apps/argo-cd/values-kind.yaml -f <inline values> -- argo-cd apps/argo-cd/chart",
      `${ssa} -f -`,
      `${ctx} wait --for condition=Established --timeout 60s crd/applications.argoproj.io crd/appprojects.argoproj.io`,
      `${ssa} --namespace argocd -f -`,
      `${ctx} rollout status --namespace argocd --timeout 900s deployment/argo-cd-argocd-server`,
      `${ctx} rollout status --namespace argocd --timeout 900s deployment/argo-cd-argocd-repo-server`,
      `${ctx} rollout status --namespace argocd --timeout 900s statefulset/argo-cd-argocd-application-controller`,
      `${ctx} apply -f clusters/laptop/argocd/root.yaml`,
      `${ctx} get applications.argoproj.io --namespace argocd -o json`,
      `${ctx} get applications.argoproj.io --namespace argocd -o json`,
      `${ctx} get applications.argoproj.io --namespace argocd -o json`,
    ]);
    // Every command ran in the repository (relative value files and manifests resolve there).
    expect(new Set(r.log.map((e) => e.cwd))).toEqual(new Set([root]));
    // kubectl and kind use the user's kubeconfig; helm renders in a private home with no cluster access.
    for (const e of r.log) {
      if (e.tool === "helm") expect(e.env.KUBECONFIG).toMatch(/no-kubeconfig$/);
      else expect(e.env.KUBECONFIG).toBe(world.env.KUBECONFIG);
    }
  });

  it("feeds each apply what it should: the namespace with Argo CD's empty argocd-secret, the key, the CRDs alone (server-side), then the rest", () => {
    const applies = r.log.filter((e) => e.args.includes("apply") && e.args.includes("-"));
    expect(applies.map((e) => e.stdinKinds)).toEqual([
      ["Namespace", "Secret"],
      ["Secret"],
      ["CustomResourceDefinition", "CustomResourceDefinition"],
      ["ConfigMap", "Deployment", "Deployment", "Deployment", "StatefulSet"],
    ]);
    for (const e of applies) expect(e.args).toContain("--server-side");
    // kind got the generated config on stdin.
    expect(r.log[1]!.stdinKinds).toEqual(["Cluster"]);
  });

  it("installs the sealing key before anything of Argo CD (and so before the sealed-secrets controller), and never shows it", () => {
    const keyAt = r.log.findIndex((e) => e.stdinKinds.length === 1 && e.stdinKinds[0] === "Secret");
    const firstArgo = r.log.findIndex((e) => e.tool === "helm" || e.stdinKinds.includes("CustomResourceDefinition") || e.args.some((a) => a.endsWith("root.yaml")));
    expect(keyAt).toBeGreaterThan(0);
    expect(keyAt).toBeLessThan(firstArgo);
    const keyBody = keyPem.split("\n")[1]!;
    expect(r.stdout + r.stderr).not.toContain(keyBody);
    expect(readFileSync(join(world.dir, "log"), "utf8")).not.toContain(keyBody);
  });

  it("installs Argo CD with exactly its Application's chart, value files and inline values", () => {
    const helm = r.log.find((e) => e.tool === "helm")!;
    const fleet = loadCheckedFleet(root);
    const cluster = fleet.clusters.find((c) => c.name === "laptop")!;
    const plan = planCluster(fleet, cluster);
    const argocd = plan.instances.find((i) => i.id === "argo-cd")!;
    const req = renderRequest(plan, argocd, root);
    if (req.source.type !== "helm-local") throw new Error("argo-cd is a local chart");
    const files = Object.entries(helm.helmFiles!);
    const inline = files.find(([f]) => f.endsWith("argocd-inline-values.yaml"))!;
    const valueFiles = files.filter(([f]) => f !== inline[0]);
    // The same as renderRequest (what `berth render` renders) …
    expect(valueFiles.map(([f]) => resolve(root, f))).toEqual(req.source.valueFiles);
    expect(parse(inline[1], { version: "1.1" })).toEqual(req.source.values);
    for (const [f, content] of valueFiles) expect(content).toBe(readFileSync(join(root, f), "utf8"));
    // … and the same as the committed Application Argo CD will manage itself with (a local
    // chart: one source, its value files relative to the chart folder).
    const app = parse(generatedDocument(readFileSync(join(root, "clusters/laptop/argocd/platform.yaml"), "utf8"), "Application", "argo-cd")) as {
      spec: { source: { path: string; helm?: { releaseName: string; valueFiles: string[]; valuesObject: unknown } } };
    };
    const chart = app.spec.source;
    expect(parse(inline[1], { version: "1.1" })).toEqual(chart.helm!.valuesObject);
    expect(valueFiles.map(([f]) => relative(join(root, chart.path), join(root, f)))).toEqual(chart.helm!.valueFiles);
    const args = helm.args;
    expect(args.slice(args.indexOf("--") + 1)).toEqual([chart.helm!.releaseName, chart.path]);
    expect(args).not.toContain("--repo");
    expect(args[args.indexOf("--namespace") + 1]).toBe("argocd");
    // The inline values file was private to the run and is gone.
    expect(() => readFileSync(inline[0])).toThrow();
  });

  it("prints live progress, one line per change", () => {
    expect(r.stdout).toContain("  created kind cluster laptop\n");
    expect(r.stdout).toContain("  root: not created → Synced/Progressing\n");
    expect(r.stdout).toContain("  root: Progressing → Healthy\n");
    expect(r.stdout).toContain("  wave 0 argo-cd: not created → Synced/Healthy\n");
    expect(r.stdout).toMatch(/all 48 Applications are Synced and Healthy \(10s\): Argo CD is reconciling cluster laptop\n$/);
  });

  it("re-running converges: the existing kind cluster is kept, every step applies again, nothing is deleted", async () => {
    const first = commandLines(r.log, world);
    world.clearLog();
    const again = await bootstrap(world, root, { cluster: "laptop", key: keyFile });
    expect(again.code, again.stderr).toBe(0);
    const lines = commandLines(again.log, world);
    expect(lines).toEqual(first.filter((l) => !l.startsWith("kind create")).slice(0, -2));
    expect(again.stdout).toContain("kind cluster laptop exists: kept as it is");
    for (const l of [...first, ...lines]) expect(l).not.toMatch(/\b(delete|create namespace|replace|uninstall|drain)\b/);
  });
});
