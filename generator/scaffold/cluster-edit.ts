import { isMap, isScalar, isSeq, parseDocument, type Document, type Node } from "yaml";

/**
 * Edits of a hand-written cluster.yaml. The yaml Document gives the position of the node to
 * change; the edit replaces or inserts text at that position only, so comments, folded
 * descriptions and flow lists elsewhere in the file stay byte for byte as their author wrote them.
 */

/** Sets `repo.url`. */
export function setRepoUrl(text: string, url: string): string {
  const doc = parse(text);
  const node = doc.getIn(["repo", "url"], true) as Node | undefined;
  const edited = isScalar(node) && node.range ? splice(text, node.range[0], node.range[1], scalar(url)) : reserialise(doc, (d) => d.setIn(["repo", "url"], url));
  return verified(edited, (d) => d.getIn(["repo", "url"]) === url, () => reserialise(parse(text), (d) => d.setIn(["repo", "url"], url)));
}

/** The app names a cluster.yaml's `apps:` lists (plain names and `{ name: … }` entries). */
export function listedApps(text: string): string[] {
  const apps = parse(text).get("apps", true);
  if (!isSeq(apps)) return [];
  return apps.items.map((item) => (isScalar(item) ? String(item.value) : isMap(item) ? String(item.get("name") ?? "") : "")).filter((n) => n !== "");
}

/** Appends apps to `apps:` (those not listed yet), after its last entry, in the list's own style. */
export function addApps(text: string, names: readonly string[]): string {
  const missing = names.filter((n) => !listedApps(text).includes(n));
  if (missing.length === 0) return text;
  const doc = parse(text);
  const apps = doc.get("apps", true);
  let edited: string | undefined;
  if (isSeq(apps) && apps.range) {
    if (apps.flow) {
      const close = text.lastIndexOf("]", apps.range[1]);
      const empty = apps.items.length === 0;
      edited = splice(text, close, close, `${empty ? "" : ", "}${missing.join(", ")}`);
    } else {
      const last = apps.items[apps.items.length - 1] as Node | undefined;
      if (last?.range) {
        const lineStart = text.lastIndexOf("\n", last.range[0]) + 1;
        const indent = /^\s*/.exec(text.slice(lineStart))![0];
        const eol = text.indexOf("\n", last.range[1] - 1);
        const at = eol === -1 ? text.length : eol;
        edited = splice(text, at, at, missing.map((n) => `\n${indent}- ${n}`).join(""));
      }
    }
  }
  const fallback = () => reserialise(parse(text), (d) => missing.forEach((n) => (d.get("apps", true) as { add(v: unknown): void } | undefined)?.add(n) ?? d.set("apps", [n])));
  return verified(edited ?? fallback(), (d) => missing.every((n) => listedApps(d.toString()).includes(n)), fallback);
}

function parse(text: string): Document.Parsed {
  return parseDocument(text, { keepSourceTokens: true });
}

function splice(text: string, from: number, to: number, insert: string): string {
  return text.slice(0, from) + insert + text.slice(to);
}

/** A scalar as YAML text: plain when it cannot be misread, else double-quoted. */
function scalar(value: string): string {
  return /^[A-Za-z0-9][A-Za-z0-9._~:/@+-]*$/.test(value) && !/: |:$/.test(value) ? value : JSON.stringify(value);
}

/** The whole document written out again: the last resort when a node has no usable position. */
function reserialise(doc: Document.Parsed, change: (doc: Document.Parsed) => void): string {
  change(doc);
  return doc.toString({ lineWidth: 0 });
}

/** Checks that a text edit did what was meant (and kept the file valid YAML); else takes the fallback. */
function verified(text: string, holds: (doc: Document.Parsed) => boolean, fallback: () => string): string {
  const doc = parse(text);
  return doc.errors.length === 0 && holds(doc) ? text : fallback();
}

/**
 * Sets `repo.knownHosts` to these lines (a block list under `repo:`). The Document API keeps the
 * file's comments; only the repo mapping's new entry is laid out by the serialiser.
 */
export function setKnownHosts(text: string, lines: readonly string[]): string {
  const doc = parse(text);
  const node = doc.createNode([...lines]);
  doc.setIn(["repo", "knownHosts"], node);
  const edited = doc.toString({ lineWidth: 0 });
  return verified(edited, (d) => JSON.stringify(d.getIn(["repo", "knownHosts"]) && (d.getIn(["repo", "knownHosts"]) as { toJSON(): unknown }).toJSON()) === JSON.stringify(lines), () => edited);
}
