import type { Diagnostic } from "../errors.js";
import { layout } from "../layout.js";
import type { ParsedSealedSecret } from "../sealer/parse-sealed-secret.js";
import { sealValue } from "../sealer/seal.js";
import { SEALED_WITH_ANNOTATION, sortedRecord } from "../sealer/sealed-secret.js";
import type { SealingCertificate } from "../sealer/sealing-certificate.js";
import { openSealedValue } from "../sealer/unseal.js";
import { shortFingerprint } from "./cluster-certificate.js";
import type { ClusterCerts } from "./cluster-certs.js";
import { sealCommand } from "./consumers.js";
import { updateYamlText } from "./document.js";
import type { GivenKey } from "./private-keys.js";
import { openWith } from "./sealed-by.js";

/** What `seal --reseal` does with one SealedSecret file. */
export type ResealDecision =
  | { action: "reseal"; file: string; items: string[]; from: string[] }
  | { action: "keep"; file: string; why: string };

/**
 * Decides, by opening every value with the given keys, which files hold values sealed with an older
 * certificate (those are re-sealed: every value, to the active certificate) and which are already
 * sealed with the active one. A file with a value no given key opens, whose annotation does not
 * claim the active certificate, is a problem: re-sealing it would need that value.
 */
export function decideReseal(file: string, parsed: ParsedSealedSecret, certs: ClusterCerts, keys: readonly GivenKey[]): { decision?: ResealDecision; problem?: Diagnostic } {
  const active = certs.active!;
  const opened = openWith(parsed, keys);
  const items = [...opened.keys()].sort();
  const old = [...new Set([...opened.values()].filter((k) => k !== undefined && !k.cert.active).map((k) => k!.cert.fingerprint))];
  const unopened = items.filter((i) => opened.get(i) === undefined);
  const again = sealCommand({ cluster: certs.cluster, namespace: parsed.secret.metadata.namespace, name: parsed.secret.metadata.name, keys: items });
  if (old.length === 0) {
    if (unopened.length === 0) return { decision: { action: "keep", file, why: `already sealed with the active certificate ${shortFingerprint(active.fingerprint)} (verified)` } };
    if (parsed.sealedWith === active.fingerprint) return { decision: { action: "keep", file, why: `not sealed with the given keys; berth.dev/sealed-with says the active certificate ${shortFingerprint(active.fingerprint)} (unverified)` } };
  }
  if (unopened.length === 0) return { decision: { action: "reseal", file, items, from: old } };
  return {
    problem: {
      file,
      line: 1,
      col: 1,
      message: `encryptedData ${unopened.join(", ")} opens with none of the given keys (${keys.map((k) => shortFingerprint(k.cert.fingerprint)).join(", ")}), and ${old.length > 0 ? "other values of the file need re-sealing" : `berth.dev/sealed-with says ${parsed.sealedWith ? shortFingerprint(parsed.sealedWith) : "nothing"}, not the active ${shortFingerprint(active.fingerprint)}`}`,
      hint: `give the key that sealed ${unopened.length === 1 ? "it" : "them"} too (--key, repeatable), or seal every value again: ${again}`,
    },
  };
}

/**
 * The re-sealed file: every value opened in memory with the key that opens it and sealed to the
 * active certificate under the same scope, namespace and name; berth.dev/sealed-with updated;
 * everything else (template, labels, comments, key order) kept as it was. Plaintext is zeroed
 * value by value.
 */
export function resealFile(text: string, parsed: ParsedSealedSecret, cert: SealingCertificate, keys: readonly GivenKey[], randomBytes?: (n: number) => Buffer): string {
  const { namespace, name } = parsed.secret.metadata;
  const opened = openWith(parsed, keys);
  const next = structuredClone(parsed.secret);
  for (const [item, value] of Object.entries(parsed.secret.spec.encryptedData)) {
    const key = opened.get(item);
    const plain = key && openSealedValue({ value, privateKey: key.key, scope: parsed.scope, namespace, name });
    if (!plain) throw new Error(`reseal: ${parsed.file}: ${item} no longer opens`);
    try {
      next.spec.encryptedData[item] = sealValue({ cert, namespace, name, scope: parsed.scope, value: plain, randomBytes });
    } finally {
      plain.fill(0);
    }
  }
  next.metadata.annotations = sortedRecord({ ...next.metadata.annotations, [SEALED_WITH_ANNOTATION]: cert.fingerprint });
  return updateYamlText(text, next as unknown as Record<string, unknown>);
}

export const resealCommand = (cluster: string, keyHint = "<the old private key>") => `berth seal --reseal ${cluster} --key ${keyHint}`;
export const secretsDirOf = (cluster: string) => `${layout.secretsClusterDir(cluster)}/`;
