import { createPrivateKey, randomBytes, type KeyObject } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { generateSealingKeyPair, type SealingKeyPair } from "../../generator/sealer/index.js";
import { makeRepo, removeRepo } from "../helpers/repo.js";
import { unseal } from "../sealer/unseal.js";
import { fleetWithCerts, NOW, run } from "../secrets/helpers.js";

/**
 * The notification credential (`notify` in cluster.yaml) is handled like every berth secret:
 * sealed per cluster from stdin into secrets/<cluster>/argocd/argocd-notifications-secret.yaml,
 * required by `berth validate` where notify is set, referenced by key from Argo CD's config, and
 * never in plaintext in the repository, in Git objects berth writes, or in any output.
 */
let pair: SealingKeyPair;
let key: KeyObject;
const repos: string[] = [];
afterEach(() => repos.splice(0).forEach(removeRepo));
beforeAll(async () => {
  pair = await generateSealingKeyPair({ now: NOW });
  key = createPrivateKey(pair.privateKeyPem);
});

const NOTIFY = `notify:
  github: { repository: acme/fleet }
  slack: { channel: deploys }
`;
const FILE = "secrets/dev/argocd/argocd-notifications-secret.yaml";

function repo(): string {
  const tree = fleetWithCerts({ dev: pair.certPem, prod: pair.certPem });
  tree["clusters/dev/cluster.yaml"] = tree["clusters/dev/cluster.yaml"]!.replace("apps:\n", `${NOTIFY}apps:\n`);
  const root = makeRepo(tree);
  repos.push(root);
  return root;
}

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? listFiles(p) : [p];
  });
}

describe("the notification credential", () => {
  it("is required by berth validate where notify is set, at cluster.yaml's notify, with the command that seals it", async () => {
    const root = repo();
    const r = await run(root, ["validate"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/clusters\/dev\/cluster\.yaml:\d+:\d+: argo-cd on cluster "dev" consumes secret argocd\/argocd-notifications-secret, which is not sealed for that cluster and namespace \(no secrets\/dev\/argocd\/argocd-notifications-secret\.yaml\)/);
    expect(r.stderr).toContain("berth seal --cluster dev --namespace argocd --name argocd-notifications-secret --from-literal github-token=<value> --from-literal slack-token=<value>");
  });

  it("is sealed from stdin, opens to the value, and appears nowhere in plaintext: files, generated config, output", async () => {
    const root = repo();
    const token = `ghp_${randomBytes(18).toString("hex")}`;
    const slack = `xoxb-${randomBytes(12).toString("hex")}`;
    const outputs: string[] = [];
    for (const [args, stdin] of [
      [["seal", "--cluster", "dev", "--namespace", "argocd", "--name", "argocd-notifications-secret", "--from-stdin", "github-token"], token],
      [["seal", "--cluster", "dev", "--namespace", "argocd", "--name", "argocd-notifications-secret", "--from-stdin", "slack-token"], slack],
      [["generate"], ""],
      [["validate"], ""],
      [["secrets", "status"], ""],
    ] as const) {
      const r = await run(root, args, { stdin });
      outputs.push(r.stdout, r.stderr);
      if (args[0] === "validate") expect(r.stderr).not.toContain("argocd-notifications-secret");
    }
    // The real thing: the sealed value opens to the token (what the controller will do).
    const sealed = parse(readFileSync(join(root, FILE), "utf8")) as { spec: { encryptedData: Record<string, string> } };
    expect(unseal(sealed.spec.encryptedData["github-token"]!, key, "argocd/argocd-notifications-secret").toString()).toBe(token);
    // Argo CD's configuration names the keys, never the values.
    const platform = readFileSync(join(root, "clusters/dev/argocd/platform.yaml"), "utf8");
    expect(platform).toContain("value: token $github-token");
    expect(platform).toContain("token: $slack-token");
    const needles = [token, slack].flatMap((v) => [v, Buffer.from(v).toString("base64"), Buffer.from(v).toString("hex")]);
    for (const text of outputs) for (const n of needles) expect(text).not.toContain(n);
    const files = listFiles(root);
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) for (const n of needles) expect(readFileSync(file).includes(n), `${file} contains the credential`).toBe(false);
  });
});
