import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error -- the e2e harness is plain JavaScript
import { haveSshd, startGitSsh } from "../../e2e/harness/git-ssh.mjs";
import { FakeGithub } from "../github/fake-github.js";
import { makeRepo, removeRepo } from "../helpers/repo.js";
import { CANARY_GITHUB_TOKEN, cli, openCredential, privateFleet } from "./helpers.js";

/**
 * The proof that the key `berth repo connect` registers is the key that opens the repository:
 * Debian's openssh-server (its own config on 127.0.0.1) asks the loopback GitHub for the deploy
 * keys, and real git/ssh clone through it with the key opened from the SealedSecret, verifying
 * the host key berth pinned from GET /meta. Skipped where openssh-server is not installed.
 */
describe.skipIf(!haveSshd())("a fleet repository served over SSH only, opened by the deploy key berth registered", () => {
  let gh: FakeGithub;
  let server: { url: string; hostKey: string; log(): string; stop(): Promise<void> };
  let origin = "";
  let root = "";
  let work = "";
  let knownHosts = "";
  let deployKey = "";

  // Asynchronous: sshd's keys command asks the loopback GitHub, which answers from this process.
  const git = (args: string[], key: string, hosts = knownHosts) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((ok) => {
      const child = spawn("git", args, { env: { PATH: process.env.PATH, HOME: work, GIT_SSH_COMMAND: `ssh -F /dev/null -i ${key} -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile=${hosts}` } });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d) => (stdout += d));
      child.stderr.on("data", (d) => (stderr += d));
      child.on("close", (status) => ok({ status, stdout, stderr }));
    });

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "berth-ssh-test-"));
    origin = join(work, "fleet.git");
    execFileSync("git", ["init", "-q", "--bare", "-b", "main", origin]);
    const seed = join(work, "seed");
    execFileSync("git", ["init", "-q", "-b", "main", seed]);
    writeFileSync(join(seed, "README.md"), "fleet\n");
    execFileSync("git", ["-C", seed, "add", "-A"]);
    execFileSync("git", ["-C", seed, "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "seed"]);
    execFileSync("git", ["-C", seed, "push", "-q", origin, "main"]);

    gh = await new FakeGithub(CANARY_GITHUB_TOKEN).start();
    server = await startGitSsh({ repoDir: origin, github: { url: gh.url, token: CANARY_GITHUB_TOKEN, owner: "acme", repo: "fleet" } });
    gh.sshHostKeys = [server.hostKey];

    root = makeRepo(await privateFleet({ url: server.url, access: "deployKey" }));
    const run = await cli(root, { GITHUB_TOKEN: CANARY_GITHUB_TOKEN, GITHUB_API_URL: gh.url }, ["repo", "connect", "dev"]);
    if (run.code !== 0) throw new Error(run.stderr);
    const cluster = parse(readFileSync(join(root, "clusters/dev/cluster.yaml"), "utf8"));
    knownHosts = join(work, "known_hosts");
    writeFileSync(knownHosts, `${cluster.repo.knownHosts.join("\n")}\n`);
    // The one credential berth sealed for dev (its name derives from the URL, whose port is random).
    const [name] = readdirSync(join(root, "secrets/dev/argocd"));
    const { values } = await openCredential(root, `secrets/dev/argocd/${name}`);
    deployKey = join(work, "deploy_key");
    writeFileSync(deployKey, values.sshPrivateKey!, { mode: 0o600 });
  });
  afterAll(async () => {
    await server?.stop();
    await gh?.stop();
    expect(gh.violations).toEqual([]);
    if (root) removeRepo(root);
    rmSync(work, { recursive: true, force: true });
  });

  it("pins the server's own host key, as GitHub's API published it", () => {
    const port = server.url.split(":")[2]!.split("/")[0];
    expect(readFileSync(knownHosts, "utf8")).toBe(`[127.0.0.1]:${port} ${server.hostKey}\n`);
  });

  it("the deploy key opened from the SealedSecret clones the repository; sshd asked the loopback GitHub for the keys", async () => {
    const r = await git(["ls-remote", server.url], deployKey);
    expect(r.status, r.stderr + server.log()).toBe(0);
    expect(r.stdout).toMatch(/^[0-9a-f]{40}\trefs\/heads\/main$/m);
    expect(gh.requests.filter((q) => q.operation === "repos/list-deploy-keys" && q.status === 200).length).toBeGreaterThan(1);
  });

  it("refuses an unknown key and an anonymous client", async () => {
    const other = join(work, "other_key");
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", other]);
    const unknown = await git(["ls-remote", server.url], other);
    expect(unknown.status).not.toBe(0);
    expect(unknown.stderr).toContain("Permission denied (publickey)");
    const anonymous = await git(["ls-remote", server.url], "/dev/null");
    expect(anonymous.status).not.toBe(0);
    expect(anonymous.stderr).toContain("Permission denied (publickey)");
  });

  it("is read-only: a push with the deploy key is refused", async () => {
    const clone = join(work, "clone");
    expect((await git(["clone", "-q", server.url, clone], deployKey)).status).toBe(0);
    writeFileSync(join(clone, "x"), "x\n");
    execFileSync("git", ["-C", clone, "add", "-A"]);
    execFileSync("git", ["-C", clone, "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "x"]);
    const push = await git(["-C", clone, "push", "origin", "main"], deployKey);
    expect(push.status).not.toBe(0);
    expect(push.stderr).toContain("read-only deploy key");
  });

  it("a host key other than the pinned one is refused by the client", async () => {
    const wrong = join(work, "wrong_known_hosts");
    const port = server.url.split(":")[2]!.split("/")[0];
    writeFileSync(wrong, `[127.0.0.1]:${port} ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n`);
    const r = await git(["ls-remote", server.url], deployKey, wrong);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed/);
  });
});
