import { randomBytes } from "node:crypto";
import { layout } from "../layout.js";
import type { App, Fleet } from "../model/fleet.js";
import { checkFleet } from "../model/rules.js";
import { loadFleet } from "../read/load-fleet.js";
import { mountedFiles, mountedFolders, mountTree, type TreeFile } from "../read/tree-fs.js";
import type { ParseMemo } from "../yaml/parse-memo.js";

/**
 * The head's fleet from the base's, when the head's files are the base's plus `changed` (the
 * paths whose content differs, added and removed ones included: working-tree.ts) and both are
 * served from memory. An app's model is read from its folder only (app.yaml, its values files,
 * the `valueFiles` inside it), so an app folder holding no changed path gives the base's model;
 * only the app folders a change touches are loaded, with every cluster folder (small: cluster.yaml
 * and values/) and, when a change touches it, secrets/ — by the loader itself, on a tree of just
 * those files, so that nothing here repeats what a load reads. The local source folders that exist
 * are an app folder's own too (model/source-paths.ts: inside apps/<app>/), taken from the base for
 * the untouched apps while the clusters' environments are the same. The fleet is cross-checked.
 *
 * Undefined when the head has a problem, or its environments changed: the caller then loads it
 * whole, so that its problems are reported as a whole load reports them. The hostile-file checks a
 * whole load makes on the tree (sizes, in memory) are working-tree.ts's for the changed paths and
 * the base's load's for the rest.
 */
export function headFleetOverBase(base: Fleet, headRoot: string, changed: ReadonlySet<string>, memo?: ParseMemo): Fleet | undefined {
  const touchedApps = new Set<string>();
  let secretsTouched = false;
  for (const p of changed) {
    const [top, name, ...rest] = p.split("/");
    if (top === layout.secretsDir) secretsTouched = true;
    if (top === layout.appsDir && name !== undefined && rest.length > 0) touchedApps.add(name);
  }
  // The app folders of the head, as a whole load lists them (sorted, hidden ones left out).
  const appNames = mountedFolders(headRoot, layout.appsDir).filter((name) => !name.startsWith("."));
  // The files inside a folder of apps/, clusters/ and secrets/ (not beside the folders) that the loader reads.
  const inFolder = (f: TreeFile) => f.path.indexOf("/", f.path.indexOf("/") + 1) > 0;
  const picked = [
    ...[...touchedApps].flatMap((name) => mountedFiles(headRoot, `${layout.appsDir}/${name}`)),
    ...mountedFiles(headRoot, layout.clustersDir).filter((f) => inFolder(f) && !layout.isGenerated(f.path)),
    ...(secretsTouched ? mountedFiles(headRoot, layout.secretsDir).filter(inFolder) : []),
  ];
  const at = `/berth-preview-touched-${randomBytes(8).toString("hex")}`;
  const unmount = mountTree(at, picked);
  let part;
  try {
    part = loadFleet(at, memo);
  } finally {
    unmount();
  }
  if (!part.ok) return undefined;
  const environments = (f: Fleet) => JSON.stringify([...new Set(f.clusters.flatMap((c) => c.spec.environments))]);
  if (environments(part.value) !== environments(base)) return undefined;

  const apps = new Map<string, App>();
  for (const name of appNames) {
    const app = touchedApps.has(name) ? part.value.apps.get(name) : base.apps.get(name);
    if (!app) return undefined;
    apps.set(name, app);
  }
  // In the order a whole load finds them: per app, in the apps' order.
  const byApp = (paths: ReadonlySet<string>) => {
    const out = new Map<string, string[]>();
    for (const p of paths) {
      const name = p.split("/", 2)[1]!;
      let list = out.get(name);
      if (!list) out.set(name, (list = []));
      list.push(p);
    }
    return out;
  };
  const [fromBase, fromPart] = [byApp(base.existingSourcePaths), byApp(part.value.existingSourcePaths)];
  const existingSourcePaths = new Set<string>();
  for (const name of apps.keys()) for (const p of (touchedApps.has(name) ? fromPart : fromBase).get(name) ?? []) existingSourcePaths.add(p);
  const fleet: Fleet = {
    clusters: part.value.clusters,
    apps,
    sealedSecrets: secretsTouched ? part.value.sealedSecrets : base.sealedSecrets,
    existingSourcePaths,
  };
  return checkFleet(fleet).length > 0 ? undefined : fleet;
}
