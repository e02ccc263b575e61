import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fakeWorld } from "../bootstrap/fake-tools.js";
import { allHealthy, cli, REPO } from "../bootstrap/helpers.js";

/**
 * bootstrap acts on a context only when it is provably the cluster's (issue 11, item 9): named
 * exactly, or matching the identity recorded in cluster.yaml (checked before the first change),
 * or vouched for with --trust-context.
 */
const UID = "3f1c9a2e-7b4d-4e2a-9c1f-0a1b2c3d4e5f";
const copy = mkdtempSync(join(tmpdir(), "berth-identity-"));
for (const dir of ["apps", "clusters", "secrets"]) cpSync(join(REPO, dir), join(copy, dir), { recursive: true });
const clusterFile = join(copy, "clusters/pi/cluster.yaml");
writeFileSync(clusterFile, `${readFileSync(clusterFile, "utf8")}identity: { apiServer: "https://192.168.1.50:6443", kubeSystemUID: ${UID} }\n`);
afterAll(() => rmSync(copy, { recursive: true, force: true }));

const mutating = (log: { tool: string; args: string[] }[]) => log.filter((e) => e.tool === "kubectl" && e.args.some((a) => a === "apply"));

describe("bootstrap context identity", () => {
  it("refuses pi-prod for cluster pi when no identity is recorded, before running anything", async () => {
    const world = fakeWorld({ contexts: ["pi-prod"] });
    try {
      const r = await cli(world, REPO, ["bootstrap", "--cluster", "pi", "--context", "pi-prod"]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('--context pi-prod is not named "pi"');
      expect(r.log).toEqual([]);
    } finally {
      world.remove();
    }
  });

  it("with a recorded identity, a context reaching another cluster stops before the first change", async () => {
    const world = fakeWorld({ contexts: ["pi-prod"], apiServer: "https://10.0.0.9:6443", kubeSystemUID: "00000000-0000-4000-8000-000000000000" });
    try {
      const r = await cli(world, copy, ["bootstrap", "--cluster", "pi", "--context", "pi-prod"]);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain("kube context pi-prod reaches a cluster whose API server is https://10.0.0.9:6443, but identity.apiServer records https://192.168.1.50:6443");
      expect(r.stderr).toContain("nothing was changed on any cluster");
      expect(mutating(r.log)).toEqual([]);
    } finally {
      world.remove();
    }
  });

  it("with a recorded identity that matches, any context name is accepted", async () => {
    const world = fakeWorld({ contexts: ["home-lab"], serverVersion: "v1.29.3+k3s1", apiServer: "https://192.168.1.50:6443/", kubeSystemUID: UID, applications: [allHealthy(copy, "pi")] });
    try {
      const r = await cli(world, copy, ["bootstrap", "--cluster", "pi", "--context", "home-lab", "--timeout", "1m"]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain("identity.apiServer matches");
      expect(r.stdout).toContain("identity.kubeSystemUID matches");
    } finally {
      world.remove();
    }
  });

  it("identity.apiServer alone is not proof: another cluster behind the same address would pass it, so the context is refused, asking for the kube-system UID", async () => {
    const serverOnly = mkdtempSync(join(tmpdir(), "berth-identity-"));
    try {
      for (const dir of ["apps", "clusters", "secrets"]) cpSync(join(REPO, dir), join(serverOnly, dir), { recursive: true });
      const file = join(serverOnly, "clusters/pi/cluster.yaml");
      writeFileSync(file, `${readFileSync(file, "utf8")}identity: { apiServer: "https://192.168.1.50:6443" }\n`);
      // The kubeconfig points at the recorded address; a different cluster answers there.
      const world = fakeWorld({ contexts: ["pi-prod"], apiServer: "https://192.168.1.50:6443", kubeSystemUID: "00000000-0000-4000-8000-000000000000" });
      try {
        const r = await cli(world, serverOnly, ["bootstrap", "--cluster", "pi", "--context", "pi-prod"]);
        expect(r.code).toBe(1);
        expect(r.stderr).toContain("records only identity.apiServer, which says where the context points, not which cluster answers there");
        expect(r.stderr).toContain("identity.kubeSystemUID (`kubectl --context pi-prod get namespace kube-system -o jsonpath='{.metadata.uid}'`)");
        expect(mutating(r.log)).toEqual([]);
      } finally {
        world.remove();
      }
    } finally {
      rmSync(serverOnly, { recursive: true, force: true });
    }
  });

  it("--trust-context is the explicit override", async () => {
    const world = fakeWorld({ contexts: ["pi-prod"] });
    try {
      const r = await cli(world, REPO, ["bootstrap", "--cluster", "pi", "--context", "pi-prod", "--trust-context", "--dry-run"]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain("kubectl --context pi-prod apply");
    } finally {
      world.remove();
    }
  });
});
