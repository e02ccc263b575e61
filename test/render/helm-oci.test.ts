import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderApp, type RenderRequest } from "../../generator/render/render.js";
import type { Tools } from "../../generator/render/tools.js";
import { writeDemoChart } from "./fixtures.js";
import { bundledTools, findDoc, helmCli, removeDir, tempDir } from "./helpers.js";
import { findRegistryBinary, startOciRegistry, type OciRegistry } from "./oci-registry.js";

// Needs a real OCI registry: Debian's `docker-registry` package. Skipped where it is not installed.
const registryBinary = findRegistryBinary();

describe.skipIf(!registryBinary)("helm-remote from a loopback OCI registry", () => {
  let dir: string;
  let tools: Tools;
  let registry: OciRegistry;

  beforeAll(async () => {
    tools = await bundledTools();
    dir = tempDir("helm-oci");
    registry = await startOciRegistry(registryBinary!, dir);
    const src = join(dir, "src");
    const pkg = join(dir, "pkg");
    mkdirSync(pkg);
    writeDemoChart(src, { version: "0.3.0" });
    await helmCli(tools, ["package", src, "-d", pkg], dir);
    await helmCli(tools, ["push", join(pkg, "demo-0.3.0.tgz"), `oci://${registry.host}/charts`, "--plain-http"], dir);
  });

  afterAll(async () => {
    await registry?.close();
    removeDir(dir);
  });

  function request(repo: string, version: string): RenderRequest {
    return {
      app: "oci-demo",
      namespace: "shop",
      kubeVersion: "1.30.0",
      apiVersions: [],
      source: { type: "helm-remote", repo, chart: "demo", version, releaseName: "web", valueFiles: [], values: { color: "oci" } },
    };
  }

  it("renders oci://127.0.0.1:PORT/charts/demo (plain HTTP on loopback)", async () => {
    const r = await renderApp(request(`oci://${registry.host}/charts`, "0.3.0"), tools);
    expect(r.ok && findDoc(r.manifests, "ConfigMap", "web-cfg")?.data).toMatchObject({ chartVersion: "0.3.0", color: "oci" });
  });

  it("a missing tag is ok:false naming the chart and version", async () => {
    const r = await renderApp(request(`oci://${registry.host}/charts`, "9.9.9"), tools);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toContain(`chart oci://${registry.host}/charts/demo version "9.9.9"`);
  });
});
