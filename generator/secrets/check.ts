import type { Diagnostic } from "../errors.js";
import { layout } from "../layout.js";
import type { Fleet } from "../model/fleet.js";
import { diagnosticAt } from "../yaml/source.js";
import { certificateFingerprint, readCertificateText, shortFingerprint } from "./cluster-certificate.js";
import { consumedSecrets, sealCommand, secretId } from "./consumers.js";
import { findPlaintextSecrets } from "./plaintext.js";
import { readSealedFiles, type SealedFile } from "./sealed-files.js";

/**
 * The secret checks of `berth validate`: every secret an app consumes is sealed for its cluster and
 * namespace with every key it needs; every file under secrets/ is a SealedSecret matching its path
 * on a known cluster; no plaintext Secret is committed under apps/, clusters/ or secrets/.
 */
export function checkSecrets(root: string, fleet: Fleet, onlyCluster?: string): Diagnostic[] {
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
    out.push(...staleSealedFiles(root, cluster.name, files));
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
  out.push(...findPlaintextSecrets(root));
  return out;
}

/**
 * SealedSecrets sealed with a certificate that is no longer the cluster's: the controller holding
 * the cluster's key cannot open them, so the apps that consume them would not start.
 */
function staleSealedFiles(root: string, cluster: string, files: readonly SealedFile[]): Diagnostic[] {
  const certText = readCertificateText(root, cluster);
  if (certText === undefined) return []; // reported by the certificate checks
  const fingerprint = certificateFingerprint(certText);
  if (fingerprint === undefined) return []; // not a certificate: reported by the certificate checks
  const out: Diagnostic[] = [];
  for (const file of files) {
    if (file.cluster !== cluster || !file.parsed || file.parsed.sealedWith === fingerprint) continue;
    const by = file.parsed.sealedWith ? `certificate ${shortFingerprint(file.parsed.sealedWith)}` : "an unknown certificate (no berth.dev/sealed-with annotation)";
    const keys = Object.keys(file.parsed.secret.spec.encryptedData).sort();
    out.push({
      file: file.file,
      line: 1,
      col: 1,
      message: `is sealed with ${by}, not cluster "${cluster}"'s ${shortFingerprint(fingerprint)} (${layout.sealingCert(cluster)}): its controller cannot open it`,
      hint: `reseal every key with the cluster's certificate: ${sealCommand({ cluster, namespace: file.namespace, name: file.name, keys })}`,
    });
  }
  return out;
}
