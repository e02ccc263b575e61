import { scrubSecrets } from "../scrub.js";
import { partMarker } from "./marker.js";
import { escapeText, fenceFor, inlineCode, showInvisible } from "./markdown.js";
import { CLUSTER_GROUP, type AppDiff, type ClusterDiff, type KeyChanges, type ObjectDiff, type PreviewModel, type SealedSecretDiff } from "./model.js";

export interface PreviewSideLabel {
  /** What the user asked for: a revision (`main`, `HEAD~3`) or "working tree". */
  label: string;
  /** The commit's short SHA (for the working tree: the commit it sits on). */
  sha?: string;
  workingTree?: boolean;
}

export interface FormatPreviewOptions {
  format: "markdown" | "text";
  /** Markdown only: every part's UTF-8 size stays at or under this. */
  maxCommentChars: number;
  base: PreviewSideLabel;
  head: PreviewSideLabel;
  /** Lines shown under the summary (base could not load, stale generated output, tools used…). */
  notes: readonly string[];
  /** The command that reproduces this preview locally, e.g. "berth preview --base main"; `--cluster` is appended when a diff is cut. */
  command: string;
  /** The fleet's folder in the repository ("." at its top level), named in every part's marker. */
  fleet: string;
}

export const DEFAULT_MAX_COMMENT_CHARS = 65_000;
/** Below this a part cannot hold a heading, a continued section and a cut notice. */
export const MIN_MAX_COMMENT_CHARS = 2_000;

/**
 * A unit of output. `pre` is never split; `body` lines may be cut when the block alone is larger
 * than a part (then `… N more lines not shown` says so); `fence` wraps the body in a code block.
 */
interface Block {
  pre: string;
  body: string[];
  fence?: "diff" | "text";
  post: string;
  role: "header" | "cluster" | "app" | "item";
  /** An app block complete in itself ("same change as on …"): content, not a heading waiting for items. */
  standalone?: boolean;
  /** A summary-table row: the table's header, repeated when a part starts with this row. */
  tableHead?: string;
  /** The sections this block belongs to, repeated "(continued)" at the top of a new part. */
  cluster?: ClusterDiff;
  app?: { cluster: string; app: AppDiff };
}

/**
 * Turns a preview model into text: one string for `text`, one or more parts for `markdown`, each
 * within `maxCommentChars` (UTF-8 bytes, so also characters) and headed `<!-- berth-preview part i/n -->`.
 * Pure and deterministic; credentials are scrubbed from every line.
 */
export function formatPreview(model: PreviewModel, opts: FormatPreviewOptions): string[] {
  const md = opts.format === "markdown";
  const groups = changeSetGroups(model.clusters);
  const shown = new Set(groups.map((g) => g.first.name));
  const blocks = [...headerBlocks(model, groups, opts), ...groups.flatMap((g) => clusterBlocks(g, shown, model, opts))].map(scrubBlock);
  if (!md) return [blocks.map((b) => blockText(b, false)).join("")];
  const limit = Math.max(opts.maxCommentChars, MIN_MAX_COMMENT_CHARS);
  const parts = pack(blocks, limit, opts);
  const n = parts.length;
  return parts.map((p, i) => `${partHeader(i + 1, n, opts.fleet)}${p}${i + 1 < n ? partFooter(i + 2, n) : ""}`);
}

const partHeader = (i: number, n: number, fleet: string) => `${partMarker(i, n, fleet)}\n### berth preview (part ${i}/${n})\n\n`;
const partFooter = (i: number, n: number) => `\n_continued in part ${i}/${n}_\n`;
const bytes = (s: string) => Buffer.byteLength(s, "utf8");

/** No credential and no invisible character reaches a part, whichever helper built the line. */
function scrubBlock(b: Block): Block {
  const clean = (s: string) => showInvisible(scrubSecrets(s));
  return { ...b, pre: clean(b.pre), body: b.body.map(clean), post: clean(b.post) };
}

// ---------------------------------------------------------------------------------------------
// Content

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
/** Untrusted text (names, paths, keys, revisions) in Markdown: inline code that cannot break out. */
const code = (s: string, md: boolean) => (md ? inlineCode(s) : s);

function sideText(s: PreviewSideLabel, md: boolean): string {
  if (s.workingTree) return `working tree${s.sha ? ` on ${code(s.sha, md)}` : ""} (uncommitted changes included)`;
  return `${code(s.label, md)}${s.sha && s.sha !== s.label ? ` (${code(s.sha, md)})` : ""}`;
}

interface Counts {
  changed: number;
  added: number;
  removed: number;
  resources: number;
  failures: number;
}

/**
 * Clusters with the same change set (the same apps changed in the same way, the cluster's name
 * aside), in the order of their first cluster. At fleet scale one change repeats on many clusters:
 * the summary has one row per group and the changes are shown once, under the group's first cluster.
 */
interface ChangeSetGroup {
  first: ClusterDiff;
  names: string[];
}

function changeSetGroups(clusters: readonly ClusterDiff[]): ChangeSetGroup[] {
  const groups = new Map<string, ChangeSetGroup>();
  for (const c of clusters) {
    const key = JSON.stringify([
      c.status,
      c.unchangedApps,
      c.apps.map((a) => [a.name, a.status, a.objects, a.secrets.map((s) => ({ ...s, file: undefined })), a.inputs, a.render ?? null]),
    ]);
    const g = groups.get(key);
    if (g) g.names.push(c.name);
    else groups.set(key, { first: c, names: [c.name] });
  }
  return [...groups.values()];
}

/** A group's clusters for a table cell: the name alone, or "67 clusters: c0000, c0003, c0004, … c0199". */
function foldedNames(g: ChangeSetGroup): string {
  const n = g.names;
  if (n.length === 1) return n[0]!;
  return `${n.length} clusters: ${n.length <= 4 ? n.join(", ") : `${n.slice(0, 3).join(", ")}, … ${n[n.length - 1]}`}`;
}

function countsOf(c: ClusterDiff): Counts {
  const apps = c.apps.filter((a) => a.name !== CLUSTER_GROUP);
  let resources = 0;
  for (const a of c.apps) {
    resources += a.secrets.length + a.objects.filter((o) => o.kind !== "Application" || a.name === CLUSTER_GROUP).length;
    if (a.render?.state === "rendered") resources += a.render.resources.length;
  }
  return {
    changed: apps.filter((a) => a.status === "changed").length,
    added: apps.filter((a) => a.status === "added").length,
    removed: apps.filter((a) => a.status === "removed").length,
    resources,
    failures: apps.filter((a) => a.render?.state === "failed").length,
  };
}

function headerBlocks(model: PreviewModel, groups: readonly ChangeSetGroup[], opts: FormatPreviewOptions): Block[] {
  const md = opts.format === "markdown";
  const lines: string[] = [];
  lines.push(`${md ? "**base** " : "base "}${sideText(opts.base, md)} → ${md ? "**head** " : "head "}${sideText(opts.head, md)}`);
  lines.push("");
  const verdict = !model.changed
    ? "No changes: every cluster generates the same Applications, AppProjects and SealedSecrets, and no app's inputs changed."
    : `Changes on ${plural(model.clusters.filter((c) => c.status !== "unchanged").length, "cluster")} of ${model.clusters.length}.`;
  lines.push(md ? `**${verdict}**` : verdict);
  lines.push("");
  const cols = ["cluster", "apps changed", "added", "removed", "resources changed", "render failures"];
  const rows = groups.map(({ first: c, names }) => {
    const k = countsOf(c);
    const folded = foldedNames({ first: c, names });
    const shown = md ? escapeText(folded) : folded;
    const name = c.status === "added" ? `${shown} (new)` : c.status === "removed" ? `${shown} (removed)` : shown;
    return [name, k.changed, k.added, k.removed, k.resources, model.rendered ? k.failures : "–"].map(String);
  });
  const tableHead: string[] = [];
  const tableRows: string[] = [];
  if (md) {
    tableHead.push(`| ${cols.join(" | ")} |`, `| ${cols.map(() => "---").join(" | ")} |`);
    for (const r of rows) tableRows.push(`| ${r.join(" | ")} |`);
  } else {
    const widths = cols.map((c, i) => Math.max(c.length, ...rows.map((r) => r[i]!.length)));
    const line = (r: string[]) => r.map((v, i) => v.padEnd(widths[i]!)).join("  ").trimEnd();
    tableHead.push(line(cols));
    for (const r of rows) tableRows.push(line(r));
  }
  const after: string[] = [""];
  const footnote = `resources: ${model.rendered ? "rendered resources, " : ""}SealedSecrets, Namespaces, AppProjects and the root Application${model.rendered ? "" : "; rendered manifests were not compared (add --render)"}`;
  after.push(md ? `<sub>${footnote}</sub>` : footnote);
  // Notes quote revisions and error messages from the change: plain escaped text.
  for (const n of opts.notes) after.push("", md ? `> ${escapeText(n)}` : `note: ${n}`);
  after.push("");
  const nl = (ls: string[]) => ls.map((l) => `${l}\n`);
  const head = nl(tableHead).join("");
  // One block per table row, so a long table continues in the next part under its header row.
  return [
    { pre: "", body: nl(lines), post: "", role: "header" },
    ...tableRows.map((r, i): Block => ({ pre: i === 0 ? head : "", body: [`${r}\n`], post: "", role: "header", tableHead: `${md ? "Summary (continued):\n\n" : ""}${head}` })),
    { pre: "", body: nl(after), post: "", role: "header" },
  ];
}

function clusterBlocks(g: ChangeSetGroup, shown: ReadonlySet<string>, model: PreviewModel, opts: FormatPreviewOptions): Block[] {
  const c = g.first;
  if (c.status === "unchanged") return [];
  const md = opts.format === "markdown";
  const k = countsOf(c);
  const bits = [
    k.changed && `${k.changed} changed`,
    k.added && `${k.added} added`,
    k.removed && `${k.removed} removed`,
    c.unchangedApps && `${c.unchangedApps} unchanged`,
  ].filter(Boolean);
  const status = c.status === "added" ? "new cluster" : c.status === "removed" ? "cluster removed" : "changed";
  const heading = md ? `#### ${code(c.name, md)} — ${status}\n\n` : `== cluster ${c.name}: ${status} ==\n`;
  const same = g.names.length > 1 ? [`${md ? "" : "   "}The same changes on ${g.names.length - 1} more cluster${g.names.length === 2 ? "" : "s"}, shown once here: ${g.names.slice(1).map((n) => code(n, md)).join(", ")}.\n`] : [];
  const blocks: Block[] = [{ pre: heading, body: [...same, `${md ? "" : "   "}Applications: ${bits.join(", ") || "none changed"}\n`, md ? "\n" : ""], post: "", role: "cluster", cluster: c }];
  for (const a of c.apps) for (const block of appBlocks(c, a, shown, model, opts)) blocks.push(block);
  return blocks;
}

/** `shown`: the clusters that get a section (the first of each change-set group). */
function appBlocks(c: ClusterDiff, a: AppDiff, shown: ReadonlySet<string>, model: PreviewModel, opts: FormatPreviewOptions): Block[] {
  const md = opts.format === "markdown";
  const ind = md ? "" : "   ";
  const ctx = { cluster: c, app: { cluster: c.name, app: a } };
  const title = a.name === CLUSTER_GROUP ? "root Application, AppProjects and Namespaces" : `${a.status === "added" ? "new " : a.status === "removed" ? "removed " : ""}Application ${code(a.name, md)}`;
  const heading = md ? `##### ${code(c.name, md)} · ${title}\n\n` : `-- ${c.name} · ${title.replace(/`/g, "")}\n`;
  const first = a.identicalOn.find((n) => shown.has(n)) ?? c.name;
  if (a.identicalOn.length > 1 && first !== c.name) {
    return [{ pre: heading, body: [`${ind}Same change as on ${code(first, md)} (shown there).\n`, md ? "\n" : ""], post: "", role: "app", standalone: true, ...ctx }];
  }
  const intro: string[] = [];
  const on = a.identicalOn;
  if (on.length > 4) intro.push(`Identical on ${on.length} clusters (${[...on.slice(0, 3), "…", on[on.length - 1]!].map((n) => (n === "…" ? n : code(n, md))).join(", ")}): shown once.`);
  else if (on.length > 1) intro.push(`Identical on ${on.map((n) => code(n, md)).join(", ")}: shown once.`);
  if (a.inputs.length > 0) intro.push(`Inputs changed: ${a.inputs.map((f) => `${code(f.path, md)} (${f.change})`).join(", ")}.`);
  if (a.inputs.length > 0 && !model.rendered && a.objects.length === 0) intro.push("The generated Application is unchanged; run with `--render` to compare the rendered manifests.");
  const blocks: Block[] = [{ pre: heading, body: [...intro.map((l) => `${ind}${l}\n`), ...(md && intro.length > 0 ? ["\n"] : [])], post: "", role: "app", ...ctx }];
  for (const o of a.objects) blocks.push(objectBlock(o, md, ctx));
  for (const s of a.secrets) blocks.push(sealedBlock(s, md, ctx));
  const r = a.render;
  if (r?.state === "failed") {
    const lines = [...(r.base ? [`base: ${r.base}`] : []), ...(r.head ? [`head: ${r.head}`] : [])];
    const pre = md ? `**Rendered manifests: render failed** (${[r.base && "base", r.head && "head"].filter(Boolean).join(" and ")}); this is not "no changes".\n\n` : `${ind}rendered manifests: render failed (${[r.base && "base", r.head && "head"].filter(Boolean).join(" and ")})\n`;
    blocks.push({ pre, body: lines.map((l) => `${md ? "" : `${ind}  `}${l}\n`), fence: "text", post: md ? "\n" : "", role: "item", ...ctx });
  } else if (r?.state === "rendered") {
    const rc = (ch: string) => r.resources.filter((x) => x.change === ch).length;
    const summary = r.resources.length === 0
      ? `Rendered manifests: no change (${plural(r.counts.head, "resource")}).`
      : `Rendered manifests: ${rc("modified")} modified, ${rc("added")} added, ${rc("removed")} removed (base ${r.counts.base}, head ${r.counts.head} resources).`;
    blocks.push({ pre: md ? `${summary}\n\n` : `${ind}${summary}\n`, body: [], post: "", role: "item", ...ctx });
    for (const o of r.resources) blocks.push(objectBlock(o, md, ctx));
  }
  if (blocks.length === 1) blocks[0]!.standalone = true;
  return blocks;
}

function objectBlock(o: ObjectDiff, md: boolean, ctx: Pick<Block, "cluster" | "app">): Block {
  const id = o.namespace ? `${o.namespace}/${o.name}` : o.name;
  const keys = o.keys ? keyText(o.keys, md, "value changed") : "";
  const pre = md
    ? `**${escapeText(o.kind)}** ${code(id, md)} ${o.change}${keys ? ` — keys: ${keys} (values hidden)` : ""}\n\n`
    : `   ${o.kind} ${id} (${o.change})${keys ? ` keys: ${keys} (values hidden)` : ""}\n`;
  return { pre, body: o.diff.map((l) => `${md ? "" : "     "}${l}\n`), fence: "diff", post: md ? "\n" : "", role: "item", ...ctx };
}

function keyText(k: KeyChanges, md: boolean, changedWord: string): string {
  const list = (xs: string[]) => xs.map((x) => code(x, md)).join(", ");
  return [
    k.added.length > 0 && `added ${list(k.added)}`,
    k.removed.length > 0 && `removed ${list(k.removed)}`,
    k.changed.length > 0 && `${changedWord} ${list(k.changed)}`,
  ].filter(Boolean).join("; ");
}

function sealedBlock(s: SealedSecretDiff, md: boolean, ctx: Pick<Block, "cluster" | "app">): Block {
  const keys = keyText(s.keys, md, "re-sealed");
  const what = [keys && `keys: ${keys}`, ...s.notes.map((n) => (md ? escapeText(n) : n))].filter(Boolean).join("; ");
  const line = `${md ? "**SealedSecret**" : "   SealedSecret"} ${code(`${s.namespace}/${s.name}`, md)} ${s.change}${what ? ` — ${what}` : ""} (ciphertext never shown)`;
  return { pre: `${line}\n${md ? "\n" : ""}`, body: [], post: "", role: "item", ...ctx };
}

// ---------------------------------------------------------------------------------------------
// Layout and splitting

const fenceOf = (b: Block): string => fenceFor(b.body);

function blockText(b: Block, md: boolean, body = b.body, cutNote = ""): string {
  if (!md || !b.fence) return `${b.pre}${body.join("")}${cutNote}${b.post}`;
  if (body.length === 0 && !cutNote) return `${b.pre}${b.post}`;
  const f = fenceOf(b);
  return `${b.pre}${f}${b.fence}\n${body.join("")}${f}\n${cutNote}${b.post}`;
}

/** The headings repeated at the top of a new part, so a block never appears without its cluster and app. */
function continuation(b: Block): string {
  if (b.tableHead !== undefined) return b.tableHead;
  if (b.role === "header" || b.role === "cluster") return "";
  let s = b.cluster ? `#### ${inlineCode(b.cluster.name)} (continued)\n\n` : "";
  if (b.role === "item" && b.app) {
    const name = b.app.app.name === CLUSTER_GROUP ? "root Application, AppProjects and Namespaces" : `Application ${inlineCode(b.app.app.name)}`;
    s += `##### ${inlineCode(b.app.cluster)} · ${name} (continued)\n\n`;
  }
  return s;
}

function pack(blocks: readonly Block[], limit: number, opts: FormatPreviewOptions): string[] {
  // Room for the part header and footer at the largest numbers a run can reach.
  const budget = limit - bytes(partHeader(99_999, 99_999, opts.fleet)) - bytes(partFooter(99_999, 99_999));
  const parts: string[] = [];
  let cur = "";
  /** Whether `cur` holds more than headings: only then may a part end. */
  let hasContent = false;
  const isContent = (x: Block) => x.role === "item" || x.role === "header" || x.standalone === true;
  for (const [i, b] of blocks.entries()) {
    const text = blockText(b, true);
    // A heading keeps with what follows it: the headings after it and the first item.
    let keep = 0;
    if (!isContent(b)) {
      for (let j = i + 1; j < blocks.length; j++) {
        const n = blocks[j]!;
        keep += bytes(blockText(n, true));
        if (isContent(n) || n.role === "cluster") break;
      }
    }
    const fresh = continuation(b);
    const orphaned = keep > 0 && bytes(cur) + bytes(text) + keep > budget && bytes(fresh) + bytes(text) + keep <= budget;
    if (hasContent && (bytes(cur) + bytes(text) > budget || orphaned)) {
      parts.push(cur);
      cur = fresh;
      hasContent = false;
    }
    cur += bytes(cur) + bytes(text) <= budget ? text : cutBlock(b, budget - bytes(cur), opts);
    if (isContent(b)) hasContent = true;
  }
  parts.push(cur);
  return parts;
}

/** The block cut to `room` bytes: whole lines while they fit, then an explicit notice of what is missing. */
function cutBlock(b: Block, room: number, opts: FormatPreviewOptions): string {
  const cluster = b.cluster?.name;
  const note = (n: number) => `… ${n} more line${n === 1 ? "" : "s"} not shown; run ${inlineCode(`${opts.command}${cluster ? ` --cluster ${cluster}` : ""} --format text`)} locally for the full diff\n`;
  // The frame (heading, fences, notice at its longest) first, then as many lines as fit.
  const frame = bytes(blockText(b, true, [], note(b.body.length)));
  let used = frame;
  let n = 0;
  while (n < b.body.length && used + bytes(b.body[n]!) <= room) used += bytes(b.body[n++]!);
  if (n === b.body.length) return blockText(b, true);
  if (n === 0) {
    // A single line longer than the part: keep its start, so something of it is seen.
    const cut = truncateUtf8(b.body[0]!.replace(/\n$/, ""), room - frame - bytes(" …\n"));
    if (cut.length > 0) return blockText(b, true, [`${cut} …\n`], note(b.body.length - 1));
  }
  return blockText(b, true, b.body.slice(0, n), note(b.body.length - n));
}

function truncateUtf8(s: string, maxBytes: number): string {
  if (maxBytes <= 0) return "";
  const buf = Buffer.from(s, "utf8");
  if (buf.length <= maxBytes) return s;
  return buf.subarray(0, maxBytes).toString("utf8").replace(/\uFFFD+$/, "");
}
