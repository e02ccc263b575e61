import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadFleet } from "../../generator/read/load-fleet.js";
import { appFileContent } from "../../generator/scaffold/app-file.js";
import { exampleFleetRoot, REPO_ROOT } from "../helpers/example-fleet.js";

interface Manager {
  customType: string;
  managerFilePatterns: string[];
  matchStrings: string[];
  matchStringsStrategy?: string;
  datasourceTemplate: string;
  packageNameTemplate?: string;
}
interface Dependency {
  datasource: string;
  depName: string;
  packageName: string;
  registryUrl?: string;
  currentValue: string;
}

const config = JSON.parse(readFileSync(join(REPO_ROOT, "renovate.json"), "utf8")) as { customManagers: Manager[]; "helm-values": { managerFilePatterns: string[] } };

/** `/regex/` as Renovate writes managerFilePatterns. */
const filePattern = (p: string) => new RegExp(p.slice(1, -1));
/** The preset's templates, filled in from the match: `{{{group}}}` and `{{#if group}}…{{else}}…{{/if}}`, the Handlebars Renovate uses. */
const fill = (template: string, groups: Record<string, string | undefined>) =>
  template
    .replace(/\{\{#if (\w+)\}\}(.*?)\{\{else\}\}(.*?)\{\{\/if\}\}/g, (_, k: string, yes: string, no: string) => (groups[k] ? yes : no))
    .replace(/\{\{\{(\w+)\}\}\}/g, (_, k: string) => groups[k] ?? "");

/** A URL Renovate's datasources accept as registryUrl. */
const isUrl = (s: string) => {
  try {
    return ["http:", "https:"].includes(new URL(s).protocol);
  } catch {
    return false;
  }
};

/**
 * What Renovate's regex manager extracts from one file, the preset applied as Renovate applies it:
 * with the "combination" strategy every matchString is matched on its own (without the m flag),
 * later groups overwrite earlier ones, and one dependency comes of the file when it has a depName
 * and a currentValue.
 */
function extract(path: string, content: string): Dependency[] {
  const out: Dependency[] = [];
  for (const m of config.customManagers) {
    if (!m.managerFilePatterns.some((p) => filePattern(p).test(path))) continue;
    expect(m.matchStringsStrategy).toBe("combination");
    const g: Record<string, string | undefined> = {};
    for (const s of m.matchStrings) for (const match of content.matchAll(new RegExp(s, "g"))) Object.assign(g, Object.fromEntries(Object.entries(match.groups ?? {}).filter(([, v]) => v !== undefined)));
    if (!g.depName || !g.currentValue) continue;
    const datasource = fill(m.datasourceTemplate, g);
    const dep: Dependency = { datasource, depName: g.depName, packageName: m.packageNameTemplate ? fill(m.packageNameTemplate, g) : g.depName, currentValue: g.currentValue };
    if (g.registryUrl !== undefined) {
      expect(isUrl(g.registryUrl), `registryUrl ${g.registryUrl}`).toBe(true);
      dep.registryUrl = g.registryUrl;
    }
    out.push(dep);
  }
  return out;
}

/** What berth deploys for a helm source, in Renovate's terms. */
function expected(source: { repo: string; chart: string; version: string }): Dependency {
  return source.repo.startsWith("oci://")
    ? { datasource: "docker", depName: source.chart, packageName: `${source.repo.slice("oci://".length).replace(/\/$/, "")}/${source.chart}`, currentValue: source.version }
    : { datasource: "helm", depName: source.chart, packageName: source.chart, registryUrl: source.repo, currentValue: source.version };
}

describe("the Renovate preset (renovate.json)", () => {
  const root = exampleFleetRoot();
  const loaded = loadFleet(root);
  if (!loaded.ok) throw new Error("the example fleet does not load");
  const apps = [...loaded.value.apps.values()];

  it("finds every helm app of the example fleet once, with its chart, registry and version; nothing else", () => {
    const helm = apps.filter((a) => a.spec.source.type === "helm");
    expect(helm.some((a) => a.spec.source.type === "helm" && a.spec.source.repo.startsWith("oci://"))).toBe(true);
    expect(helm.some((a) => a.spec.source.type === "helm" && a.spec.source.repo.startsWith("https://"))).toBe(true);
    for (const app of apps) {
      const path = `apps/${app.name}/app.yaml`;
      const found = extract(path, readFileSync(join(root, path), "utf8"));
      const src = app.spec.source;
      expect(found, path).toEqual(src.type === "helm" ? [expected(src)] : []);
    }
  });

  it("finds the helm apps berth new app and berth import helmfile write", () => {
    const oci = { type: "helm" as const, repo: "oci://registry-1.docker.io/bitnamicharts", chart: "postgresql", version: "16.4.5" };
    const https = { type: "helm" as const, repo: "https://prometheus-community.github.io/helm-charts", chart: "kube-prometheus-stack", version: "69.8.2" };
    for (const source of [oci, https]) {
      const content = appFileContent({ description: "Imported from k8s/helmfile.yaml:3.", layer: "infra", namespace: "data", releaseName: "db", source });
      expect(extract("apps/db/app.yaml", content)).toEqual([expected(source)]);
    }
  });

  it("matches the fields in any order, in block and flow style, with quotes and comments", () => {
    const https = { repo: "https://charts.example.com/stable", chart: "web", version: "1.2.3" };
    const oci = { repo: "oci://ghcr.io/acme/charts", chart: "api", version: "0.4.0" };
    const orders = [["type", "repo", "chart", "version"], ["version", "chart", "repo", "type"], ["chart", "type", "version", "repo"], ["repo", "version", "type", "chart"]];
    for (const source of [https, oci]) {
      const fields: Record<string, string> = { type: "helm", ...source };
      for (const order of orders) {
        const block = `layer: apps\nnamespace: web\nsource:\n${order.map((k) => `  ${k}: ${k === "version" ? `"${fields[k]}"` : fields[k]}   # ${k}`).join("\n")}\n`;
        const flow = `layer: apps\nnamespace: web\nsource: { ${order.map((k) => `${k}: ${fields[k]}`).join(", ")} }\n`;
        for (const content of [block, flow]) expect(extract("apps/web/app.yaml", content), content).toEqual([expected(source)]);
      }
    }
  });

  it("reads images in every values file berth layers, not only values.yaml (Renovate's helm-values default)", () => {
    const patterns = config["helm-values"].managerFilePatterns.map(filePattern);
    for (const f of ["apps/web/values.yaml", "apps/web/values-cloud.yaml", "apps/web/values-prod.yaml", "clusters/pi/values/web.yaml"]) expect(patterns.some((p) => p.test(f)), f).toBe(true);
    for (const f of ["apps/web/app.yaml", "clusters/pi/cluster.yaml", "apps/web/chart/templates/deployment.yaml"]) expect(patterns.some((p) => p.test(f)), f).toBe(false);
  });

  it("leaves files outside apps/<name>/app.yaml alone", () => {
    const content = "source:\n  type: helm\n  repo: https://charts.example.com\n  chart: x\n  version: 1.0.0\n";
    expect(extract("clusters/dev/cluster.yaml", content)).toEqual([]);
    expect(extract("apps/x/values.yaml", content)).toEqual([]);
  });
});
