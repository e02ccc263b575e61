import { setTimeout as delay } from "node:timers/promises";
import { EnvironmentError } from "../errors.js";
import { issueComments, type IssueComments } from "../github/client.js";
import { githubConfig } from "../github/config.js";
import { githubFailure, redact } from "../github/errors.js";
import { readParts } from "../github/parts.js";
import { planSticky, type Author } from "../github/sticky.js";
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
  /** The GitHub API; built from GITHUB_TOKEN/GITHUB_REPOSITORY/GITHUB_API_URL when absent. */
  comments?: IssueComments;
  /** Waiting out a rate limit (tests record instead of waiting). */
  sleep?: (ms: number) => Promise<void>;
  /** Base of the 5xx backoff in ms. */
  retryBaseMs?: number;
}

/**
 * Posts a preview as the pull request's sticky comment: berth's earlier comments (found by marker
 * and author) are updated in place, missing parts created, leftovers deleted; nothing is written
 * when a part is unchanged. Exit 0 when the comment is current, 2 when it could not be posted.
 */
export async function runComment(opts: CommentOptions, deps: CommentDeps): Promise<ExitCode> {
  const { io } = deps;
  if (!/^[1-9]\d{0,9}$/.test(opts.pr)) throw new EnvironmentError(`--pr ${JSON.stringify(opts.pr)} is not a pull request number`, "give a positive whole number, e.g. --pr 42");
  const pr = Number(opts.pr);
  const parts = readParts(opts.dir);
  const author: Author = opts.author ? { kind: "login", login: opts.author } : { kind: "bots" };
  const config = githubConfig(io.env);
  const token = config.token;
  const say = (s: string) => io.stderr.write(`${redact(s, token)}\n`);
  const api = deps.comments ?? issueComments(config, {
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

  const done: string[] = [];
  const progress = () => (done.length ? `done before the failure: ${done.join(", ")}` : "nothing was changed");
  let existing;
  try {
    existing = await api.list(pr);
  } catch (e) {
    throw githubFailure(e, `list the comments of #${pr} in ${config.owner}/${config.repo}`, "", token);
  }
  const actions = planSticky(existing, parts, author);
  let first: string | undefined;
  const counts = { created: 0, updated: 0, kept: 0, deleted: 0 };
  for (const a of actions) {
    try {
      if (a.op === "keep") {
        counts.kept++;
        first ??= existing.find((c) => c.id === a.id)?.html_url;
      } else if (a.op === "update") {
        const url = (await api.update(a.id, a.body)).html_url;
        first ??= url;
        counts.updated++;
        done.push(`part ${a.part} updated`);
      } else if (a.op === "create") {
        const url = (await api.create(pr, a.body)).html_url;
        first ??= url;
        counts.created++;
        done.push(`part ${a.part} created`);
      } else {
        await api.remove(a.id);
        counts.deleted++;
        done.push(`comment ${a.id} deleted`);
      }
    } catch (e) {
      const doing = a.op === "delete" ? `delete leftover comment ${a.id}` : a.op === "create" ? `create part ${a.part}/${parts.length}` : `update part ${a.part}/${parts.length} (comment ${a.id})`;
      throw githubFailure(e, doing, progress(), token);
    }
  }
  const n = parts.length;
  const what = counts.created + counts.updated + counts.deleted === 0
    ? "already current, nothing written"
    : [counts.updated && `${counts.updated} updated`, counts.created && `${counts.created} created`, counts.kept && `${counts.kept} unchanged`, counts.deleted && `${counts.deleted} leftover deleted`].filter(Boolean).join(", ");
  io.stdout.write(redact(`#${pr}: preview of ${n} part${n === 1 ? "" : "s"} ${what}${first ? `: ${first}` : ""}\n`, token));
  return 0;
}
