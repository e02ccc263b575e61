import { createPrivateKey, type KeyObject } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { UserError, type Diagnostic } from "../errors.js";
import { layout } from "../layout.js";
import { certOfKey, readClusterCerts, type ClusterCert, type ClusterCerts } from "./cluster-certs.js";
import { shortFingerprint } from "./cluster-certificate.js";
import { enclosingWorkTree, insideRepository } from "./key-file.js";

/** A private key from --key, matched to the cluster certificate it belongs to. */
export interface GivenKey {
  /** As given on the command line (for messages). */
  arg: string;
  key: KeyObject;
  cert: ClusterCert;
}

/**
 * Reads private keys from the files named by --key (never from the arguments' contents), each from
 * outside the repository and its git work tree, and matches each to one of the cluster's
 * certificates (active or listed). A key of no certificate of the cluster is refused: it could
 * open nothing the controller can.
 */
export function readGivenKeys(root: string, cwd: string, args: readonly string[], certs: ClusterCerts): GivenKey[] {
  const problems: Diagnostic[] = [];
  const out: GivenKey[] = [];
  for (const arg of args) {
    const r = readPrivateKeyFile(root, cwd, arg);
    if ("problem" in r) {
      problems.push(r.problem);
      continue;
    }
    const cert = certOfKey(certs, r.key);
    if (!cert) {
      const known = [certs.active, ...certs.listed].filter((c) => c !== undefined).map((c) => `${shortFingerprint(c.fingerprint)} (${c.file})`);
      problems.push({
        file: arg,
        line: 0,
        col: 0,
        message: `--key: the key belongs to no certificate of cluster "${certs.cluster}" (${known.length > 0 ? known.join(", ") : "it has none"})`,
        hint: `give the private key of ${layout.sealingCert(certs.cluster)} or of a certificate listed in ${layout.sealingCertsDir(certs.cluster)}/`,
      });
      continue;
    }
    out.push({ arg, key: r.key, cert });
  }
  if (problems.length > 0) throw new UserError(problems);
  return out;
}

/** One RSA private key file, outside the repository and any git work tree holding it. */
export function readPrivateKeyFile(root: string, cwd: string, arg: string): { key: KeyObject } | { problem: Diagnostic } {
  const at = (message: string, hint: string) => ({ problem: { file: arg, line: 0, col: 0, message, hint } });
  const path = resolve(cwd, arg);
  let isFile = false;
  try {
    isFile = statSync(path).isFile();
  } catch {
    /* reported below */
  }
  if (!isFile) return at("--key: the file does not exist", "give the private key file written by `berth keys generate --out` or `berth keys rotate --out`, or restored from its backup");
  const workTree = enclosingWorkTree(root);
  if (insideRepository(root, path) || (workTree !== undefined && insideRepository(workTree, path))) {
    return at("--key: the private key is inside the repository's git work tree, where it can be committed", "move it outside every git work tree (and out of the Git history, if it was ever committed: then the key has leaked, see docs/rotating-keys.md)");
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(readFileSync(path));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return at(`--key: not an unencrypted PEM private key (${code ?? "unreadable"})`, "give the RSA private key (-----BEGIN RSA PRIVATE KEY----- or -----BEGIN PRIVATE KEY-----) without a passphrase");
  }
  if (key.asymmetricKeyType !== "rsa") return at(`--key: the key is ${key.asymmetricKeyType ?? "of an unknown type"}, not RSA`, "Sealed Secrets keys are RSA");
  return { key };
}

/**
 * --key for commands over several clusters (validate, secrets status): each key goes to every
 * cluster one of whose certificates it belongs to; a key of no cluster is refused.
 */
export function readKeysForClusters(root: string, cwd: string, args: readonly string[], clusters: readonly string[]): Map<string, GivenKey[]> {
  const out = new Map<string, GivenKey[]>();
  if (args.length === 0) return out;
  const certs = clusters.map((c) => readClusterCerts(root, c));
  const problems: Diagnostic[] = [];
  for (const arg of args) {
    const r = readPrivateKeyFile(root, cwd, arg);
    if ("problem" in r) {
      problems.push(r.problem);
      continue;
    }
    let matched = false;
    for (const c of certs) {
      const cert = certOfKey(c, r.key);
      if (!cert) continue;
      matched = true;
      out.set(c.cluster, [...(out.get(c.cluster) ?? []), { arg, key: r.key, cert }]);
    }
    if (!matched) {
      problems.push({ file: arg, line: 0, col: 0, message: `--key: the key belongs to no certificate of ${clusters.length === 1 ? `cluster "${clusters[0]}"` : "any cluster"}`, hint: "give the private key of a cluster's sealing-cert.pem or of a certificate listed in its sealing-certs/" });
    }
  }
  if (problems.length > 0) throw new UserError(problems);
  return out;
}
