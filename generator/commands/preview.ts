import { mkdtempSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EnvironmentError, sortDiagnostics, UserError, type Diagnostic } from "../errors.js";
import type { Fleet } from "../model/fleet.js";
import { nearest } from "../model/suggest.js";
import { diffFleets } from "../preview/diff-fleets.js";
import { formatPreview, type PreviewSideLabel } from "../preview/format.js";
import { formatUnloadableHead } from "../preview/format-unloadable.js";
import { currentCommit, openRepo, readRevision, resolveRevision, shortSha, workingTreeChanges, type GitRepo } from "../preview/git.js";
import { openRevision, type OpenedRevision, type RevisionFiles } from "../preview/write-revision.js";
import { renderHeadFailure } from "../preview/head-failure.js";
import { partFileName, PART_FILE } from "../preview/marker.js";
import { openRenderCache } from "../preview/render-cache.js";
import { instanceInputs, renderInstance, sealedSnapshots, type RenderContext, type RequestMemo } from "../preview/inputs.js";
import { sameGeneratedFiles, staleGenerated, untouchedGenerated } from "../preview/head-staleness.js";
import { planSides, type PreviewPlan } from "../preview/side-plans.js";
import { parentMoveNotes } from "../preview/parent-moves.js";
import { appKey, CLUSTER_GROUP, type InstanceInputs, type PreviewModel, type RenderPair } from "../preview/model.js";
import { describeTools, resolveTools, toolDrift } from "../exec/tools.js";
import { scrubSecrets } from "../scrub.js";
import { writeFileAtomic } from "../write/atomic.js";
import { codeDigest, openOutputCache } from "../write/output-cache.js";
import type { CommandIO, ExitCode } from "./context.js";
import { loadCheckedFleet } from "../read/checked-fleet.js";
import { layout } from "../layout.js";
import { openParseCache } from "../write/parse-cache.js";

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

interface Side {
  label: PreviewSideLabel;
  root: string;
  plans: PreviewPlan[];
  fleet?: Fleet;
  inputs: Map<string, InstanceInputs>;
  /** A revision read from git: its files on disk, for helm and kustomize (the working tree is there already). */
  onDisk?: () => Promise<void>;
}

/**
 * The preview of a change: what the base and head revisions of the repository deploy, per cluster,
 * app and resource. Both sides come from git (the head may be the working tree); nothing is
 * written to the repository. Exit 0: no changes; 1: changes; 2: the head does not load (the preview
 * text says so and lists its problems, so a pull-request comment carries them) or could not run.
 */
export async function runPreview(opts: PreviewOptions, io: CommandIO): Promise<ExitCode> {
  const repo = await openRepo(opts.root, io.env);
  const baseSha = await resolveRevision(repo, opts.base, "--base");
  const headSha = opts.head !== undefined ? await resolveRevision(repo, opts.head, "--head") : await currentCommit(repo);
  const temp = mkdtempSync(join(tmpdir(), "berth-preview-"));
  // Revisions read from git are served from memory (read/tree-fs.ts) and written into the temp
  // folder only when a render needs them; each is closed and its write awaited before the folder goes.
  const opened: OpenedRevision[] = [];
  const open = (into: string, files: RevisionFiles) => {
    const o = openRevision(into, files);
    opened.push(o);
    return o;
  };
  try {
    const notes: string[] = [];
    const headRoot = opts.head !== undefined ? join(temp, "head") : opts.root;
    const headFiles = opts.head !== undefined ? await readRevision(repo, headSha!, { readGenerated: true, wholeTree: opts.render }) : undefined;
    const headOpened = headFiles && open(headRoot, headFiles);
    const headFailed = await headOpened?.ready;
    if (headFailed) throw headFailed;
    if (opts.head !== undefined && !headFiles) {
      throw new UserError([{ file: ".git", line: 0, col: 0, message: `--head ${opts.head}: the fleet folder ${repo.prefix || "/"} does not exist at that revision`, hint: "pick a revision that contains the fleet" }]);
    }
    // The base is written on another thread while the head loads, if it must be written at all.
    const baseRoot = join(temp, "base");
    const baseFiles = await readRevision(repo, baseSha, { readGenerated: false, wholeTree: opts.render });
    const baseOpened = baseFiles && open(baseRoot, baseFiles);
    // Base and head share most files: each shared file is parsed once, and files unchanged since
    // the last run on this repository not at all (the cache is by content, whatever the revision).
    const parses = openParseCache(opts.root, io.env);
    // Head first: if it does not load, its problems are the answer.
    // The head's problems are the answer when it does not load, or its renders read what they must not.
    const headFails = (e: UserError): ExitCode => {
      const head = opts.head ?? "working tree";
      io.stderr.write(`berth: the head (${head}) does not load, so there is nothing to compare; fix these first:
${scrubSecrets(e.message)}
`);
      io.stderr.write(`berth: ${e.diagnostics.length} problem${e.diagnostics.length === 1 ? "" : "s"} in the head
`);
      // The pull request's comment must say so too, instead of keeping an older preview: in
      // markdown, marked parts under the comment limit (berth comment posts them).
      const parts = opts.format === "markdown" ? renderHeadFailure(e.diagnostics, head, previewCommand(opts), opts.maxCommentChars, repo.prefix) : [formatUnloadableHead(head, e.diagnostics, opts.format)];
      emit(parts.map(scrubSecrets), opts, io);
      return 2;
    };
    let headFleet: Fleet;
    try {
      headFleet = loadCheckedFleet(headRoot, parses);
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      return headFails(e);
    }

    let baseFleet: Fleet | undefined;
    if (!baseFiles) {
      notes.push(`The base has no fleet folder (${repo.prefix || "/"}); it is treated as empty, so everything shows as added.`);
    } else {
      const failed = await baseOpened!.ready;
      if (failed) throw failed;
      try {
        baseFleet = loadCheckedFleet(baseRoot, parses);
      } catch (e) {
        if (e instanceof EnvironmentError) throw e;
        const what = e instanceof UserError ? `${e.diagnostics.length} problem${e.diagnostics.length === 1 ? "" : "s"}, first: ${e.message.split("\n")[0]}` : (e as Error).message;
        notes.push(`The base (${opts.base}) does not load (${what}); it is treated as empty, so everything shows as added.`);
      }
    }
    parses.save();

    if (opts.cluster !== undefined) requireClusterEither(opts.cluster, headFleet, baseFleet);
    // Keys with berth's code digest, as `berth generate` records them, so its output cache applies.
    const plans = planSides(headFleet, baseFleet, opts.cluster, codeDigest());
    const head: Side = { label: sideLabel(opts.head, headSha), root: headRoot, fleet: headFleet, plans: plans.head, inputs: new Map(), onDisk: headOpened?.onDisk };
    const base: Side = { label: sideLabel(opts.base, baseSha), root: baseRoot, fleet: baseFleet, plans: plans.base, inputs: new Map(), onDisk: baseOpened?.onDisk };
    const requests: RequestMemo = new WeakMap();
    const headProblems: Diagnostic[] = [];
    head.inputs = instanceInputs(head.root, head.plans, requests, headProblems);
    if (headProblems.length > 0) return headFails(new UserError(sortDiagnostics([...new Map(headProblems.map((d) => [`${d.file}\0${d.line}\0${d.col}\0${d.message}`, d])).values()])));
    base.inputs = instanceInputs(base.root, base.plans, requests);
    const headSecrets = sealedSnapshots(head.root, opts.cluster);
    const baseSecrets = baseFleet ? sealedSnapshots(base.root, opts.cluster) : [];
    const inputs = { baseInputs: base.inputs, headInputs: head.inputs };
    let model = diffFleets(base.plans, head.plans, baseSecrets, headSecrets, inputs);

    if (opts.render) {
      const renders = await renderChanged(model, base, head, opts, io, notes);
      model = diffFleets(base.plans, head.plans, baseSecrets, headSecrets, { ...inputs, renders });
    }

    const now = () => (io.now?.() ?? new Date()).getTime();
    const sameAsBase = baseFleet && baseFiles ? await generatedAsBase(repo, baseSha, baseFiles, headFiles) : undefined;
    const stale = staleGenerated(head.root, headFleet, head.plans, { keys: plans.headKeys, cache: () => openOutputCache(opts.root, io.env), record: head.root === opts.root, now, sameAsBase, committed: headFiles?.generatedContent });
    if (stale.files > 0) {
      notes.push(`The head's committed ${stale.clusters.map((c) => `${layout.generatedDir(c)}/`).join(", ")} ${stale.clusters.length === 1 ? "is" : "are"} stale (${stale.files} files): Argo CD deploys the committed files, so run \`berth generate\` and commit the result.`);
    }
    notes.push(...parentMoveNotes(base.plans, head.plans));
    if (opts.cluster !== undefined) notes.push(`Only cluster ${opts.cluster} was compared (--cluster).`);

    const command = previewCommand(opts);
    const parts = formatPreview(model, { format: opts.format, maxCommentChars: opts.maxCommentChars, base: base.label, head: head.label, notes, command, fleet: repo.prefix }).map(scrubSecrets);
    emit(parts, opts, io);
    return model.changed ? 1 : 0;
  } finally {
    for (const o of opened) o.close();
    await Promise.all(opened.map((o) => o.settled()));
    rmSync(temp, { recursive: true, force: true });
  }
}

function previewCommand(opts: PreviewOptions): string {
  return ["berth preview", `--base ${opts.base}`, opts.head !== undefined ? `--head ${opts.head}` : "", opts.render ? "--render" : ""].filter(Boolean).join(" ");
}

/** Which head clusters' generated files are the base's: from both commits' blob ids, or git's view of the working tree. */
async function generatedAsBase(repo: GitRepo, baseSha: string, base: RevisionFiles, head: RevisionFiles | undefined): Promise<((cluster: string) => boolean) | undefined> {
  if (head) return sameGeneratedFiles(base.generated, head.generated);
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

/** Tier 2: both sides of every app Application whose inputs or generated Application changed. */
async function renderChanged(model: PreviewModel, base: Side, head: Side, opts: PreviewOptions, io: CommandIO, notes: string[]): Promise<Map<string, RenderPair>> {
  const jobs: Array<{ key: string; side: "base" | "head"; run: () => Promise<void> }> = [];
  const renders = new Map<string, RenderPair>();
  const candidates = model.clusters.flatMap((c) => c.apps.filter((a) => a.name !== CLUSTER_GROUP).map((a) => appKey(c.name, a.name)));
  if (candidates.length === 0) return renders;
  const tools = await resolveTools({ env: io.env });
  const uid = process.getuid?.();
  const cache = openRenderCache(opts.root, { env: io.env, uid });
  if (cache.problem) notes.push(`The render cache was not used: ${cache.problem}.`);
  const ctx: RenderContext = { tools, cacheDir: cache.dir, uid, stats: { rendered: 0, cached: 0 } };
  // Each side's app instances by `cluster/app`, so thousands of candidates cost one pass.
  const instancesOf = (side: Side) => new Map(side.plans.flatMap((plan) => plan.instances.filter((i) => i.kind === "app").map((inst) => [appKey(plan.cluster.name, inst.id), { plan, inst }] as const)));
  const sides = [["base", base, instancesOf(base)], ["head", head, instancesOf(head)]] as const;
  const onDisk = new Set<Side>();
  for (const key of candidates) {
    const pair: RenderPair = {};
    let any = false;
    for (const [name, side, instances] of sides) {
      const found = instances.get(key);
      if (!found) continue;
      any = true;
      onDisk.add(side);
      jobs.push({ key, side: name, run: async () => void (pair[name] = await renderInstance(side.root, found.plan, found.inst, side.inputs.get(key), ctx)) });
    }
    if (any) renders.set(key, pair);
  }
  // helm and kustomize read the files from disk: a side read from git is written now, once.
  await Promise.all([...onDisk].map((side) => side.onDisk?.()));
  // A few renders at a time: helm is mostly waiting on disk and network.
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(4, jobs.length) }, async () => {
    while (next < jobs.length) await jobs[next++]!.run();
  }));
  const apps = renders.size;
  notes.push(`Rendered ${apps} changed Application${apps === 1 ? "" : "s"} on both sides with ${describeTools(tools)}: ${ctx.stats.rendered} render${ctx.stats.rendered === 1 ? "" : "s"}, ${ctx.stats.cached} from cache. Remote charts need the network; Secret values are never shown.`);
  for (const drift of toolDrift(tools)) notes.push(`Warning: ${drift}.`);
  return renders;
}

function emit(parts: string[], opts: PreviewOptions, io: CommandIO): void {
  if (opts.outDir === undefined) {
    io.stdout.write(parts.join(`\n${"-".repeat(24)} 8< ${"-".repeat(24)}\n\n`));
    return;
  }
  const ext = opts.format === "markdown" ? "md" : "txt";
  mkdirSync(opts.outDir, { recursive: true });
  const names = parts.map((p, i) => {
    const name = partFileName(i + 1, ext);
    writeFileAtomic(join(opts.outDir!, name), p);
    return name;
  });
  // Parts left over from a longer earlier run would be posted as if current.
  for (const f of readdirSync(opts.outDir)) {
    if (PART_FILE.test(f) && !names.includes(f)) rmSync(join(opts.outDir, f), { force: true });
  }
  io.stdout.write(`wrote ${names.length} part${names.length === 1 ? "" : "s"} to ${opts.outDir}: ${names.join(", ")}\n`);
}
