import { existsSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { berth, makeRepo, readTree, writeTree } from "../helpers/repo.js";

/**
 * `berth new app --path` on kustomize trees (issue 25, items 12 and 13): an overlay is copied with
 * what it references (found by reading its kustomization files), or refused naming what it needs;
 * a folder with kustomizations below its top is not taken for a folder of manifests.
 */
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A fleet whose only clusters' platform charts point where nothing listens (not rendered, not fetched). */
function fleet(): string {
  const root = makeRepo({
    "clusters/dev/cluster.yaml": "profile: kind\nrepo: { url: https://git.example.com/fleet.git, revision: main }\nkubernetes: { version: 1.31.4 }\ncapacity: { nodes: 1, cpu: \"4\", memory: 8Gi }\nenvironments: [prod]\ningress: { domain: dev.localhost }\napps: [argo-cd, sealed-secrets]\n",
    "apps/argo-cd/app.yaml": "layer: platform\nnamespace: argocd\nrole: argocd\nsource: { type: helm, repo: http://127.0.0.1:9/charts, chart: argo-cd, version: 8.5.0 }\n",
    "apps/sealed-secrets/app.yaml": "layer: platform\nnamespace: kube-system\nrole: sealed-secrets\nsource: { type: helm, repo: http://127.0.0.1:9/charts, chart: sealed-secrets, version: 2.17.3 }\n",
  });
  dirs.push(root);
  return root;
}

/** A service's deploy/ tree: a base, a component, two overlays, and files no overlay uses. */
function sourceTree(): string {
  const src = realpathSync(mkdtempSync(join(tmpdir(), "berth-kustomize-src-")));
  dirs.push(src);
  writeTree(src, {
    "deploy/base/kustomization.yaml": "resources: [configmap.yaml, service.yaml]\nconfigMapGenerator:\n  - name: props\n    files: [app.properties=config/app.properties]\n",
    "deploy/base/configmap.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: api }\ndata: { mode: base }\n",
    "deploy/base/service.yaml": "apiVersion: v1\nkind: Service\nmetadata: { name: api }\nspec: { selector: { app: api }, ports: [{ port: 80 }] }\n",
    "deploy/base/config/app.properties": "threads=4\n",
    "deploy/components/metrics/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources: [metrics.yaml]\npatches:\n  - path: port.yaml\n",
    "deploy/components/metrics/metrics.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: api-metrics }\ndata: { path: /metrics }\n",
    "deploy/components/metrics/port.yaml": "apiVersion: v1\nkind: Service\nmetadata: { name: api }\nspec: { ports: [{ port: 80 }, { name: metrics, port: 9090 }] }\n",
    "deploy/overlays/prod/kustomization.yaml": "resources: [../../base]\ncomponents: [../../components/metrics]\npatches:\n  - path: mode.yaml\nconfigMapGenerator:\n  - name: env\n    envs: [prod.env]\n",
    "deploy/overlays/prod/mode.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: api }\ndata: { mode: prod }\n",
    "deploy/overlays/prod/prod.env": "LOG_LEVEL=warn\n",
    "deploy/overlays/dev/kustomization.yaml": "resources: [../../base]\n",
    "deploy/README.md": "# how we deploy\n",
    "deploy/unused/big.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: unused }\n",
  });
  return src;
}

describe("berth new app --path on a kustomize overlay (issue 25, item 12)", () => {
  it("refuses an overlay whose bases lie outside --path, naming them and the --path/--overlay that copies them; writes nothing", async () => {
    const root = fleet();
    const src = sourceTree();
    const before = readTree(root);
    const run = await berth(root, "new", "app", "api", "--path", join(src, "deploy/overlays/prod/"));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${src}/deploy/overlays/prod/kustomization.yaml:1:1: references ${src}/deploy/base, ${src}/deploy/components/metrics, outside ${src}/deploy/overlays/prod: a copy of ${src}/deploy/overlays/prod alone would leave them behind and fail to render`);
    expect(run.stderr).toContain(`fix: copy the overlay with what it needs: berth new app api --path ${src}/deploy --overlay overlays/prod`);
    expect(readTree(root)).toEqual(before);
  });

  it("--path ROOT --overlay SUB copies the overlay with its base, component, patches and generator files, nothing else; validate --render passes with real kustomize", async () => {
    const root = fleet();
    const src = sourceTree();
    const run = await berth(root, "new", "app", "api", "--path", join(src, "deploy"), "--overlay", "overlays/prod", "--cluster", "dev");
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`copied the overlay overlays/prod of ${src}/deploy with the 10 files it needs (its kustomizations, bases, components, patches and generator files) into apps/api/kustomize/`);
    expect(parse(readTree(root)["apps/api/app.yaml"]!).source).toEqual({ type: "kustomize", path: "kustomize/overlays/prod" });
    expect(Object.keys(readTree(root)).filter((p) => p.startsWith("apps/api/kustomize/")).sort()).toEqual([
      "base/config/app.properties",
      "base/configmap.yaml",
      "base/kustomization.yaml",
      "base/service.yaml",
      "components/metrics/kustomization.yaml",
      "components/metrics/metrics.yaml",
      "components/metrics/port.yaml",
      "overlays/prod/kustomization.yaml",
      "overlays/prod/mode.yaml",
      "overlays/prod/prod.env",
    ].map((p) => `apps/api/kustomize/${p}`));
    expect((await berth(root, "generate")).code).toBe(0);
    const validate = await berth(root, "validate", "--render");
    expect(validate.stderr).not.toContain("apps/api");
    expect(validate.code, validate.stderr).toBe(0);
    const rendered = await berth(root, "render", "dev", "--app", "api");
    expect(rendered.code, rendered.stderr).toBe(0);
    expect(rendered.stdout).toContain("mode: prod");
    expect(rendered.stdout).toContain("name: api-metrics");
    expect(rendered.stdout).toContain("threads=4");
    expect(rendered.stdout).toContain("LOG_LEVEL: warn");
  });

  it("refuses --overlay outside --path, without a kustomization, or reaching outside --path; a missing reference and a symbolic link by name", async () => {
    const root = fleet();
    const src = sourceTree();
    writeTree(src, {
      "deploy/overlays/broken/kustomization.yaml": "resources: [../../base, missing.yaml]\n",
      "deploy/overlays/linked/kustomization.yaml": "resources: [cm.yaml]\n",
    });
    symlinkSync("/etc/hostname", join(src, "deploy/overlays/linked/cm.yaml"));
    const before = readTree(root);
    const up = await berth(root, "new", "app", "api", "--path", join(src, "deploy"), "--overlay", "../other");
    expect(up.code).toBe(2);
    expect(up.stderr).toContain(`--overlay ../other is not inside --path ${src}/deploy`);
    const none = await berth(root, "new", "app", "api", "--path", join(src, "deploy"), "--overlay", "unused");
    expect(none.code).toBe(1);
    expect(none.stderr).toContain(`${src}/deploy/unused:1:1: holds no kustomization.yaml: --overlay names the kustomize overlay to deploy`);
    const narrow = await berth(root, "new", "app", "api", "--path", join(src, "deploy/overlays"), "--overlay", "prod");
    expect(narrow.code).toBe(1);
    expect(narrow.stderr).toContain(`fix: copy the overlay with what it needs: berth new app api --path ${src}/deploy --overlay overlays/prod`);
    const broken = await berth(root, "new", "app", "api", "--path", join(src, "deploy"), "--overlay", "overlays/broken");
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain(`${src}/deploy/overlays/broken/kustomization.yaml:1:1: references missing.yaml, which does not exist`);
    const linked = await berth(root, "new", "app", "api", "--path", join(src, "deploy"), "--overlay", "overlays/linked");
    expect(linked.code).toBe(1);
    expect(linked.stderr).toContain(`${src}/deploy/overlays/linked/cm.yaml:1:1: is a symbolic link; berth copies only real files`);
    const noPath = await berth(root, "new", "app", "api", "--overlay", "overlays/prod");
    expect(noPath.code).toBe(2);
    expect(noPath.stderr).toContain("--overlay needs --path");
    expect(readTree(root)).toEqual(before);
  });

  it("still copies a self-contained kustomization folder whole, as before", async () => {
    const root = fleet();
    const src = sourceTree();
    const run = await berth(root, "new", "app", "base", "--path", join(src, "deploy/base"));
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(existsSync(join(root, "apps/base/kustomize/config/app.properties"))).toBe(true);
  });
});

describe("berth new app --path on a tree with kustomizations below its top (issue 25, item 13)", () => {
  it("refuses to take it for a folder of manifests and names the overlays to choose from", async () => {
    const root = fleet();
    const src = sourceTree();
    const before = readTree(root);
    const run = await berth(root, "new", "app", "api", "--path", join(src, "deploy"));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${src}/deploy:1:1: holds kustomizations below it (overlays/dev, overlays/prod and the bases they use) but none at its top; as a folder of manifests berth would apply all 13 files as they are`);
    expect(run.stderr).toContain(`fix: choose the overlay to deploy: berth new app api --path ${src}/deploy --overlay overlays/dev (or --overlay overlays/prod)`);
    expect(readTree(root)).toEqual(before);
  });

  it("a plain folder of manifests is still one", async () => {
    const root = fleet();
    const src = sourceTree();
    const run = await berth(root, "new", "app", "api", "--path", join(src, "deploy/unused"));
    expect(run.code, run.stderr).toBe(0);
    expect(parse(readTree(root)["apps/api/app.yaml"]!).source).toEqual({ type: "manifests", path: "manifests" });
  });
});

describe("what a kustomization references", () => {
  it("follows every field that names a file or folder; leaves inline patches and remote resources to kustomize", async () => {
    const { kustomizeClosure } = await import("../../generator/read/kustomize-tree.js");
    const { memoryReader } = await import("../../generator/read/read-folder.js");
    const tree: Record<string, string> = {
      "k/kustomization.yml": [
        "resources: [https://example.com/raw/cm.yaml, github.com/acme/deploy//base?ref=v1, ./local]",
        "patchesStrategicMerge: [smp.yaml, \"apiVersion: v1\\nkind: ConfigMap\\nmetadata: {name: x}\\n\"]",
        "patchesJson6902: [{ target: { kind: ConfigMap, name: x }, path: json.yaml }]",
        "patches: [{ patch: '[{\"op\": \"add\", \"path\": \"/data/a\", \"value\": \"1\"}]', target: { kind: ConfigMap } }]",
        "secretGenerator: [{ name: s, env: s.env, files: [tls.crt] }]",
        "crds: [crd.yaml]",
        "configurations: [names.yaml]",
        "replacements: [{ path: repl.yaml }]",
        "openapi: { path: schema.json }",
        "helmCharts: [{ name: x, valuesFile: values.yaml }]",
        "",
      ].join("\n"),
      "k/local/Kustomization": "resources: [a.yaml]\n",
      "k/local/a.yaml": "",
      ...Object.fromEntries(["smp.yaml", "json.yaml", "s.env", "tls.crt", "crd.yaml", "names.yaml", "repl.yaml", "schema.json", "values.yaml", "unused.yaml"].map((f) => [`k/${f}`, ""])),
    };
    const files = Object.entries(tree).map(([path, content]) => ({ path, content: Buffer.from(content), mode: 0o644 }));
    const closure = kustomizeClosure("/src/k", "/src", memoryReader("/src", files), (p) => p);
    expect(closure.problems).toEqual([]);
    expect(closure.outside).toEqual([]);
    expect(closure.files).toEqual(Object.keys(tree).filter((p) => p !== "k/unused.yaml").map((p) => `/src/${p}`).sort());
  });
});
