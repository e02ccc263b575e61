import type { IssueComments } from "./client.js";
import { githubFailure } from "./errors.js";
import { planSticky, type StickyOwner } from "./sticky.js";

export interface PostResult {
  created: number;
  updated: number;
  kept: number;
  deleted: number;
  /** The first part's comment, for the job log. */
  url?: string;
  /** The login GitHub wrote a created comment as (to tell when it is not the expected one). */
  writtenAs?: string;
}

/**
 * Makes the pull request show `parts` as berth's sticky comment: reads every comment, plans
 * (planSticky), then writes in order: parts first, leftovers last. A failure is an
 * EnvironmentError naming GitHub's status and message and what was already done.
 */
export async function postSticky(api: IssueComments, where: { pr: number; repository: string }, parts: readonly string[], owner: StickyOwner, token: string): Promise<PostResult> {
  const { pr } = where;
  let existing;
  try {
    existing = await api.list(pr);
  } catch (e) {
    throw githubFailure(e, `list the comments of #${pr} in ${where.repository}`, "", token);
  }
  const result: PostResult = { created: 0, updated: 0, kept: 0, deleted: 0 };
  const done: string[] = [];
  for (const a of planSticky(existing, parts, owner)) {
    try {
      if (a.op === "keep") {
        result.kept++;
        result.url ??= existing.find((c) => c.id === a.id)?.html_url;
      } else if (a.op === "update") {
        const url = (await api.update(a.id, a.body)).html_url;
        result.url ??= url;
        result.updated++;
        done.push(`part ${a.part} updated`);
      } else if (a.op === "create") {
        const created = await api.create(pr, a.body);
        result.url ??= created.html_url;
        result.writtenAs ??= created.user?.login;
        result.created++;
        done.push(`part ${a.part} created`);
      } else {
        await api.remove(a.id);
        result.deleted++;
        done.push(`comment ${a.id} deleted`);
      }
    } catch (e) {
      const doing = a.op === "delete" ? `delete leftover comment ${a.id}` : a.op === "create" ? `create part ${a.part}/${parts.length}` : `update part ${a.part}/${parts.length} (comment ${a.id})`;
      throw githubFailure(e, doing, done.length ? `done before the failure: ${done.join(", ")}` : "nothing was changed", token);
    }
  }
  return result;
}
