const STD_BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const GCM_TAG_BYTES = 16;

/**
 * Structural check of one encryptedData value (it cannot be decrypted without the controller's key):
 * padded standard base64, and long enough for its own length prefix plus a GCM tag. Returns an
 * error text or undefined.
 */
export function checkSealedValue(value: string): string | undefined {
  if (value.length === 0) return "is empty";
  if (!STD_BASE64.test(value) || value.length % 4 !== 0) {
    return "is not padded standard base64 (the controller rejects base64url and unpadded values)";
  }
  const bytes = Buffer.from(value, "base64");
  if (bytes.length < 2) return "is too short to be a sealed value";
  const rsaLength = bytes.readUInt16BE(0);
  if (bytes.length < 2 + rsaLength + GCM_TAG_BYTES) {
    const needed = `${rsaLength} RSA bytes plus a ${GCM_TAG_BYTES}-byte tag`;
    return `is truncated: ${bytes.length} bytes, but its prefix announces ${needed}`;
  }
  return undefined;
}
