/**
 * The hidden first line of every Markdown part `berth preview` writes, and by which `berth comment`
 * recognises its own earlier comments on a pull request: `<!-- berth-preview part i/n -->`.
 * One definition, so the writer and the reader cannot drift apart.
 */
export const partMarker = (i: number, n: number): string => `<!-- berth-preview part ${i}/${n} -->`;

/** The part number and count of a body that starts with the marker; undefined for any other text. */
export function parsePartMarker(body: string): { part: number; of: number } | undefined {
  const m = /^<!-- berth-preview part ([1-9]\d{0,4})\/([1-9]\d{0,4}) -->(?:\r?\n|$)/.exec(body);
  if (!m) return undefined;
  const part = Number(m[1]);
  const of = Number(m[2]);
  return part <= of ? { part, of } : undefined;
}

/** `part-1.md` … as `berth preview --out-dir` names them. */
export const partFileName = (i: number, ext: "md" | "txt" = "md"): string => `part-${i}.${ext}`;
export const PART_FILE = /^part-([1-9]\d{0,4})\.(md|txt)$/;
