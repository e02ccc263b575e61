/**
 * GitHub's rate limits, honoured as its documentation asks: after a 429, or a 403 that carries
 * `retry-after` or `x-ratelimit-remaining: 0`, wait as long as it says and try again; after a
 * secondary rate limit that carries neither (a 403 whose message says so), wait a minute.
 * (@octokit/plugin-throttling retries a plain 429 only when its message says "secondary rate", so
 * berth does this itself; @octokit/plugin-retry handles 5xx.)
 */
export interface RateLimitPolicy {
  /** Retries after a rate-limit answer before giving up. */
  retries: number;
  /** The longest single wait berth accepts; a longer one fails with GitHub's message instead. */
  maxWaitMs: number;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  /** Told before each wait (for the job log). */
  onWait?: (ms: number, status: number) => void;
}

interface HttpError {
  status?: number;
  response?: { headers?: Record<string, string | number | undefined>; data?: unknown };
}

/** GitHub's words for a secondary rate limit (older answers called it abuse detection). */
const SECONDARY = /secondary rate limit|abuse detection/i;

/** How long to wait before retrying this error, or undefined when it is not a rate limit. */
export function rateLimitWaitMs(error: unknown, now: number): number | undefined {
  const e = error as HttpError;
  if (e?.status !== 429 && e?.status !== 403) return undefined;
  const h = e.response?.headers ?? {};
  const after = Number(h["retry-after"]);
  if (h["retry-after"] !== undefined && Number.isFinite(after) && after >= 0) return Math.ceil(after) * 1000;
  if (String(h["x-ratelimit-remaining"]) === "0") {
    const reset = Number(h["x-ratelimit-reset"]);
    // One second past the reset, as GitHub recommends.
    return Number.isFinite(reset) ? Math.max(reset * 1000 - now, 0) + 1000 : 60_000;
  }
  // A 429, or a secondary-rate-limit 403, without a header: GitHub asks to wait at least a minute.
  // Any other 403 is a permission problem and is reported as one.
  const message = (e.response?.data as { message?: unknown } | undefined)?.message;
  return e.status === 429 || (typeof message === "string" && SECONDARY.test(message)) ? 60_000 : undefined;
}

/** Wraps a request function with the policy; for `octokit.hook.wrap("request", …)`. */
export function withRateLimit(policy: RateLimitPolicy) {
  return async <T>(request: (options: unknown) => Promise<T>, options: unknown): Promise<T> => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await request(options);
      } catch (e) {
        const wait = rateLimitWaitMs(e, policy.now());
        if (wait === undefined || attempt >= policy.retries || wait > policy.maxWaitMs) throw e;
        policy.onWait?.(wait, (e as HttpError).status!);
        await policy.sleep(wait);
      }
    }
  };
}
