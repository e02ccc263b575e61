import { setTimeout as delay } from "node:timers/promises";
import { EnvironmentError } from "../errors.js";
import { issueComments, type IssueComments } from "../github/client.js";
import { githubConfig } from "../github/config.js";
import { cutComment, fullPreviewPlace } from "../github/cut.js";
import { githubFailure, redact } from "../github/errors.js";
import { MAX_PARTS, readPreviewParts } from "../github/parts.js";
import { postSticky } from "../github/post.js";
import type { CommandIO, ExitCode } from "./context.js";

export interface CommentOptions {
  /** The pull request number, as given on the command line (validated here). */
  pr: string;
  /** The folder `berth preview --out-dir` wrote part-1.md … into. */
  dir: string;
  /** Only comments by this login are berth's; default: the token's own account (see tokenLogin). */
  author?: string;
}

export interface CommentDeps {
  io: CommandIO;
  /** Waiting out a rate limit (tests record the wait instead). */
  sleep?: (ms: number) => Promise<void>;
  /** Base of the 5xx backoff in ms (GitHub's plugin default 1000). */
  retryBaseMs?: number;
  /** More parts than this are cut to one comment (tests lower it). */
  maxParts?: number;
}

/** The Actions token is an installation token of the GitHub Actions app: it writes as this login. */
export const ACTIONS_BOT = "github-actions[bot]";

/**
 * The login the token writes comments as, when --author is not given: GET /user for a person's
 * token; in GitHub Actions, where GitHub refuses GET /user to the Actions token (an installation
 * token), `github-actions[bot]`. Elsewhere a refused GET /user is an installation token whose app
 * berth cannot name: it must be given.
 */
async function tokenLogin(api: IssueComments, env: NodeJS.ProcessEnv, token: string): Promise<string> {
  try {
    return await api.whoami();
  } catch (e) {
    const status = (e as { status?: number; response?: unknown }).response !== undefined ? (e as { status?: number }).status : undefined;
    if (status === 403 && env.GITHUB_ACTIONS === "true") return ACTIONS_BOT;
    if (status === 403) {
      throw new EnvironmentError("GITHUB_TOKEN does not say whose it is (GitHub refuses GET /user to an installation token)", "give the account it writes as: --author '<your-app>[bot]' for a GitHub App's token");
    }
    throw githubFailure(e, "learn which account GITHUB_TOKEN belongs to (GET /user)", "nothing was changed", token);
  }
}

/**
 * Posts a preview as the pull request's sticky comment (GITHUB_TOKEN, GITHUB_REPOSITORY,
 * GITHUB_API_URL). Exit 0 when the comment is current; 2 when it could not be posted.
 */
export async function runComment(opts: CommentOptions, deps: CommentDeps): Promise<ExitCode> {
  const { io } = deps;
  if (!/^[1-9]\d{0,9}$/.test(opts.pr)) throw new EnvironmentError(`--pr ${JSON.stringify(opts.pr)} is not a pull request number`, "give a positive whole number, e.g. --pr 42");
  const pr = Number(opts.pr);
  const maxParts = deps.maxParts ?? MAX_PARTS;
  const read = readPreviewParts(opts.dir, maxParts);
  const parts = read.total > maxParts ? [cutComment(read.parts[0]!, read.total, maxParts, read.fleet, fullPreviewPlace(io.env))] : read.parts;
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
  const login = opts.author ?? (await tokenLogin(api, io.env, config.token));
  const r = await postSticky(api, { pr, repository: `${config.owner}/${config.repo}` }, parts, { login, fleet: read.fleet }, config.token);
  if (r.writtenAs !== undefined && r.writtenAs.toLowerCase() !== login.toLowerCase()) {
    say(`berth comment: GitHub wrote the comment as ${r.writtenAs}, not ${login}; give --author '${r.writtenAs}' so the next run updates it instead of adding another`);
  }
  if (parts !== read.parts) say(`berth comment: the preview has ${read.total} parts, more than ${maxParts}; posted one comment saying it was cut and where the full preview is`);
  const n = parts.length;
  const what = r.created + r.updated + r.deleted === 0
    ? "already current, nothing written"
    : [r.updated && `${r.updated} updated`, r.created && `${r.created} created`, r.kept && `${r.kept} unchanged`, r.deleted && `${r.deleted} leftover deleted`].filter(Boolean).join(", ");
  io.stdout.write(redact(`#${pr}: preview of ${n} part${n === 1 ? "" : "s"} ${what}${r.url ? `: ${r.url}` : ""}\n`, config.token));
  return 0;
}
