import type { Diagnostic } from "../errors.js";

/** At most this many problems are listed in the comment; stderr has them all. */
const MAX_LISTED = 50;

/**
 * The preview when the head does not load: nothing can be compared, and the reader of the
 * pull-request comment must learn why, with every problem's `file:line:col` and fix.
 */
export function formatUnloadableHead(head: string, diagnostics: readonly Diagnostic[], format: "markdown" | "text"): string {
  const md = format === "markdown";
  const where = (d: Diagnostic) => `${d.file}:${d.line > 0 ? `${d.line}:${d.col}` : "1:1"}`;
  const shown = diagnostics.slice(0, MAX_LISTED);
  const items = shown.map((d) => (md ? `- \`${where(d)}\`: ${d.message}${d.hint ? ` — fix: ${d.hint}` : ""}` : `  ${where(d)}: ${d.message}${d.hint ? `\n    fix: ${d.hint}` : ""}`));
  if (diagnostics.length > shown.length) items.push(`${md ? "- " : "  "}… and ${diagnostics.length - shown.length} more (run \`berth validate\` locally)`);
  const n = diagnostics.length;
  const lead = `The head (${head}) does not load (${n} problem${n === 1 ? "" : "s"}), so there is nothing to compare. Fix these first:`;
  if (!md) return `berth preview: ${lead}\n${items.join("\n")}\n`;
  return `<!-- berth-preview part 1/1 -->\n### berth preview\n\n**${lead}**\n\n${items.join("\n")}\n`;
}
