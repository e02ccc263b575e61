import { existsSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { relative, sep } from "node:path";
import { parseAllDocuments } from "yaml";
import type { Diagnostic } from "../../errors.js";
import type { Tools } from "../../exec/tools.js";
import type { Instance } from "../../model/instances.js";
import { cpuMillis, formatCpu, formatMemory, memoryBytes } from "../../model/quantity.js";
import { resolveReplicas } from "../../model/replicas.js";
import type { ClusterPlan } from "../../plan/plan-cluster.js";
import { renderRequest } from "../../plan/render-requests.js";
import { renderApp, type RenderRequest } from "../../render/render.js";
import { crdScopes, type Scopes } from "./cluster-scoped.js";
import { CrdSchemas } from "./crd-schemas.js";
import { permissionProblems } from "./permissions.js";
import type { ProjectSpec } from "./project-permits.js";
import { parseRendered, type RenderedObject } from "./rendered-objects.js";
import { renderedRequests, type Requests } from "./requests.js";
import { schemaProblems } from "./schemas.js";
import type { OnProgress } from "../../render/progress.js";

export interface RenderCheck {
  problems: Diagnostic[];
  /** Not errors: remote charts helm could not fetch, resources blocks that disagree with the render. */
  warnings: string[];
  /** `cluster/app: why` for every remote chart that could not be fetched. */
  notRendered: string[];
  rendered: number;
  /** Per cluster, per Application: the requests its render states. */
  requests: Map<string, Map<string, Requests>>;
}

interface Job {
  plan: ClusterPlan;
  inst: Instance;
  req: RenderRequest;
}

/** helm's words for "could not reach the chart" (as opposed to a chart that does not render). */
/** A registry that answered and refused the (missing or wrong) login: reached, so a problem, not "not rendered". */
const REFUSED = /\b401\b|\b403\b|unauthorized|forbidden|\(a private registry: export /i;
const UNREACHABLE = /dial tcp|no such host|connection refused|i\/o timeout|network is unreachable|cannot be reached|could not be reached|failed to fetch|failed to do request|TLS handshake|timed out|temporary failure in name resolution/i;

/**
 * berth validate --render: renders every app on every cluster that runs it with the real helm
 * and kustomize (a bounded number at a time), then checks each rendered object against the
 * Kubernetes schemas and against its AppProject exactly as Argo CD's sync would, and collects
 * each Application's requests for the budget. A local source that does not render is an error
 * at its file and line; a remote chart helm cannot fetch is "not rendered", never valid.
 */
export async function checkRenders(root: string, plans: readonly ClusterPlan[], tools: Tools, onProgress: OnProgress = () => {}): Promise<RenderCheck> {
  const jobs: Job[] = [];
  for (const plan of plans) {
    for (const inst of plan.instances) {
      if (inst.kind !== "app") continue;
      const req = renderRequest(plan, inst, root);
      if (req.source.type === "manifests" && !existsSync(req.source.dir)) continue;
      jobs.push({ plan, inst, req });
    }
  }
  const parallel = Math.min(8, Math.max(2, availableParallelism()));
  const running = new Set<string>();
  let done = 0;
  const tell = () => onProgress({ done, total: jobs.length, running: [...running] });
  const results = await pool(jobs, parallel, async (j) => {
    const name = `${j.plan.cluster.name}/${j.inst.id}`;
    running.add(name);
    tell();
    try {
      return await renderApp(j.req, tools, root);
    } finally {
      running.delete(name);
      done++;
      tell();
    }
  });
  // Charts are rendered a second time: a chart that generates values (randAlphaNum passwords,
  // fresh certificates) renders differently each time, which Argo CD shows as OutOfSync forever.
  // kustomize and plain manifests are deterministic.
  const helmJobs = jobs.map((j, i) => ({ j, i })).filter(({ j, i }) => j.req.source.type !== "kustomize" && j.req.source.type !== "manifests" && results[i]!.ok);
  const again = await pool(helmJobs, parallel, ({ j }) => renderApp(j.req, tools, root));
  const second = new Map(helmJobs.map(({ i }, k) => [i, again[k]!]));
  const out: RenderCheck = { problems: [], warnings: [], notRendered: [], rendered: 0, requests: new Map() };
  const parsed: { job: Job; objects: RenderedObject[] }[] = [];
  const scopes: Scopes = { crds: new Map() };
  const crds = new CrdSchemas();
  results.forEach((r, i) => {
    const job = jobs[i]!;
    const where = `${job.plan.cluster.name}/${job.inst.id}`;
    if (!r.ok) {
      if (job.req.source.type === "helm-remote" && UNREACHABLE.test(r.error) && !REFUSED.test(r.error)) {
        out.notRendered.push(`${where}: ${r.error}`);
      } else {
        out.problems.push(renderFailure(root, job, r.error));
      }
      return;
    }
    out.rendered++;
    const { objects, problems } = parseRendered(r.manifests);
    for (const p of problems) out.problems.push({ ...appFile(job), message: `${where}: ${p.source ? `${p.source}: ` : ""}${p.message}`, hint: "fix the template or manifest so it renders Kubernetes objects" });
    crdScopes(objects, scopes);
    crds.add(objects);
    parsed.push({ job, objects });
    const other = second.get(i);
    if (other?.ok && other.manifests !== r.manifests) {
      for (const d of differingObjects(objects, parseRendered(other.manifests).objects)) {
        out.problems.push({
          ...objectFile(root, job, d.object),
          message: `${where}: ${d.object.kind} ${d.object.name} renders differently each time (${d.path} differs between two renders), so Argo CD would show it OutOfSync forever`,
          hint: `give the chart the value instead of letting it generate one: for a password, a Secret sealed with berth seal and the chart's existingSecret-style value; or, if the difference is harmless, list the field under ignoreDifferences in apps/${job.inst.app!.name}/app.yaml`,
        });
      }
    }
  });
  for (const { job, objects } of parsed) {
    const where = `${job.plan.cluster.name}/${job.inst.id}`;
    const project = projectOf(job.plan, job.inst.layer);
    if (project) {
      for (const p of permissionProblems(job.inst, project, objects, scopes)) {
        out.problems.push({ ...objectFile(root, job, p.object), message: `${where}: ${p.message}`, hint: p.hint });
      }
    }
    for (const o of objects) {
      for (const p of [...(await schemaProblems(o)), ...crds.problems(o)]) {
        out.problems.push({ ...objectFile(root, job, o), message: `${where}: ${o.kind} ${o.name}: ${p}`, hint: "fix the manifest or the values that render it (Kubernetes would reject this object)" });
      }
    }
    const cluster = job.plan.cluster;
    const req = renderedRequests(objects, cluster.spec.capacity.nodes);
    let byApp = out.requests.get(cluster.name);
    if (!byApp) out.requests.set(cluster.name, (byApp = new Map()));
    byApp.set(job.inst.id, req);
    const declared = declaredRequests(job.inst, cluster);
    if (declared && (req.cpu > 0 || req.memory > 0) && (declared.cpu !== req.cpu || declared.memory !== req.memory)) {
      out.warnings.push(
        `${where}: apps/${job.inst.app!.name}/app.yaml declares resources of ${formatMemory(declared.memory)} memory, ${formatCpu(declared.cpu)} CPU, but its render requests ${formatMemory(req.memory)}, ${formatCpu(req.cpu)} CPU (the budget counts the declared block; make them agree)`,
      );
    }
  }
  return out;
}

/** The objects of the first render whose body is not the same in the second, each with the first path that differs. */
function differingObjects(first: readonly RenderedObject[], second: readonly RenderedObject[]): { object: RenderedObject; path: string }[] {
  const key = (o: RenderedObject) => `${o.group}/${o.kind}/${o.namespace}/${o.name}`;
  const byKey = new Map(second.map((o) => [key(o), o]));
  const out: { object: RenderedObject; path: string }[] = [];
  for (const o of first) {
    const twin = byKey.get(key(o));
    const path = twin ? firstDifference(o.body, twin.body, "") : "the object itself";
    if (path !== undefined) out.push({ object: o, path: path || "the object" });
  }
  return out;
}

function firstDifference(a: unknown, b: unknown, at: string): string | undefined {
  if (a === b) return undefined;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return at;
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  for (const k of keys) {
    const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], Array.isArray(a) ? `${at}[${k}]` : at ? `${at}.${k}` : k);
    if (d !== undefined) return d;
  }
  return undefined;
}

function declaredRequests(inst: Instance, cluster: ClusterPlan["cluster"]): Requests | undefined {
  const blocks = inst.app?.spec.resources ?? [];
  if (blocks.length === 0) return undefined;
  let cpu = 0;
  let memory = 0;
  for (const w of blocks) {
    const n = resolveReplicas(w.replicas, cluster.profile, inst.environment);
    cpu += n * cpuMillis(w.cpu);
    memory += n * memoryBytes(w.memory);
  }
  return { cpu, memory };
}

function projectOf(plan: ClusterPlan, name: string): { name: string; spec: ProjectSpec } | undefined {
  for (const f of plan.files) {
    for (const { object: o } of f.documents ?? []) {
      if (o.kind === "AppProject" && o.metadata?.name === name) return { name, spec: (o.spec as ProjectSpec | undefined) ?? {} };
    }
  }
  return undefined;
}

const rel = (root: string, p: string) => relative(root, p).split(sep).join("/");

function appFile(job: Job): Pick<Diagnostic, "file" | "line" | "col"> {
  return { file: job.inst.app!.source.file, line: 0, col: 0 };
}

/** The repository file an object comes from: the manifest or template when the source says so. */
function objectFile(root: string, job: Job, o: RenderedObject): Pick<Diagnostic, "file" | "line" | "col"> {
  const s = job.req.source;
  if (o.source && s.type === "manifests") return { file: `${rel(root, s.dir)}/${o.source}`, line: 0, col: 0 };
  // kustomize does not say which file an object came from: point at the kustomization.
  if (s.type === "kustomize") return { file: `${rel(root, s.dir)}/${kustomizationFile(s.dir)}`, line: 0, col: 0 };
  if (o.source && s.type === "helm-local") {
    // helm's Source is "<chart name>/templates/x.yaml"; the chart's folder may be named otherwise.
    const inChart = o.source.split("/").slice(1).join("/");
    return { file: `${rel(root, s.chartDir)}/${inChart}`, line: 0, col: 0 };
  }
  return appFile(job);
}

function kustomizationFile(dir: string): string {
  return ["kustomization.yaml", "kustomization.yml", "Kustomization"].find((f) => existsSync(`${dir}/${f}`)) ?? "kustomization.yaml";
}

/** A render error at the file and line it names (a template or a manifest), else at the app. */
function renderFailure(root: string, job: Job, error: string): Diagnostic {
  const where = `${job.plan.cluster.name}/${job.inst.id}`;
  const s = job.req.source;
  const hint = specificHint(job, error) ?? "fix the template, manifest or values; `berth render --cluster " + job.plan.cluster.name + " --app " + job.inst.id + "` shows the full render";
  if (s.type === "helm-local") {
    // helm 4: "<chart name>/templates/x.yaml:4:21 executing …" (helm 3 says "template: …:4:21: …").
    const m = /([^/\s]+\/)((?:templates|charts)\/\S+?):(\d+):(\d+):? (.*)$/.exec(error);
    if (m) return { file: `${rel(root, s.chartDir)}/${m[2]}`, line: Number(m[3]), col: Number(m[4]), message: `${where}: ${m[5]}`, hint };
  }
  if (s.type === "manifests") {
    const m = /^(\S+): line (\d+): (.*)$/.exec(error);
    if (m && m[1]!.startsWith(root)) return { file: rel(root, m[1]!), line: Number(m[2]), col: yamlErrorColumn(m[1]!, Number(m[2])), message: `${where}: ${m[3]}`, hint };
  }
  return { ...appFile(job), message: `${where}: ${error}`, hint };
}

/** The fix for a render error that is not in a template, manifest or values: the chart's version or its dependencies. */
function specificHint(job: Job, error: string): string | undefined {
  const app = job.inst.app!.source.file;
  if (/ not found in oci:\/\//.test(error)) return `set source.version in ${app} to a version the registry has`;
  if (/helm dependency list: wrong version/.test(error)) return "vendor a version that fits the constraint (`helm dependency update` in the chart's folder), or change the constraint in Chart.yaml if the vendored version is the one you mean";
  return undefined;
}

/** The column of the first YAML error on `line` of a manifest (readManifestsDir reports only the line); 0 when unknown. */
function yamlErrorColumn(file: string, line: number): number {
  try {
    for (const doc of parseAllDocuments(readFileSync(file, "utf8"))) {
      const at = doc.errors.find((e) => e.linePos?.[0].line === line);
      if (at) return at.linePos![0].col;
    }
  } catch {
    // unreadable now: the line is still right
  }
  return 0;
}

/** Runs `f` over `items` with at most `n` at a time; results in the items' order. */
async function pool<T, R>(items: readonly T[], n: number, f: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await f(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  return out;
}
