/**
 * Markdown for strings berth did not write: names, kinds, keys, paths and messages come from the
 * pull request, and the preview is posted where reviewers decide. Nothing such a string contains may
 * become Markdown of its own (a heading, a link, an image, HTML, a fake "safe to merge"), nor act on
 * GitHub (mention a person or team, link an issue, a commit or a URL), nor hide or reorder what is
 * shown (bidirectional and zero-width controls), so every one goes through one of these, and every
 * part as a whole through {@link showInvisible}.
 */

// Line breaks end a code span (a blank line even ends the paragraph); other controls have no business in a name.
const CONTROLS = /[\u0000-\u001f\u007f\u0085\u2028\u2029]/g;

/**
 * Characters that are not seen but change what is: bidirectional overrides and isolates (Trojan
 * Source), zero-width spaces and joiners, the soft hyphen, the BOM, tag characters — every Unicode
 * format character (Cf) — and the "filler" letters that render as blanks.
 */
const INVISIBLE = /[\p{Cf}\u034f\u115f\u1160\u3164\uffa0]/gu;

/**
 * Every invisible character shown as `‹U+202E›`. Neither `‹` nor `›` nor the text between them is
 * Markdown, so the replacement is safe in text, table cells, code spans and fenced blocks alike.
 */
export function showInvisible(s: string): string {
  return s.replace(INVISIBLE, (c) => `‹U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}›`);
}

/** As inline code: one line, no backtick that could close the span. Never empty (`` would not be a span). */
export function inlineCode(s: string): string {
  const flat = showInvisible(s).replace(CONTROLS, " ").replace(/`/g, "'");
  return `\`${flat.trim() === "" ? `${flat}\u00a0` : flat}\``;
}

/**
 * A word GitHub would act on in text: a mention (`@user`, `@org/team`), an email address, a URL or
 * `www.` link, an issue or pull-request reference (`#12`, `GH-12`, `owner/repo#12`), a commit SHA.
 * Inside a code span GitHub does none of that.
 */
const ACTIVE_WORD = /[@#]|:\/\/|\bwww\.|\bgh-\d|(?=[0-9a-f]*[a-f])(?=[0-9a-f]*\d)\b[0-9a-f]{7,40}\b/i;

/**
 * As plain text in a paragraph or a table cell: one line, and every character that can start
 * Markdown (emphasis, code, links, images, HTML, entities, headings, tables, strikethrough)
 * backslash-escaped, plus a list or heading marker at its start. A word GitHub would turn into a
 * mention or a link is shown as inline code instead. Commas, colons and the like stay readable.
 */
export function escapeText(s: string): string {
  const words = showInvisible(s).replace(CONTROLS, " ").split(/( +)/);
  return words
    .map((w, i) => (i % 2 === 1 || w === "" ? w : ACTIVE_WORD.test(w) ? activeWord(w) : w.replace(/[\\`*_[\]()<>#!|~&]/g, "\\$&")))
    .join("")
    .replace(/^(\s*)([-+=])/, "$1\\$2")
    .replace(/^(\s*\d+)([.)])/, "$1\\$2");
}

/** A word GitHub would act on, as inline code; a `|` (which ends a table cell even inside code) stays outside, escaped. */
const activeWord = (w: string) => w.split("|").map((p) => (p ? inlineCode(p) : "")).join("\\|");

/** A fence longer than any run of backticks in the text, so the text cannot close it. */
export function fenceFor(lines: readonly string[]): string {
  let longest = 2;
  for (const l of lines) for (const m of l.matchAll(/`+/g)) longest = Math.max(longest, m[0].length);
  return "`".repeat(longest + 1);
}
