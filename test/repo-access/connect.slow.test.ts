import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runRepoConnect } from "../../generator/commands/repo-connect.js";
import type { ClusterReader } from "../../generator/repo-access/rotation.js";
import { FakeGithub } from "../github/fake-github.js";
import { makeRepo, readTree, removeRepo } from "../helpers/repo.js";
import {
  CANARY_GITHUB_TOKEN,
  CANARY_REGISTRY_PASSWORD,
  CANARY_REPO_TOKEN,
  cli,
  GITHUB_ED25519,
  GITHUB_ED25519_FINGERPRINT,
  openCredential,
  privateFleet,
  publicOfOpensshKey,
} from "./helpers.js";

const SSH_URL = "git@github.com:acme/fleet.git";
const FILE = "secrets/dev/argocd/repo-github-com-acme-fleet-git.yaml";

let gh: FakeGithub;
let root = "";
const env = () => ({ GITHUB_TOKEN: CANARY_GITHUB_TOKEN, GITHUB_API_URL: gh.url });

/** Nothing secret in the run's output or in any file of the tree. */
function expectNoPlaintext(run: { stdout: string; stderr: string }, ...secrets: string[]) {
  const tree = JSON.stringify(readTree(root));
  for (const s of [CANARY_GITHUB_TOKEN, CANARY_REPO_TOKEN, CANARY_REGISTRY_PASSWORD, "PRIVATE KEY", ...secrets]) {
    expect(run.stdout + run.stderr).not.toContain(s);
    expect(tree).not.toContain(s);
  }
}

beforeEach(async () => {
  gh = await new FakeGithub(CANARY_GITHUB_TOKEN).start();
  gh.sshHostKeys = [GITHUB_ED25519];
});
afterEach(async () => {
  await gh.stop();
  // Every request berth sent and every answer it got matched GitHub's OpenAPI description.
  expect(gh.violations).toEqual([]);
  if (root) removeRepo(root);
  root = "";
});

describe("berth repo connect with a deploy key, against the loopback GitHub", () => {
  it("registers a read-only ed25519 key, seals its private half for the cluster, pins GitHub's host keys", async () => {
    root = makeRepo(await privateFleet({ url: SSH_URL, access: "deployKey" }));
    const run = await cli(root, env(), ["repo", "connect", "dev"]);
    expect(run.code, run.stderr).toBe(0);
    expect(gh.deployKeys).toHaveLength(1);
    const key = gh.deployKeys[0]!;
    expect(key).toMatchObject({ title: "berth:dev", read_only: true });
    expect(gh.writes().map((r) => r.operation)).toEqual(["repos/create-deploy-key"]);
    expect(gh.requests.map((r) => r.operation)).toContain("meta/get");

    // The controller's view: the Secret Argo CD reads, with the key that opens the repository.
    const { object, values } = await openCredential(root, FILE);
    expect(object.spec.template.metadata.labels).toEqual({ "argocd.argoproj.io/secret-type": "repository" });
    expect(object.spec.template.data).toEqual({ type: "git", url: SSH_URL });
    expect(object.metadata).toMatchObject({ name: "repo-github-com-acme-fleet-git", namespace: "argocd" });
    expect(Object.keys(values)).toEqual(["sshPrivateKey"]);
    expect(publicOfOpensshKey(values.sshPrivateKey!)).toBe(key.key);
    expect(object.metadata.annotations["berth.dev/deploy-key"]).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);

    const cluster = parse(readFileSync(join(root, "clusters/dev/cluster.yaml"), "utf8"));
    expect(cluster.repo.knownHosts).toEqual([`github.com ${GITHUB_ED25519}`]);
    expect(readFileSync(join(root, "clusters/dev/cluster.yaml"), "utf8")).toContain("# how Argo CD reads this fleet");
    expect(run.stdout).toContain(`host key github.com ssh-ed25519 ${GITHUB_ED25519_FINGERPRINT}`);
    expect(run.stdout).toContain(`${FILE}: sealed a new read-only deploy key berth:dev ${object.metadata.annotations["berth.dev/deploy-key"]}, registered on acme/fleet (cluster dev)`);
    expectNoPlaintext(run, values.sshPrivateKey!.split("\n")[1]!);

    // generate writes the host keys into Argo CD's values and an Application for secrets/dev/argocd/; validate passes.
    expect((await cli(root, {}, ["generate"])).code).toBe(0);
    const platform = readFileSync(join(root, "clusters/dev/argocd/platform.yaml"), "utf8");
    expect(platform).toContain(`github.com ${GITHUB_ED25519}`);
    expect(platform).toMatch(/name: secrets-argocd\n/);
    expect(platform).toContain("path: secrets/dev/argocd");
    const valid = await cli(root, {}, ["validate"]);
    expect(valid.code, valid.stderr).toBe(0);
  });

  it("is idempotent: a second run keeps the registered key and writes nothing", async () => {
    root = makeRepo(await privateFleet({ url: SSH_URL, access: "deployKey" }));
    expect((await cli(root, env(), ["repo", "connect", "dev"])).code).toBe(0);
    const before = readTree(root);
    const run = await cli(root, env(), ["repo", "connect", "dev"]);
    expect(run.code, run.stderr).toBe(0);
    expect(readTree(root)).toEqual(before);
    expect(gh.deployKeys).toHaveLength(1);
    expect(run.stdout).toMatch(/: kept deploy key berth:dev SHA256:\S+ \(read-only yes\) on acme\/fleet; --rotate replaces it\n$/);
  });

  it("--rotate registers a second key; --finish deletes the old one only once the cluster reconciled the new Secret", async () => {
    root = makeRepo(await privateFleet({ url: SSH_URL, access: "deployKey" }));
    const git = (...a: string[]) => execFileSync("git", ["-C", root, ...a], { encoding: "utf8" }).trim();
    git("init", "-q", "-b", "main");
    expect((await cli(root, env(), ["repo", "connect", "dev"])).code).toBe(0);
    git("add", "-A");
    git("-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "connect");
    const oldRevision = git("rev-parse", "HEAD");
    const oldKey = gh.deployKeys[0]!;

    const rotated = await cli(root, env(), ["repo", "connect", "dev", "--rotate"]);
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(gh.deployKeys.map((k) => k.title)).toEqual(["berth:dev", "berth:dev"]);
    expect(rotated.stdout).toContain("--finish` deletes the 1 older key");
    const newFingerprint = (await openCredential(root, FILE)).object.metadata.annotations["berth.dev/deploy-key"];

    // What the cluster shows: the root Application's reconciled revision, the SealedSecret the controller opened.
    const state = { revision: oldRevision, sealedFingerprint: "old", synced: "True" };
    const reader: ClusterReader = {
      async get(resource) {
        if (resource === "applications.argoproj.io") return { status: { sync: { revision: state.revision, status: "Synced" } } };
        return { metadata: { generation: 2, annotations: { "berth.dev/deploy-key": state.sealedFingerprint } }, status: { observedGeneration: 2, conditions: [{ type: "Synced", status: state.synced }] } };
      },
      async fileAt(revision, file) {
        try {
          return execFileSync("git", ["-C", root, "show", `${revision}:${file}`], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
        } catch {
          return undefined;
        }
      },
    };
    const finish = async () => {
      let stdout = "";
      let stderr = "";
      let code: number;
      try {
        code = await runRepoConnect({ root, cluster: "dev", rotate: false, finish: true, fromStdin: false }, { io: { stdout: { write: (s) => (stdout += s) }, stderr: { write: (s) => (stderr += s) }, cwd: root, env: env() }, cluster: reader });
      } catch (e) {
        code = 2;
        stderr = String((e as Error).message) + String((e as { hint?: string }).hint);
      }
      return { code, stdout, stderr };
    };
    // Not pushed yet: the root is still at the old revision.
    let r = await finish();
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`whose ${FILE} still holds`);
    expect(gh.deployKeys).toHaveLength(2);

    git("add", "-A");
    git("-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "rotate");
    state.revision = git("rev-parse", "HEAD");
    // Pushed and reconciled, but the controller has not opened the new SealedSecret yet.
    r = await finish();
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("does not hold the new key yet");
    expect(gh.deployKeys).toHaveLength(2);

    state.sealedFingerprint = newFingerprint;
    r = await finish();
    expect(r.code, r.stderr).toBe(0);
    expect(gh.deployKeys).toHaveLength(1);
    expect(gh.deployKeys[0]!.id).not.toBe(oldKey.id);
    expect(r.stdout).toMatch(/deleted the older deploy key berth:dev SHA256:\S+ \(root Application at [0-9a-f]{12}, SealedSecret argocd\/repo-github-com-acme-fleet-git opened by the controller\)/);
  });

  it.each([
    [403, "Resource not accessible by personal access token", /GitHub answered 403 to add a read-only deploy key to acme\/fleet \(forbidden\): Resource not accessible[\s\S]*fix: the token may read acme\/fleet but not administer its deploy keys: that needs the repository's admin right/],
    [422, "Validation Failed", /GitHub answered 422 to add a read-only deploy key to acme\/fleet \(the key is in use elsewhere\): Validation Failed: key is already in use[\s\S]*fix: that public key is registered elsewhere/],
  ])("GitHub answering %i exits 2 with its status, what it means and the fix; nothing is written", async (status, message, expected) => {
    root = makeRepo(await privateFleet({ url: SSH_URL, access: "deployKey" }));
    const before = readTree(root);
    gh.failures.push({ method: "POST", path: /\/keys$/, status, body: status === 422 ? { message, documentation_url: "https://docs.github.com/rest", errors: [{ resource: "PublicKey", code: "custom", field: "key", message: "key is already in use" }] } : { message, documentation_url: "https://docs.github.com/rest" } });
    const run = await cli(root, env(), ["repo", "connect", "dev"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(expected);
    expect(run.stderr).toContain("nothing was written");
    expect(readTree(root)).toEqual(before);
    expectNoPlaintext(run);
  });

  it("a repository GitHub does not show the token: 404, what it means, the fix", async () => {
    root = makeRepo(await privateFleet({ url: "git@github.com:acme/other.git", access: "deployKey" }));
    const run = await cli(root, env(), ["repo", "connect", "dev"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/GitHub answered 404 to list the deploy keys of acme\/other \(repository not found, or not visible to the token\): Not Found/);
    expect(run.stderr).toContain("check repo.url");
  });

  it("a rate limit is waited out and the key registered", async () => {
    root = makeRepo(await privateFleet({ url: SSH_URL, access: "deployKey" }));
    gh.failures.push({ method: "POST", path: /\/keys$/, status: 429, headers: { "retry-after": "0" }, body: { message: "API rate limit exceeded", documentation_url: "https://docs.github.com/rest" } });
    const run = await cli(root, env(), ["repo", "connect", "dev"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain("GitHub answered 429 (rate limit); retrying in 0s");
    expect(gh.deployKeys).toHaveLength(1);
  });
});

describe("berth repo connect with a token, a GitHub App or a registry login: from stdin or the environment", () => {
  it("seals a token read from standard input; never from argv", async () => {
    root = makeRepo(await privateFleet({ url: "https://github.com/acme/fleet.git", access: "token" }));
    const run = await cli(root, {}, ["repo", "connect", "dev", "--from-stdin"], `${CANARY_REPO_TOKEN}\n`);
    expect(run.code, run.stderr).toBe(0);
    const { object, values } = await openCredential(root, "secrets/dev/argocd/repo-github-com-acme-fleet-git.yaml");
    expect(values).toEqual({ password: CANARY_REPO_TOKEN, username: "x-access-token" });
    expect(object.spec.template.data).toEqual({ type: "git", url: "https://github.com/acme/fleet.git" });
    expectNoPlaintext(run);
    expect((await cli(root, {}, ["generate"])).code).toBe(0);
    expect((await cli(root, {}, ["validate"])).code).toBe(0);
    // Argo CD consumes it: secrets status does not call it unused.
    const status = await cli(root, {}, ["secrets", "status", "dev"]);
    expect(status.stdout).toContain("argocd/repo-github-com-acme-fleet-git");
    expect(status.stdout).not.toMatch(/argocd\/repo-github-com-acme-fleet-git[^\n]*unused/);
  });

  it("seals a GitHub App's private key from the environment", async () => {
    root = makeRepo(await privateFleet({ url: "https://github.com/acme/fleet.git", access: "githubApp" }));
    const pem = `-----BEGIN RSA PRIVATE KEY-----\n${CANARY_REPO_TOKEN}\n-----END RSA PRIVATE KEY-----\n`;
    const run = await cli(root, { BERTH_GITHUB_APP_PRIVATE_KEY: pem }, ["repo", "connect", "dev", "--app-id", "12345", "--installation-id", "678"]);
    expect(run.code, run.stderr).toBe(0);
    const { values } = await openCredential(root, "secrets/dev/argocd/repo-github-com-acme-fleet-git.yaml");
    expect(values).toEqual({ githubAppID: "12345", githubAppInstallationID: "678", githubAppPrivateKey: pem });
    expectNoPlaintext(run);
  });

  it("seals an OCI registry's login from BERTH_REGISTRY_<HOST>_*, as an Argo CD helm repository with enableOCI", async () => {
    root = makeRepo(await privateFleet({ url: "https://git.example.com/fleet.git", access: "public" }, "registries:\n  - url: oci://registry.example.com/charts\n"));
    const run = await cli(root, { BERTH_REGISTRY_REGISTRY_EXAMPLE_COM_USERNAME: "robot", BERTH_REGISTRY_REGISTRY_EXAMPLE_COM_PASSWORD: CANARY_REGISTRY_PASSWORD }, ["repo", "connect", "dev", "--registry", "oci://registry.example.com/charts"]);
    expect(run.code, run.stderr).toBe(0);
    const { object, values } = await openCredential(root, "secrets/dev/argocd/repo-registry-example-com-charts.yaml");
    expect(values).toEqual({ password: CANARY_REGISTRY_PASSWORD, username: "robot" });
    expect(object.spec.template.data).toEqual({ enableOCI: "true", name: "repo-registry-example-com-charts", type: "helm", url: "registry.example.com/charts" });
    expectNoPlaintext(run);
    // The sealed Secret is the registry's only registration: Argo CD's values register none in plaintext.
    expect((await cli(root, {}, ["generate"])).code).toBe(0);
    for (const cluster of ["dev", "prod"]) expect(readFileSync(join(root, `clusters/${cluster}/argocd/platform.yaml`), "utf8")).not.toContain("repositories:");
    expect((await cli(root, {}, ["validate"])).code).toBe(0);
  });

  it("a loopback OCI registry's Secret tells Argo CD to pull over plain HTTP, as berth's own renders do", async () => {
    root = makeRepo(await privateFleet({ url: "https://git.example.com/fleet.git", access: "public" }, "registries:\n  - url: oci://127.0.0.1:5000/charts\n"));
    const run = await cli(root, { BERTH_REGISTRY_127_0_0_1_5000_USERNAME: "robot", BERTH_REGISTRY_127_0_0_1_5000_PASSWORD: CANARY_REGISTRY_PASSWORD }, ["repo", "connect", "dev", "--registry", "oci://127.0.0.1:5000/charts"]);
    expect(run.code, run.stderr).toBe(0);
    const { object } = await openCredential(root, "secrets/dev/argocd/repo-127-0-0-1-5000-charts.yaml");
    expect(object.spec.template.data).toEqual({ enableOCI: "true", insecureOCIForceHttp: "true", name: "repo-127-0-0-1-5000-charts", type: "helm", url: "127.0.0.1:5000/charts" });
    expect((await cli(root, {}, ["validate"])).code).toBe(0);
  });

  it("a missing secret is an error naming the variable and --from-stdin, never asking for an argument", async () => {
    root = makeRepo(await privateFleet({ url: "https://github.com/acme/fleet.git", access: "token" }));
    const run = await cli(root, {}, ["repo", "connect", "dev"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("no token: BERTH_REPO_TOKEN is not set and --from-stdin was not given");
  });
});

describe("berth validate: every private source has a fitting credential for its cluster", () => {
  it("no credential sealed: the error names the cluster.yaml line and the command", async () => {
    root = makeRepo(await privateFleet({ url: SSH_URL, access: "deployKey" }));
    const run = await cli(root, {}, ["validate"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/clusters\/dev\/cluster\.yaml:6:11: the repository git@github\.com:acme\/fleet\.git is private \(deploy key\), but no credential is sealed for cluster "dev" \(no secrets\/dev\/argocd\/repo-github-com-acme-fleet-git\.yaml\)\n\s+fix: run `berth repo connect dev`/);
  });

  it("an SSH key for an https:// URL: the error gives the SSH form of the URL", async () => {
    root = makeRepo(await privateFleet({ url: "https://github.com/acme/fleet.git", access: "deployKey" }));
    const run = await cli(root, {}, ["validate"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('a deploy key is an SSH key, but the repository URL "https://github.com/acme/fleet.git" is not an SSH URL');
    expect(run.stderr).toContain("fix: set repo.url to the SSH form (git@github.com:acme/fleet.git), or use access: token or githubApp for https://");
  });

  it("a token sealed where cluster.yaml now says deployKey: the kinds are named", async () => {
    root = makeRepo(await privateFleet({ url: "https://github.com/acme/fleet.git", access: "token" }));
    expect((await cli(root, {}, ["repo", "connect", "dev", "--from-stdin"], CANARY_REPO_TOKEN)).code).toBe(0);
    const file = join(root, "clusters/dev/cluster.yaml");
    const { writeFileSync } = await import("node:fs");
    writeFileSync(file, readFileSync(file, "utf8").replace("access: token", "access: githubApp"));
    const run = await cli(root, {}, ["validate"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("a GitHub App needs sealed githubAppID, githubAppInstallationID, githubAppPrivateKey; this SealedSecret holds a token instead");
    expect(run.stderr).toContain("fix: set repo.access: token in cluster.yaml, or run `berth repo connect dev --rotate`");
  });
});
