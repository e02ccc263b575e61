import { cpSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { helmTemplateArgs } from "../../generator/render/helm.js";
import { renderApp, type RenderRequest, type RenderSource } from "../../generator/render/render.js";
import type { Tools } from "../../generator/exec/tools.js";
import { writeDemoChart } from "./fixtures.js";
import { bundledTools, findDoc, recordingHelm, removeDir, tempDir, writeFiles } from "./helpers.js";

let dir: string;
let chartDir: string;
let tools: Tools;
let privateTmp: string;
const savedTmp = process.env.TMPDIR;

beforeAll(async () => {
  tools = await bundledTools();
  dir = tempDir("helm-local");
  chartDir = join(dir, "chart");
  writeDemoChart(chartDir);
  writeFiles(dir, {
    "values/a.yaml": "color: green\nsize: medium\n",
    "values/b.yaml": "color: blue\n",
  });
  // This test file runs in its own process: a private TMPDIR lets it check that renders leave
  // nothing behind (the inline values file may hold secrets).
  privateTmp = join(dir, "tmp");
  mkdirSync(privateTmp);
  process.env.TMPDIR = privateTmp;
});

afterAll(() => {
  process.env.TMPDIR = savedTmp;
  removeDir(dir);
});

function request(over: Partial<Extract<RenderSource, { type: "helm-local" }>> = {}, req: Partial<RenderRequest> = {}): RenderRequest {
  return {
    app: "demo",
    namespace: "shop",
    kubeVersion: "1.30.2",
    apiVersions: [],
    source: { type: "helm-local", chartDir, releaseName: "web", valueFiles: [], values: {}, ...over },
    ...req,
  };
}

describe("helm-local", () => {
  it("passes kube version, namespace and release name to the templates, and includes CRDs", async () => {
    const r = await renderApp(request(), tools);
    expect(r).toMatchObject({ ok: true, app: "demo" });
    if (!r.ok) return;
    const cm = findDoc(r.manifests, "ConfigMap", "web-cfg");
    expect(cm?.metadata.namespace).toBe("shop");
    expect(cm?.data).toMatchObject({ kubeVersion: "v1.30.2", kubeMinor: "30", modern: "true", color: "red", size: "small" });
    expect(findDoc(r.manifests, "CustomResourceDefinition", "widgets.example.com")).toBeDefined();
    expect(findDoc(r.manifests, "ServiceMonitor")).toBeUndefined();

    const old = await renderApp(request({}, { kubeVersion: "1.28.0" }), tools);
    expect(old.ok && findDoc(old.manifests, "ConfigMap")?.data).toMatchObject({ kubeVersion: "v1.28.0", kubeMinor: "28" });
    expect(old.ok && findDoc(old.manifests, "ConfigMap")?.data.modern).toBeUndefined();
  });

  it("passes every api version to .Capabilities.APIVersions", async () => {
    const r = await renderApp(request({}, { apiVersions: ["example.com/v1", "monitoring.coreos.com/v1"] }), tools);
    expect(r.ok && findDoc(r.manifests, "ServiceMonitor", "web")).toBeDefined();
  });

  it("applies value files in order (later wins), then inline values over all of them", async () => {
    const files = [join(dir, "values/a.yaml"), join(dir, "values/b.yaml")];
    const r1 = await renderApp(request({ valueFiles: files }), tools);
    expect(r1.ok && findDoc(r1.manifests, "ConfigMap")?.data).toMatchObject({ color: "blue", size: "medium" });

    const reversed = await renderApp(request({ valueFiles: [...files].reverse() }), tools);
    expect(reversed.ok && findDoc(reversed.manifests, "ConfigMap")?.data).toMatchObject({ color: "green", size: "medium" });

    const rec = recordingHelm(tools, dir);
    const big = "x".repeat(3_000_000); // far over the OS limit for one command-line argument
    const r2 = await renderApp(request({ valueFiles: files, values: { size: "large", big } }), rec.tools);
    expect(r2.ok && findDoc(r2.manifests, "ConfigMap")?.data).toMatchObject({
      color: "blue",
      size: "large",
      bigLength: "3000000",
    });
    // Inline values travel in a private 0600 file in a 0700 directory, passed as the last -f,
    // and are gone afterwards.
    const log = rec.log();
    expect(log).toContain("inline-values mode 600 dir 700");
    const argv = log.find((l) => l.startsWith("template "))!;
    expect(argv).toMatch(/-f \S+\/values\/a\.yaml -f \S+\/values\/b\.yaml -f \S+\/inline-values\.yaml /);
    expect(argv).not.toContain("xxxx");
    expect(readdirSync(privateTmp)).toEqual([]);
  });

  it("runs helm dependency build only when charts/ lacks a dependency", async () => {
    const umbrella = join(dir, "umbrella");
    writeFiles(umbrella, {
      "Chart.yaml": [
        "apiVersion: v2",
        "name: umbrella",
        "version: 1.0.0",
        "dependencies:",
        "  - name: demo",
        "    version: 0.1.0",
        "    repository: file://../chart",
        "",
      ].join("\n"),
      "values.yaml": "demo:\n  color: purple\n",
    });
    const rec = recordingHelm(tools, umbrella);
    const r1 = await renderApp(request({ chartDir: umbrella }), rec.tools);
    expect(r1.ok && findDoc(r1.manifests, "ConfigMap")?.data.color).toBe("purple");
    // Built in a private copy: the chart folder is never written (issue 11, item 12).
    expect(readdirSync(umbrella).filter((n) => !n.startsWith("helm-")).sort()).toEqual(["Chart.yaml", "values.yaml"]);
    expect(rec.log().filter((l) => l.startsWith("dependency build"))).toHaveLength(1);

    // Vendored (unpacked) dependencies need no build.
    cpSync(chartDir, join(umbrella, "charts/demo"), { recursive: true });
    const r2 = await renderApp(request({ chartDir: umbrella }), rec.tools);
    expect(r2.ok && findDoc(r2.manifests, "ConfigMap")?.data.color).toBe("purple");
    expect(rec.log().filter((l) => l.startsWith("dependency build"))).toHaveLength(1);
  });

  it("checks vendored subcharts against Chart.yaml's version constraint, as helm dependency list does (helm template does not)", async () => {
    const umbrella = join(dir, "umbrella-pinned");
    const chartYaml = (constraint: string) => ["apiVersion: v2", "name: umbrella", "version: 1.0.0", "dependencies:", "  - name: demo", `    version: "${constraint}"`, "    repository: https://charts.example.com", ""].join("\n");
    writeFiles(umbrella, { "Chart.yaml": chartYaml("0.2.x"), "values.yaml": "demo:\n  color: purple\n" });
    cpSync(chartDir, join(umbrella, "charts/demo"), { recursive: true }); // demo 0.1.0
    const wrong = await renderApp(request({ chartDir: umbrella }), tools);
    expect(wrong).toMatchObject({ ok: false, error: expect.stringContaining("dependency demo in Chart.yaml asks for version 0.2.x, but charts/ holds demo 0.1.0 (helm dependency list: wrong version)") });
    for (const fits of ["0.1.x", "~0.1.0", "^0.1", ">=0.1.0, <0.2.0", "0.0.1 - 0.1.5", "1.x || 0.1.0"]) {
      writeFiles(umbrella, { "Chart.yaml": chartYaml(fits) });
      const r = await renderApp(request({ chartDir: umbrella }), tools);
      expect(r.ok, `${fits}: ${!r.ok && r.error}`).toBe(true);
    }
  });

  it("returns ok:false, never throws, for template errors and missing charts", async () => {
    const broken = join(dir, "broken");
    writeFiles(broken, {
      "Chart.yaml": "apiVersion: v2\nname: broken\nversion: 0.1.0\n",
      "templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Values.missing.name }}\n",
    });
    const r = await renderApp(request({ chartDir: broken }), tools);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.app).toBe("demo");
    expect(r.error).toContain("templates/cm.yaml");
    expect(r.error).toContain("nil pointer");
    expect(r.error).not.toContain("\n");
    expect(r.error).not.toContain("--debug");

    const missing = await renderApp(request({ chartDir: join(dir, "nope") }), tools);
    expect(missing).toMatchObject({ ok: false, error: expect.stringContaining("no Chart.yaml") });

    const badFile = await renderApp(request({ valueFiles: [join(dir, "values/none.yaml")] }), tools);
    expect(badFile).toMatchObject({ ok: false, error: expect.stringContaining("value file") });

    const relative = await renderApp(request({ chartDir: "chart" }), tools);
    expect(relative).toMatchObject({ ok: false, error: expect.stringContaining("not absolute") });
  });

  it("builds argv without a shell: flags first, positionals after --", () => {
    const args = helmTemplateArgs(
      {
        chart: { kind: "local", dir: "/c" },
        releaseName: "r",
        namespace: "n",
        kubeVersion: "1.30.0",
        apiVersions: ["a/v1", "b/v1/Kind"],
        valueFiles: ["/v1.yaml", "/v2.yaml"],
        values: {},
      },
      "/tmp/x/inline-values.yaml",
    );
    expect(args).toEqual([
      "template", "--namespace", "n", "--kube-version", "1.30.0", "--include-crds",
      "--api-versions", "a/v1", "--api-versions", "b/v1/Kind",
      "-f", "/v1.yaml", "-f", "/v2.yaml", "-f", "/tmp/x/inline-values.yaml",
      "--", "r", "/c",
    ]);
  });
});
