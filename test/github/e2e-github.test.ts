import { Octokit } from "@octokit/rest";
import { afterEach, describe, expect, it } from "vitest";
import { repoKeysApi } from "../../generator/github/deploy-keys.js";
// @ts-expect-error -- a plain ES module of the e2e harness (no types)
import { startGithub } from "../../e2e/harness/github.mjs";

interface LoopbackGithub {
  url: string;
  deployKeys: { id: number; key: string; title: string; read_only: boolean }[];
  validated(): number;
  statuses: { sha: string; state: string; context: string; description: string }[];
  violations: string[];
  unauthorized: string[];
  close(): Promise<void>;
}

/**
 * The e2e's loopback GitHub (e2e/harness/github.mjs), where Argo CD's notifications controller
 * posts commit statuses: it must accept what GitHub accepts and refuse what GitHub's OpenAPI
 * description (and its documented limits) refuse, or the e2e proves nothing.
 */
const servers: LoopbackGithub[] = [];
afterEach(async () => Promise.all(servers.splice(0).map((s) => s.close())));
const SHA = "0123456789abcdef0123456789abcdef01234567";

async function server(): Promise<{ gh: LoopbackGithub; octokit: Octokit }> {
  const gh = (await startGithub({ token: "t0k3n", owner: "acme", repo: "fleet" })) as LoopbackGithub;
  servers.push(gh);
  return { gh, octokit: new Octokit({ auth: "t0k3n", baseUrl: gh.url }) };
}

describe("the e2e's loopback GitHub", () => {
  it("records a commit status created as GitHub's REST API takes it", async () => {
    const { gh, octokit } = await server();
    const r = await octokit.rest.repos.createCommitStatus({ owner: "acme", repo: "fleet", sha: SHA, state: "pending", context: "berth/lab", description: "deploying" });
    expect(r.status).toBe(201);
    expect(r.data.context).toBe("berth/lab");
    expect(gh.statuses).toEqual([expect.objectContaining({ sha: SHA, state: "pending", context: "berth/lab", description: "deploying" })]);
    expect(gh.violations).toEqual([]);
  });

  it("refuses a state, a field, a description or a revision GitHub would refuse, and a wrong token", async () => {
    const { gh, octokit } = await server();
    const post = (body: Record<string, unknown>, sha = SHA) => octokit.request("POST /repos/{owner}/{repo}/statuses/{sha}", { owner: "acme", repo: "fleet", sha, ...body } as never).then((r) => r.status, (e: { status: number }) => e.status);
    expect(await post({ state: "deployed" })).toBe(422);
    expect(await post({ state: "success", colour: "green" })).toBe(422);
    expect(await post({ state: "failure", description: "x".repeat(141) })).toBe(422);
    expect(await post({ state: "success" }, "main")).toBe(422);
    expect(gh.violations).toHaveLength(4);
    const stranger = new Octokit({ auth: "not-it", baseUrl: gh.url });
    await expect(stranger.rest.repos.createCommitStatus({ owner: "acme", repo: "fleet", sha: SHA, state: "success" })).rejects.toMatchObject({ status: 401 });
    expect(gh.unauthorized).toHaveLength(1);
    expect(gh.statuses).toEqual([]);
  });

  it("registers, lists and deletes read-only deploy keys and publishes the SSH host keys on /meta, as berth repo connect calls them", async () => {
    const gh = (await startGithub({ token: "t0k3n", owner: "acme", repo: "fleet", sshHostKeys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"] })) as LoopbackGithub;
    servers.push(gh);
    const api = repoKeysApi({ token: "t0k3n", apiUrl: gh.url, owner: "acme", repo: "fleet" }, { rateLimit: { retries: 0, maxWaitMs: 0, sleep: async () => {}, now: () => Date.now() }, warn: () => {} });
    expect(await api.sshHostKeys()).toEqual(["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"]);
    const added = await api.add("berth:lab", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDs1ypC5Q9bpP2H0Lr1h4DbdV8WQ2z7Q3m0oN3oX0e5D berth:lab");
    expect(added).toMatchObject({ title: "berth:lab", readOnly: true });
    expect((await api.list()).map((k) => k.id)).toEqual([added.id]);
    // The same key twice: GitHub refuses a key in use.
    const octokit = new Octokit({ auth: "t0k3n", baseUrl: gh.url });
    await expect(octokit.rest.repos.createDeployKey({ owner: "acme", repo: "fleet", key: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDs1ypC5Q9bpP2H0Lr1h4DbdV8WQ2z7Q3m0oN3oX0e5D", read_only: true })).rejects.toMatchObject({ status: 422 });
    await api.remove(added.id);
    expect(gh.deployKeys).toEqual([]);
    expect(gh.violations).toEqual([]);
    expect(gh.validated()).toBe(5);
    // A field GitHub's description does not have is refused and recorded.
    await expect(octokit.request("POST /repos/{owner}/{repo}/keys", { owner: "acme", repo: "fleet", key: "ssh-ed25519 AAAA", readonly: true } as never)).rejects.toMatchObject({ status: 422 });
    expect(gh.violations).toHaveLength(1);
  });
});
