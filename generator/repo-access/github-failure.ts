import { EnvironmentError } from "../errors.js";
import { redact } from "../github/errors.js";

/**
 * A failed deploy-key or /meta request as `berth repo connect` reports it: GitHub's status and
 * message, what it means for deploy keys, and what to do. Never the token.
 */
export function deployKeyFailure(e: unknown, doing: string, repo: string, token: string): EnvironmentError {
  const err = e as { status?: number; message?: string; response?: { data?: unknown }; cause?: { code?: string } };
  const data = err.response?.data as { message?: unknown; errors?: { message?: unknown }[] } | undefined;
  const details = Array.isArray(data?.errors) ? data.errors.map((x) => (typeof x?.message === "string" ? x.message : "")).filter(Boolean) : [];
  const ghMessage = [typeof data?.message === "string" ? data.message : err.message ?? String(e), ...details].join(": ");
  const status = typeof err.status === "number" && err.status > 0 && err.response !== undefined ? err.status : undefined;
  if (status === undefined) {
    return new EnvironmentError(redact(`could not reach GitHub to ${doing}: ${[err.cause?.code, ghMessage].filter(Boolean).join(" ")}`, token), "check GITHUB_API_URL (GitHub Enterprise: https://HOST/api/v3) and the network");
  }
  const inUse = /already in use/i.test(ghMessage);
  const hint =
    status === 401 ? "GITHUB_TOKEN is not valid (expired, revoked, or for another host than GITHUB_API_URL); export a current one, e.g. GITHUB_TOKEN=$(gh auth token)"
    : status === 403 && /rate limit/i.test(ghMessage) ? "GitHub's rate limit held longer than berth waits; run again after the reset"
    : status === 403 ? `the token may read ${repo} but not administer its deploy keys: that needs the repository's admin right (classic token: repo scope; fine-grained: Administration read and write; a GitHub App: administration permission)`
    : status === 404 ? `GitHub answers 404 when ${repo} does not exist or the token cannot see it: check repo.url, and that the token is for the owner's account or organisation`
    : status === 422 && inUse ? "that public key is registered elsewhere (another repository or a user account); GitHub lets a key open one repository only. Run again: berth generates a fresh key each time it registers one"
    : status === 422 ? "GitHub refused the key; see its message"
    : status === 429 ? "GitHub's rate limit held longer than berth waits; run again after the reset"
    : status >= 500 ? "GitHub failed after retries; run again later"
    : "see GitHub's message";
  const meaning = status === 422 && inUse ? " (the key is in use elsewhere)" : status === 404 ? " (repository not found, or not visible to the token)" : status === 403 ? " (forbidden)" : "";
  return new EnvironmentError(redact(`GitHub answered ${status} to ${doing}${meaning}: ${ghMessage}`, token), redact(`${hint}; nothing was written`, token));
}
