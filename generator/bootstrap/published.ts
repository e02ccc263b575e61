import { run, findOnPath } from "../exec/spawn.js";
import { layout } from "../layout.js";
import type { Cluster } from "../model/fleet.js";

const TIMEOUT_MS = 30_000;

/**
 * Whether the cluster's generated folder is in the commit the root Application will read. The
 * root syncs `clusters/<cluster>/argocd` at `repo.revision`; bootstrapping before that folder is
 * committed and pushed points Argo CD at a path that does not exist (or is stale) on the remote.
 * Checked against the local `origin/<revision>` when it exists (what was last fetched), else the
 * local branch or tag of that name; no network. Returns a warning, or undefined when the folder
 * is there as it is on disk — or when there is no git to ask (not a clone: nothing to compare).
 */
export async function unpublishedWarning(root: string, cluster: Cluster, env: Readonly<Record<string, string | undefined>>): Promise<string | undefined> {
  const git = findOnPath("git", env.PATH);
  if (!git) return undefined;
  const gitEnv: Record<string, string> = { PATH: env.PATH ?? "", LC_ALL: "C", GIT_TERMINAL_PROMPT: "0" };
  if (env.HOME !== undefined) gitEnv.HOME = env.HOME;
  const g = (...args: string[]) => run(git, args, { env: gitEnv, cwd: root, timeoutMs: TIMEOUT_MS });
  if ((await g("rev-parse", "--is-inside-work-tree")).code !== 0) return undefined;
  const revision = cluster.spec.repo.revision;
  const folder = layout.generatedDir(cluster.name);
  const fix = `commit ${folder}/ and push it to ${revision} before bootstrapping (berth generate, git add ${folder}, git commit, git push origin ${revision})`;
  if (revision.startsWith("-")) return undefined;
  let ref: string | undefined;
  for (const candidate of [`refs/remotes/origin/${revision}`, `refs/heads/${revision}`, `refs/tags/${revision}`]) {
    if ((await g("rev-parse", "--verify", "--quiet", `${candidate}^{commit}`)).code === 0) {
      ref = candidate;
      break;
    }
  }
  if (!ref) return `the root Application tracks revision "${revision}", which this clone has neither as origin/${revision} nor as a local branch: ${fix}`;
  const shown = ref.replace(/^refs\/(remotes|heads|tags)\//, "");
  // The folder as committed at the tracked revision, against the working tree (uncommitted and untracked files included).
  const committed = await g("diff", "--quiet", ref, "--", folder);
  const untracked = await g("ls-files", "--others", "--exclude-standard", "--", folder);
  const inRef = await g("ls-tree", "--name-only", ref, "--", folder);
  if (committed.code === 0 && untracked.stdout.trim() === "" && inRef.stdout.trim() !== "") return undefined;
  const what = inRef.stdout.trim() === "" ? "does not exist" : "differs from the folder on disk";
  return `${folder}/ ${what} at ${shown}, the revision the root Application tracks: Argo CD would sync ${inRef.stdout.trim() === "" ? "a path that does not exist" : "other Applications than these"}; ${fix}`;
}
