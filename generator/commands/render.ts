import { existsSync } from "node:fs";
import { throwProblems } from "./ask.js";
import { nearest } from "../model/suggest.js";
import { planFleet } from "../plan/plan-cluster.js";
import { renderRequest } from "../plan/render-requests.js";
import { resolveTools, toolReport } from "../exec/tools.js";
import { renderApp } from "../render/render.js";
import { parseRendered } from "../validate/render/rendered-objects.js";
import type { CommandIO, ExitCode } from "./context.js";
import { renderProgress } from "./progress.js";
import { requireCluster } from "../read/checked-fleet.js";
import { loadCheckedFleetCached } from "../cache/cached-fleet.js";

export interface RenderOptions {
  root: string;
  cluster: string;
  /** App names or Application names; all when empty. */
  apps: string[];
  /** yaml: one stream with a comment line per app; json: one array of {cluster, app, wave, namespace, objects}. */
  format?: "yaml" | "json";
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
      // An app runs as one instance per environment (app-staging, app-prod): match the app's name too.
      const guess = nearest(name, new Set(instances.flatMap((i) => (i.app ? [i.app.name, i.id] : [i.id]))));
      throwProblems([{ file: "--app", line: 0, col: 0, message: `no app "${name}" runs on cluster "${cluster.name}"`, hint: guess ? `did you mean --app ${guess}?` : `the apps of cluster ${cluster.name} are listed under apps: in ${cluster.source.file}` }]);
    }
  }
  const selected = instances
    .filter((i) => opts.apps.length === 0 || opts.apps.includes(i.id) || (i.app && opts.apps.includes(i.app.name)))
    .sort((a, b) => plan!.waves.get(a.id)! - plan!.waves.get(b.id)! || (a.id < b.id ? -1 : 1));
  const tools = await resolveTools({ env: io.env });
  // stderr, so that stdout stays the manifests Argo CD would apply.
  for (const line of toolReport(tools)) io.stderr.write(`${line}\n`);
  const progress = renderProgress(io);
  let failed = 0;
  const asJson: { cluster: string; app: string; wave: number; namespace: string; objects: Record<string, unknown>[] }[] = [];
  const failedWith = new Set<string>();
  for (const inst of selected) {
    const req = renderRequest(plan!, inst, opts.root);
    if (req.source.type === "manifests" && !existsSync(req.source.dir)) {
      io.stderr.write(`${inst.id}: nothing to render (${req.source.dir.slice(opts.root.length + 1)} does not exist yet)\n`);
      continue;
    }
    progress.update({ done: selected.indexOf(inst), total: selected.length, running: [`${cluster.name}/${inst.id}`] });
    const result = await renderApp(req, tools, opts.root);
    progress.end();
    const parsed = result.ok && opts.format === "json" ? parseRendered(result.manifests) : undefined;
    if (parsed && parsed.problems.length > 0) {
      failed++;
      io.stderr.write(`${inst.id}: render failed: ${parsed.problems.map((p) => `${p.source ? `${p.source}: ` : ""}${p.message}`).join("; ")}\n`);
    } else if (parsed) {
      asJson.push({ cluster: cluster.name, app: inst.id, wave: plan!.waves.get(inst.id)!, namespace: inst.namespace, objects: parsed.objects.map((o) => o.body) });
    } else if (result.ok) {
      io.stdout.write(`# ---- ${cluster.name}/${inst.id} (wave ${plan!.waves.get(inst.id)}, namespace ${inst.namespace})\n`);
      io.stdout.write(result.manifests.endsWith("\n") ? result.manifests : `${result.manifests}\n`);
    } else {
      failed++;
      // The tool whose version matters to this failure: helm for charts, kubectl's kustomize.
      if (req.source.type === "kustomize") failedWith.add(`kubectl ${tools.kubectlVersion}`);
      else if (req.source.type !== "manifests") failedWith.add(`helm ${tools.helmVersion}`);
      io.stderr.write(`${inst.id}: render failed: ${result.error}\n`);
    }
  }
  if (opts.format === "json") io.stdout.write(`${JSON.stringify(asJson, null, 2)}\n`);
  if (failed > 0) io.stderr.write(`${failed} of ${selected.length} app${selected.length === 1 ? "" : "s"} could not be rendered (${[...[...failedWith].sort(), tools.source].join(", ")})\n`);
  return failed > 0 ? 1 : 0;
}
