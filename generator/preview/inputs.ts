import { readFileSync } from "../read/tree-fs.js";
import { join, sep } from "node:path";
import { layout } from "../layout.js";
import type { PreviewPlan } from "./side-plans.js";
import { renderRequest } from "../plan/render-requests.js";
import { sourcePaths, type RenderRequest, type RenderSource } from "../plan/render-request.js";
import { renderInputs } from "../read/render-inputs.js";
import type { Diagnostic } from "../errors.js";
import { readSealedFiles } from "../secrets/sealed-files.js";
import { listInputFiles } from "../read/input-files.js";
import type { InputTree } from "../read/input-tree.js";
import { appKey, type InstanceInputs, type SealedSecretSnapshot } from "./model.js";
import { sha256, snapshotSealedSecret } from "./objects.js";

/** The reading half of a preview side: its apps' inputs and its SealedSecrets (rendering is render-pool.ts's, loaded only for --render). */

const toPosix = (p: string) => (sep === "/" ? p : p.split(sep).join("/"));

/** Every SealedSecret under secrets/ (one cluster's when given), reduced to key names and digests. */
export function sealedSnapshots(root: string, cluster?: string): SealedSecretSnapshot[] {
  const { files, diagnostics } = readSealedFiles(root, cluster);
  return files.map((f) => {
    const problem = diagnostics.find((d) => d.file === f.file);
    return snapshotSealedSecret(f, problem ? `${f.file}:${Math.max(problem.line, 1)}:${Math.max(problem.col, 1)}: ${problem.message}` : undefined);
  });
}

/**
 * Render requests per plan object and instance, shared by both sides of a preview: a plan both
 * sides share (equal inputs) makes equal requests (paths are repository-relative), so they are
 * built once, and an instance whose files also hash alike gets its digest from the other side.
 */
export type RequestMemo = WeakMap<object, Map<string, InstanceRequest>>;

interface InstanceRequest {
  /** The request as JSON, paths relative to the repository: made when a digest is (most lent inputs never are). */
  json: () => string;
  /** The app folder and the repository-relative paths it reads (chart folder, values files), NUL-joined. */
  files: string;
  /** Its parts: the app folder, and the source's type and paths NUL-joined (what {@link renderInputs} is asked about). */
  appDir: string;
  source: string;
  /** Digest of request and files, per digest of the files. */
  digests: Map<string, string>;
}

/**
 * Per `cluster/app`: a digest of the render request (with repository-relative paths) and of every
 * file it reads — the app folder, its values files, the cluster's values file, and whatever else in
 * the repository its chart or kustomization reads (read/render-inputs.ts) — plus each file's hash.
 * The problems those files have (links out of the repository, submodules, unpinned remote
 * resources) go to `problems`.
 * Secrets Applications are left out: their SealedSecrets are compared key by key.
 * Work is shared where inputs are: each file is read and hashed once per side, each app folder
 * (per set of values files) listed once per side, and a shared plan's requests digested once for
 * both sides (`requests`), so a fleet of 10,000 Applications costs about one pass over its files.
 * `tree`: the side's walk of its input folders, when its load made one (read/render-inputs.ts
 * answers from it for the files it holds).
 */
export function instanceInputs(root: string, plans: readonly PreviewPlan[], requests: RequestMemo = new WeakMap(), problems?: Diagnostic[], share?: InputShare, tree?: InputTree): Map<string, InstanceInputs> {
  const hashOf = memo((rel: string) => {
    try {
      return sha256(readFileSync(join(root, rel), "latin1"));
    } catch {
      return "missing";
    }
  });
  const filesUnder = memo((rel: string) => listInputFiles(root, rel));
  // What a render of one source reads (read/render-inputs.ts), found once per side.
  const readBy = memo((key: string) => {
    const [type, ...paths] = key.split("\0") as [RenderSource["type"], ...string[]];
    const source = type === "helm-local" ? { type, chartDir: paths[0]!, valueFiles: paths.slice(1) } : type === "helm-remote" ? { type, valueFiles: paths } : { type, dir: paths[0]! };
    const found = renderInputs(root, source as RenderSource, tree);
    problems?.push(...found.problems);
    return { files: found.files, lendable: type === "helm-remote" && found.problems.length === 0 };
  });
  // The files an instance reads, with their hashes and a digest of both: one per app folder and source.
  const fileSets = memo((key: string) => {
    const [appDir, ...source] = key.split("\0") as [string, ...string[]];
    const read = readBy(source.join("\0")).files;
    const used = new Set(read);
    // The app folder, without the values files of other profiles and environments.
    const otherValues = (f: string) => /^values(-[^/]+)?\.ya?ml$/.test(f.slice(appDir.length + 1)) && !used.has(f);
    const paths = new Set<string>(filesUnder(appDir).filter((f) => !otherValues(f)));
    for (const f of read) paths.add(f);
    const files: Record<string, string> = {};
    for (const p of [...paths].sort()) files[p] = hashOf(p);
    return { files, digest: sha256(JSON.stringify(files)) };
  });
  const touched = share?.changed && touchedPaths(share.changed);
  const out = new Map<string, InstanceInputs>();
  for (const plan of plans) {
    let planRequests = requests.get(plan);
    if (!planRequests) requests.set(plan, (planRequests = new Map()));
    for (const inst of plan.instances) {
      if (inst.kind !== "app" || !inst.app) continue;
      let req = planRequests.get(inst.id);
      if (!req) {
        // Rendered against "" rather than a side's root: every path in it is repository-relative.
        const rel = renderRequest(plan, inst, "");
        let json: string | undefined;
        const appDir = layout.appDir(inst.app.name);
        const source = [rel.source.type, ...sourcePaths(rel.source).map(toPosix)].join("\0");
        req = { json: () => (json ??= requestJson(rel)), files: `${appDir}\0${source}`, appDir, source, digests: new Map() };
        planRequests.set(inst.id, req);
      }
      const key = appKey(plan.cluster.name, inst.id);
      const lent = touched && share!.lent.get(key);
      if (lent && lent.req === req && !touched.has(lent.appDir) && !lent.read.some((f) => touched.has(f))) {
        out.set(key, lent.inputs);
        continue;
      }
      const r = req;
      const inputsOf = (): InstanceInputs => {
        const set = fileSets(r.files);
        let digest = r.digests.get(set.digest);
        if (digest === undefined) r.digests.set(set.digest, (digest = sha256(`${r.json()}\0${set.digest}`)));
        return { digest, files: set.files };
      };
      if (share && !touched) {
        const { appDir } = req;
        const { files: read, lendable } = readBy(req.source);
        if (lendable) {
          const inputs = lazily(inputsOf);
          share.lent.set(key, { inputs, req, appDir, read });
          out.set(key, inputs);
          continue;
        }
      }
      out.set(key, inputsOf());
    }
  }
  return out;
}

/**
 * One side's inputs lent to the other. The side run without `changed` (the lender) lends the inputs
 * of each app rendered from a remote chart whose values files passed the render-input checks, and
 * computes them only when asked (most are never looked at: equal on both sides). The side run with
 * `changed` (the paths, repository-relative, whose content differs between the two trees, added and
 * removed ones included; both trees served from memory, so without links) takes the lent inputs of
 * an app with the same request whose folder holds no changed path and whose values files did not
 * change: the same files, so the same listing, hashes, digest and checks. Only remote charts are
 * lent: a local chart or kustomization reads files it names, wherever they are, and finds some by
 * their absence.
 */
export interface InputShare {
  lent: Map<string, Lent>;
  changed?: ReadonlySet<string>;
}

interface Lent {
  inputs: InstanceInputs;
  /** The request they were made for (one object per request both sides share). */
  req: InstanceRequest;
  appDir: string;
  /** The files its render reads (values files), present or not. */
  read: readonly string[];
}

/** Inputs computed on first use, once. */
function lazily(compute: () => InstanceInputs): InstanceInputs {
  let v: InstanceInputs | undefined;
  return {
    get digest() {
      return (v ??= compute()).digest;
    },
    get files() {
      return (v ??= compute()).files;
    },
  };
}

/** The changed paths and every folder above them. */
function touchedPaths(changed: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  for (const p of changed) {
    out.add(p);
    for (let i = p.indexOf("/"); i >= 0; i = p.indexOf("/", i + 1)) out.add(p.slice(0, i));
  }
  return out;
}

/** `f` with its results kept per argument. */
function memo<T>(f: (key: string) => T): (key: string) => T {
  const cache = new Map<string, T>();
  return (key) => {
    let v = cache.get(key);
    if (v === undefined) cache.set(key, (v = f(key)));
    return v;
  };
}

/** A request as JSON; bigints (integers beyond 2^53) become tagged strings, as this text is only ever hashed. */
function requestJson(req: RenderRequest): string {
  try {
    return JSON.stringify(req);
  } catch {
    return JSON.stringify(req, (_k, v: unknown) => (typeof v === "bigint" ? `bigint:${v}` : v));
  }
}
