/**
 * Kubernetes name rules that decide whether a sealed Secret can exist at all. Each check returns
 * an error text (to be placed after the offending value) or undefined when the value is fine.
 */

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

/** A Secret data key (Kubernetes `IsConfigMapKey`): the API server rejects anything else. */
export function checkSecretKey(key: string): string | undefined {
  if (key.length === 0) return "must not be empty";
  if (key.length > 253) return `must be at most 253 characters (got ${key.length})`;
  if (!SECRET_KEY.test(key)) return "may contain only letters, digits, '-', '_' and '.'";
  // Secret keys become file names when mounted; these would escape the volume directory.
  if (key === "." || key === "..") return `must not be '${key}'`;
  if (key.startsWith("..")) return "must not start with '..'";
  return undefined;
}

/** RFC 1123 label, as required for namespaces. */
export function checkDnsLabel(value: string): string | undefined {
  if (value.length === 0) return "must not be empty";
  if (value.length > 63) return `must be at most 63 characters (got ${value.length})`;
  if (!DNS_LABEL.test(value)) {
    return "must consist of lowercase letters, digits and '-', and start and end with a letter or digit";
  }
  return undefined;
}

/** RFC 1123 subdomain, as required for Secret names. */
export function checkDnsSubdomain(value: string): string | undefined {
  if (value.length === 0) return "must not be empty";
  if (value.length > 253) return `must be at most 253 characters (got ${value.length})`;
  if (!DNS_SUBDOMAIN.test(value)) {
    return (
      "must consist of lowercase letters, digits, '-' and '.', " +
      "each dot-separated part starting and ending with a letter or digit"
    );
  }
  return undefined;
}
