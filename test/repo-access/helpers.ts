import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { fixtureSealedSecrets } from "../helpers/fleet-fixture.js";
import { fingerprintOf, fleetWithCerts } from "../secrets/helpers.js";
import { makeCert, type TestCert } from "../sealer/fixtures.js";
import { unseal } from "../sealer/unseal.js";
import { berthWith, type CliRun } from "../helpers/repo.js";

/** GitHub's published ed25519 host key (api.github.com/meta), as the loopback GitHub publishes it. */
export const GITHUB_ED25519 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";
export const GITHUB_ED25519_FINGERPRINT = "SHA256:+DiY3wvvV6TuJJhbpZisF/zLDA0zPMSvHdkr4UvCOqU";

/** Recognisable values that must never appear in output, argv or the tree in plaintext. */
export const CANARY_GITHUB_TOKEN = "canary-gh-T0ken-8f2b71";
export const CANARY_REPO_TOKEN = "canary-repo-T0ken-5d1e09";
export const CANARY_REGISTRY_PASSWORD = "canary-registry-Pa55-3c7a44";

let cert: TestCert | undefined;
/** One sealing certificate for the tests (RSA key generation is slow). */
export async function testCert(): Promise<TestCert> {
  cert ??= await makeCert({ key: { rsaBits: 2048 } });
  return cert;
}

/** The fixture fleet with a certificate for dev and prod, dev's repo.url and access replaced. */
export async function privateFleet(repo: { url: string; access: string }, extra = ""): Promise<Record<string, string>> {
  const c = await testCert();
  // The app secrets sealed too (with this certificate), so validate has only the repository to judge.
  const tree = { ...fleetWithCerts({ dev: c.certPem, prod: c.certPem }), ...fixtureSealedSecrets(fingerprintOf(c.certPem)) };
  tree["clusters/dev/cluster.yaml"] = tree["clusters/dev/cluster.yaml"]!.replace(
    "repo: { url: https://git.example.com/fleet.git, revision: main }",
    `# how Argo CD reads this fleet\nrepo:\n  url: ${repo.url}\n  revision: main\n  access: ${repo.access}\n${extra}`,
  );
  return tree;
}

/** Runs the CLI in-process with an environment and, optionally, standard input. */
export function cli(root: string, env: NodeJS.ProcessEnv, args: readonly string[], stdin?: string): Promise<CliRun> {
  return berthWith(root, { env, now: () => new Date("2026-06-01T00:00:00Z"), stdin }, args);
}

/** A committed credential SealedSecret, and its values opened with the test certificate's key (as the controller would). */
export async function openCredential(root: string, file: string): Promise<{ object: Record<string, any>; values: Record<string, string> }> {
  const object = parse(readFileSync(join(root, file), "utf8")) as Record<string, any>;
  const { privateKey } = await testCert();
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries(object.spec.encryptedData as Record<string, string>)) {
    values[k] = unseal(v, privateKey, `${object.metadata.namespace}/${object.metadata.name}`).toString("utf8");
  }
  return { object, values };
}

/** The public key blob an OpenSSH private key file carries in clear, as `ssh-ed25519 <base64>`. */
export function publicOfOpensshKey(pem: string): string {
  const body = Buffer.from(pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, ""), "base64");
  if (body.subarray(0, 15).toString("latin1") !== "openssh-key-v1\0") throw new Error("not an OpenSSH private key");
  let at = 15;
  const str = () => {
    const n = body.readUInt32BE(at);
    const s = body.subarray(at + 4, at + 4 + n);
    at += 4 + n;
    return s;
  };
  str(); // cipher
  str(); // kdf
  str(); // kdf options
  at += 4; // number of keys
  return `ssh-ed25519 ${str().toString("base64")}`;
}
