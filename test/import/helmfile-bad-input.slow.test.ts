import { mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { setEntryValues, valuesFileContent } from "../../generator/import/helmfile/values-out.js";
import { berth, readTree, removeRepo, writeTree } from "../helpers/repo.js";
import { importRepo } from "./helpers.js";

const repos: string[] = [];
afterAll(() => repos.forEach(removeRepo));

/** Imports `helmfile` (written to legacy/h.yaml with `extra` files) and checks that nothing was written. */
async function rejected(helmfile: string, args: string[] = [], extra: Record<string, string> = {}) {
  const root = importRepo();
  repos.push(root);
  writeTree(root, { "legacy/h.yaml": helmfile, ...extra });
  const before = readTree(root);
  const run = await berth(root, "import", "helmfile", "legacy/h.yaml", "--cluster", "pi", ...args);
  expect(readTree(root)).toEqual(before);
  return run;
}

const repos2 = "repositories:\n  - name: bitnami\n    url: https://charts.bitnami.com/bitnami\n";

describe("berth import helmfile rejects what would make a wrong fleet, writing nothing", () => {
  it("a release without a pinned version, by file:line", async () => {
    const run = await rejected(`${repos2}releases:\n  - name: db\n    namespace: data\n    chart: bitnami/postgresql\n  - name: cache\n    namespace: data\n    chart: bitnami/valkey\n    version: ~2.4.0\n`);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("legacy/h.yaml:5:5: release db has no pinned chart version");
    expect(run.stderr).toContain('legacy/h.yaml:11:14: release cache: version "~2.4.0" is not an exact chart version');
    expect(run.stderr).toContain("fix: pin the version");
    expect(run.stderr).toContain("nothing was written");
  });

  it("a release whose name is already an app, unless --prefix is given", async () => {
    const helmfile = `${repos2}releases:\n  - name: argo-cd\n    namespace: tools\n    chart: bitnami/nginx\n    version: 18.3.1\n`;
    const run = await rejected(helmfile);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("legacy/h.yaml:5:11: release argo-cd would become apps/argo-cd/, which already exists");
    expect(run.stderr).toContain("--prefix");
    const root = importRepo();
    repos.push(root);
    writeTree(root, { "legacy/h.yaml": helmfile });
    const ok = await berth(root, "import", "helmfile", "legacy/h.yaml", "--cluster", "pi", "--prefix", "old-");
    expect(ok.code).toBe(0);
    expect(readTree(root)["apps/old-argo-cd/app.yaml"]).toContain("releaseName: argo-cd\n");
  });

  it("an environment the helmfile does not define, naming the ones it does", async () => {
    const run = await rejected(`environments:\n  staging: {}\n  prod: {}\nreleases: []\n`, ["--environment", "dev"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('legacy/h.yaml:1:1: has no environment "dev" (it has staging, prod)');
  });

  it("an unknown cluster", async () => {
    const run = await rejected(`releases: []\n`, ["--cluster", "nope"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--cluster no cluster named "nope"');
    expect(run.stderr).toContain("berth new cluster nope");
  });

  it("a chart from a repository the helmfile does not list, a missing values file, a local chart without Chart.yaml", async () => {
    const run = await rejected(
      `releases:\n  - name: a\n    namespace: x\n    chart: stable/nginx\n    version: 1.0.0\n  - name: b\n    namespace: x\n    chart: ./charts/b\n    values: [values/b.yaml]\n`,
      [],
      { "legacy/charts/b/values.yaml": "x: 1\n" },
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('legacy/h.yaml:4:12: chart "stable/nginx" names no repository under repositories: and no folder');
    expect(run.stderr).toContain("legacy/h.yaml:8:12: local chart legacy/charts/b has no Chart.yaml");
    expect(run.stderr).not.toContain("ENOENT");
  });

  it("a values file that does not exist", async () => {
    const run = await rejected(`${repos2}releases:\n  - name: a\n    namespace: x\n    chart: bitnami/nginx\n    version: 18.3.1\n    values:\n      - values/a.yaml\n`);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("legacy/h.yaml:10:9: values file legacy/values/a.yaml of release a does not exist");
  });

  it("YAML that does not parse, with its position", async () => {
    const run = await rejected(`releases:\n  - name: a\n   namespace: x\n`);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/legacy\/h\.yaml:3:\d+: YAML syntax error/);
  });

  it("a needs: pointing at a later layer", async () => {
    const root = importRepo();
    repos.push(root);
    writeTree(root, {
      "legacy/apps.yaml": `${repos2}releases:\n  - name: web\n    namespace: web\n    chart: bitnami/nginx\n    version: 18.3.1\n`,
      "legacy/infra.yaml": `${repos2}releases:\n  - name: db\n    namespace: data\n    chart: bitnami/postgresql\n    version: 16.4.5\n    needs: [web/web]\n`,
    });
    expect((await berth(root, "import", "helmfile", "legacy/apps.yaml", "--cluster", "pi")).code).toBe(0);
    const before = readTree(root);
    const run = await berth(root, "import", "helmfile", "legacy/infra.yaml", "--cluster", "pi", "--layer", "infra");
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("legacy/infra.yaml:9:13: needs web/web: app web is in layer apps, which syncs after infra");
    expect(readTree(root)).toEqual(before);
  });
});

describe("values conversion", () => {
  it("keeps strings YAML 1.1 would read as booleans or numbers quoted when merging", () => {
    const out = valuesFileContent([
      { kind: "file", text: "a: 'yes'\nb: '0755'\n", source: "a.yaml" },
      { kind: "set", values: { c: "on" }, source: "set" },
    ])!;
    expect(out).toContain('a: "yes"');
    expect(out).toContain('b: "0755"');
    expect(out).toContain('c: "on"');
  });

  it("turns set: names into nested values, dots escaped with a backslash; list indices are refused", () => {
    expect(setEntryValues("a.b\\.c", 1)).toEqual({ a: { "b.c": 1 } });
    expect(setEntryValues("list[0].x", 1)).toBeUndefined();
  });
});

describe("berth import helmfile on hostile input", () => {
  const bomb = ["a: &a [x, x, x, x, x, x, x, x, x, x]", ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`)].join("\n");

  it("refuses a values file that is an alias bomb, by file", async () => {
    const run = await rejected(`${repos2}releases:\n  - name: a\n    namespace: x\n    chart: bitnami/nginx\n    version: 18.3.1\n    values: [bomb.yaml]\n`, [], { "legacy/bomb.yaml": `${bomb}\n` });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("legacy/bomb.yaml:1:1: values file of release a cannot be read");
  });

  it("refuses inline values that are an alias bomb, by line", async () => {
    const inline = bomb.split("\n").map((l) => `          ${l}`).join("\n");
    const run = await rejected(`${repos2}releases:\n  - name: a\n    namespace: x\n    chart: bitnami/nginx\n    version: 18.3.1\n    values:\n      - bomb:\n${inline}\n`);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("legacy/h.yaml:10:9: inline values cannot be read");
  });
});

describe("berth import helmfile copies nothing from outside the helmfile's folder and no credential", () => {
  const chart = "apiVersion: v2\nname: web\nversion: 0.1.0\n";
  const release = (extra: string) => `${repos2}releases:\n  - name: web\n    namespace: web\n    chart: ./charts/web\n${extra}`;

  it("refuses `../` in chart, values and environment values paths, naming each, writing nothing", async () => {
    const helmfile = `environments:\n  prod:\n    values: [../env.yaml]\nreleases:\n  - name: a\n    namespace: x\n    chart: ../charts/a\n  - name: b\n    namespace: x\n    chart: ./charts/b\n    values:\n      - ../../.kube/config\n`;
    const run = await rejected(helmfile, ["--environment", "prod"], {
      "env.yaml": "token: from-outside\n",
      "charts/a/Chart.yaml": chart,
      "legacy/charts/b/Chart.yaml": chart,
      ".kube/config": "users:\n- user: {token: eyJhbGciOiJSUzI1NiIsImtpZCI6Ij}\n",
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("env.yaml:1:1: environment values file is outside the helmfile's folder (../env.yaml)");
    expect(run.stderr).toContain("legacy/h.yaml:7:12: local chart ../charts/a of release a is outside the helmfile's folder");
    expect(run.stderr).toContain("legacy/h.yaml:12:9: values file ../../.kube/config of release b is outside the helmfile's folder");
    expect(run.stderr).toContain("fix: copy the file into the helmfile's folder");
    expect(run.stderr).not.toContain("from-outside");
  });

  it("refuses a chart folder reached through a symbolic link out of the folder", async () => {
    const root = importRepo();
    repos.push(root);
    writeTree(root, { "legacy/h.yaml": release(""), "outside/web/Chart.yaml": chart, "outside/web/templates/cm.yaml": "kind: ConfigMap\n" });
    mkdirSync(join(root, "legacy/charts"));
    symlinkSync(join(root, "outside/web"), join(root, "legacy/charts/web"));
    const before = readTree(root, "apps");
    const run = await berth(root, "import", "helmfile", "legacy/h.yaml", "--cluster", "pi");
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("legacy/charts/web");
    expect(readTree(root, "apps")).toEqual(before);
  });

  it("runs the credential scan on every file it would copy: a private key in the chart, a password in values", async () => {
    const key = `-----BEGIN RSA PRIVATE KEY-----\n${"MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun".repeat(3)}\n-----END RSA PRIVATE KEY-----\n`;
    const run = await rejected(release("    values: [values/web.yaml]\n"), [], {
      "legacy/charts/web/Chart.yaml": chart,
      "legacy/charts/web/files/id_rsa": key,
      "legacy/values/web.yaml": "auth:\n  password: hunter2-but-longer\n",
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("apps/web/chart/files/id_rsa:1:1: would be imported: contains a private key");
    expect(run.stderr).toContain("apps/web/values.yaml:");
    expect(run.stderr).toContain("would be imported: `password` holds a literal value");
    expect(run.stderr).toContain("nothing was written");
  });
});
