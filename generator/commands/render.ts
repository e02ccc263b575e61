import { existsSync } from "node:fs";
import { UserError } from "../errors.js";
import { nearest } from "../model/suggest.js";
import { planFleet } from "../plan/plan-cluster.js";
import { renderRequest } from "../plan/render-requests.js";
import { resolveTools, toolReport } from "../exec/tools.js";
import { renderApp } from "../render/render.js";
import type { CommandIO, ExitCode } from "./context.js";
import { loadCheckedFleetCached, requireCluster } from "./checked-fleet.js";

export interface RenderOptions {
  root: string;
  cluster: string;
  /** App names or Application names; all when empty. */
  apps: string[];
}

/**
 * Prints the fully rendered manifests of a cluster's apps, as Argo CD would apply them.
 * An app that fails to render is reported on stderr and the others still render; the exit
 * code is then 1.
 */
export async function runRender(opts: RenderOptions, io: CommandIO): Promise<ExitCode> {
  const fleet = loadCheckedFleetCached(opts.root, io.env);
  requireCluster(fleet, opts.cluster);
  const [plan] = planFleet(fleet, opts.cluster);
  const { cluster, instances } = plan!;
  for (const name of opts.apps) {
    if (!instances.some((i) => i.id === name || i.app?.name === name)) {
      const guess = nearest(name, instances.map((i) => i.id));
      throw new UserError([{ file: cluster.source.file, line: 0, col: 0, message: `no app "${name}" runs on cluster "${cluster.name}"`, hint: guess ? `did you mean --app ${guess}?` : "list the cluster's apps in its cluster.yaml" }]);
    }
  }
  const selected = instances
    .filter((i) => opts.apps.length === 0 || opts.apps.includes(i.id) || (i.app && opts.apps.includes(i.app.name)))
    .sort((a, b) => plan!.waves.get(a.id)! - plan!.waves.get(b.id)! || (a.id < b.id ? -1 : 1));
  const tools = await resolveTools({ env: io.env });
  // stderr, so that stdout stays the manifests Argo CD would apply.
  for (const line of toolReport(tools)) io.stderr.write(`${line}\n`);
  let failed = 0;
  for (const inst of selected) {
    const req = renderRequest(plan!, inst, opts.root);
    if (req.source.type === "manifests" && !existsSync(req.source.dir)) {
      io.stderr.write(`${inst.id}: nothing to render (${req.source.dir.slice(opts.root.length + 1)} does not exist yet)\n`);
      continue;
    }
    const result = await renderApp(req, tools);
    if (result.ok) {
      io.stdout.write(`# ---- ${cluster.name}/${inst.id} (wave ${plan!.waves.get(inst.id)}, namespace ${inst.namespace})\n`);
      io.stdout.write(result.manifests.endsWith("\n") ? result.manifests : `${result.manifests}\n`);
    } else {
      failed++;
      io.stderr.write(`${inst.id}: render failed: ${result.error}\n`);
    }
  }
  if (failed > 0) io.stderr.write(`${failed} of ${selected.length} apps could not be rendered (helm ${tools.helmVersion}, ${tools.source})\n`);
  return failed > 0 ? 1 : 0;
}
