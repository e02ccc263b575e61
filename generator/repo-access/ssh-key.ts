import { createHash, generateKeyPairSync, randomBytes } from "node:crypto";

/** A fresh deploy key: the public line to register, the private key to seal (a Buffer the caller zeroes). */
export interface DeployKeyPair {
  /** `ssh-ed25519 <base64> <comment>`. */
  publicKey: string;
  /** OpenSSH's private key format, as ssh-keygen writes it (unencrypted: the SealedSecret is the protection). */
  privateKey: Buffer;
  /** `SHA256:…`, as ssh-keygen -l and GitHub show it. */
  fingerprint: string;
}

const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
const sshString = (b: Buffer | string) => {
  const buf = typeof b === "string" ? Buffer.from(b, "utf8") : b;
  return Buffer.concat([u32(buf.length), buf]);
};

/** The SSH wire blob of an ed25519 public key. */
function ed25519Blob(pub: Buffer): Buffer {
  return Buffer.concat([sshString("ssh-ed25519"), sshString(pub)]);
}

/** SHA256 fingerprint of a `type base64 [comment]` public key line (or a known_hosts line's key part). */
export function sshFingerprint(line: string): string {
  const parts = line.trim().split(/\s+/);
  const b64 = parts.find((p, i) => i > 0 && /^AAAA[A-Za-z0-9+/]+=*$/.test(p)) ?? parts[1] ?? "";
  return `SHA256:${createHash("sha256").update(Buffer.from(b64, "base64")).digest("base64").replace(/=+$/, "")}`;
}

/** `type base64` of a public key line, without its comment: what GitHub stores and compares. */
export const keyMaterial = (line: string) => line.trim().split(/\s+/).slice(0, 2).join(" ");

/**
 * An ed25519 key pair generated in memory. Node exports ed25519 keys only as PKCS#8/SPKI, so the
 * OpenSSH forms are built here from the raw 32-byte seed and public key; every intermediate buffer
 * holding the seed is zeroed.
 */
export function generateDeployKey(comment: string): DeployKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const pub = Buffer.from(publicKey.export({ format: "der", type: "spki" }).subarray(-32));
  const der = privateKey.export({ format: "der", type: "pkcs8" });
  const seed = Buffer.from(der.subarray(-32));
  der.fill(0);
  const blob = ed25519Blob(pub);
  const check = randomBytes(4);
  const secret = Buffer.concat([seed, pub]);
  const body = Buffer.concat([check, check, sshString("ssh-ed25519"), sshString(pub), sshString(secret), sshString(comment)]);
  seed.fill(0);
  secret.fill(0);
  const pad = Buffer.from(Array.from({ length: (8 - (body.length % 8)) % 8 }, (_, i) => i + 1));
  const privateSection = Buffer.concat([body, pad]);
  body.fill(0);
  const whole = Buffer.concat([Buffer.from("openssh-key-v1\0", "latin1"), sshString("none"), sshString("none"), sshString(""), u32(1), sshString(blob), sshString(privateSection)]);
  privateSection.fill(0);
  const lines = whole.toString("base64").match(/.{1,70}/g) ?? [];
  whole.fill(0);
  const pem = Buffer.from(`-----BEGIN OPENSSH PRIVATE KEY-----\n${lines.join("\n")}\n-----END OPENSSH PRIVATE KEY-----\n`, "utf8");
  const line = `ssh-ed25519 ${blob.toString("base64")}`;
  return { publicKey: `${line} ${comment}`, privateKey: pem, fingerprint: sshFingerprint(line) };
}
