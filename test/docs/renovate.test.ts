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

const config = JSON.parse(readFileSync(join(REPO_ROOT, "renovate.json"), "utf8")) as { customManagers: Manager[] };

/** `/regex/` as Renovate writes managerFilePatterns. */
const filePattern = (p: string) => new RegExp(p.slice(1, -1));
/** The `{{{group}}}` templates of the preset, filled in from the match. */
const fill = (template: string, groups: Record<string, string>) => template.replace(/\{\{\{(\w+)\}\}\}/g, (_, k: string) => groups[k] ?? "");

/** What Renovate's regex manager extracts from one file, the preset's patterns applied as Renovate applies them. */
function extract(path: string, content: string): Dependency[] {
  const out: Dependency[] = [];
  for (const m of config.customManagers) {
    if (!m.managerFilePatterns.some((p) => filePattern(p).test(path))) continue;
    for (const s of m.matchStrings) {
      for (const match of content.matchAll(new RegExp(s, "g"))) {
        const g = match.groups as Record<string, string>;
        const dep: Dependency = { datasource: m.datasourceTemplate, depName: g.depName!, packageName: m.packageNameTemplate ? fill(m.packageNameTemplate, g) : g.depName!, currentValue: g.currentValue! };
        if (m.datasourceTemplate === "helm") dep.registryUrl = g.registryUrl;
        out.push(dep);
      }
    }
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

  it("leaves files outside apps/<name>/app.yaml alone", () => {
    const content = "source:\n  type: helm\n  repo: https://charts.example.com\n  chart: x\n  version: 1.0.0\n";
    expect(extract("clusters/dev/cluster.yaml", content)).toEqual([]);
    expect(extract("apps/x/values.yaml", content)).toEqual([]);
  });
});
