import { existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { sortDiagnostics, UserError, type Diagnostic } from "../errors.js";
import { layout } from "../layout.js";
import { checkDnsLabel, checkDnsSubdomain, parseSealedSecretFile, type SealingScope } from "../sealer/index.js";
import { loadSealingCertificate } from "../secrets/cluster-certificate.js";
import { clustersConsuming, consumedSecrets } from "../secrets/consumers.js";
import { readSealInputs, type SealInput, type SealSources } from "../secrets/inputs.js";
import { planSeal, type SealedFilePlan, type SealTarget } from "../secrets/seal-plan.js";
import { writeFileAtomic } from "../write/atomic.js";
import { acquireWriteLock } from "../write/lock.js";
import type { CommandIO, ExitCode } from "./context.js";
import { loadCheckedFleet, requireCluster } from "../read/checked-fleet.js";

export interface SealOptions {
  root: string;
  /** Exactly one of `cluster` and `allClusters`. */
  cluster?: string;
  allClusters: boolean;
  namespace: string;
  name: string;
  scope?: SealingScope;
  type?: string;
  sources: SealSources;
}

/**
 * Seals values into secrets/<cluster>/<namespace>/<name>.yaml for one cluster, or for every
 * cluster where an app consumes that secret. Values live only in memory: they are read, sealed
 * and zeroed; output names keys and files, never values.
 */
export async function runSeal(opts: SealOptions, io: CommandIO): Promise<ExitCode> {
  // Held from reading the existing file to replacing it: two seals of one file cannot both merge
  // into the same old content and lose each other's keys.
  const lock = acquireWriteLock(opts.root, io.env);
  try {
    return await seal(opts, io);
  } finally {
    lock.release();
  }
}

async function seal(opts: SealOptions, io: CommandIO): Promise<ExitCode> {
  const { namespace, name } = opts;
  const cliProblem = (file: string, message: string, hint: string): Diagnostic => ({ file, line: 0, col: 0, message, hint });
  if ((opts.cluster === undefined) === !opts.allClusters) {
    throw new UserError([cliProblem(layout.secretsDir, opts.allClusters ? "--cluster and --all-clusters exclude each other" : "say which cluster to seal for", "give --cluster <name>, or --all-clusters to seal for every cluster whose apps consume the secret")]);
  }
  const shownCluster = opts.cluster ?? "<cluster>";
  const nameProblems: Diagnostic[] = [];
  const nsProblem = checkDnsLabel(namespace);
  if (nsProblem) nameProblems.push(cliProblem(layout.secretsNamespaceDir(shownCluster, namespace), `--namespace "${namespace}" ${nsProblem}`, "use the namespace the Secret lives in, a valid DNS label"));
  const nameProblem = checkDnsSubdomain(name);
  if (nameProblem) nameProblems.push(cliProblem(layout.sealedSecretFile(shownCluster, namespace, name), `--name "${name}" ${nameProblem}`, "use a valid Kubernetes Secret name"));
  if (nameProblems.length > 0) throw new UserError(nameProblems);

  const fleet = loadCheckedFleet(opts.root);
  requireCluster(fleet, opts.cluster);
  const clusters = opts.cluster !== undefined ? fleet.clusters.filter((c) => c.name === opts.cluster) : clustersConsuming(fleet, namespace, name);
  if (clusters.length === 0) {
    throw new UserError([
      cliProblem(layout.appsDir, `no app on any cluster consumes secret "${name}" in namespace "${namespace}", so --all-clusters names no cluster`, `declare it in an app's app.yaml (secrets: [{ name: ${name}, keys: [...] }]) or seal for one cluster with --cluster <name>`),
    ]);
  }
  const consumed = new Map(clusters.map((c) => [c.name, consumedSecrets(fleet, c).find((s) => s.namespace === namespace && s.name === name)]));

  const files = clusters.map((c) => layout.sealedSecretFile(c.name, namespace, name));
  const read = await readSealInputs(opts.sources, { cwd: io.cwd, at: files[0]!, stdin: io.stdin });
  if (!read.ok) throw new UserError(sortDiagnostics(read.diagnostics));
  const inputs = read.value;
  try {
    const now = io.now?.() ?? new Date();
    const plans: SealedFilePlan[] = [];
    const problems: Diagnostic[] = [];
    for (const cluster of clusters) {
      const file = layout.sealedSecretFile(cluster.name, namespace, name);
      const target = readTarget(opts.root, cluster.name, file, now, problems);
      if (!target) continue;
      const defaultType = consumed.get(cluster.name)?.type;
      const plan = planSeal(target, { namespace, name, scope: opts.scope, type: opts.type, defaultType, inputs });
      if (plan.ok) plans.push(plan.value);
      else problems.push(...plan.diagnostics);
    }
    if (problems.length > 0) throw new UserError(sortDiagnostics(problems));

    for (const plan of plans) {
      mkdirSync(dirname(join(opts.root, plan.file)), { recursive: true });
      writeFileAtomic(join(opts.root, plan.file), plan.content);
    }
    for (const plan of plans) {
      const kept = plan.kept.length > 0 ? `; kept ${plan.kept.join(", ")}` : "";
      io.stdout.write(`${plan.file}: sealed ${plan.sealed.join(", ")}${kept} (cluster ${plan.cluster}, ${plan.scope}, ${plan.type})\n`);
    }
    for (const note of notes(plans, inputs, consumed)) io.stderr.write(`note: ${note}\n`);
    return 0;
  } finally {
    for (const input of inputs) input.value.fill(0);
  }
}

/** The cluster's certificate and the existing file; problems are collected, not thrown, so all clusters are checked. */
function readTarget(root: string, cluster: string, file: string, now: Date, problems: Diagnostic[]): SealTarget | undefined {
  const cert = loadSealingCertificate(root, cluster, now);
  if (!cert.ok) problems.push(...cert.diagnostics);
  const abs = join(root, file);
  let existing: SealTarget["existing"];
  if (existsSync(abs)) {
    if (!statSync(abs).isFile()) {
      problems.push({ file, line: 0, col: 0, message: "is not a file", hint: "remove whatever is at this path; berth writes the SealedSecret there" });
      return undefined;
    }
    const text = readFileSync(abs, "utf8");
    const parsed = parseSealedSecretFile(text, file);
    if (!parsed.ok) {
      const hint = `berth merges new keys into an existing SealedSecret; fix or delete ${file}`;
      problems.push(...parsed.diagnostics.map((d) => ({ ...d, hint: d.hint ? `${d.hint}; ${hint}` : hint })));
      return undefined;
    }
    existing = { text, parsed: parsed.value };
  }
  return cert.ok ? { cluster, file, cert: cert.value, existing } : undefined;
}

function notes(plans: readonly SealedFilePlan[], inputs: readonly SealInput[], consumed: ReadonlyMap<string, { keys: string[]; consumers: { instance: string }[] } | undefined>): string[] {
  const out: string[] = [];
  for (const input of inputs) {
    if (input.from === "--from-stdin" && input.value[input.value.length - 1] === 0x0a) {
      out.push(`the value of ${input.key} read from stdin ends with a newline, which was sealed as part of it (use printf '%s' or echo -n to leave it out)`);
    }
  }
  for (const plan of plans) {
    const secret = consumed.get(plan.cluster);
    if (!secret) {
      out.push(`no app on cluster ${plan.cluster} consumes ${plan.file.split("/").slice(2).join("/").replace(/\.ya?ml$/, "")}; \`berth secrets status\` lists it as unused until an app.yaml declares it`);
      continue;
    }
    const have = new Set([...plan.sealed, ...plan.kept]);
    const missing = secret.keys.filter((k) => !have.has(k));
    if (missing.length > 0) out.push(`${plan.file} still lacks ${missing.join(", ")}, needed by ${[...new Set(secret.consumers.map((c) => c.instance))].join(", ")} on cluster ${plan.cluster}`);
  }
  return out;
}
