import { readdirSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { run } from "../exec/spawn.js";
import { summarizeStderr } from "../exec/stderr.js";
import type { Tools } from "../exec/tools.js";

interface Dependency {
  name: string;
  repository?: string;
}

/**
 * Makes sure a local chart's dependencies are in its charts/ folder, as Argo CD does before it
 * templates a chart from git. `helm dependency build` runs only when something is missing:
 * it needs the network for remote dependencies and rewrites charts/, so charts that vendor
 * their dependencies (or have none) render offline and leave the working tree untouched.
 *
 * The build writes into the chart directory, so builds of the same directory are serialised
 * within this process (one chart is often rendered for several clusters at once).
 */
export async function ensureDependencies(
  tools: Tools,
  chartDir: string,
  env: Record<string, string>,
): Promise<{ ok: true } | { ok: false; error: string }> {
  const previous = inFlight.get(chartDir) ?? Promise.resolve();
  const mine = previous.then(() => buildIfMissing(tools, chartDir, env));
  const settled = mine.then(
    () => undefined,
    () => undefined,
  );
  inFlight.set(chartDir, settled);
  try {
    return await mine;
  } finally {
    if (inFlight.get(chartDir) === settled) inFlight.delete(chartDir);
  }
}

const inFlight = new Map<string, Promise<void>>();

async function buildIfMissing(
  tools: Tools,
  chartDir: string,
  env: Record<string, string>,
): Promise<{ ok: true } | { ok: false; error: string }> {
  let deps: Dependency[];
  try {
    deps = readDependencies(chartDir);
  } catch (e) {
    return { ok: false, error: `cannot read ${join(chartDir, "Chart.yaml")}: ${(e as Error).message}` };
  }
  if (missingDependencies(chartDir, deps).length === 0) return { ok: true };

  // With a Chart.lock, `helm dependency build` only accepts HTTP repositories that were added
  // with `helm repo add` (without one it behaves like `update` and needs nothing). Argo CD adds
  // them too; here they go into the throwaway helm home. OCI and file:// need no repo entry.
  const httpRepos = [...new Set(deps.map((d) => d.repository ?? "").filter((r) => /^https?:\/\//i.test(r)))];
  for (const [i, url] of httpRepos.entries()) {
    const r = await run(tools.helm, ["repo", "add", "--force-update", "--", `berth-dep-${i}`, url], {
      env,
      cwd: chartDir,
    });
    if (r.code !== 0) return { ok: false, error: `cannot add dependency repository "${url}": ${summarizeStderr(r.stderr || r.spawnError || "")}` };
  }
  const r = await run(tools.helm, ["dependency", "build", "--", chartDir], { env, cwd: chartDir });
  if (r.code !== 0) {
    return { ok: false, error: `helm dependency build: ${summarizeStderr(r.stderr || r.spawnError || "")}` };
  }
  return { ok: true };
}

function readDependencies(chartDir: string): Dependency[] {
  const chart = parse(readFileSync(join(chartDir, "Chart.yaml"), "utf8")) as { dependencies?: unknown } | null;
  const raw = chart?.dependencies;
  if (!Array.isArray(raw)) return [];
  return raw.filter(
    (d): d is Dependency => typeof d === "object" && d !== null && typeof (d as Dependency).name === "string",
  );
}

/**
 * Dependencies with neither an unpacked `charts/<name>/Chart.yaml` nor a packaged
 * `charts/<name>-<version>.tgz`. (A version that does not satisfy the constraint is left for
 * helm template to report: it names the chart and both versions.)
 */
export function missingDependencies(chartDir: string, deps: readonly Dependency[]): string[] {
  const chartsDir = join(chartDir, "charts");
  const entries = existsSync(chartsDir) ? readdirSync(chartsDir) : [];
  return deps
    .filter((d) => {
      if (existsSync(join(chartsDir, d.name, "Chart.yaml"))) return false;
      const tgz = new RegExp(`^${escapeRegExp(d.name)}-v?\\d[^/]*\\.tgz$`);
      return !entries.some((e) => tgz.test(e));
    })
    .map((d) => d.name);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
