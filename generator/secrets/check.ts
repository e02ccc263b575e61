import type { Diagnostic } from "../errors.js";
import { layout } from "../layout.js";
import type { Fleet } from "../model/fleet.js";
import { diagnosticAt } from "../yaml/source.js";
import { shortFingerprint } from "./cluster-certificate.js";
import { readClusterCerts } from "./cluster-certs.js";
import { consumedSecrets, sealCommand, secretId } from "./consumers.js";
import { findPlaintextSecrets, type TextOf } from "./plaintext.js";
import type { RepoLister } from "../read/repo-files.js";
import type { GivenKey } from "./private-keys.js";
import { sealedBy } from "./sealed-by.js";
import { readSealedFiles, type SealedFile } from "./sealed-files.js";

/**
 * The secret checks of `berth validate`: every secret an app consumes is sealed for its cluster and
 * namespace with every key it needs; every file under secrets/ is a SealedSecret matching its path
 * on a known cluster; no plaintext Secret is committed under apps/, clusters/ or secrets/.
 * `list`, `read` and `clean`: the caller's listing of the repository, the texts it has read, and
 * the files its scans need not read (see findPlaintextSecrets).
 */
export function checkSecrets(root: string, fleet: Fleet, onlyCluster?: string, keys: ReadonlyMap<string, readonly GivenKey[]> = new Map(), list?: RepoLister, read?: TextOf, clean?: (file: string) => boolean): Diagnostic[] {
  const out: Diagnostic[] = [];
  const { files, diagnostics } = readSealedFiles(root, onlyCluster);
  out.push(...diagnostics);
  const known = new Set(fleet.clusters.map((c) => c.name));
  for (const file of files) {
    if (!known.has(file.cluster)) {
      out.push({ file: file.file, line: 0, col: 0, message: `is sealed for cluster "${file.cluster}", which does not exist (no ${layout.clusterFile(file.cluster)})`, hint: `move it to the folder of the cluster it was sealed for, or remove ${layout.secretsDir}/${file.cluster}/` });
    }
  }
  for (const cluster of fleet.clusters) {
    if (onlyCluster !== undefined && cluster.name !== onlyCluster) continue;
    out.push(...unopenableSealedFiles(root, cluster.name, files, keys.get(cluster.name) ?? []));
    const sealed = new Map(files.filter((f) => f.cluster === cluster.name).map((f) => [secretId(f.namespace, f.name), f]));
    for (const secret of consumedSecrets(fleet, cluster)) {
      const file = sealed.get(secretId(secret.namespace, secret.name));
      if (file && !file.parsed) continue; // the file's own problems are reported above
      const have = new Set(Object.keys(file?.parsed?.secret.spec.encryptedData ?? {}));
      const path = layout.sealedSecretFile(cluster.name, secret.namespace, secret.name);
      for (const consumer of secret.consumers) {
        const lacking = consumer.keys.filter((k) => !have.has(k));
        if (lacking.length === 0) continue;
        const what = `${consumer.instance} on cluster "${cluster.name}" consumes secret ${secretId(secret.namespace, secret.name)}`;
        const message = file ? `${what}, but ${path} lacks ${lacking.join(", ")}` : `${what}, which is not sealed for that cluster and namespace (no ${path})`;
        const command = sealCommand({ cluster: cluster.name, namespace: secret.namespace, name: secret.name, keys: lacking, type: consumer.type ?? (file ? undefined : secret.type) });
        out.push(diagnosticAt(consumer.source, consumer.path, message, `${command} (or --from-file/--from-stdin, to keep values out of shell history)`));
      }
    }
  }
  out.push(...findPlaintextSecrets(root, list, read, clean));
  return out;
}

/**
 * SealedSecrets the cluster's controller cannot open: sealed with a certificate that is neither the
 * active one nor listed (see cluster-certs.ts). With the cluster's private keys (validate --key),
 * every value is opened; without them, berth's berth.dev/sealed-with annotation is taken at its word.
 */
function unopenableSealedFiles(root: string, cluster: string, files: readonly SealedFile[], keys: readonly GivenKey[]): Diagnostic[] {
  const certs = readClusterCerts(root, cluster);
  if (!certs.active) return certs.diagnostics; // no certificate: reported by the certificate checks
  const out: Diagnostic[] = [...certs.diagnostics];
  const known = `cluster "${cluster}"'s active certificate ${shortFingerprint(certs.active.fingerprint)}${certs.listed.length > 0 ? ` or the listed ${certs.listed.map((c) => shortFingerprint(c.fingerprint)).join(", ")}` : ""}`;
  for (const file of files) {
    if (file.cluster !== cluster || !file.parsed) continue;
    const by = sealedBy(file.parsed, certs, keys);
    if (by.kind === "verified" || by.kind === "mixed" || (by.kind === "claimed" && by.cert)) continue;
    const items = Object.keys(file.parsed.secret.spec.encryptedData).sort();
    const again = sealCommand({ cluster, namespace: file.namespace, name: file.name, keys: items });
    if (by.kind === "none-opens") {
      out.push({
        file: file.file,
        line: 1,
        col: 1,
        message: `no key of cluster "${cluster}" opens encryptedData ${by.items.join(", ")} (opened with --key for every certificate of the cluster): its controller cannot open it`,
        hint: `seal every value again: ${again}`,
      });
      continue;
    }
    const what = by.fingerprint
      ? `certificate ${shortFingerprint(by.fingerprint)} (berth.dev/sealed-with, unverified: give --key to open it)`
      : "an unknown certificate (no berth.dev/sealed-with annotation; give --key to open it)";
    out.push({
      file: file.file,
      line: 1,
      col: 1,
      message: `is sealed with ${what}, not ${known} (${layout.sealingCert(cluster)}, ${layout.sealingCertsDir(cluster)}/): its controller cannot open it`,
      hint: `re-seal it with the key that sealed it: berth seal --reseal ${cluster} --key <the private key of ${by.fingerprint ? shortFingerprint(by.fingerprint) : "that certificate"}>; or seal every value again: ${again}`,
    });
  }
  return out;
}
