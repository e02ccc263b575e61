import { afterEach, describe, expect, it } from "vitest";
import { findPlaintextCredentials, findPrivateKeys } from "../../generator/validate/hygiene.js";
import { findRepositoryCredentials } from "../../generator/validate/repository-credentials.js";
import { repoReader } from "../../generator/validate/repo-reads.js";
import { listRepoFiles } from "../../generator/read/repo-files.js";
import { makeRepo, removeRepo } from "../helpers/repo.js";

/**
 * Issue 24: validate's hygiene scans share one read of each values file (validate/repo-reads.ts).
 * They must find exactly what they find reading each file themselves.
 */
const repos: string[] = [];
afterEach(() => repos.splice(0).forEach(removeRepo));

const KEY = ["-----BEGIN RSA PRIVATE KEY-----", "MIIEowIBAAKCAQEAv8f1Zq0aB3", "-----END RSA PRIVATE KEY-----"].join("\n");

describe("validate's shared reads", () => {
  it("the scans find the same with and without them: credentials, repository credentials, private keys, in values files and elsewhere", () => {
    const root = makeRepo({
      "apps/a/app.yaml": "layer: apps\n",
      "apps/a/values.yaml": "db:\n  password: hunter2hunter2\n",
      "apps/a/values-prod.yaml": `tls:\n  key: |\n${KEY.split("\n").map((l) => `    ${l}`).join("\n")}\n`,
      "apps/argo-cd/values.yaml": "configs:\n  repositories:\n    private:\n      url: https://git.example.com/x.git\n      password: s3cr3t-value-here\n",
      "clusters/dev/cluster.yaml": "apps: [a]\n",
      "clusters/dev/values/a.yaml": "apiToken: AKIAABCDEFGHIJKLMNOP\n",
      "docs/key.pem": `${KEY}\n`,
      "apps/a/big/values-huge.yaml": `x: ${"a".repeat(300 * 1024)}\n`,
    });
    repos.push(root);
    const scans = (read?: ReturnType<typeof repoReader>) => {
      const list = (dirs?: readonly string[]) => listRepoFiles(root, dirs);
      return [findRepositoryCredentials(root, list, read), findPlaintextCredentials(root, undefined, list, read), findPrivateKeys(root, list, read)];
    };
    const alone = scans();
    expect(alone.flat().length).toBeGreaterThanOrEqual(4);
    expect(scans(repoReader(root))).toEqual(alone);
  });

  it("keeps only small values files: other files and large ones are left to the scans", () => {
    const root = makeRepo({ "apps/a/values.yaml": "a: 1\n", "apps/a/app.yaml": "layer: apps\n", "apps/a/values-big.yaml": `x: ${"a".repeat(300 * 1024)}\n` });
    repos.push(root);
    const read = repoReader(root);
    expect(read.text("apps/a/values.yaml")).toBe("a: 1\n");
    expect(read.head("apps/a/values.yaml", 3)).toBe("a: ");
    expect(read.text("apps/a/app.yaml")).toBeUndefined();
    expect(read.text("apps/a/values-big.yaml")).toBeUndefined();
    expect(read.text("apps/a/values-missing.yaml")).toBeUndefined();
  });

  it("answers from the texts the loader read: as they are, and as bytes only when they are ASCII", () => {
    const root = makeRepo({ "apps/a/app.yaml": "layer: apps\n", "apps/a/values.yaml": "a: é\n" });
    repos.push(root);
    const read = repoReader(root, new Map([["apps/a/app.yaml", "layer: apps\n"], ["apps/a/values.yaml", "a: é\n"]]));
    expect(read.text("apps/a/app.yaml")).toBe("layer: apps\n");
    expect(read.head("apps/a/app.yaml", 5)).toBe("layer");
    expect(read.text("apps/a/values.yaml")).toBe("a: é\n");
    // Not ASCII: the bytes are read (é is two bytes in UTF-8, two latin1 characters).
    expect(read.head("apps/a/values.yaml", 64)).toBe(Buffer.from("a: é\n").toString("latin1"));
  });
});
