import { createPrivateKey } from "node:crypto";
import { readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { main } from "../../generator/cli.js";
import { loadCheckedFleet } from "../../generator/read/checked-fleet.js";
import { openRepoCredentials } from "../../generator/repo-access/bootstrap-secret.js";
import { requiredCredentials } from "../../generator/plan/repo-credentials.js";
import { sealCredential } from "../../generator/repo-access/sealed-credential.js";
import { generateDeployKey } from "../../generator/repo-access/ssh-key.js";
import { parseSealingCertificate } from "../../generator/sealer/index.js";
import { application, copyExampleFleet, fakeWorld, list, quickKeyPair, type FakeWorld } from "./fake-tools.js";
import { allHealthy, bootstrap, REPO, type Run } from "./helpers.js";

/**
 * The laptop of the example fleet reading a private repository over SSH with a deploy key sealed
 * for it (as `berth repo connect` writes it). kubectl is the recording fake of fake-tools.ts.
 */
let root: string;
let keyFile: string;
let privateKeyBody: string;
const URL = "git@github.com:acme/fleet.git";

beforeAll(async () => {
  root = copyExampleFleet(REPO);
  const pair = await quickKeyPair();
  writeFileSync(join(root, "clusters/laptop/sealing-cert.pem"), pair.certPem);
  keyFile = join(tmpdir(), `${basename(root)}-laptop.key`);
  writeFileSync(keyFile, pair.privateKeyPem, { mode: 0o600 });
  const clusterFile = join(root, "clusters/laptop/cluster.yaml");
  writeFileSync(clusterFile, readFileSync(clusterFile, "utf8").replace(/url: https:\/\/github\.com\/example\/berth-fleet\.git/, `url: ${URL}\n  access: deployKey`));
  const fleet = loadCheckedFleet(root);
  const cred = requiredCredentials(fleet.clusters.find((c) => c.name === "laptop")!)[0]!;
  const deployKey = generateDeployKey("berth:laptop");
  privateKeyBody = deployKey.privateKey.toString("utf8").split("\n")[1]!;
  const cert = parseSealingCertificate(pair.certPem, { now: new Date(), file: "cert" });
  if (!cert.ok) throw new Error("cert");
  mkdirSync(join(root, "secrets/laptop/argocd"), { recursive: true });
  writeFileSync(join(root, cred.file), sealCredential(cred, new Map([["sshPrivateKey", deployKey.privateKey]]), cert.value));
  const gen = await main(["generate", "laptop"], { stdout: { write: () => true }, stderr: { write: () => true }, cwd: root, env: {} });
  if (gen !== 0) throw new Error("generate failed");
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(keyFile, { force: true });
});

describe("berth bootstrap of a cluster whose fleet repository is private", () => {
  let world: FakeWorld;
  let r: Run;
  beforeAll(async () => {
    world = fakeWorld({ applications: [list([application("root", "Synced", "Progressing")]), allHealthy(root, "laptop")] });
    r = await bootstrap(world, root, { cluster: "laptop", key: keyFile });
  });
  afterAll(() => world.remove());

  it("applies the repository Secret, opened in memory with --key and marked for the controller to adopt, before Argo CD's first fetch", () => {
    expect(r.code, r.stderr).toBe(0);
    const applies = r.log.filter((e) => e.args.includes("apply") && e.args.includes("-"));
    expect(applies.map((e) => e.stdinKinds).slice(0, 3)).toEqual([["Namespace", "Secret"], ["Secret"], ["Secret"]]);
    expect(applies[2]!.stdinMarks).toEqual(['sealedsecrets.bitnami.com/managed: "true"', "argocd.argoproj.io/secret-type: repository"]);
    const credAt = r.log.indexOf(applies[2]!);
    const rootAt = r.log.findIndex((e) => e.args.some((a) => a.endsWith("root.yaml")));
    expect(credAt).toBeLessThan(rootAt);
    expect(r.stdout).toContain("give Argo CD its repository credentials: Secret argocd/repo-github-com-acme-fleet-git, opened in memory from secrets/laptop/argocd/ with --key");
  });

  it("never shows the private key, nor hands it to a process except on kubectl's stdin", () => {
    expect(r.stdout + r.stderr).not.toContain(privateKeyBody);
    expect(readFileSync(join(world.dir, "log"), "utf8")).not.toContain(privateKeyBody);
  });

  it("the Secret is the one the controller would create: template labels, plain data, the opened key", async () => {
    const fleet = loadCheckedFleet(root);
    const key = createPrivateKey(readFileSync(keyFile));
    const opened = openRepoCredentials(root, fleet.clusters.find((c) => c.name === "laptop")!, key)!;
    const secret = parse(opened.yaml.replace(/^---\n/, "")) as { metadata: Record<string, unknown>; data: Record<string, string> };
    expect(secret.metadata).toEqual({ name: "repo-github-com-acme-fleet-git", namespace: "argocd", labels: { "argocd.argoproj.io/secret-type": "repository" }, annotations: { "sealedsecrets.bitnami.com/managed": "true" } });
    expect(Buffer.from(secret.data.url!, "base64").toString()).toBe(URL);
    expect(Buffer.from(secret.data.sshPrivateKey!, "base64").toString().split("\n")[1]).toBe(privateKeyBody);
  });

  it("without --key: refused before anything runs, naming the sealed credential", async () => {
    const w = fakeWorld({});
    try {
      const run = await bootstrap(w, root, { cluster: "laptop" }).catch((e: Error & { diagnostics?: { message: string; hint?: string }[] }) => ({ code: 1, stdout: "", stderr: JSON.stringify(e.diagnostics), log: w.log() }));
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`reads ${URL} with credentials sealed for it, which only its key opens`);
      expect(run.log).toEqual([]);
    } finally {
      w.remove();
    }
  });
});

describe("berth bootstrap when Argo CD cannot read the repository", () => {
  it("reports the root Application's own condition and the fix, instead of waiting for waves", async () => {
    const refused = application("root", "Unknown", "Healthy", {
      conditions: [{ type: "ComparisonError", message: `Failed to load target state: failed to generate manifest for source 1 of 1: rpc error: code = Unknown desc = failed to list refs: ssh: handshake failed: ssh: unable to authenticate, attempted methods [none publickey], no supported methods remain` }],
    });
    const world = fakeWorld({ applications: [list([refused])] });
    try {
      const r = await bootstrap(world, root, { cluster: "laptop", key: keyFile });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`berth: Argo CD cannot read ${URL}; the root Application reports ComparisonError: Failed to load target state`);
      expect(r.stderr).toContain("ssh: unable to authenticate");
      expect(r.stderr).toContain("fix: the sealed credential does not open git@github.com:acme/fleet.git: run `berth repo connect laptop`");
      expect(r.log.filter((e) => e.args.includes("applications.argoproj.io"))).toHaveLength(1);
    } finally {
      world.remove();
    }
  });

  it("reads Argo CD's request for an SSH agent (no credential for an SSH URL) as a refusal, with the fix for a public repo.access", async () => {
    const publicRoot = copyExampleFleet(REPO);
    try {
      const clusterFile = join(publicRoot, "clusters/laptop/cluster.yaml");
      writeFileSync(clusterFile, readFileSync(clusterFile, "utf8").replace(/url: https:\/\/github\.com\/example\/berth-fleet\.git/, `url: ${URL}`));
      const gen = await main(["generate", "laptop"], { stdout: { write: () => true }, stderr: { write: () => true }, cwd: publicRoot, env: {} });
      expect(gen).toBe(0);
      const refused = application("root", "Unknown", "Healthy", {
        conditions: [{ type: "ComparisonError", message: 'Failed to load target state: failed to generate manifest for source 1 of 1: rpc error: code = Unknown desc = failed to list refs: error creating SSH agent: "SSH agent requested but SSH_AUTH_SOCK not-specified"' }],
      });
      const world = fakeWorld({ applications: [list([refused])] });
      try {
        const r = await bootstrap(world, publicRoot, { cluster: "laptop" });
        expect(r.code).toBe(1);
        expect(r.stderr).toContain("SSH agent requested but SSH_AUTH_SOCK not-specified");
        expect(r.stderr).toContain("fix: the repository is private: set repo.access in cluster.yaml");
      } finally {
        world.remove();
      }
    } finally {
      rmSync(publicRoot, { recursive: true, force: true });
    }
  });

  it("waits past a refusal Argo CD reported before this run (bootstrap again, now with the credential)", async () => {
    // The root as an earlier bootstrap without the credential left it: compared (reconciledAt) before this run started.
    const stale = application("root", "Unknown", "Healthy", {
      reconciledAt: "2026-02-28T00:00:00Z",
      conditions: [{ type: "ComparisonError", message: "Failed to load target state: failed to list refs: knownhosts: key is unknown" }],
    });
    const world = fakeWorld({ applications: [list([stale]), allHealthy(root, "laptop")] });
    try {
      const r = await bootstrap(world, root, { cluster: "laptop", key: keyFile });
      expect(r.stderr).not.toContain("Argo CD cannot read");
      expect(r.code, r.stderr).toBe(0);
    } finally {
      world.remove();
    }
  });
});
