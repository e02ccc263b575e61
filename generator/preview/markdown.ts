/**
 * Markdown for strings berth did not write: names, kinds, keys, paths and messages come from the
 * pull request, and the preview is posted where reviewers decide. Nothing such a string contains may
 * become Markdown of its own (a heading, a link, an image, HTML, a fake "safe to merge"), so every
 * one goes through one of these.
 */

// Line breaks end a code span (a blank line even ends the paragraph); other controls have no business in a name.
const CONTROLS = /[\u0000-\u001f\u007f\u0085\u2028\u2029]/g;

/** As inline code: one line, no backtick that could close the span. Never empty (`` would not be a span). */
export function inlineCode(s: string): string {
  const flat = s.replace(CONTROLS, " ").replace(/`/g, "'");
  return `\`${flat.trim() === "" ? `${flat}\u00a0` : flat}\``;
}

/**
 * As plain text in a paragraph or a table cell: one line, and every character that can start
 * Markdown (emphasis, code, links, images, HTML, headings, tables, strikethrough) backslash-escaped,
 * plus a list or heading marker at its start. Commas, colons and the like stay readable.
 */
export function escapeText(s: string): string {
  return s
    .replace(CONTROLS, " ")
    .replace(/[\\`*_[\]()<>#!|~]/g, "\\$&")
    .replace(/^(\s*)([-+=])/, "$1\\$2")
    .replace(/^(\s*\d+)([.)])/, "$1\\$2");
}

/** A fence longer than any run of backticks in the text, so the text cannot close it. */
export function fenceFor(lines: readonly string[]): string {
  let longest = 2;
  for (const l of lines) for (const m of l.matchAll(/`+/g)) longest = Math.max(longest, m[0].length);
  return "`".repeat(longest + 1);
}
