import { setTimeout as delay } from "node:timers/promises";
import { EnvironmentError } from "../errors.js";
import { issueComments } from "../github/client.js";
import { githubConfig } from "../github/config.js";
import { redact } from "../github/errors.js";
import { readParts } from "../github/parts.js";
import { postSticky } from "../github/post.js";
import type { CommandIO, ExitCode } from "./context.js";

export interface CommentOptions {
  /** The pull request number, as given on the command line (validated here). */
  pr: string;
  /** The folder `berth preview --out-dir` wrote part-1.md … into. */
  dir: string;
  /** Only comments by this login are berth's; default: any bot account. */
  author?: string;
}

export interface CommentDeps {
  io: CommandIO;
  /** Waiting out a rate limit (tests record the wait instead). */
  sleep?: (ms: number) => Promise<void>;
  /** Base of the 5xx backoff in ms (GitHub's plugin default 1000). */
  retryBaseMs?: number;
}

/**
 * Posts a preview as the pull request's sticky comment (GITHUB_TOKEN, GITHUB_REPOSITORY,
 * GITHUB_API_URL). Exit 0 when the comment is current; 2 when it could not be posted.
 */
export async function runComment(opts: CommentOptions, deps: CommentDeps): Promise<ExitCode> {
  const { io } = deps;
  if (!/^[1-9]\d{0,9}$/.test(opts.pr)) throw new EnvironmentError(`--pr ${JSON.stringify(opts.pr)} is not a pull request number`, "give a positive whole number, e.g. --pr 42");
  const pr = Number(opts.pr);
  const parts = readParts(opts.dir);
  const config = githubConfig(io.env);
  const say = (s: string) => io.stderr.write(`${redact(s, config.token)}\n`);
  const api = issueComments(config, {
    rateLimit: {
      retries: 3,
      maxWaitMs: 15 * 60_000,
      sleep: deps.sleep ?? ((ms) => delay(ms)),
      now: () => (io.now?.() ?? new Date()).getTime(),
      onWait: (ms, status) => say(`berth comment: GitHub answered ${status} (rate limit); retrying in ${Math.ceil(ms / 1000)}s`),
    },
    retryBaseMs: deps.retryBaseMs,
    warn: (m) => say(`berth comment: ${m}`),
  });
  const author = opts.author ? { kind: "login" as const, login: opts.author } : { kind: "bots" as const };
  const r = await postSticky(api, { pr, repository: `${config.owner}/${config.repo}` }, parts, author, config.token);
  const n = parts.length;
  const what = r.created + r.updated + r.deleted === 0
    ? "already current, nothing written"
    : [r.updated && `${r.updated} updated`, r.created && `${r.created} created`, r.kept && `${r.kept} unchanged`, r.deleted && `${r.deleted} leftover deleted`].filter(Boolean).join(", ");
  io.stdout.write(redact(`#${pr}: preview of ${n} part${n === 1 ? "" : "s"} ${what}${r.url ? `: ${r.url}` : ""}\n`, config.token));
  return 0;
}
