import { afterAll, describe, expect, it } from "vitest";
import { berth, readTree, removeRepo, writeTree } from "../helpers/repo.js";
import { importRepo } from "./helpers.js";

/** issue 25, item 14: helmfile settings are honoured or listed as left behind; a Go-templated helmfile gets one message. */
const repos: string[] = [];
afterAll(() => repos.forEach(removeRepo));

async function importing(files: Record<string, string>, file: string, args: string[] = []) {
  const root = importRepo();
  repos.push(root);
  writeTree(root, files);
  const before = readTree(root);
  const run = await berth(root, "import", "helmfile", file, "--cluster", "pi", ...args);
  return { run, root, before };
}

const repositories = "repositories:\n  - name: bitnami\n    url: https://charts.bitnami.com/bitnami\n";

describe("berth import helmfile: helmDefaults and missingFileHandler", () => {
  it("lists helmDefaults (naming its keys and which change the render) and a top-level missingFileHandler as left behind", async () => {
    const helmfile = `helmDefaults:\n  wait: true\n  timeout: 600\n  args: [--set, replicaCount=2]\nmissingFileHandler: Warn\n${repositories}releases:\n  - name: web\n    namespace: web\n    chart: bitnami/nginx\n    version: 18.3.1\n`;
    const { run } = await importing({ "legacy/h.yaml": helmfile }, "legacy/h.yaml");
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("legacy/h.yaml:1:1: `helmDefaults:` is not imported (wait, timeout, args)\n");
    expect(run.stdout).toContain("fix: args change what helm renders: carry them over by hand (values into each app's values.yaml, a post-renderer as a kustomize wrapper); wait, timeout steer `helm upgrade`, which Argo CD's sync replaces: nothing to carry over");
    expect(run.stdout).toContain("legacy/h.yaml:5:1: `missingFileHandler:` is not imported\n");
    expect(run.stdout).toContain("only decides whether a missing nested helmfile (helmfiles:) fails");
  });

  it("honours a release's missingFileHandler: Warn (the missing values file is skipped and listed) and an environment's", async () => {
    const helmfile = `environments:\n  prod:\n    missingFileHandler: Info\n    values: [env/prod.yaml]\n${repositories}releases:\n  - name: web\n    namespace: web\n    chart: bitnami/nginx\n    version: 18.3.1\n    missingFileHandler: Warn\n    values:\n      - values/web.yaml\n      - values/web-extra.yaml\n`;
    const { run, root } = await importing({ "legacy/h.yaml": helmfile, "legacy/values/web.yaml": "replicaCount: 2\n" }, "legacy/h.yaml", ["--environment", "prod"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("legacy/h.yaml:16:9: values file legacy/values/web-extra.yaml of release web does not exist: skipped, as helmfile does with `missingFileHandler: Warn` (line 13)");
    expect(run.stdout).toContain("legacy/env/prod.yaml:1:1: environment values file does not exist: skipped, as helmfile does with `missingFileHandler: Info`");
    expect(readTree(root)["apps/web/values.yaml"]).toContain("replicaCount: 2");
  });

  it("without it (helmfile's default, Error), a missing values file still fails the import, saying how helmfile would skip it", async () => {
    const helmfile = `${repositories}releases:\n  - name: web\n    namespace: web\n    chart: bitnami/nginx\n    version: 18.3.1\n    missingFileHandler: Error\n    values: [values/none.yaml]\n`;
    const { run, root, before } = await importing({ "legacy/h.yaml": helmfile }, "legacy/h.yaml");
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("legacy/h.yaml:10:14: values file legacy/values/none.yaml of release web does not exist");
    expect(run.stderr).toContain("unless the release says missingFileHandler: Warn");
    expect(readTree(root)).toEqual(before);
  });
});

describe("berth import helmfile: a Go-templated helmfile", () => {
  it("gives one message that it is a Go template, with the helmfile build hint, not a YAML syntax error per line", async () => {
    const gotmpl = [
      "{{- $apps := .Values.apps }}",
      "repositories:",
      "{{- range $name, $url := .Values.repositories }}",
      "  - name: {{ $name }}",
      "    url: {{ $url }}",
      "{{- end }}",
      "releases:",
      "{{- range $apps }}",
      "  - name: {{ .name }}",
      "    namespace: {{ .namespace | default \"apps\" }}",
      "    chart: {{ .chart }}",
      "    version: {{ .version }}",
      "    {{- if .values }}",
      "    values:",
      "      {{- toYaml .values | nindent 6 }}",
      "    {{- end }}",
      "{{- end }}",
      "",
    ].join("\n");
    const { run, root, before } = await importing({ "legacy/helmfile.yaml.gotmpl": gotmpl }, "legacy/helmfile.yaml.gotmpl");
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr.match(/^legacy\/helmfile\.yaml\.gotmpl:\d+:\d+: /gm)).toHaveLength(1);
    expect(run.stderr).toMatch(/^legacy\/helmfile\.yaml\.gotmpl:1:1: is a Go template \(helmfile renders it before reading the YAML\), and berth does not run Go templates: without them the file is not YAML \(first error at line \d+: /m);
    expect(run.stderr).toContain("  fix: render it with helmfile first, next to it so relative paths still hold, and import the result: helmfile -f legacy/helmfile.yaml.gotmpl -e ENV build > legacy/rendered.yaml, then berth import helmfile legacy/rendered.yaml\n");
    expect(run.stderr).not.toContain("YAML syntax error");
    expect(run.stderr).toContain("berth: 1 problem found");
    expect(readTree(root)).toEqual(before);
  });

  it("a YAML mistake in a helmfile without template actions is still reported as YAML, by line", async () => {
    const { run } = await importing({ "legacy/h.yaml": "releases:\n  - name: a\n   namespace: x\n" }, "legacy/h.yaml");
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/legacy\/h\.yaml:3:\d+: YAML syntax error/);
    expect(run.stderr).not.toContain("Go template");
  });
});
