import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Tools } from "../../generator/exec/tools.js";
import { renderApp, type RenderRequest } from "../../generator/render/render.js";
import { registryLoginFromEnv } from "../../generator/exec/registry-env.js";
import { startChartRepoServer, type ChartRepoServer } from "./chart-repo-server.js";
import { writeDemoChart } from "./fixtures.js";
import { bundledTools, findDoc, helmCli, recordingHelm, removeDir, tempDir } from "./helpers.js";
import { findRegistryBinary, startOciRegistry, type OciRegistry } from "./oci-registry.js";
import { readTree } from "../helpers/repo.js";

// Recognisable, so a leak into argv, output or a file is found by value.
const PASSWORD = "canary-chart-Pa55-61d0b2";
const USER = "robot";

let dir: string;
let tools: Tools;

beforeAll(async () => {
  tools = await bundledTools();
  dir = tempDir("private-charts");
});
afterAll(() => removeDir(dir));

/** Tools with the environment of a CI job that holds this registry's login under BERTH_REGISTRY_<HOST>_*. */
const withEnv = (t: Tools, env: Record<string, string>): Tools => ({ ...t, registryLogin: (url) => registryLoginFromEnv(url, env) });
const loginEnv = (host: string, password = PASSWORD) => {
  const base = `BERTH_REGISTRY_${host.toUpperCase().replace(/[^A-Z0-9]+/g, "_")}`;
  return { [`${base}_USERNAME`]: USER, [`${base}_PASSWORD`]: password };
};

/** berth's throwaway helm homes that exist now (other runs on the machine may add theirs). */
const helmHomes = () => readdirSync(tmpdir()).filter((n) => n.startsWith("berth-helm-")).map((n) => join(tmpdir(), n));

function request(repo: string, chart = "demo", version = "0.2.0"): RenderRequest {
  return { app: "private-demo", namespace: "shop", kubeVersion: "1.31.0", apiVersions: [], source: { type: "helm-remote", repo, chart, version, releaseName: "web", valueFiles: [], values: {} } };
}

describe("a private HTTP chart repository (HTTP Basic)", () => {
  let server: ChartRepoServer;
  beforeAll(async () => {
    const repo = join(dir, "repo");
    mkdirSync(repo);
    writeDemoChart(join(dir, "src"), { version: "0.2.0" });
    await helmCli(tools, ["package", join(dir, "src"), "-d", repo], dir);
    await helmCli(tools, ["repo", "index", repo], dir);
    server = await startChartRepoServer(repo, { username: USER, password: PASSWORD });
  });
  afterAll(async () => server?.close());

  it("is refused without a login", async () => {
    const r = await renderApp(request(server.url), tools);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(/401|Unauthorized/);
    expect(!r.ok && r.error).toMatch(/export BERTH_REGISTRY_127_0_0_1_\d+_USERNAME and BERTH_REGISTRY_127_0_0_1_\d+_PASSWORD/);
  });

  it("renders with the login from BERTH_REGISTRY_<HOST>_*, the password on helm's stdin, never in its argv or a file left behind", async () => {
    const host = new URL(server.url).host;
    const rec = recordingHelm(withEnv(tools, loginEnv(host)), tempDir("rec"));
    const homesBefore = new Set(helmHomes());
    const r = await renderApp(request(server.url), rec.tools);
    expect(r.ok, !r.ok ? r.error : "").toBe(true);
    expect(r.ok && findDoc(r.manifests, "ConfigMap", "web-cfg")?.data.chartVersion).toBe("0.2.0");
    const argv = rec.log().join("\n");
    expect(argv).toContain("repo add --username robot --password-stdin -- berth-private");
    expect(argv).not.toContain(PASSWORD);
    // Nothing of the login outlives the render: the helm home it lived in is gone.
    expect(helmHomes().filter((h) => !homesBefore.has(h) && JSON.stringify(readTree(h)).includes(PASSWORD))).toEqual([]);
  });

  it("a wrong password fails with helm's message and without the password", async () => {
    const host = new URL(server.url).host;
    const r = await renderApp(request(server.url), withEnv(tools, loginEnv(host, `${PASSWORD}-wrong`)));
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toContain("could not log in to");
    expect(!r.ok && r.error).not.toContain(PASSWORD);
  });

  it("the login goes only to its own host: a public repository on another host is rendered without it", async () => {
    const pub = await startChartRepoServer(join(dir, "repo"));
    try {
      const host = new URL(server.url).host;
      const rec = recordingHelm(withEnv(tools, loginEnv(host)), tempDir("rec"));
      const r = await renderApp(request(pub.url.replace("127.0.0.1", "localhost")), rec.tools);
      expect(r.ok, !r.ok ? r.error : "").toBe(true);
      expect(rec.log().join("\n")).not.toContain("repo add");
    } finally {
      await pub.close();
    }
  });
});

// Needs Debian's docker-registry and apache2-utils (htpasswd -B); .ci/run installs both.
const registryBinary = findRegistryBinary();
let hasHtpasswd = true;
try {
  execFileSync("htpasswd", ["-h"], { stdio: "ignore" });
} catch (e) {
  hasHtpasswd = (e as { status?: number }).status !== undefined && (e as { code?: string }).code !== "ENOENT";
}

describe.skipIf(!registryBinary || !hasHtpasswd)("a private OCI registry (docker-registry with htpasswd)", () => {
  let registry: OciRegistry;
  let ociDir: string;
  beforeAll(async () => {
    ociDir = tempDir("private-oci");
    // Pushed while the registry is open, then served again from the same storage with a login required.
    const open = await startOciRegistry(registryBinary!, ociDir);
    writeDemoChart(join(ociDir, "src"), { version: "0.3.0" });
    await helmCli(tools, ["package", join(ociDir, "src"), "-d", join(ociDir, "pkg")], ociDir);
    await helmCli(tools, ["push", join(ociDir, "pkg", "demo-0.3.0.tgz"), `oci://${open.host}/charts`, "--plain-http"], ociDir);
    await open.close();
    const htpasswd = join(ociDir, "htpasswd");
    execFileSync("htpasswd", ["-B", "-i", "-c", htpasswd, USER], { input: PASSWORD });
    registry = await startOciRegistry(registryBinary!, ociDir, { htpasswd, port: open.port });
  });
  afterAll(async () => {
    await registry?.close();
    removeDir(ociDir);
  });

  it("is refused without a login", async () => {
    const r = await renderApp(request(`oci://${registry.host}/charts`, "demo", "0.3.0"), tools);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(/\(a private registry: export BERTH_REGISTRY_127_0_0_1_\d+_USERNAME and BERTH_REGISTRY_127_0_0_1_\d+_PASSWORD for berth's renders\)$/);
  });

  it("renders with the login from the environment, never in helm's argv", async () => {
    const rec = recordingHelm(withEnv(tools, loginEnv(registry.host)), tempDir("rec-oci"));
    const r = await renderApp(request(`oci://${registry.host}/charts`, "demo", "0.3.0"), rec.tools);
    expect(r.ok, !r.ok ? r.error : "").toBe(true);
    expect(r.ok && findDoc(r.manifests, "ConfigMap", "web-cfg")?.data.chartVersion).toBe("0.3.0");
    expect(rec.log().join("\n")).not.toContain(PASSWORD);
    expect(rec.log().join("\n")).not.toContain(Buffer.from(`${USER}:${PASSWORD}`).toString("base64"));
  });
});

describe("berth's renders take registry logins from their own environment", () => {
  it("resolveTools reads BERTH_REGISTRY_<HOST>_USERNAME/_PASSWORD for the URL's host only", async () => {
    const { resolveTools } = await import("../../generator/exec/tools.js");
    const t = await resolveTools({ env: { ...process.env, BERTH_TOOLS: "bundled", BERTH_REGISTRY_GHCR_IO_USERNAME: USER, BERTH_REGISTRY_GHCR_IO_PASSWORD: PASSWORD } });
    expect(t.registryLogin?.("oci://ghcr.io/acme/charts/demo")).toEqual({ host: "ghcr.io", username: USER, password: PASSWORD });
    expect(t.registryLogin?.("https://charts.example.com")).toBeUndefined();
    expect(t.registryLogin?.("oci://ghcr.io.evil.example/charts")).toBeUndefined();
  });
});
