import { chmodSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { addApps, setRepoUrl } from "../../generator/scaffold/cluster-edit.js";
import { fixtureFleet } from "../helpers/fleet-fixture.js";
import { berth, makeRepo, readTree, removeRepo } from "../helpers/repo.js";

const repos: string[] = [];
afterAll(() => repos.forEach(removeRepo));
function repo(extra: Record<string, string> = {}): string {
  const r = makeRepo({ ...fixtureFleet(), ...extra });
  repos.push(r);
  return r;
}
const read = (root: string, p: string) => readFileSync(join(root, p), "utf8");

describe("berth new cluster", () => {
  it("writes a schema-valid cluster.yaml with the profile's platform apps and the repository the fleet tracks", async () => {
    // k3s: the Gateway API on the Traefik k3s ships (the app traefik configures it).
    const root = repo({
      "apps/traefik/app.yaml": "layer: platform\nnamespace: kube-system\nprofiles: [k3s]\nsource: { type: manifests, path: manifests }\n",
      "apps/traefik/manifests/gateway.yaml": "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: { name: web }\nspec:\n  gatewayClassName: traefik\n  listeners: [{ name: http, protocol: HTTP, port: 8000 }]\n",
    });
    const run = await berth(root, "new", "cluster", "edge", "--profile", "k3s");
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("created clusters/edge/cluster.yaml (profile k3s, apps: argo-cd, sealed-secrets, traefik)\n");
    expect(run.stdout).toContain("berth keys generate --cluster edge");
    const text = read(root, "clusters/edge/cluster.yaml");
    expect(text.split("\n")[0]).toBe("# yaml-language-server: $schema=../../generator/schemas/cluster.schema.json");
    expect(parse(text)).toMatchObject({ profile: "k3s", repo: { url: "https://git.example.com/fleet.git", revision: "main" }, apps: ["argo-cd", "sealed-secrets", "traefik"] });
    expect((await berth(root, "generate")).code).toBe(0);
    expect((await berth(root, "validate")).code).toBe(0);
  });

  it("adds the Gateway API (Envoy Gateway and the shared Gateway) on kind and cloud", async () => {
    const root = repo({
      "apps/envoy-gateway/app.yaml": "layer: platform\nnamespace: envoy-gateway-system\nprofiles: [kind, cloud]\nsource: { type: helm, repo: oci://docker.io/envoyproxy, chart: gateway-helm, version: v1.9.1 }\n",
      "apps/envoy-gateway-class/app.yaml": "layer: platform\nnamespace: envoy-gateway-system\nprofiles: [kind, cloud]\nsource: { type: chart, path: chart }\ndependsOn: [envoy-gateway]\n",
      "apps/envoy-gateway-class/chart/Chart.yaml": "apiVersion: v2\nname: envoy-gateway-class\nversion: 0.1.0\n",
    });
    expect((await berth(root, "new", "cluster", "eu", "--profile", "cloud")).code).toBe(0);
    expect(parse(read(root, "clusters/eu/cluster.yaml")).apps).toEqual(["argo-cd", "sealed-secrets", "envoy-gateway", "envoy-gateway-class"]);
  });

  it("refuses an existing name, a missing platform app, a bad name; writes nothing", async () => {
    const root = repo();
    const before = readTree(root);
    const exists = await berth(root, "new", "cluster", "dev", "--profile", "kind");
    expect(exists.code).toBe(1);
    expect(exists.stderr).toContain('clusters/dev/cluster.yaml:1:1: cluster "dev" already exists');
    const noIngress = await berth(root, "new", "cluster", "eu", "--profile", "kind");
    expect(noIngress.code).toBe(1);
    expect(noIngress.stderr).toContain('apps/envoy-gateway/app.yaml:1:1: the platform app "envoy-gateway" every kind cluster runs is missing');
    const bad = await berth(root, "new", "cluster", "Bad_Name", "--profile", "kind");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('NAME "Bad_Name" is not valid');
    const noProfile = await berth(root, "new", "cluster", "eu");
    expect(noProfile.code).toBe(2);
    expect(noProfile.stderr).toContain("--profile is required");
    expect(readTree(root)).toEqual(before);
  });
});

describe("berth new app", () => {
  it("a remote OCI chart with values in Git, on two clusters, keeping each cluster.yaml's layout", async () => {
    const root = repo();
    const run = await berth(root, "new", "app", "redis", "--repo", "oci://registry-1.docker.io/bitnamicharts", "--chart", "redis", "--version", "20.6.2", "--layer", "infra", "--namespace", "data", "--cluster", "dev", "--cluster", "prod");
    expect(run.code).toBe(0);
    expect(read(root, "apps/redis/app.yaml")).toBe(
      "# yaml-language-server: $schema=../../generator/schemas/app.schema.json\nlayer: infra\nnamespace: data\nsource:\n  type: helm\n  repo: oci://registry-1.docker.io/bitnamicharts\n  chart: redis\n  version: 20.6.2\n",
    );
    expect(read(root, "clusters/dev/cluster.yaml")).toContain("  - postgres\n  - redis\n");
    expect(read(root, "clusters/prod/cluster.yaml")).toContain("apps: [argo-cd, sealed-secrets, shop, metrics, postgres, redis]\n");
    expect((await berth(root, "generate")).code).toBe(0);
    const validate = await berth(root, "validate");
    expect(validate.stderr).toBe("");
    expect(validate.code).toBe(0);
  });

  it("copies a local chart, a kustomize folder or a folder of manifests into apps/<name>/", async () => {
    const root = repo();
    const src = join(root, "..", `${root.split("/").pop()}-src`);
    repos.push(src);
    const files: Record<string, string> = {
      "chart/Chart.yaml": "apiVersion: v2\nname: web\nversion: 0.1.0\n",
      "chart/templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: web }\n",
      "kust/kustomization.yaml": "resources: [cm.yaml]\n",
      "kust/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: k }\n",
      "plain/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: p }\n",
      "plain/hook.sh": "#!/bin/sh\n",
    };
    for (const [p, c] of Object.entries(files)) {
      mkdirSync(join(src, p, ".."), { recursive: true });
      writeFileSync(join(src, p), c);
    }
    chmodSync(join(src, "plain/hook.sh"), 0o755);
    for (const [name, dir] of [["web", "chart"], ["kust", "kust"], ["plain", "plain"]]) {
      const run = await berth(root, "new", "app", name!, "--path", join(src, dir!), "--cluster", "dev");
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
    }
    expect(parse(read(root, "apps/web/app.yaml")).source).toEqual({ type: "chart", path: "chart" });
    expect(read(root, "apps/web/chart/templates/cm.yaml")).toBe(files["chart/templates/cm.yaml"]);
    expect(parse(read(root, "apps/kust/app.yaml")).source).toEqual({ type: "kustomize", path: "kustomize" });
    expect(read(root, "apps/kust/kustomize/kustomization.yaml")).toBe(files["kust/kustomization.yaml"]);
    expect(parse(read(root, "apps/plain/app.yaml")).source).toEqual({ type: "manifests", path: "manifests" });
    expect(readFileSync(join(root, "apps/plain/manifests/cm.yaml"), "utf8")).toBe(files["plain/cm.yaml"]);
    expect(statSync(join(root, "apps/plain/manifests/hook.sh")).mode & 0o777).toBe(0o755);
    expect((await berth(root, "generate")).code).toBe(0);
    expect((await berth(root, "validate")).code).toBe(0);
  });

  it("refuses a symbolic link in the copied folder, an inexact version, a taken name, an unknown cluster; writes nothing", async () => {
    const root = repo();
    const src = join(root, "..", `${root.split("/").pop()}-link`);
    repos.push(src);
    mkdirSync(src, { recursive: true });
    writeFileSync(join(src, "a.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: a }\n");
    symlinkSync("/etc/passwd", join(src, "passwd.yaml"));
    const before = readTree(root);
    const link = await berth(root, "new", "app", "linky", "--path", src);
    expect(link.code).toBe(1);
    expect(link.stderr).toContain("passwd.yaml:1:1: is a symbolic link; berth copies only real files");
    const range = await berth(root, "new", "app", "x", "--repo", "https://charts.example.com", "--chart", "x", "--version", "^1.2.0");
    expect(range.code).toBe(2);
    expect(range.stderr).toContain('--version "^1.2.0" is not valid: expected an exact chart version');
    const taken = await berth(root, "new", "app", "shop", "--path", src);
    expect(taken.code).toBe(1);
    const cluster = await berth(root, "new", "app", "x", "--repo", "https://charts.example.com", "--chart", "x", "--version", "1.2.0", "--cluster", "nope");
    expect(cluster.code).toBe(2);
    expect(cluster.stderr).toContain('--cluster no cluster named "nope"');
    const both = await berth(root, "new", "app", "x", "--path", src, "--chart", "x");
    expect(both.code).toBe(2);
    const none = await berth(root, "new", "app", "x");
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("the app needs a source");
    expect(readTree(root)).toEqual(before);
  });
});

describe("berth new app: Helm's release-name limit (issue 25, item 15)", () => {
  it("refuses a Helm chart app whose name (its release name) is longer than 53 characters; a kustomize app may have 63", async () => {
    const root = repo();
    const src = join(root, "..", `${root.split("/").pop()}-long`);
    repos.push(src);
    for (const [p, c] of Object.entries({ "chart/Chart.yaml": "apiVersion: v2\nname: web\nversion: 0.1.0\n", "kust/kustomization.yaml": "resources: []\n" })) {
      mkdirSync(join(src, p, ".."), { recursive: true });
      writeFileSync(join(src, p), c);
    }
    const long = "a".repeat(54);
    const before = readTree(root);
    const remote = await berth(root, "new", "app", long, "--repo", "https://charts.example.com", "--chart", "x", "--version", "1.2.0");
    expect(remote.code).toBe(2);
    expect(remote.stderr).toContain(`NAME "${long}" has 54 characters; a Helm chart's app name is its release name, which Helm limits to 53`);
    expect(remote.stderr).toContain("fix: choose a name of at most 53 characters");
    const local = await berth(root, "new", "app", long, "--path", join(src, "chart"));
    expect(local.code).toBe(2);
    expect(local.stderr).toContain("which Helm limits to 53");
    expect(readTree(root)).toEqual(before);
    expect((await berth(root, "new", "app", "a".repeat(53), "--repo", "https://charts.example.com", "--chart", "x", "--version", "1.2.0")).code).toBe(0);
    const kustomize = await berth(root, "new", "app", "k".repeat(63), "--path", join(src, "kust"));
    expect(kustomize.stderr).toBe("");
    expect(kustomize.code).toBe(0);
  });
});

describe("scaffolding commands", () => {
  it("refuse a repository URL with credentials in it (it would be committed)", async () => {
    const root = repo();
    const before = readTree(root);
    const run = await berth(root, "new", "cluster", "eu", "--profile", "k3s", "--repo-url", "https://bot:hunter2@git.example.com/fleet.git");
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--repo-url holds credentials");
    expect(run.stderr).not.toContain("hunter2");
    expect(readTree(root)).toEqual(before);
  });

  it("show examples in --help", async () => {
    for (const cmd of [["init"], ["new", "cluster"], ["new", "app"], ["import", "helmfile"]]) {
      const run = await berth(process.cwd(), ...cmd, "--help");
      expect(run.code, cmd.join(" ")).toBe(0);
      expect(run.stdout, cmd.join(" ")).toMatch(new RegExp(`\\nExamples:\\n {2}\\$ berth ${cmd.join(" ")} `));
    }
  });
});

describe("editing a hand-written cluster.yaml", () => {
  const text = `# our laptop\ndescription: >-\n  A long folded description that goes on and on past the usual\n  line width of eighty characters, kept exactly.\nrepo:\n  url: https://old.example.com/f.git # the old one\n  revision: main\napps:\n  # platform\n  - argo-cd\n  - name: shop # tuned\n    values: { replicas: 1 }\n# trailing comment\n`;

  it("changes only the URL", () => {
    expect(setRepoUrl(text, "git@github.com:acme/fleet.git")).toBe(text.replace("https://old.example.com/f.git", "git@github.com:acme/fleet.git"));
  });

  it("appends apps after the last entry in the list's own style, once", () => {
    expect(addApps(text, ["web", "argo-cd"])).toBe(text.replace("    values: { replicas: 1 }\n", "    values: { replicas: 1 }\n  - web\n"));
    expect(addApps("apps: [a, b] # flow\n", ["c"])).toBe("apps: [a, b, c] # flow\n");
    expect(addApps("apps: []\n", ["c"])).toBe("apps: [c]\n");
    expect(addApps(text, ["shop"])).toBe(text);
  });
});
