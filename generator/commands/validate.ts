import { formatDiagnostic, sortDiagnostics, UserError, type Diagnostic } from "../errors.js";
import { checkRenderInputs } from "../validate/render-inputs.js";
import { planFleet } from "../plan/plan-cluster.js";
import { formatCpu, formatMemory } from "../model/quantity.js";
import { checkBudget, clusterBudget, type ClusterBudget } from "../validate/budget.js";
import { checkConnectionPools } from "../validate/connection-pools.js";
import { checkArgoCDLimits } from "../validate/argocd-limits.js";
import { checkGeneratedObjects } from "../validate/generated-objects.js";
import { findPlaintextCredentials, findPrivateKeys } from "../validate/hygiene.js";
import { checkSecrets } from "../secrets/check.js";
import { checkRepoAccess } from "../repo-access/check.js";
import { readKeysForClusters } from "../secrets/private-keys.js";
import { checkUnusedValueFiles } from "../validate/unused-values.js";
import { retiredIngressWarnings } from "../validate/retired-ingress.js";
import { findRepositoryCredentials } from "../validate/repository-credentials.js";
import type { CommandIO, ExitCode } from "./context.js";
import { loadCheckedFleet, requireCluster } from "../read/checked-fleet.js";
import { openParseCache } from "../cache/parse-cache.js";
import { openScanVerdicts } from "../cache/scan-verdicts.js";
import { readInputTreeRemembering } from "../cache/folder-listings.js";
import { loadCheckedFleetCached } from "../cache/cached-fleet.js";
import { repoReader, type RepoReader } from "../validate/repo-reads.js";
import { repoListerFromTree } from "../validate/repo-list.js";
import type { ParseMemo } from "../yaml/parse-memo.js";
import type { Fleet } from "../model/fleet.js";
import type { RenderCheck } from "../validate/render/render-fleet.js";
import { resolveTools } from "../exec/tools.js";
import { renderProgress } from "./progress.js";

export interface ValidateOptions {
  root: string;
  cluster?: string;
  /** The result of rendering every app (berth validate --render), computed before this synchronous check. */
  rendered?: RenderCheck;
  /** A remote resource pinned by a tag, and (with rendered) a remote chart that was not rendered, is a failure, not a warning. */
  strict?: boolean;
  /** --key: private key files that open the SealedSecrets, instead of trusting their annotation. */
  keys?: readonly string[];
}

/**
 * Everything that can be checked without a cluster: input schemas and cross-references (while
 * loading), every generated object, resource budgets, connection pools, sealed secrets, and the
 * repository's hygiene (private keys, plaintext credentials).
 */
export function runValidate(opts: ValidateOptions, io: CommandIO): ExitCode {
  // One parse cache for the loader and the credential scan: a values file is parsed once, and
  // not at all when unchanged since the last run.
  const parses = openParseCache(opts.root, io.env);
  // The texts the loader reads, for the scans below: each input file is read once (the fleet's
  // sources keep these texts anyway, for positions). A file whose stat signature is as recorded
  // with its clean parse is not read by the loader (parse-cache.ts), nor by the scans when they
  // found nothing in it with that signature before (scan-verdicts.ts).
  const texts = new Map<string, string>();
  const memo: ParseMemo = {
    get: (file, text) => (texts.set(file, text), parses.get(file, text)),
    set: (file, text, parsed) => parses.set(file, text, parsed),
    unchanged: parses.unchanged,
    signed: parses.signed,
  };
  // One walk of the input folders: the loader's listings, and (with a walk of the rest) the
  // repository's list for every check that scans it; validate writes nothing.
  const tree = readInputTreeRemembering(opts.root, io.env);
  const list = repoListerFromTree(opts.root, tree);
  const verdicts = openScanVerdicts(opts.root, io.env);
  const clean = (file: string) => {
    const signature = tree.trustedSignature(file);
    return signature !== undefined && verdicts.clean(file, signature);
  };
  let fleet: Fleet;
  let problems: Diagnostic[];
  let read: RepoReader;
  try {
    fleet = loadCheckedFleet(opts.root, memo, tree);
    // The scans share one read of each small file.
    read = repoReader(opts.root, texts, clean);
    // A credential in Argo CD's repository values is reported once, as such (the fix differs).
    const repoCredentials = findRepositoryCredentials(opts.root, list, read);
    const onRepoCredential = new Set(repoCredentials.map((d) => `${d.file}:${d.line}`));
    const plaintext = findPlaintextCredentials(opts.root, parses, list, read).filter((d) => !onRepoCredential.has(`${d.file}:${d.line}`));
    problems = [...findPrivateKeys(opts.root, list, read), ...plaintext, ...repoCredentials];
  } finally {
    parses.save();
  }
  requireCluster(fleet, opts.cluster);
  // Its checks read the objects and each file's size, not each object's own YAML.
  const plans = planFleet(fleet, opts.cluster, { documentYaml: false });
  // Each cluster's budget, summed once for its check and the summary below.
  const budgets = new Map<string, ClusterBudget>();
  for (const plan of plans) {
    const rendered = opts.rendered?.requests.get(plan.cluster.name);
    const budget = clusterBudget(fleet, plan.cluster, rendered);
    budgets.set(plan.cluster.name, budget);
    problems.push(...checkGeneratedObjects(plan.files), ...checkArgoCDLimits(opts.root, plan));
    problems.push(...checkBudget(fleet, plan.cluster, rendered, budget), ...checkConnectionPools(fleet, plan.cluster));
  }
  // Sealed secrets: consumed secrets sealed per cluster and namespace, secrets/ well-formed, no plaintext Secrets.
  const keys = readKeysForClusters(opts.root, io.cwd, opts.keys ?? [], plans.map((p) => p.cluster.name));
  problems.push(...checkSecrets(opts.root, fleet, opts.cluster, keys, list, read.text, read.clean));
  // What the renders would read: inside the repository, not hostile, remote inputs pinned.
  const inputs = checkRenderInputs(opts.root, plans, tree);
  problems.push(...inputs.problems, ...(opts.strict ? inputs.tagWarnings.map((d) => ({ ...d, message: `${d.message} (--strict refuses tags)` })) : []));
  // Private repositories and registries: a sealed credential of the right kind per cluster.
  problems.push(...checkRepoAccess(opts.root, fleet, opts.cluster));
  // Whether a values file is read at all is a property of the whole fleet.
  if (opts.cluster === undefined) problems.push(...checkUnusedValueFiles(fleet));
  if (opts.rendered) problems.push(...opts.rendered.problems);
  // Every scan has run: the files they read with nothing reported (by any check) are clean.
  const flagged = new Set(problems.map((d) => d.file));
  for (const file of read.scanned()) {
    const signature = flagged.has(file) ? undefined : tree.trustedSignature(file);
    if (signature !== undefined) verdicts.record(file, signature);
  }
  verdicts.save();
  if (problems.length > 0) throw new UserError(sortDiagnostics(problems));
  const notRendered = opts.rendered?.notRendered ?? [];
  for (const d of inputs.tagWarnings) io.stderr.write(`warning: ${formatDiagnostic(d)}\n`);
  for (const w of [...retiredIngressWarnings(fleet), ...(opts.rendered?.warnings ?? [])]) io.stderr.write(`warning: ${w}\n`);
  if (notRendered.length > 0) {
    io.stderr.write(`${opts.strict ? "error" : "warning"}: ${notRendered.length} remote chart${notRendered.length === 1 ? "" : "s"} not rendered (helm could not fetch them), so not validated:\n`);
    for (const n of notRendered) io.stderr.write(`  ${n}\n`);
  }
  const objects = plans.reduce((n, p) => n + p.files.reduce((m, f) => m + (f.documents?.length ?? 1), 0), 0);
  const renders = opts.rendered ? `, ${opts.rendered.rendered} render${opts.rendered.rendered === 1 ? "" : "s"} checked against schemas and projects${notRendered.length > 0 ? ` (${notRendered.length} remote chart${notRendered.length === 1 ? "" : "s"} not rendered)` : ""}` : "";
  io.stdout.write(`valid: ${plans.length} cluster${plans.length === 1 ? "" : "s"}, ${fleet.apps.size} apps, ${objects} generated objects${renders}\n`);
  for (const plan of plans) {
    const b = budgets.get(plan.cluster.name)!;
    const pct = (x: { requested: number; capacity: number }) => Math.round((100 * x.requested) / x.capacity);
    io.stdout.write(
      `  ${plan.cluster.name}: requests ${formatMemory(b.memory.requested)} of ${formatMemory(b.memory.capacity)} memory (${pct(b.memory)}%), ${formatCpu(b.cpu.requested)} of ${formatCpu(b.cpu.capacity)} CPU (${pct(b.cpu)}%)\n`,
    );
  }
  return opts.strict && notRendered.length > 0 ? 1 : 0;
}

/**
 * The asynchronous half of `berth validate --render`: loads, plans and renders. When the fleet
 * does not load, returns undefined and lets runValidate report the problems as usual.
 */
export async function renderForValidate(opts: { root: string; cluster?: string }, io: CommandIO): Promise<RenderCheck | undefined> {
  let plans;
  try {
    const fleet = loadCheckedFleetCached(opts.root, io.env);
    requireCluster(fleet, opts.cluster);
    plans = planFleet(fleet, opts.cluster);
  } catch (e) {
    if (e instanceof UserError) return undefined;
    throw e;
  }
  // Loaded only for --render: the renderer and its schema checks are a tenth of a plain validate's start.
  const { checkRenders } = await import("../validate/render/render-fleet.js");
  const tools = await resolveTools({ env: io.env });
  const progress = renderProgress(io);
  try {
    return await checkRenders(opts.root, plans, tools, progress.update);
  } finally {
    progress.end();
  }
}
