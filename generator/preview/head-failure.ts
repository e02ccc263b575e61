import { formatDiagnostic, type Diagnostic } from "../errors.js";
import { scrubSecrets } from "../scrub.js";
import { fenceFor, inlineCode, showInvisible } from "./markdown.js";
import { partMarker } from "./marker.js";

/**
 * The one-part preview for a head that does not load: there is nothing to compare, but the pull
 * request's sticky comment must still say so rather than keep showing an older preview. The
 * problems (paths and messages from the change) are fenced.
 */
export function renderHeadFailure(diagnostics: readonly Diagnostic[], head: string, command: string, maxChars: number, fleet: string): string[] {
  const n = diagnostics.length;
  // Room for the frame; the problems that do not fit are counted, not cut mid-line.
  let room = maxChars - 1_000 - Buffer.byteLength(head + command + fleet) * 4;
  const lines: string[] = [];
  for (const d of diagnostics) {
    const line = `${showInvisible(scrubSecrets(formatDiagnostic(d)))}\n`;
    if (Buffer.byteLength(line) > room) break;
    room -= Buffer.byteLength(line);
    lines.push(line);
  }
  if (lines.length < n) lines.push(`… ${n - lines.length} more\n`);
  const fence = fenceFor(lines);
  return [
    `${partMarker(1, 1, fleet)}\n### berth preview (part 1/1)\n\n` +
      `**The head (${inlineCode(head)}) does not load: ${n} problem${n === 1 ? "" : "s"}, so there is nothing to compare.** Fix ${n === 1 ? "it" : "them"} and push again; this comment then shows the preview.\n\n` +
      `${fence}text\n${lines.join("")}${fence}\n\n<sub>${inlineCode(command)} shows the same locally.</sub>\n`,
  ];
}
