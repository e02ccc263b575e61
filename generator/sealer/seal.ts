import { constants, createCipheriv, publicEncrypt, randomBytes as cryptoRandomBytes } from "node:crypto";
import type { SealingCertificate } from "./sealing-certificate.js";
import type { SealingScope } from "./sealed-secret.js";

const SESSION_KEY_BYTES = 32;
// The session key is used for exactly one value, so the controller uses (and expects) a zero nonce.
const ZERO_NONCE = Buffer.alloc(12);

/** The OAEP label the controller derives from the SealedSecret's own metadata when unsealing. */
export function sealingLabel(scope: SealingScope, namespace: string, name: string): Buffer {
  switch (scope) {
    case "strict":
      return Buffer.from(`${namespace}/${name}`, "utf8");
    case "namespace-wide":
      return Buffer.from(namespace, "utf8");
    case "cluster-wide":
      return Buffer.alloc(0);
  }
}

/**
 * Encrypts one Secret item exactly like kubeseal: base64std(u16be(len R) || R || AES-GCM(value) || tag)
 * where R is the RSA-OAEP-SHA-256 wrap of a fresh 32-byte session key under the scope's label.
 */
export function sealValue(args: {
  cert: SealingCertificate;
  namespace: string;
  name: string;
  scope: SealingScope;
  value: Buffer;
  randomBytes?: (n: number) => Buffer;
}): string {
  const { cert, namespace, name, scope, value } = args;
  if (scope !== "cluster-wide" && namespace === "") throw new Error(`a ${scope} value needs a namespace`);
  if (scope === "strict" && name === "") throw new Error("a strict value needs a name");

  const sessionKey = (args.randomBytes ?? cryptoRandomBytes)(SESSION_KEY_BYTES);
  if (sessionKey.length !== SESSION_KEY_BYTES) {
    throw new Error(`randomBytes returned ${sessionKey.length} bytes, expected ${SESSION_KEY_BYTES}`);
  }
  const wrapped = publicEncrypt(
    {
      key: cert.publicKey,
      padding: constants.RSA_PKCS1_OAEP_PADDING,
      oaepHash: "sha256",
      oaepLabel: sealingLabel(scope, namespace, name),
    },
    sessionKey,
  );
  const prefix = Buffer.alloc(2);
  prefix.writeUInt16BE(wrapped.length);

  const cipher = createCipheriv("aes-256-gcm", sessionKey, ZERO_NONCE);
  const body = Buffer.concat([cipher.update(value), cipher.final(), cipher.getAuthTag()]);
  return Buffer.concat([prefix, wrapped, body]).toString("base64");
}
