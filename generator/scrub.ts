/**
 * Removes credentials from text that is about to be shown to a user or written to a log or a
 * PR comment. The CLI applies it to every message it prints. helm echoes repository URLs verbatim in its errors (with the query string, and
 * sometimes the password), and a repo URL in an app file may carry a token.
 *
 * Matching is case-insensitive throughout (`AUTHORIZATION: basic …` is as secret as
 * `Authorization: Basic …`), and URL userinfo is found the way a URL parser finds it: everything
 * up to the LAST `@` before the authority ends, so a password containing `@` is removed whole.
 */
export function scrubSecrets(text: string): string {
  return (
    text
      // scheme://user:pa@ss@host → scheme://***@host; the authority ends at / ? # or a delimiter.
      .replace(/\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#"'<>]*)/gi, (all, scheme: string, authority: string) => {
        const at = authority.lastIndexOf("@");
        return at < 0 ? all : `${scheme}***${authority.slice(at)}`;
      })
      // ?token=…, &access_key=…, #access_token=…, &X-Amz-Signature=…, ;password=… → name=***
      .replace(
        /([?&;#][\w.-]*(?:token|key|secret|pass|pwd|auth|sig|credential|session)[\w.-]*=)[^&;\s"'#<>]+/gi,
        "$1***",
      )
      // an Authorization header (any case, any scheme) someone pasted into an error or a git config
      .replace(/\b((?:proxy-)?authorization\s*[:=]\s*)(?:([a-z][\w-]*)\s+)?[^\s"'<>]+/gi, (_all, head: string, scheme?: string) => `${head}${scheme ? `${scheme} ` : ""}***`)
      .replace(/\b(Bearer|Basic|token)\s+[A-Za-z0-9._~+/=-]{8,}/gi, "$1 ***")
      // GitHub personal access and app tokens, GitLab personal/project/deploy tokens
      .replace(/\b(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})\b/g, "***")
      .replace(/\b(glpat|gldt|glptt|glrt|gloas)-[A-Za-z0-9_-]{16,}/g, "***")
  );
}
