/**
 * An unsealer written from the wire format alone (u16be length || RSA-OAEP-SHA256 || AES-256-GCM with
 * a zero nonce and a trailing 16-byte tag). It deliberately shares no code with generator/sealer.
 */
import { constants, createDecipheriv, privateDecrypt, type KeyLike } from "node:crypto";

export function unseal(sealed: string, privateKey: KeyLike, label: string): Buffer {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(sealed) || sealed.length % 4 !== 0) throw new Error("not padded std base64");
  const raw = Buffer.from(sealed, "base64");
  if (raw.length < 2) throw new Error("too short");
  const rsaLength = raw.readUInt16BE(0);
  if (raw.length < 2 + rsaLength + 16) throw new Error("truncated");
  const sessionKey = privateDecrypt(
    { key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256", oaepLabel: Buffer.from(label, "utf8") },
    raw.subarray(2, 2 + rsaLength),
  );
  const aes = raw.subarray(2 + rsaLength);
  const decipher = createDecipheriv("aes-256-gcm", sessionKey, Buffer.alloc(12));
  decipher.setAuthTag(aes.subarray(aes.length - 16));
  return Buffer.concat([decipher.update(aes.subarray(0, aes.length - 16)), decipher.final()]);
}

/** Splits a sealed value into its three parts, for layout assertions. */
export function layout(sealed: string): { prefix: number; rsa: Buffer; aes: Buffer; total: number } {
  const raw = Buffer.from(sealed, "base64");
  const prefix = raw.readUInt16BE(0);
  return { prefix, rsa: raw.subarray(2, 2 + prefix), aes: raw.subarray(2 + prefix), total: raw.length };
}
