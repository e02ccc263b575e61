import { describeTools, resolveTools, toolDrift, type Tools } from "../exec/tools.js";
import { existsSync } from "../read/tree-fs.js";
import { sep } from "node:path";
import type { Instance } from "../model/instances.js";
import { renderRequest } from "../plan/render-requests.js";
import { renderApp } from "../render/render.js";
import { cacheKey, openRenderCache, readCacheEntry, writeCacheEntry } from "../cache/render-cache.js";
import { cacheable, maskRendered } from "./objects.js";
import { appKey, CLUSTER_GROUP, type InstanceInputs, type PreviewModel, type RenderOutcome, type RenderPair } from "./model.js";
import type { PreviewPlan } from "./side-plans.js";

/** One side of the comparison, as rendering needs it: where its files are, its plans, its apps' inputs. */
export interface RenderSide {
  root: string;
  plans: PreviewPlan[];
  inputs: Map<string, InstanceInputs>;
  /** A revision read from git: writes its files to `root`, for helm and kustomize (the working tree is there already). */
  onDisk?: () => Promise<void>;
}

/** Tier 2: both sides of every app Application whose inputs or generated Application changed. */
export async function renderChanged(model: PreviewModel, base: RenderSide, head: RenderSide, root: string, env: NodeJS.ProcessEnv, notes: string[]): Promise<Map<string, RenderPair>> {
  const jobs: Array<{ key: string; side: "base" | "head"; run: () => Promise<void> }> = [];
  const renders = new Map<string, RenderPair>();
  const candidates = model.clusters.flatMap((c) => c.apps.filter((a) => a.name !== CLUSTER_GROUP).map((a) => appKey(c.name, a.name)));
  if (candidates.length === 0) return renders;
  const tools = await resolveTools({ env });
  const uid = process.getuid?.();
  const cache = openRenderCache(root, { env, uid });
  if (cache.problem) notes.push(`The render cache was not used: ${cache.problem}.`);
  const ctx: RenderContext = { tools, cacheDir: cache.dir, uid, stats: { rendered: 0, cached: 0 } };
  // Each side's app instances by `cluster/app`, so thousands of candidates cost one pass.
  const instancesOf = (side: RenderSide) => new Map(side.plans.flatMap((plan) => plan.instances.filter((i) => i.kind === "app").map((inst) => [appKey(plan.cluster.name, inst.id), { plan, inst }] as const)));
  const sides = [["base", base, instancesOf(base)], ["head", head, instancesOf(head)]] as const;
  const onDisk = new Set<RenderSide>();
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

interface RenderContext {
  tools: Tools;
  /** Where masked renders are cached (see render-cache.ts); undefined: no cache. */
  cacheDir: string | undefined;
  uid: number | undefined;
  stats: { rendered: number; cached: number };
}

/**
 * Renders one Application of one side with real helm/kustomize, reduced to masked resources.
 * Cached by the app's input digest and the tool versions; a failure is never cached (a network
 * error may pass), and neither is a render holding Secret values.
 */
async function renderInstance(root: string, plan: PreviewPlan, inst: Instance, inputs: InstanceInputs | undefined, ctx: RenderContext): Promise<RenderOutcome> {
  const req = renderRequest(plan, inst, root);
  if (req.source.type === "manifests" && !existsSync(req.source.dir)) return { ok: true, resources: [] };
  const key = inputs && ctx.cacheDir ? cacheKey(inputs.digest, ctx.tools.helmVersion, ctx.tools.kubectlVersion) : undefined;
  if (key) {
    const hit = readCacheEntry(ctx.cacheDir!, key, ctx.uid);
    if (hit) {
      ctx.stats.cached++;
      return { ok: true, resources: hit };
    }
  }
  const result = await renderApp(req, ctx.tools, root);
  ctx.stats.rendered++;
  const prefix = root.endsWith(sep) ? root : root + sep;
  if (!result.ok) return { ok: false, error: result.error.split(prefix).join("") };
  const resources = maskRendered(result.manifests);
  if (typeof resources === "string") return { ok: false, error: resources };
  if (key && cacheable(resources)) writeCacheEntry(ctx.cacheDir!, key, resources);
  return { ok: true, resources };
}
