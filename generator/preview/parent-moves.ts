import { layout } from "../layout.js";
import { KEEP_SYNC_OPTIONS } from "../plan/applications.js";
import { ROOT_APPLICATION } from "../plan/root.js";
import { isPlanned, type PreviewPlan } from "./side-plans.js";

/**
 * Child Applications that another parent lists on the head than on the base (switching
 * `appOfApps`, or a wave or layer change in a layered cluster). Argo CD's old parent prunes the
 * child, and its resources finalizer deletes everything it deployed, before the new parent creates
 * it again; unless the live child (the base's) carries Prune=false,Delete=false. Pure: one note per
 * cluster where that would happen.
 */
export function parentMoveNotes(basePlans: readonly PreviewPlan[], headPlans: readonly PreviewPlan[]): string[] {
  const base = new Map(basePlans.filter(isPlanned).map((p) => [p.cluster.name, p]));
  const notes: string[] = [];
  for (const head of headPlans.filter(isPlanned)) {
    const before = base.get(head.cluster.name);
    if (!before) continue;
    const was = parents(before);
    const now = parents(head);
    const moved = [...now].filter(([app, parent]) => was.has(app) && was.get(app)!.parent !== parent.parent && !was.get(app)!.kept).map(([app]) => app);
    if (moved.length === 0) continue;
    const shown = moved.slice(0, 5).map((a) => `\`${a}\` (${was.get(a)!.parent} → ${now.get(a)!.parent})`);
    notes.push(
      `⚠ ${moved.length} Application${moved.length === 1 ? "" : "s"} of cluster ${head.cluster.name} move${moved.length === 1 ? "s" : ""} to another parent: ${shown.join(", ")}${moved.length > 5 ? ", …" : ""}. ` +
        `Argo CD's old parent deletes each, with everything it deployed, before the new one creates it again. ` +
        `To move them safely, first merge \`keepApplications: true\` in ${layout.clusterFile(head.cluster.name)} and let Argo CD sync it (docs/scale.md).`,
    );
  }
  return notes;
}

/** Each child Application's parent (the root for a flat cluster) and whether the live child would be kept. */
function parents(plan: PreviewPlan): Map<string, { parent: string; kept: boolean }> {
  const out = new Map<string, { parent: string; kept: boolean }>();
  if (!isPlanned(plan)) return out;
  const dir = `${layout.generatedDir(plan.cluster.name)}/`;
  for (const file of plan.files) {
    // The root, its parents, projects and Namespaces are not children of a parent.
    if (layout.isClusterLevel(file.path.slice(dir.length))) continue;
    for (const { object } of file.documents ?? []) {
      if (object.kind !== "Application") continue;
      out.set(String(object.metadata?.name), {
        parent: object.metadata?.labels?.["berth.dev/parent"] ?? ROOT_APPLICATION,
        kept: object.metadata?.annotations?.["argocd.argoproj.io/sync-options"] === KEEP_SYNC_OPTIONS,
      });
    }
  }
  return out;
}
