import { createHash, X509Certificate } from "node:crypto";
import { expect } from "vitest";
import { main } from "../../generator/cli.js";
import { fixtureFleet } from "../helpers/fleet-fixture.js";
import { readTree, type CliRun } from "../helpers/repo.js";

/** The clock the tests run berth with: inside the validity of certificates generated at NOW. */
export const NOW = new Date("2026-03-01T12:00:00Z");
export const LATER = new Date("2026-06-01T00:00:00Z");

/** Runs the berth CLI in-process with an injected stdin and clock. */
export async function run(root: string, args: readonly string[], opts: { stdin?: string | Buffer; now?: Date; cwd?: string } = {}): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const code = await main(args, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    cwd: opts.cwd ?? root,
    env: {},
    now: () => opts.now ?? LATER,
    ...(opts.stdin !== undefined ? { stdin: async () => Buffer.from(opts.stdin!) } : {}),
  });
  return { code, stdout, stderr };
}

/** The fixture fleet with a sealing certificate committed for each of its clusters (dev, prod). */
export function fleetWithCerts(certs: { dev?: string; prod?: string }): Record<string, string> {
  const tree = fixtureFleet();
  if (certs.dev) tree["clusters/dev/sealing-cert.pem"] = certs.dev;
  if (certs.prod) tree["clusters/prod/sealing-cert.pem"] = certs.prod;
  return tree;
}

export function fingerprintOf(certPem: string): string {
  return createHash("sha256").update(new X509Certificate(certPem).raw).digest("hex");
}

/** Asserts the user-error contract: exit 1, file:line:col, a fix, "nothing was written", the tree untouched. */
export function expectUserError(r: CliRun, root: string, before: Record<string, string>, ...expected: (string | RegExp)[]): void {
  expect(r.code, r.stderr).toBe(1);
  expect(r.stdout).toBe("");
  expect(r.stderr).toMatch(/^[^\s:]+:\d+:\d+: /m);
  expect(r.stderr).toContain("fix: ");
  expect(r.stderr).toContain("nothing was written");
  expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);
  for (const e of expected) expect(r.stderr).toMatch(e);
  expect(readTree(root)).toEqual(before);
}

/**
 * Structurally valid SealedSecrets (fake ciphertext, nothing decrypts them) for every secret the
 * fixture fleet consumes, so that `berth validate` passes on `{ ...fixtureFleet(), ...fixtureSealedSecrets() }`.
 */
export function fixtureSealedSecrets(): Record<string, string> {
  const value = (seed: string) => {
    const rsa = createHash("sha512").update(seed).digest();
    const wrapped = Buffer.concat(Array.from({ length: 8 }, () => rsa)); // 512 bytes, like RSA-4096
    const prefix = Buffer.alloc(2);
    prefix.writeUInt16BE(wrapped.length);
    return Buffer.concat([prefix, wrapped, createHash("sha256").update(seed).digest()]).toString("base64");
  };
  const file = (ns: string, name: string, key: string) => `apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata:
  name: ${name}
  namespace: ${ns}
  annotations:
    berth.dev/sealed-with: ${"0".repeat(64)}
spec:
  encryptedData:
    ${key}: ${value(`${ns}/${name}/${key}`)}
  template:
    metadata:
      name: ${name}
      namespace: ${ns}
    type: Opaque
`;
  return {
    "secrets/dev/data/postgres-credentials.yaml": file("data", "postgres-credentials", "postgres-password"),
    "secrets/dev/shop-staging/shop-db.yaml": file("shop-staging", "shop-db", "password"),
    "secrets/prod/data/postgres-credentials.yaml": file("data", "postgres-credentials", "postgres-password"),
    "secrets/prod/shop-prod/shop-db.yaml": file("shop-prod", "shop-db", "password"),
  };
}
