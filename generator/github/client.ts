import { retry } from "@octokit/plugin-retry";
import { Octokit } from "@octokit/rest";
import type { GithubConfig } from "./config.js";
import { withRateLimit, type RateLimitPolicy } from "./rate-limit.js";

/** An issue or pull request comment, as much of it as berth reads. */
export interface IssueComment {
  id: number;
  body: string;
  user: { login: string; type: string } | null;
  html_url: string;
}

/** The issue-comment operations `berth comment` uses, and whose token it holds; all of GitHub berth touches. */
export interface IssueComments {
  /** The login GET /user names for the token; GitHub refuses it (403) for installation tokens. */
  whoami(): Promise<string>;
  /** Every comment of the issue, across all pages, oldest first. */
  list(issue: number): Promise<IssueComment[]>;
  create(issue: number, body: string): Promise<IssueComment>;
  update(commentId: number, body: string): Promise<IssueComment>;
  remove(commentId: number): Promise<void>;
}

export interface ClientOptions {
  rateLimit: RateLimitPolicy;
  /** Base of @octokit/plugin-retry's backoff for 5xx (ms; GitHub's default 1000). */
  retryBaseMs?: number;
  /** Retries after a 5xx. */
  retries?: number;
  /** Where Octokit's own warnings go (already scrubbed of the token by the caller). */
  warn: (message: string) => void;
}

const RetryingOctokit = Octokit.plugin(retry);

/** Octokit for berth: GitHub's rate limits honoured, 5xx retried, no logging of its own. */
export function berthOctokit(config: Pick<GithubConfig, "token" | "apiUrl">, opts: ClientOptions): InstanceType<typeof RetryingOctokit> {
  const octokit = new RetryingOctokit({
    auth: config.token,
    baseUrl: config.apiUrl,
    userAgent: "berth",
    // 429/403 rate limits are berth's own hook (rate-limit.ts); plugin-retry keeps to 5xx and network errors.
    retry: { retryAfterBaseValue: opts.retryBaseMs ?? 1000, retries: opts.retries ?? 3, doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451] },
    // Errors are reported once, by berth, with GitHub's message; Octokit's per-request error log would repeat them.
    log: { debug: () => {}, info: () => {}, warn: opts.warn, error: () => {} },
  });
  octokit.hook.wrap("request", withRateLimit(opts.rateLimit) as never);
  return octokit;
}

/** The issue-comment API of one repository, with rate limits honoured and 5xx retried. */
export function issueComments(config: GithubConfig, opts: ClientOptions): IssueComments {
  const octokit = berthOctokit(config, opts);
  const { owner, repo } = config;
  const shape = (c: { id: number; body?: string | null; user: { login: string; type: string } | null; html_url: string }): IssueComment => ({
    id: c.id,
    body: c.body ?? "",
    user: c.user ? { login: c.user.login, type: c.user.type } : null,
    html_url: c.html_url,
  });
  return {
    async whoami() {
      return (await octokit.rest.users.getAuthenticated()).data.login;
    },
    async list(issue) {
      const all = await octokit.paginate(octokit.rest.issues.listComments, { owner, repo, issue_number: issue, per_page: 100 });
      return all.map(shape);
    },
    async create(issue, body) {
      return shape((await octokit.rest.issues.createComment({ owner, repo, issue_number: issue, body })).data);
    },
    async update(commentId, body) {
      return shape((await octokit.rest.issues.updateComment({ owner, repo, comment_id: commentId, body })).data);
    },
    async remove(commentId) {
      await octokit.rest.issues.deleteComment({ owner, repo, comment_id: commentId });
    },
  };
}
