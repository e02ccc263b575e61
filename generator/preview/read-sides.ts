import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EnvironmentError, UserError } from "../errors.js";
import type { Fleet } from "../model/fleet.js";
import { loadCheckedFleet } from "../read/checked-fleet.js";
import { readInputTree, type InputTree } from "../read/input-tree.js";
import { openParseCache, type ParseCache } from "../cache/parse-cache.js";
import { openCheckedTrees, type CheckedTrees } from "../cache/checked-trees.js";
import { currentCommit, openRepo, openRepoAt, readRevision, resolveRevision, type GitRepo } from "./git.js";
import { openOverlay, openRevision, type OpenedRevision, type RevisionFiles } from "./write-revision.js";
import { askWorkingTree, workingTreeOverBase, type GitView } from "./working-tree.js";
import { headFleetOverBase } from "./head-fleet.js";
import { layout } from "../layout.js";

export interface SidesOptions {
  root: string;
  base: string;
  /** The working tree when absent. */
  head?: string;
  /** Tier 2 reads the whole tree of each revision (charts and manifests), not only the fleet's inputs. */
  render: boolean;
}

/**
 * Both revisions of a preview, read from git and loaded (the head may be the working tree). A
 * revision is served from memory (read/tree-fs.ts) and written into a temp folder only when a
 * render needs its files on disk.
 */
export interface PreviewSides {
  repo: GitRepo;
  baseSha: string;
  headSha: string | undefined;
  headRoot: string;
  /**
   * Where the head's inputs are read (loaded, hashed): `headRoot`, or for the working tree the
   * base's files plus git's changes served from memory (working-tree.ts). Renders and the
   * generated folders' staleness still read `headRoot`.
   */
  headReadRoot: string;
  /** With the head read from the base's files: the paths whose content differs between the sides. */
  headChanged?: ReadonlySet<string>;
  baseRoot: string;
  /** The walk of the base's input folders its load made (read/input-tree.ts), for the readers of its inputs. */
  baseTree?: InputTree;
  headFiles?: RevisionFiles;
  baseFiles?: RevisionFiles;
  /** The head's fleet, or why it does not load (its problems are then the preview's answer). */
  head: { fleet: Fleet } | { problem: UserError };
  /** The base's fleet; absent when the base has no fleet folder or does not load (`notes` says which). */
  baseFleet?: Fleet;
  notes: string[];
  /** Writes a revision read from git to its root, once, for helm and kustomize (absent for the working tree). */
  headOnDisk?: () => Promise<void>;
  baseOnDisk?: () => Promise<void>;
  /** Waits for the background work, then removes the temp folder. */
  close(): Promise<void>;
}

export async function readSides(opts: SidesOptions, env: NodeJS.ProcessEnv): Promise<PreviewSides> {
  const { repo, baseSha, headSha, baseTreeId } = await openSides(opts, env);
  // The working tree is read as the base plus git's view of what differs (working-tree.ts), asked
  // for while the base is read: the base's listing first, as the load waits for it.
  const overBase = opts.head === undefined && !opts.render;
  let asked: Promise<GitView> | undefined;
  const temp = mkdtempSync(join(tmpdir(), "berth-preview-"));
  // Each revision opened is closed and its write awaited before the temp folder goes.
  const opened: OpenedRevision[] = [];
  const open = (into: string, files: RevisionFiles) => {
    const o = openRevision(into, files);
    opened.push(o);
    return o;
  };
  const close = async () => {
    for (const o of opened) o.close();
    await Promise.all(opened.map((o) => o.settled()));
    rmSync(temp, { recursive: true, force: true });
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
    // Base and head share most files: each shared file is parsed once, and files unchanged since
    // the last run on this repository not at all (the cache is by content, whatever the revision).
    // With the working tree read over the base, the files the cache knows by blob id are not even
    // read from git, unless a reader asks for them (git.ts): the cache is opened while git lists
    // the base, before it is asked.
    let parses: ParseCache | undefined;
    const knownBlob = overBase ? (oid: string) => parses!.knowsBlob(oid) : undefined;
    const baseRead = readRevision(repo, baseSha, { readGenerated: false, wholeTree: opts.render, knownBlob });
    if (overBase) asked = askWorkingTree(repo, baseSha);
    parses = openParseCache(opts.root, env, { byBlob: overBase });
    const baseFiles = await baseRead;
    const baseOpened = baseFiles && open(baseRoot, baseFiles);
    const sides: Omit<PreviewSides, "head"> = { repo, baseSha, headSha, headRoot, headReadRoot: headRoot, baseRoot, headFiles, baseFiles, notes, close, headOnDisk: headOpened?.onDisk, baseOnDisk: baseOpened?.onDisk };
    // The base's fleet, or why not (in `notes`); loaded once (again only after a failure).
    let baseLoad: Promise<Fleet | undefined> | undefined;
    let checked: CheckedTrees | undefined;
    const loadBase = () => (baseLoad ??= loadBaseNow());
    const loadBaseNow = async (): Promise<Fleet | undefined> => {
      if (!baseFiles) {
        notes.push(`The base has no fleet folder (${repo.prefix || "/"}); it is treated as empty, so everything shows as added.`);
        return undefined;
      }
      const failed = await baseOpened!.ready;
      if (failed) throw failed;
      try {
        sides.baseTree = readInputTree(baseRoot);
        // The base's tree passed the cross-checks before with this build (cache/checked-trees.ts): its verdict stands.
        checked ??= openCheckedTrees(opts.root, env);
        const crossChecked = baseTreeId !== undefined && checked.passed(baseTreeId);
        const fleet = loadCheckedFleet(baseRoot, parses!, sides.baseTree, { crossChecked });
        if (baseTreeId !== undefined) checked.record(baseTreeId);
        return fleet;
      } catch (e) {
        if (e instanceof EnvironmentError) throw e;
        const what = e instanceof UserError ? `${e.diagnostics.length} problem${e.diagnostics.length === 1 ? "" : "s"}, first: ${e.message.split("\n")[0]}` : (e as Error).message;
        notes.push(`The base (${opts.base}) does not load (${what}); it is treated as empty, so everything shows as added.`);
        return undefined;
      }
    };
    // Read over the base, the head is the base's models plus the folders a change touches
    // (head-fleet.ts): the base loads first, while git looks at the working tree on another core.
    // A base that cannot be read at all is the error it is where a whole load of the head would meet it.
    const baseFirst = asked && baseFiles ? loadBase().catch(() => void (baseLoad = undefined)) : undefined;
    // The working tree as the base plus what git says differs, when that is what the disk holds.
    const composed = asked && baseFiles ? await workingTreeOverBase(repo, baseFiles, asked) : undefined;
    const composedRoot = join(temp, "head-over-base");
    const composedOpened = composed && baseOpened && openOverlay(composedRoot, baseRoot, composed.changes);
    if (composedOpened) opened.push(composedOpened);
    // The base's files of the app folders a change touches are hashed on both sides (preview/inputs.ts):
    // git reads them while the head loads.
    const touched = composed ? touchedAppFolders(composed.changed) : [];
    const prefetched = touched.length > 0 ? baseFiles?.prefetch?.((p) => touched.some((t) => p.startsWith(t))) : undefined;
    let headFleet: Fleet | undefined;
    if (composedOpened) {
      const baseFleet = await baseFirst;
      try {
        headFleet = (baseFleet && headFleetOverBase(baseFleet, composedRoot, composed!.changed, parses)) ?? loadCheckedFleet(composedRoot, parses);
        sides.headReadRoot = composedRoot;
        sides.headChanged = composed!.changed;
      } catch {
        // A head that does not load is read from the disk below, so that its problems are the disk walk's own.
      }
    }
    // Otherwise the head first: if it does not load, its problems are the answer.
    try {
      headFleet ??= loadCheckedFleet(headRoot, parses);
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      return { ...sides, head: { problem: e } };
    }
    const baseFleet = await loadBase();
    parses!.save();
    checked?.save();
    await prefetched;
    return { ...sides, head: { fleet: headFleet }, baseFleet };
  } catch (e) {
    await close();
    throw e;
  }
}

/** The repository and both revisions' commits: in one git process when git answers plainly, else one question at a time. */
async function openSides(opts: SidesOptions, env: NodeJS.ProcessEnv): Promise<{ repo: GitRepo; baseSha: string; headSha: string | undefined; baseTreeId?: string }> {
  const quick = await openRepoAt(opts.root, env, [opts.base, opts.head ?? "HEAD"]);
  if (quick) return { repo: quick.repo, baseSha: quick.shas[0]!, headSha: quick.shas[1]!, baseTreeId: quick.trees[0]! };
  const repo = await openRepo(opts.root, env);
  // Both at once; a bad base is reported before a bad head.
  const [base, head] = await Promise.allSettled([resolveRevision(repo, opts.base, "--base"), opts.head !== undefined ? resolveRevision(repo, opts.head, "--head") : currentCommit(repo)]);
  if (base.status === "rejected") throw base.reason;
  if (head.status === "rejected") throw head.reason;
  return { repo, baseSha: base.value, headSha: head.value };
}

/** `apps/<app>/` of each app folder holding one of `changed`. */
function touchedAppFolders(changed: ReadonlySet<string>): string[] {
  const out = new Set<string>();
  for (const p of changed) {
    const [top, app, ...rest] = p.split("/");
    if (top === layout.appsDir && rest.length > 0) out.add(`${top}/${app}/`);
  }
  return [...out];
}
