import { EnvironmentError } from "../errors.js";
import { scrubSecrets } from "../scrub.js";

/** Removes the token, wherever it appears, and anything else that looks like a credential. */
export function redact(text: string, token: string): string {
  const plain = token.length > 0 ? text.split(token).join("***") : text;
  return scrubSecrets(plain);
}

const HINTS: Record<number, string> = {
  401: "GITHUB_TOKEN is not valid (expired, or for another host than GITHUB_API_URL)",
  403: "the token may not write comments: grant `permissions: pull-requests: write` to the job (a `pull_request` run from a fork never gets it; post from the `comment` job of `pull_request_target` preview.yml)",
  404: "check GITHUB_REPOSITORY and --pr; GitHub also answers 404 when the token cannot see the repository",
  410: "comments are turned off for this issue",
  422: "GitHub rejected the comment body; post the parts exactly as `berth preview` wrote them",
};

/**
 * A failed GitHub request as berth reports it: the HTTP status and GitHub's own message, what berth
 * was doing, and how far it got. Never the token (Octokit's error also carries request headers).
 */
export function githubFailure(e: unknown, doing: string, progress: string, token: string): EnvironmentError {
  const err = e as { status?: number; message?: string; response?: { data?: unknown }; cause?: { code?: string } };
  const data = err.response?.data as { message?: unknown } | string | undefined;
  const ghMessage = typeof data === "object" && data !== null && typeof data.message === "string" ? data.message : typeof data === "string" ? data.slice(0, 500) : err.message ?? String(e);
  // Octokit reports a request that never got an answer (refused, DNS, TLS) as status 500 without a response.
  const status = typeof err.status === "number" && err.status > 0 && err.response !== undefined ? err.status : undefined;
  const what = status !== undefined
    ? `GitHub answered ${status} to ${doing}: ${ghMessage}`
    : `could not reach GitHub to ${doing}: ${[err.cause?.code, ghMessage].filter(Boolean).join(" ")}`;
  const hint = (status !== undefined ? HINTS[status] ?? (status >= 500 ? "GitHub failed after retries; run again later" : undefined) : "check GITHUB_API_URL and the network") ?? "see GitHub's message";
  return new EnvironmentError(redact(`${what}${progress ? ` (${progress})` : ""}`, token), `${redact(hint, token)}; a later run converges to the current preview`);
}
