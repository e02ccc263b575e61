import { mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { helmTemplateArgs, remoteChart, type HelmTemplateOptions } from "../../generator/render/helm.js";
import { renderApp, type RenderRequest, type RenderSource } from "../../generator/render/render.js";
import type { Tools } from "../../generator/exec/tools.js";
import { startChartRepoServer, type ChartRepoServer } from "./chart-repo-server.js";
import { findRegistryBinary, startOciRegistry, type OciRegistry } from "./oci-registry.js";
import { writeDemoChart } from "./fixtures.js";
import { bundledTools, findDoc, helmCli, recordingHelm, removeDir, tempDir, writeFiles } from "./helpers.js";

let dir: string;
let tools: Tools;
let server: ChartRepoServer;

beforeAll(async () => {
  tools = await bundledTools();
  dir = tempDir("helm-remote");
  const repo = join(dir, "repo");
  mkdirSync(repo);
  for (const version of ["0.1.0", "0.2.0"]) {
    const src = join(dir, `src-${version}`);
    writeDemoChart(src, { version });
    await helmCli(tools, ["package", src, "-d", repo], dir);
  }
  await helmCli(tools, ["repo", "index", repo], dir);
  server = await startChartRepoServer(repo);
});

afterAll(async () => {
  await server?.close();
  removeDir(dir);
});

function request(over: Partial<Extract<RenderSource, { type: "helm-remote" }>> = {}): RenderRequest {
  return {
    app: "remote-demo",
    namespace: "shop",
    kubeVersion: "1.31.0",
    apiVersions: ["monitoring.coreos.com/v1"],
    source: {
      type: "helm-remote",
      repo: server.url,
      chart: "demo",
      version: "0.2.0",
      releaseName: "web",
      valueFiles: [],
      values: {},
      ...over,
    },
  };
}

describe("helm-remote over a loopback chart repository", () => {
  it("renders the requested version with values", async () => {
    writeFiles(dir, { "v.yaml": "color: teal\n" });
    const r = await renderApp(request({ valueFiles: [join(dir, "v.yaml")], values: { size: "xl" } }), tools);
    expect(r).toMatchObject({ ok: true, app: "remote-demo" });
    if (!r.ok) return;
    expect(findDoc(r.manifests, "ConfigMap", "web-cfg")?.data).toMatchObject({
      chartVersion: "0.2.0",
      kubeVersion: "v1.31.0",
      color: "teal",
      size: "xl",
    });
    expect(findDoc(r.manifests, "ServiceMonitor", "web")).toBeDefined();
    expect(server.requests).toContain("/index.yaml");
    expect(server.requests).toContain("/demo-0.2.0.tgz");

    const older = await renderApp(request({ version: "0.1.0" }), tools);
    expect(older.ok && findDoc(older.manifests, "ConfigMap")?.data.chartVersion).toBe("0.1.0");
  });

  it("a wrong version or chart is ok:false naming chart and version", async () => {
    const r = await renderApp(request({ version: "9.9.9" }), tools);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toContain('chart "demo" version "9.9.9" not found');
    expect(r.error).not.toContain("\n");

    const other = await renderApp(request({ chart: "nothere", version: "1.0.0" }), tools);
    expect(other).toMatchObject({ ok: false, error: expect.stringContaining('"nothere"') });
  });

  it("an unreachable repository is ok:false, with credentials scrubbed from the message", async () => {
    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    const repo = "http://bob:s3cret@127.0.0.1:1/charts?token=abc123&x=1";
    const r = await renderApp(request({ repo }), tools);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toMatch(/connection refused|cannot be reached/);
    expect(r.error).toContain("http://***@127.0.0.1:1/charts?token=***&x=1");
    expect(r.error).not.toMatch(/s3cret|abc123|bob/);
  });

  it("builds missing dependencies of a local chart from an HTTP repo, also with a Chart.lock", async () => {
    const umbrella = join(dir, "umbrella");
    writeFiles(umbrella, {
      "Chart.yaml": [
        "apiVersion: v2",
        "name: umbrella",
        "version: 1.0.0",
        "dependencies:",
        "  - name: demo",
        '    version: "~0.1.0"',
        `    repository: ${server.url}`,
        "",
      ].join("\n"),
    });
    const source = { type: "helm-local" as const, chartDir: umbrella, releaseName: "u", valueFiles: [], values: {} };
    const req: RenderRequest = { ...request(), source };
    const first = await renderApp(req, tools);
    expect(first.ok && findDoc(first.manifests, "ConfigMap")?.data.chartVersion).toBe("0.1.0");
    // Built in a private copy: the chart folder is never written.
    expect(readdirSync(umbrella).sort()).toEqual(["Chart.yaml"]);

    // With Chart.lock present, `helm dependency build` insists on a `helm repo add`ed repository.
    await helmCli(tools, ["dependency", "update", umbrella], umbrella);
    rmSync(join(umbrella, "charts"), { recursive: true });
    const rec = recordingHelm(tools, dir);
    const second = await renderApp(req, rec.tools);
    expect(second.ok).toBe(true);
    expect(rec.log().map((l) => l.split(" -- ")[0])).toEqual([
      "repo add --force-update",
      "dependency build",
      expect.stringMatching(/^template /),
    ]);
    expect(readdirSync(umbrella).sort()).toEqual(["Chart.lock", "Chart.yaml"]);
  });
});

describe("OCI charts", () => {
  const base: Omit<HelmTemplateOptions, "chart"> = {
    releaseName: "r",
    namespace: "n",
    kubeVersion: "1.30.0",
    apiVersions: [],
    valueFiles: [],
    values: {},
  };

  it("uses oci:// refs with --version, and --plain-http only for loopback registries", () => {
    const local = helmTemplateArgs({ ...base, chart: remoteChart("oci://127.0.0.1:5000/charts/", "demo", "1.2.3") });
    expect(local.slice(-6)).toEqual(["--version", "1.2.3", "--plain-http", "--", "r", "oci://127.0.0.1:5000/charts/demo"]);
    const localhost = helmTemplateArgs({ ...base, chart: remoteChart("oci://localhost:5000/c", "demo", "1.0.0") });
    expect(localhost).toContain("--plain-http");

    const remote = helmTemplateArgs({ ...base, chart: remoteChart("oci://ghcr.io/org/charts", "demo", "1.2.3") });
    expect(remote).not.toContain("--plain-http");
    expect(remote.at(-1)).toBe("oci://ghcr.io/org/charts/demo");
    // A host that merely starts with a loopback name is not loopback.
    const tricky = helmTemplateArgs({ ...base, chart: remoteChart("oci://localhost.evil.example/c", "demo", "1.0.0") });
    expect(tricky).not.toContain("--plain-http");
  });

  it("treats a scheme-less repo as OCI (Argo CD's spelling) and https:// as a classic repo", () => {
    expect(remoteChart("ghcr.io/org/charts", "demo", "1.0.0")).toEqual({
      kind: "oci",
      ref: "oci://ghcr.io/org/charts/demo",
      version: "1.0.0",
    });
    expect(remoteChart("https://charts.example.com", "demo", "1.0.0")).toEqual({
      kind: "repo",
      repo: "https://charts.example.com",
      chart: "demo",
      version: "1.0.0",
    });
  });
});

// Needs a real OCI registry: Debian's `docker-registry` package. Skipped where it is not installed.
const registryBinary = findRegistryBinary();

describe.skipIf(!registryBinary)("helm-remote from a loopback OCI registry", () => {
  let ociDir: string;
  let registry: OciRegistry;

  beforeAll(async () => {
    ociDir = tempDir("helm-oci");
    registry = await startOciRegistry(registryBinary!, ociDir);
    const src = join(ociDir, "src");
    const pkg = join(ociDir, "pkg");
    mkdirSync(pkg);
    writeDemoChart(src, { version: "0.3.0" });
    await helmCli(tools, ["package", src, "-d", pkg], ociDir);
    await helmCli(tools, ["push", join(pkg, "demo-0.3.0.tgz"), `oci://${registry.host}/charts`, "--plain-http"], ociDir);
  });

  afterAll(async () => {
    await registry?.close();
    removeDir(ociDir);
  });

  function ociRequest(repo: string, version: string): RenderRequest {
    return {
      app: "oci-demo",
      namespace: "shop",
      kubeVersion: "1.30.0",
      apiVersions: [],
      source: { type: "helm-remote", repo, chart: "demo", version, releaseName: "web", valueFiles: [], values: { color: "oci" } },
    };
  }

  it("renders oci://127.0.0.1:PORT/charts/demo (plain HTTP on loopback)", async () => {
    const r = await renderApp(ociRequest(`oci://${registry.host}/charts`, "0.3.0"), tools);
    expect(r.ok && findDoc(r.manifests, "ConfigMap", "web-cfg")?.data).toMatchObject({ chartVersion: "0.3.0", color: "oci" });
    // helm 4 reports the pull ("Pulled: …", "Digest: …") on stdout, before the manifests: not part of the render.
    const docs = r.ok ? parseAllDocuments(r.manifests).map((d) => d.toJS()).filter((o) => o !== null) : [];
    expect(docs.length).toBeGreaterThan(0);
    expect(docs.filter((o) => typeof o !== "object" || !o.apiVersion)).toEqual([]);
  });

  it("a missing tag is ok:false naming the chart and version", async () => {
    const r = await renderApp(ociRequest(`oci://${registry.host}/charts`, "9.9.9"), tools);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toContain(`chart oci://${registry.host}/charts/demo version "9.9.9"`);
    // helm says only "not found"; the registry lists its tags, so the message names them.
    expect(!r.ok && r.error).toContain(`version 9.9.9 not found in oci://${registry.host}/charts/demo; the registry has 0.3.0`);
  });
});
