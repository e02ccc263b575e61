// Not the sealer/index.js barrel: it loads the X.509 library, which opening values does not need.
import type { ParsedSealedSecret } from "../sealer/parse-sealed-secret.js";
import { openSealedValue } from "../sealer/unseal.js";
import { certByFingerprint, type ClusterCert, type ClusterCerts } from "./cluster-certs.js";
import { shortFingerprint } from "./cluster-certificate.js";
import type { GivenKey } from "./private-keys.js";

/**
 * Which certificate sealed a SealedSecret. Its ciphertext does not say: the RSA-OAEP part can only
 * be checked with a private key, and berth's berth.dev/sealed-with annotation is a claim anyone
 * can edit. So: with the private keys given on the command line, every value is opened (the GCM
 * tag makes a successful open proof); without them, the annotation is reported as unverified.
 */
export type SealedBy =
  /** Every value opened with the key of this certificate. */
  | { kind: "verified"; cert: ClusterCert }
  /** Every value opened, with the keys of several of the cluster's certificates (a file merged across a rotation). */
  | { kind: "mixed"; certs: ClusterCert[] }
  /** Keys were given for every certificate of the cluster and none opens some value. */
  | { kind: "none-opens"; items: string[] }
  /** Not opened (no key, or not with the keys given): what the annotation claims. */
  | { kind: "claimed"; fingerprint: string | undefined; cert: ClusterCert | undefined };

export function sealedBy(parsed: ParsedSealedSecret, certs: ClusterCerts, keys: readonly GivenKey[]): SealedBy {
  const claimed: SealedBy = { kind: "claimed", fingerprint: parsed.sealedWith, cert: certByFingerprint(certs, parsed.sealedWith) };
  if (keys.length === 0) return claimed;
  const opened = openWith(parsed, keys);
  const found = new Map<string, ClusterCert>();
  const unopened: string[] = [];
  for (const [item, key] of opened) {
    if (key) found.set(key.cert.fingerprint, key.cert);
    else unopened.push(item);
  }
  const everyCertKeyed = [certs.active, ...certs.listed].every((c) => c === undefined || keys.some((k) => k.cert.fingerprint === c.fingerprint));
  // A value no given key opens: proof of a foreign key only when every certificate's key was given;
  // otherwise it may be sealed with the one whose key is missing, and the annotation is all there is.
  if (unopened.length > 0) return everyCertKeyed ? { kind: "none-opens", items: unopened } : claimed;
  const certsFound = [...found.values()];
  if (certsFound.length === 0) return claimed; // no values at all
  return certsFound.length === 1 ? { kind: "verified", cert: certsFound[0]! } : { kind: "mixed", certs: certsFound };
}

/** Per item, the given key that opens it (the plaintext is zeroed at once), or undefined. */
export function openWith(parsed: ParsedSealedSecret, keys: readonly GivenKey[]): Map<string, GivenKey | undefined> {
  const out = new Map<string, GivenKey | undefined>();
  const { namespace, name } = parsed.secret.metadata;
  for (const [item, value] of Object.entries(parsed.secret.spec.encryptedData)) {
    let by: GivenKey | undefined;
    for (const k of keys) {
      const plain = openSealedValue({ value, privateKey: k.key, scope: parsed.scope, namespace, name });
      if (plain) {
        plain.fill(0);
        by = k;
        break;
      }
    }
    out.set(item, by);
  }
  return out;
}

/** How `secrets status` shows it: the certificate and how it is known. */
export function describeSealedBy(by: SealedBy): string {
  const which = (c: ClusterCert) => `${shortFingerprint(c.fingerprint)} ${c.active ? "active" : "listed"}`;
  switch (by.kind) {
    case "verified":
      return `${which(by.cert)} (verified)`;
    case "mixed":
      return `${by.certs.map(which).join(" + ")} (verified, mixed)`;
    case "none-opens":
      return "no key of the cluster (verified)";
    case "claimed":
      if (by.cert) return `${which(by.cert)} (unverified)`;
      return by.fingerprint ? `${shortFingerprint(by.fingerprint)} unknown (unverified)` : "unknown (no annotation)";
  }
}
