/**
 * The hidden first line of every Markdown part `berth preview` writes, and by which `berth comment`
 * recognises its own earlier comments on a pull request:
 * `<!-- berth-preview part i/n fleet=<path> -->`. The fleet's folder in the repository is part of it,
 * so two fleets in one repository keep one sticky comment each instead of overwriting each other.
 * One definition, so the writer and the reader cannot drift apart.
 */
export const partMarker = (i: number, n: number, fleet: string): string => `<!-- berth-preview part ${i}/${n} fleet=${encodeFleet(fleet)} -->`;

/**
 * The fleet folder as the marker spells it: "." for the repository's top level, else the path
 * relative to it without a trailing slash. Anything but letters, digits and `._/-` is
 * percent-encoded, so no path can end the HTML comment (`-->`) or span lines.
 */
export function encodeFleet(prefix: string): string {
  const path = prefix.replace(/^\.?\/+|\/+$/g, "") || ".";
  return encodeURIComponent(path).replace(/%2F/g, "/").replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export interface PartMarker {
  part: number;
  of: number;
  /** The fleet as encoded in the marker; undefined for the marker berth wrote before it named the fleet. */
  fleet?: string;
}

/** The part number, count and fleet of a body that starts with the marker; undefined for any other text. */
export function parsePartMarker(body: string): PartMarker | undefined {
  const m = /^<!-- berth-preview part ([1-9]\d{0,4})\/([1-9]\d{0,4})(?: fleet=([A-Za-z0-9._/%-]{1,1000}))? -->(?:\r?\n|$)/.exec(body);
  if (!m) return undefined;
  const part = Number(m[1]);
  const of = Number(m[2]);
  if (part > of) return undefined;
  return m[3] === undefined ? { part, of } : { part, of, fleet: m[3] };
}

/**
 * Whether a comment with this marker belongs to the fleet's sticky comment. A marker without a fleet
 * was written before markers named one: it is recognised by every fleet, so an existing comment is
 * updated (and from then on names its fleet) instead of being left behind.
 */
export const sameFleet = (marker: PartMarker, fleet: string): boolean => marker.fleet === undefined || marker.fleet === fleet;

/** `part-1.md` … as `berth preview --out-dir` names them. */
export const partFileName = (i: number, ext: "md" | "txt" = "md"): string => `part-${i}.${ext}`;
export const PART_FILE = /^part-([1-9]\d{0,4})\.(md|txt)$/;
