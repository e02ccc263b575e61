import type { Diagnostic } from "../errors.js";
import type { ClusterPlan } from "../plan/plan-cluster.js";
import { renderRequest } from "../plan/render-requests.js";
import { renderInputs } from "../read/render-inputs.js";
import type { InputTree } from "../read/input-tree.js";

/**
 * What every Application's render would read, checked without rendering: paths out of the
 * repository, hostile files and submodules outside the app's folder, unpinned remote resources and
 * unlocked chart dependency ranges are problems; remote resources pinned by a tag are warnings.
 * Each source is walked once however many clusters and environments render it. `tree`: the run's
 * walk of the input folders, which answers for the files it holds.
 */
export function checkRenderInputs(root: string, plans: readonly ClusterPlan[], tree?: InputTree): { problems: Diagnostic[]; tagWarnings: Diagnostic[] } {
  const seen = new Set<string>();
  const problems = new Map<string, Diagnostic>();
  const tagWarnings = new Map<string, Diagnostic>();
  const key = (d: Diagnostic) => `${d.file}\0${d.line}\0${d.col}\0${d.message}`;
  for (const plan of plans) {
    for (const inst of plan.instances) {
      if (inst.kind !== "app") continue;
      // Relative to "": every path in it is repository-relative.
      const { source } = renderRequest(plan, inst, "");
      if (source.type === "helm-remote" && source.valueFiles.length === 0) continue;
      const id = JSON.stringify([source.type, "chartDir" in source ? source.chartDir : "dir" in source ? source.dir : "", "valueFiles" in source ? source.valueFiles : []]);
      if (seen.has(id)) continue;
      seen.add(id);
      const found = renderInputs(root, source, tree);
      for (const d of found.problems) problems.set(key(d), d);
      for (const d of found.tagWarnings) tagWarnings.set(key(d), d);
    }
  }
  return { problems: [...problems.values()], tagWarnings: [...tagWarnings.values()] };
}
