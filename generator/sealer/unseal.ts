import { constants, createDecipheriv, privateDecrypt, type KeyObject } from "node:crypto";
import type { SealingScope } from "./sealed-secret.js";
import { sealingLabel } from "./seal.js";

const GCM_TAG_BYTES = 16;
const ZERO_NONCE = Buffer.alloc(12);

/**
 * Opens one encryptedData value with a private key, as the controller does: the RSA-OAEP part
 * (SHA-256, the scope's label) yields the session key, AES-256-GCM with a zero nonce the value.
 * Returns undefined when this key (or this label) does not open it; the GCM tag makes that
 * certain, so a value that opens was sealed for exactly this key, namespace, name and scope.
 * The result is the plaintext: callers keep it in memory and zero it when done.
 */
export function openSealedValue(args: { value: string; privateKey: KeyObject; scope: SealingScope; namespace: string; name: string }): Buffer | undefined {
  const raw = Buffer.from(args.value, "base64");
  if (raw.length < 2) return undefined;
  const rsaLength = raw.readUInt16BE(0);
  if (raw.length < 2 + rsaLength + GCM_TAG_BYTES) return undefined;
  let sessionKey: Buffer;
  try {
    sessionKey = privateDecrypt(
      { key: args.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256", oaepLabel: sealingLabel(args.scope, args.namespace, args.name) },
      raw.subarray(2, 2 + rsaLength),
    );
  } catch {
    return undefined;
  }
  try {
    if (![16, 24, 32].includes(sessionKey.length)) return undefined;
    const aes = raw.subarray(2 + rsaLength);
    const decipher = createDecipheriv(`aes-${sessionKey.length * 8}-gcm` as "aes-256-gcm", sessionKey, ZERO_NONCE);
    decipher.setAuthTag(aes.subarray(aes.length - GCM_TAG_BYTES));
    return Buffer.concat([decipher.update(aes.subarray(0, aes.length - GCM_TAG_BYTES)), decipher.final()]);
  } catch {
    return undefined;
  } finally {
    sessionKey.fill(0);
  }
}
