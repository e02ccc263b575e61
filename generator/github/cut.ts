import { partMarker } from "../preview/marker.js";
import { inlineCode } from "../preview/markdown.js";
import { MAX_COMMENT_CHARS } from "./parts.js";

/** Where the whole preview can be read, for the cut comment: the workflow run, when berth runs in one. */
export function fullPreviewPlace(env: NodeJS.ProcessEnv): string {
  const server = env.GITHUB_SERVER_URL?.trim();
  const repository = env.GITHUB_REPOSITORY?.trim();
  const run = env.GITHUB_RUN_ID?.trim();
  if (server && repository && run && /^\d{1,20}$/.test(run) && /^https?:\/\/[^\s`]+$/.test(server)) {
    // Shown as code, never as a link: berth's own lines do not create links either.
    return `in the job summary and the \`berth-preview\` artifact of workflow run ${inlineCode(`${server.replace(/\/+$/, "")}/${repository}/actions/runs/${run}`)}`;
  }
  return "in the folder `berth preview --out-dir` wrote; run the command part 1 names to see it locally";
}

/**
 * The one comment posted instead of a preview of more parts than berth posts: it says so and where
 * the whole preview is, and shows the first part (the summary of every cluster) when it fits. It
 * replaces berth's earlier comments like any preview, so none of an older preview stays in place.
 */
export function cutComment(first: string, total: number, maxParts: number, fleet: string, place: string): string {
  const head = `${partMarker(1, 1, fleet)}\n### berth preview (part 1/1)\n\n` +
    `**This preview has ${total} parts, more than the ${maxParts} berth posts as comments, so it was cut.** The full preview is ${place}.\n\n`;
  // Part 1 without its own marker, heading and "continued in part 2" line.
  const body = first.replace(/^<!--[^\n]*-->\r?\n### [^\n]*\n\n/, "").replace(/\n_continued in part \d+\/\d+_\n$/, "\n");
  const withFirst = `${head}Its first part:\n\n${body}`;
  return [...withFirst].length <= MAX_COMMENT_CHARS ? withFirst : `${head}Its first part is too long to show with this notice.\n`;
}
