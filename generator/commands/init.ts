import { EnvironmentError, UserError } from "../errors.js";
import { PROFILES } from "../scaffold/profiles.js";
import { planInit } from "../scaffold/init.js";
import { layout } from "../layout.js";
import { readGitState } from "../scaffold/git-state.js";
import { readSnapshot } from "../scaffold/snapshot.js";
import { applyChanges } from "../write/changes.js";
import type { Profile } from "../model/types.js";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { optionOrAsk, throwProblems } from "./ask.js";
import type { CommandIO, ExitCode } from "./context.js";
import { reportScaffold } from "./scaffold-report.js";

export interface InitOptions {
  root: string;
  repoUrl?: string;
  cluster?: string;
  profile?: string;
  empty: boolean;
}

export async function runInit(opts: InitOptions, io: CommandIO): Promise<ExitCode> {
  const git = await readGitState(opts.root, io.env);
  if (!git) throw new EnvironmentError(`${opts.root} is not inside a git repository`, "run berth init in a clone of berth's repository (git clone … && cd …)");
  if (opts.empty && git.dirty.length > 0) {
    throw new UserError(git.dirty.slice(0, 20).map((file) => ({ file, line: 0, col: 0, message: "has uncommitted changes; berth init --empty deletes files only in a clean git tree, so that `git checkout .` undoes it", hint: "commit or stash your changes first" })));
  }
  const repoUrl = await optionOrAsk(io, "--repo-url", opts.repoUrl, "Git URL of your fleet repository (https://github.com/you/fleet.git)", "the repository Argo CD on your clusters tracks");
  let cluster: { name: string; profile: Profile } | undefined;
  if (opts.empty || opts.cluster !== undefined || opts.profile !== undefined) {
    const name = await optionOrAsk(io, "--cluster", opts.cluster, "Name of your first cluster (e.g. dev)", opts.empty ? "--empty leaves a fleet with one cluster of yours" : "the cluster to create");
    const profile = await optionOrAsk(io, "--profile", opts.profile, `Its profile (${PROFILES.join(", ")})`, `the kind of cluster: ${PROFILES.join(", ")}`);
    cluster = { name, profile: profile as Profile };
  }
  const snap = readSnapshot(opts.root);
  const recorded = existsSync(join(opts.root, layout.exampleFleetRef)) ? readFileSync(join(opts.root, layout.exampleFleetRef), "utf8").trim() : undefined;
  const exampleCommit = recorded ?? git.head;
  if (opts.empty && exampleCommit === undefined) throw new EnvironmentError("the repository has no commit holding the example fleet", "run berth init --empty in a clone of berth's repository");
  const example = opts.empty && exampleCommit ? await git.foldersAt(exampleCommit) : { clusters: [], apps: [] };
  const plan = planInit({ repoUrl, cluster, empty: opts.empty, example, tracked: git.tracked }, snap, recorded === undefined ? git.head : undefined);
  if (!plan.ok) throwProblems(plan.diagnostics);
  applyChanges(opts.root, plan.value);
  for (const f of plan.value.removedFolders) io.stdout.write(`removed ${f.path} (${f.files} file${f.files === 1 ? "" : "s"})\n`);
  for (const f of plan.value.keptFiles) io.stdout.write(`kept ${f}: git does not track it, so berth leaves it (move it out if the folder should go)\n`);
  if (plan.value.removedFolders.length > 0) io.stdout.write("undo with: git checkout HEAD -- . && git clean -fd\n\n");
  reportScaffold(plan.value, io);
  return 0;
}
