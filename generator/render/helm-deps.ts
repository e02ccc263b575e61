import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from "node:fs";
import { basename, dirname, isAbsolute, join, resolve } from "node:path";
import { parse } from "yaml";
import { run } from "../exec/spawn.js";
import { summarizeStderr } from "../exec/stderr.js";
import type { Tools } from "../exec/tools.js";
import { satisfies } from "./semver-range.js";

interface Dependency {
  name: string;
  version?: string;
  repository?: string;
}

/**
 * Makes sure a local chart's dependencies are in its charts/ folder, as Argo CD does before it
 * templates a chart from git, and returns the folder to template. When nothing is missing (charts
 * that vendor their dependencies, or have none) that is the chart itself, read only. Otherwise
 * `helm dependency build` (which writes charts/ and may write Chart.lock) runs in a copy of the
 * chart inside `scratch`, the render's private temp folder: the working tree is never written,
 * and concurrent renders of one chart cannot meet.
 */
export async function ensureDependencies(
  tools: Tools,
  chartDir: string,
  env: Record<string, string>,
  scratch: string,
): Promise<{ ok: true; dir: string } | { ok: false; error: string }> {
  let deps: Dependency[];
  try {
    deps = readDependencies(chartDir);
  } catch (e) {
    return { ok: false, error: `cannot read ${join(chartDir, "Chart.yaml")}: ${(e as Error).message}` };
  }
  if (missingDependencies(chartDir, deps).length === 0) {
    const wrong = wrongVersions(chartDir, deps);
    if (wrong.length > 0) return { ok: false, error: wrong.join("; ") };
    return { ok: true, dir: chartDir };
  }
  const copy = copyForBuild(chartDir, deps, scratch);

  // With a Chart.lock, `helm dependency build` only accepts HTTP repositories that were added
  // with `helm repo add` (without one it behaves like `update` and needs nothing). Argo CD adds
  // them too; here they go into the throwaway helm home. OCI and file:// need no repo entry.
  const httpRepos = [...new Set(deps.map((d) => d.repository ?? "").filter((r) => /^https?:\/\//i.test(r)))];
  for (const [i, url] of httpRepos.entries()) {
    const r = await run(tools.helm, ["repo", "add", "--force-update", "--", `berth-dep-${i}`, url], {
      env,
      cwd: copy,
    });
    if (r.code !== 0) return { ok: false, error: `cannot add dependency repository "${url}": ${summarizeStderr(r.stderr || r.spawnError || "")}` };
  }
  const r = await run(tools.helm, ["dependency", "build", "--", copy], { env, cwd: copy });
  if (r.code !== 0) {
    return { ok: false, error: `helm dependency build: ${summarizeStderr(r.stderr || r.spawnError || "")}` };
  }
  return { ok: true, dir: copy };
}

/**
 * A copy of the chart for `helm dependency build`, nested deep enough in `scratch` that each
 * relative `file://../…` dependency resolves to a link at the same relative place, pointing at the
 * original folder (so Chart.yaml and Chart.lock stay byte for byte as committed).
 */
function copyForBuild(chartDir: string, deps: readonly Dependency[], scratch: string): string {
  const relativeDeps = deps.map((d) => /^file:\/\/(.+)$/.exec(d.repository ?? "")?.[1]).filter((p): p is string => p !== undefined && !isAbsolute(p));
  const depth = Math.max(0, ...relativeDeps.map((p) => p.split(/[\\/]/).filter((seg) => seg === "..").length));
  const copy = join(scratch, "chart", ...Array.from({ length: depth }, (_, i) => `d${i}`), basename(chartDir));
  mkdirSync(dirname(copy), { recursive: true });
  cpSync(chartDir, copy, { recursive: true, dereference: true });
  for (const rel of relativeDeps) {
    const at = resolve(copy, rel);
    if (existsSync(at)) continue;
    mkdirSync(dirname(at), { recursive: true });
    symlinkSync(resolve(chartDir, rel), at);
  }
  return copy;
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
 * `charts/<name>-<version>.tgz`. (A version that does not satisfy the constraint: wrongVersions.)
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

/**
 * Vendored dependencies whose version does not satisfy Chart.yaml's constraint, as `helm
 * dependency list` reports them ("wrong version"). `helm template` does not check this: it
 * renders whatever charts/ holds, so a subchart vendored at 22.0.0 for `21.x.x` would deploy.
 */
export function wrongVersions(chartDir: string, deps: readonly Dependency[]): string[] {
  const chartsDir = join(chartDir, "charts");
  const entries = existsSync(chartsDir) ? readdirSync(chartsDir) : [];
  const out: string[] = [];
  for (const d of deps) {
    if (typeof d.version !== "string" || d.version.trim() === "") continue;
    let found: string | undefined;
    const unpacked = join(chartsDir, d.name, "Chart.yaml");
    if (existsSync(unpacked)) {
      const v = (parse(readFileSync(unpacked, "utf8")) as { version?: unknown } | null)?.version;
      found = v === undefined || v === null ? undefined : String(v);
    } else {
      const tgz = entries.map((e) => new RegExp(`^${escapeRegExp(d.name)}-(v?\\d[^/]*)\\.tgz$`).exec(e)?.[1]).find((v) => v !== undefined);
      found = tgz;
    }
    if (found === undefined) continue;
    if (satisfies(found, d.version) === false) {
      out.push(
        `dependency ${d.name} in Chart.yaml asks for version ${d.version}, but charts/ holds ${d.name} ${found} (helm dependency list: wrong version)`,
      );
    }
  }
  return out;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
