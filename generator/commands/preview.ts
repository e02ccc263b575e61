import { sortDiagnostics, UserError, type Diagnostic } from "../errors.js";
import type { Fleet } from "../model/fleet.js";
import { nearest } from "../model/suggest.js";
import { diffFleets } from "../preview/diff-fleets.js";
import { formatPreview, type PreviewSideLabel } from "../preview/format.js";
import { formatUnloadableHead } from "../preview/format-unloadable.js";
import { shortSha, workingTreeChanges, type GitRepo } from "../preview/git.js";
import type { RevisionFiles } from "../preview/write-revision.js";
import { renderHeadFailure } from "../preview/head-failure.js";
import { emitParts } from "../preview/part-files.js";
import { readSides } from "../preview/read-sides.js";
import type { RenderSide } from "../preview/render-pool.js";
import { instanceInputs, sealedSnapshots, type InputShare, type RequestMemo } from "../preview/inputs.js";
import { sameGeneratedFiles, staleGenerated, untouchedGenerated } from "../preview/head-staleness.js";
import { planSides } from "../preview/side-plans.js";
import { parentMoveNotes } from "../preview/parent-moves.js";
import { scrubSecrets } from "../scrub.js";
import { codeDigest, openOutputCache } from "../cache/output-cache.js";
import type { CommandIO, ExitCode } from "./context.js";
import { layout } from "../layout.js";

export interface PreviewOptions {
  root: string;
  /** The base revision (a branch, tag, SHA or expression such as HEAD~3). */
  base: string;
  /** The head revision; the working tree (uncommitted changes included) when absent. */
  head?: string;
  cluster?: string;
  /** Tier 2: render changed Applications with helm/kustomize. */
  render: boolean;
  format: "markdown" | "text";
  maxCommentChars: number;
  /** Write part-1.md … here instead of printing (never a cache: see preview/render-cache.ts). */
  outDir?: string;
}

/**
 * The preview of a change: what the base and head revisions of the repository deploy, per cluster,
 * app and resource. Both sides come from git (the head may be the working tree); nothing is
 * written to the repository. Exit 0: no changes; 1: changes; 2: the head does not load (the preview
 * text says so and lists its problems, so a pull-request comment carries them) or could not run.
 * Read both sides → plan → diff (→ render) → format.
 */
export async function runPreview(opts: PreviewOptions, io: CommandIO): Promise<ExitCode> {
  const sides = await readSides(opts, io.env);
  try {
    const { repo, notes } = sides;
    if ("problem" in sides.head) return headFails(sides.head.problem, repo.prefix, opts, io);
    const headFleet = sides.head.fleet;
    const baseFleet = sides.baseFleet;

    if (opts.cluster !== undefined) requireClusterEither(opts.cluster, headFleet, baseFleet);
    // Keys with berth's code digest, as `berth generate` records them, so its output cache applies.
    const plans = planSides(headFleet, baseFleet, opts.cluster, codeDigest());
    const head: RenderSide = { root: sides.headRoot, plans: plans.head, inputs: new Map(), onDisk: sides.headOnDisk };
    const base: RenderSide = { root: sides.baseRoot, plans: plans.base, inputs: new Map(), onDisk: sides.baseOnDisk };
    const requests: RequestMemo = new WeakMap();
    const headProblems: Diagnostic[] = [];
    // With both sides in memory and the paths that differ known, the inputs of an app no change
    // touches are the base's, computed only if looked at (inputs.ts InputShare): the base goes first.
    const share: InputShare | undefined = sides.headChanged && baseFleet ? { lent: new Map() } : undefined;
    if (share) base.inputs = instanceInputs(base.root, base.plans, requests, undefined, share, sides.baseTree);
    head.inputs = instanceInputs(sides.headReadRoot, head.plans, requests, headProblems, share && { lent: share.lent, changed: sides.headChanged });
    // Problems are reported as the disk walk finds them: read from the disk when they came from memory.
    if (headProblems.length > 0 && sides.headReadRoot !== head.root) {
      headProblems.length = 0;
      head.inputs = instanceInputs(head.root, head.plans, requests, headProblems);
    }
    if (headProblems.length > 0) return headFails(new UserError(sortDiagnostics([...new Map(headProblems.map((d) => [`${d.file}\0${d.line}\0${d.col}\0${d.message}`, d])).values()])), repo.prefix, opts, io);
    if (!share) base.inputs = instanceInputs(base.root, base.plans, requests, undefined, undefined, sides.baseTree);
    const headSecrets = sealedSnapshots(sides.headReadRoot, opts.cluster);
    const baseSecrets = baseFleet ? sealedSnapshots(base.root, opts.cluster) : [];
    const inputs = { baseInputs: base.inputs, headInputs: head.inputs };
    let model = diffFleets(base.plans, head.plans, baseSecrets, headSecrets, inputs);

    if (opts.render) {
      // Loaded only for a render: the tools, the render cache and the worker pool.
      const { renderChanged } = await import("../preview/render-pool.js");
      const renders = await renderChanged(model, base, head, opts.root, io.env, notes);
      model = diffFleets(base.plans, head.plans, baseSecrets, headSecrets, { ...inputs, renders });
    }

    const now = () => (io.now?.() ?? new Date()).getTime();
    const sameAsBase = baseFleet && sides.baseFiles ? await generatedAsBase(repo, sides.baseSha, sides.baseFiles, sides.headFiles, sides.headChanged) : undefined;
    const stale = staleGenerated(head.root, headFleet, head.plans, { key: plans.headKey, cache: () => openOutputCache(opts.root, io.env), record: head.root === opts.root, now, sameAsBase, committed: sides.headFiles?.generatedContent });
    if (stale.files > 0) {
      notes.push(`The head's committed ${stale.clusters.map((c) => `${layout.generatedDir(c)}/`).join(", ")} ${stale.clusters.length === 1 ? "is" : "are"} stale (${stale.files} files): Argo CD deploys the committed files, so run \`berth generate\` and commit the result.`);
    }
    notes.push(...parentMoveNotes(base.plans, head.plans));
    if (opts.cluster !== undefined) notes.push(`Only cluster ${opts.cluster} was compared (--cluster).`);

    const command = previewCommand(opts);
    const labels = { base: sideLabel(opts.base, sides.baseSha), head: sideLabel(opts.head, sides.headSha) };
    const parts = formatPreview(model, { format: opts.format, maxCommentChars: opts.maxCommentChars, ...labels, notes, command, fleet: repo.prefix }).map(scrubSecrets);
    emitParts(parts, opts, io);
    return model.changed ? 1 : 0;
  } finally {
    await sides.close();
  }
}

/** The head's problems are the answer when it does not load, or its renders read what they must not. */
function headFails(e: UserError, prefix: string, opts: PreviewOptions, io: CommandIO): ExitCode {
  const head = opts.head ?? "working tree";
  io.stderr.write(`berth: the head (${head}) does not load, so there is nothing to compare; fix these first:
${scrubSecrets(e.message)}
`);
  io.stderr.write(`berth: ${e.diagnostics.length} problem${e.diagnostics.length === 1 ? "" : "s"} in the head
`);
  // The pull request's comment must say so too, instead of keeping an older preview: in
  // markdown, marked parts under the comment limit (berth comment posts them).
  const parts = opts.format === "markdown" ? renderHeadFailure(e.diagnostics, head, previewCommand(opts), opts.maxCommentChars, prefix) : [formatUnloadableHead(head, e.diagnostics, opts.format)];
  emitParts(parts.map(scrubSecrets), opts, io);
  return 2;
}

function previewCommand(opts: PreviewOptions): string {
  return ["berth preview", `--base ${opts.base}`, opts.head !== undefined ? `--head ${opts.head}` : "", opts.render ? "--render" : ""].filter(Boolean).join(" ");
}

/** Which head clusters' generated files are the base's: from both commits' blob ids, or git's view of the working tree (asked once: `headChanged`). */
async function generatedAsBase(repo: GitRepo, baseSha: string, base: RevisionFiles, head: RevisionFiles | undefined, headChanged: ReadonlySet<string> | undefined): Promise<((cluster: string) => boolean) | undefined> {
  if (head) return sameGeneratedFiles(base.generated, head.generated);
  // Read over the base, the working tree's changes are known already (git's same view, every path).
  if (headChanged) return untouchedGenerated(headChanged);
  const changed = await workingTreeChanges(repo, baseSha);
  return changed && untouchedGenerated(changed);
}

function sideLabel(rev: string | undefined, sha: string | undefined): PreviewSideLabel {
  return rev === undefined ? { label: "working tree", sha: shortSha(sha), workingTree: true } : { label: rev, sha: shortSha(sha) };
}

function requireClusterEither(name: string, head: Fleet, base: Fleet | undefined): void {
  const all = [...new Set([...head.clusters, ...(base?.clusters ?? [])].map((c) => c.name))].sort();
  if (all.includes(name)) return;
  const guess = nearest(name, all);
  throw new UserError([{ file: "clusters", line: 0, col: 0, message: `no cluster named "${name}" in the base or the head`, hint: guess ? `did you mean --cluster ${guess}?` : `clusters are: ${all.join(", ")}` }]);
}

