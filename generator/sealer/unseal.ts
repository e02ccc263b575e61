import { constants, createDecipheriv, privateDecrypt, type KeyObject } from "node:crypto";
import { sealingLabel } from "./seal.js";
import type { SealingScope } from "./sealed-secret.js";

/**
 * Opens one sealed value with the cluster's private key, as the controller does (the inverse of
 * sealValue). Bootstrap uses it for the repository credential Argo CD needs before the controller
 * runs; the plaintext stays in memory and the caller zeroes it.
 */
export function openSealedValue(sealed: string, key: KeyObject, scope: SealingScope, namespace: string, name: string): Buffer {
  const raw = Buffer.from(sealed, "base64");
  if (raw.length < 2) throw new Error("the sealed value is too short");
  const rsaLength = raw.readUInt16BE(0);
  if (raw.length < 2 + rsaLength + 16) throw new Error("the sealed value is truncated");
  const sessionKey = privateDecrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256", oaepLabel: sealingLabel(scope, namespace, name) }, raw.subarray(2, 2 + rsaLength));
  try {
    const aes = raw.subarray(2 + rsaLength);
    const decipher = createDecipheriv("aes-256-gcm", sessionKey, Buffer.alloc(12));
    decipher.setAuthTag(aes.subarray(aes.length - 16));
    return Buffer.concat([decipher.update(aes.subarray(0, aes.length - 16)), decipher.final()]);
  } finally {
    sessionKey.fill(0);
  }
}
