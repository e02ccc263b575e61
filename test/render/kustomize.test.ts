import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderApp, type RenderRequest } from "../../generator/render/render.js";
import type { Tools } from "../../generator/exec/tools.js";
import { bundledTools, docs, findDoc, removeDir, tempDir, writeFiles } from "./helpers.js";

let dir: string;
let tools: Tools;

beforeAll(async () => {
  tools = await bundledTools();
  dir = tempDir("kustomize");
  writeFiles(dir, {
    "base/kustomization.yaml": "resources:\n  - deployment.yaml\n  - service.yaml\n",
    "base/deployment.yaml": [
      "apiVersion: apps/v1",
      "kind: Deployment",
      "metadata: {name: api}",
      "spec:",
      "  replicas: 1",
      "  selector: {matchLabels: {app: api}}",
      "  template:",
      "    metadata: {labels: {app: api}}",
      "    spec: {containers: [{name: api, image: example/api:1.0}]}",
      "",
    ].join("\n"),
    "base/service.yaml": "apiVersion: v1\nkind: Service\nmetadata: {name: api}\nspec: {selector: {app: api}, ports: [{port: 80}]}\n",
    "overlays/prod/kustomization.yaml": [
      "namespace: prod",
      "namePrefix: prod-",
      "resources: [../../base]",
      "images: [{name: example/api, newTag: '2.0'}]",
      "patches:",
      "  - target: {kind: Deployment, name: api}",
      "    patch: '[{\"op\": \"replace\", \"path\": \"/spec/replicas\", \"value\": 3}]'",
      "configMapGenerator: [{name: settings, literals: [mode=prod]}]",
      "",
    ].join("\n"),
    "broken/kustomization.yaml": "resources:\n  - missing.yaml\n",
  });
});

afterAll(() => removeDir(dir));

function request(kdir: string): RenderRequest {
  return { app: "api", namespace: "prod", kubeVersion: "1.30.0", apiVersions: [], source: { type: "kustomize", dir: kdir } };
}

describe("kustomize", () => {
  it("renders a base + overlay", async () => {
    const r = await renderApp(request(join(dir, "overlays/prod")), tools);
    expect(r).toMatchObject({ ok: true, app: "api" });
    if (!r.ok) return;
    const all = docs(r.manifests);
    expect(all.map((d) => `${d.kind}/${d.metadata.namespace}/${d.metadata.name}`).sort()).toEqual([
      expect.stringMatching(/^ConfigMap\/prod\/prod-settings-[a-z0-9]+$/),
      "Deployment/prod/prod-api",
      "Service/prod/prod-api",
    ]);
    const dep = findDoc(r.manifests, "Deployment", "prod-api");
    expect(dep?.spec.replicas).toBe(3);
    expect(dep?.spec.template.spec.containers[0].image).toBe("example/api:2.0");
  });

  it("a broken kustomization is ok:false with kustomize's reason", async () => {
    const r = await renderApp(request(join(dir, "broken")), tools);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toContain(join(dir, "broken"));
    expect(r.error).toContain("missing.yaml");
    expect(r.error).not.toContain("\n");

    const none = await renderApp(request(join(dir, "nope")), tools);
    expect(none).toMatchObject({ ok: false, error: expect.stringContaining("directory not found") });
  });
});
