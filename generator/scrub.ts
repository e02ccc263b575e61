/**
 * Removes credentials from text before it is printed: passwords in URLs, token-like query
 * parameters, bearer tokens and GitHub tokens. Applied at the CLI boundary to every message.
 */
export function scrubSecrets(text: string): string {
  return text
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^\s/@:]+:[^\s/@]+@/gi, "$1***@")
    .replace(/([?&](?:token|access_token|password|secret|key)=)[^&\s]+/gi, "$1***")
    .replace(/\b(Bearer|token)\s+[A-Za-z0-9._~+/=-]{8,}/g, "$1 ***")
    .replace(/\b(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})\b/g, "***");
}
