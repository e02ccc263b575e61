import { X509Certificate, type KeyObject } from "node:crypto";
import { lstatSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Diagnostic } from "../errors.js";
import { layout } from "../layout.js";
import { certificateFingerprint, readCertificateText, shortFingerprint } from "./cluster-certificate.js";

/** One certificate of a cluster, active or listed. */
export interface ClusterCert {
  /** Repository-relative path. */
  file: string;
  /** SHA-256 of the DER certificate (what berth.dev/sealed-with records). */
  fingerprint: string;
  publicKey: KeyObject;
  x509: X509Certificate;
  active: boolean;
}

/**
 * A cluster's certificates over time: the active one (clusters/<c>/sealing-cert.pem, the one
 * `seal` uses) and the older ones its controller still holds keys for
 * (clusters/<c>/sealing-certs/<fingerprint>.pem). A SealedSecret sealed with any of them opens on
 * the cluster; one sealed with another certificate does not. The repository lists a certificate
 * only while the controller holds its key: `keys rotate` installs a key before listing it, and
 * `keys remove` unlists it before deleting the key.
 */
export interface ClusterCerts {
  cluster: string;
  active?: ClusterCert;
  /** Older certificates, by file name. */
  listed: ClusterCert[];
  /** Problems with the listed files (the active certificate's are reported by the certificate checks). */
  diagnostics: Diagnostic[];
}

const LISTED_NAME = /^([0-9a-f]{12})\.pem$/;

export function readClusterCerts(root: string, cluster: string): ClusterCerts {
  const out: ClusterCerts = { cluster, listed: [], diagnostics: [] };
  const activeText = readCertificateText(root, cluster);
  if (activeText !== undefined) {
    const active = parse(layout.sealingCert(cluster), activeText, true);
    if (active) out.active = active;
  }
  const dir = layout.sealingCertsDir(cluster);
  let names: string[];
  try {
    names = readdirSync(join(root, dir)).filter((n) => !n.startsWith(".")).sort();
  } catch {
    return out;
  }
  const problem = (file: string, message: string, hint: string) => out.diagnostics.push({ file, line: 0, col: 0, message, hint });
  const seen = new Map<string, string>();
  for (const name of names) {
    const file = `${dir}/${name}`;
    const m = LISTED_NAME.exec(name);
    if (!m || !isFile(join(root, file))) {
      problem(file, "is not a listed certificate", `${dir}/ holds only <first 12 hex digits of the certificate's SHA-256>.pem files (berth keys rotate writes them); remove it`);
      continue;
    }
    const cert = parse(file, readFileSync(join(root, file), "utf8"), false);
    if (!cert) {
      problem(file, "is not a PEM certificate", `remove it, or put back the certificate it held`);
      continue;
    }
    if (shortFingerprint(cert.fingerprint) !== m[1]) {
      problem(file, `holds certificate ${shortFingerprint(cert.fingerprint)}, not ${m[1]}`, `rename it to ${layout.listedSealingCert(cluster, cert.fingerprint)}`);
      continue;
    }
    // The active certificate listed too: a rotation stopped between listing the old certificate
    // and writing the new one. Harmless (the controller holds that key); nothing to report.
    if (cert.fingerprint === out.active?.fingerprint) continue;
    if (seen.has(cert.fingerprint)) continue;
    seen.set(cert.fingerprint, file);
    out.listed.push(cert);
  }
  return out;
}

/** Every certificate of the cluster, the active one first. */
export function allCerts(certs: ClusterCerts): ClusterCert[] {
  return [...(certs.active ? [certs.active] : []), ...certs.listed];
}

export function certByFingerprint(certs: ClusterCerts, fingerprint: string | undefined): ClusterCert | undefined {
  return fingerprint === undefined ? undefined : allCerts(certs).find((c) => c.fingerprint === fingerprint);
}

/** The certificate whose key is `key`, if the cluster has it. */
export function certOfKey(certs: ClusterCerts, key: KeyObject): ClusterCert | undefined {
  return allCerts(certs).find((c) => c.x509.checkPrivateKey(key));
}

function parse(file: string, text: string, active: boolean): ClusterCert | undefined {
  const fingerprint = certificateFingerprint(text);
  if (fingerprint === undefined) return undefined;
  try {
    const x509 = new X509Certificate(text);
    return { file, fingerprint, publicKey: x509.publicKey, x509, active };
  } catch {
    return undefined;
  }
}

function isFile(path: string): boolean {
  try {
    return lstatSync(path).isFile();
  } catch {
    return false;
  }
}
