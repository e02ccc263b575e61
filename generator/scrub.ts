/**
 * Removes credentials from text that is about to be shown to a user or written to a log or a
 * PR comment. The CLI applies it to every message it prints. helm echoes repository URLs verbatim in its errors (with the query string, and
 * sometimes the password), and a repo URL in an app file may carry a token.
 */
export function scrubSecrets(text: string): string {
  return (
    text
      // scheme://user:password@host and scheme://token@host → scheme://***@host
      .replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@"'<>]+@/gi, "$1***@")
      // ?token=…, &access_key=…, &X-Amz-Signature=…, ;password=… → name=***
      .replace(
        /([?&;][\w.-]*(?:token|key|secret|pass|pwd|auth|sig|credential|session)[\w.-]*=)[^&;\s"'#<>]+/gi,
        "$1***",
      )
      // an Authorization header value someone pasted into an error
      .replace(/\b(Bearer|Basic|token)\s+[A-Za-z0-9._~+/=-]{8,}/g, "$1 ***")
      // GitHub personal access and app tokens
      .replace(/\b(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})\b/g, "***")
  );
}
