import { mkdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { EnvironmentError, ExitError, UserError } from "../errors.js";
import { spawnRunner, type Runner } from "../exec/runner.js";
import { resolveTools } from "../exec/tools.js";
import { expectedContext, identityChecks } from "../bootstrap/plan.js";
import { layout } from "../layout.js";
import type { Cluster, Fleet } from "../model/fleet.js";
import { planCluster } from "../plan/plan-cluster.js";
import { generateSealingKeyPair, parseSealingCertificate, sealingKeySecret, type SealingCertificate } from "../sealer/index.js";
import { loadSealingCertificate, shortFingerprint } from "../secrets/cluster-certificate.js";
import { readClusterCerts, type ClusterCert } from "../secrets/cluster-certs.js";
import { applyKeySecret, controllerOpens, deleteKeySecret, findController, listKeySecrets, restartController, type Kube } from "../secrets/controller-keys.js";
import { checkKeyOutPath, writePrivateKey } from "../secrets/key-file.js";
import { readGivenKeys } from "../secrets/private-keys.js";
import { secretsStatus } from "../secrets/status.js";
import { writeFileAtomic } from "../write/atomic.js";
import { acquireWriteLock } from "../write/lock.js";
import type { CommandIO, ExitCode } from "./context.js";
import { loadCheckedFleet, requireCluster } from "../read/checked-fleet.js";
import { resealLocked } from "./reseal.js";

/** The live cluster: kubectl, the clock and sleep; injected so tests can drive them. */
export interface LiveDeps {
  runner: Runner;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  kubectl: (env: Readonly<Record<string, string | undefined>>) => Promise<string>;
}

export const defaultLiveDeps = (): LiveDeps => ({
  runner: spawnRunner,
  now: () => Date.now(),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  kubectl: async (env) => (await resolveTools({ env })).kubectl,
});

interface LiveOptions {
  root: string;
  cluster: string;
  context?: string;
  trustContext?: boolean;
  /** How long the controller's restart and the canary may take. */
  timeoutMs: number;
}

export interface KeysInstallOptions extends LiveOptions {
  /** The private key file (outside the repository) of the active or a listed certificate. */
  key: string;
}

export interface KeysRotateOptions extends LiveOptions {
  /** Where the new private key goes: outside any git work tree, a new file. */
  out: string;
  /** Old private keys: when given, every SealedSecret is re-sealed in the same run. */
  resealKeys: readonly string[];
}

export interface KeysRemoveOptions extends LiveOptions {
  /** The listed certificate whose key leaves the controller (12 hex digits or the full fingerprint). */
  certificate: string;
  /** Private keys that open the SealedSecrets, so "nothing is sealed with it" is verified. */
  keys: readonly string[];
}

/**
 * `berth keys install`: puts a key of the cluster (active or listed certificate) into the
 * controller's namespace with the label it loads keys by, restarts the controller, and proves
 * through the controller that it holds the key. Used to restore a key, or to finish a rotation
 * interrupted after its key was generated.
 */
export async function runKeysInstall(opts: KeysInstallOptions, io: CommandIO, deps: LiveDeps = defaultLiveDeps()): Promise<ExitCode> {
  const fleet = loadCheckedFleet(opts.root);
  requireCluster(fleet, opts.cluster);
  const cluster = fleet.clusters.find((c) => c.name === opts.cluster)!;
  const certs = readClusterCerts(opts.root, opts.cluster);
  const [given] = readGivenKeys(opts.root, io.cwd, [opts.key], certs);
  const cert = checkedCert(given!.cert, io);
  const live = await connect(fleet, cluster, opts, io, deps);
  const privateKeyPem = given!.key.export({ type: "pkcs1", format: "pem" }).toString();
  await installAndVerify(live, cert, privateKeyPem, opts.timeoutMs);
  return 0;
}

/**
 * `berth keys rotate`, in the only order that never breaks the cluster: (1) a new key pair, the
 * private key written first and only to --out; (2) the key installed in the controller, which is
 * restarted, and a canary sealed with the new certificate opened by it; (3) only then the new
 * certificate becomes the active one in the repository and the old one is listed (its key stays
 * in the controller, so everything sealed with it still opens); (4) with --key, every SealedSecret
 * is re-sealed to the new certificate. Interrupted anywhere, the repository never names a
 * certificate whose key the controller lacks.
 */
export async function runKeysRotate(opts: KeysRotateOptions, io: CommandIO, deps: LiveDeps = defaultLiveDeps()): Promise<ExitCode> {
  const lock = acquireWriteLock(opts.root, io.env);
  try {
    const fleet = loadCheckedFleet(opts.root);
    requireCluster(fleet, opts.cluster);
    const cluster = fleet.clusters.find((c) => c.name === opts.cluster)!;
    const now = io.now?.() ?? new Date();
    const current = loadSealingCertificate(opts.root, opts.cluster, now);
    if (!current.ok) throw new UserError(current.diagnostics);
    const certs = readClusterCerts(opts.root, opts.cluster);
    if (certs.diagnostics.length > 0) throw new UserError(certs.diagnostics);
    const keyPath = resolve(io.cwd, opts.out);
    const outProblem = checkKeyOutPath(opts.root, keyPath, opts.out);
    if (outProblem) throw new UserError([outProblem]);
    // Old keys are read (and checked against the listed certificates) before anything changes.
    const oldKeys = opts.resealKeys.length > 0 ? readGivenKeys(opts.root, io.cwd, opts.resealKeys, certs) : [];
    const live = await connect(fleet, cluster, opts, io, deps);

    const pair = await generateSealingKeyPair({ now });
    writePrivateKey(keyPath, pair.privateKeyPem);
    const fresh = parseSealingCertificate(pair.certPem, { now, file: layout.sealingCert(opts.cluster) });
    if (!fresh.ok) throw new Error("keys rotate: the generated certificate does not parse");
    const say = (s: string) => io.stdout.write(`${s}\n`);
    say(`1/3 new sealing key ${shortFingerprint(fresh.value.fingerprint)}: private key in ${opts.out} (mode 0600; back it up outside the repository)`);
    say(`2/3 installing it on cluster ${opts.cluster} (context ${live.kube.context})`);
    try {
      await installAndVerify(live, fresh.value, pair.privateKeyPem, opts.timeoutMs);
    } catch (e) {
      io.stderr.write(`the repository is unchanged (${layout.sealingCert(opts.cluster)} is still ${shortFingerprint(current.value.fingerprint)}); the new key is in ${opts.out}: finish with berth keys install ${opts.cluster} --key ${opts.out} --context ${live.kube.context}, then run rotate again or remove the file\n`);
      throw e;
    }
    // The old certificate is listed before the new one replaces it: killed in between, both name
    // keys the controller holds.
    const oldListed = layout.listedSealingCert(opts.cluster, current.value.fingerprint);
    mkdirSync(join(opts.root, layout.sealingCertsDir(opts.cluster)), { recursive: true });
    writeFileAtomic(join(opts.root, oldListed), current.value.pem.endsWith("\n") ? current.value.pem : `${current.value.pem}\n`);
    writeFileAtomic(join(opts.root, layout.sealingCert(opts.cluster)), pair.certPem);
    say(`3/3 ${layout.sealingCert(opts.cluster)}: now ${shortFingerprint(fresh.value.fingerprint)} (active); ${oldListed}: the old certificate, listed while the controller keeps its key`);
    if (oldKeys.length > 0) {
      const code = resealLocked({ root: opts.root, cluster: opts.cluster, keys: opts.resealKeys }, io);
      if (code !== 0) return code;
    } else {
      say(`next: berth seal --reseal ${opts.cluster} --key <the old private key>, then commit and push`);
    }
    say(`then, once Argo CD has synced: berth secrets status ${opts.cluster} --key ${opts.out} shows what is still sealed with ${shortFingerprint(current.value.fingerprint)}; when nothing is, berth keys remove ${opts.cluster} --certificate ${shortFingerprint(current.value.fingerprint)} --context ${live.kube.context}`);
    return 0;
  } finally {
    lock.release();
  }
}

/**
 * `berth keys remove`: takes a listed certificate's key away from the controller, only when
 * `secrets status` shows nothing of the cluster sealed with it (verified by opening the values
 * when --key is given, else by berth's annotation, said to be unverified). The listing goes first
 * (the repository never claims a key the controller lacks), then the key Secret, then the restart.
 */
export async function runKeysRemove(opts: KeysRemoveOptions, io: CommandIO, deps: LiveDeps = defaultLiveDeps()): Promise<ExitCode> {
  const lock = acquireWriteLock(opts.root, io.env);
  try {
    const fleet = loadCheckedFleet(opts.root);
    requireCluster(fleet, opts.cluster);
    const cluster = fleet.clusters.find((c) => c.name === opts.cluster)!;
    const certs = readClusterCerts(opts.root, opts.cluster);
    const wanted = opts.certificate.toLowerCase();
    const where = { file: layout.sealingCertsDir(opts.cluster), line: 0, col: 0 };
    if (certs.active && certs.active.fingerprint.startsWith(wanted)) {
      throw new UserError([{ ...where, file: layout.sealingCert(opts.cluster), message: `certificate ${opts.certificate} is the active one; its key seals everything new`, hint: `rotate first (berth keys rotate ${opts.cluster} --out <new key file> --context <context>), then remove the old one` }]);
    }
    const cert = /^[0-9a-f]{12,64}$/.test(wanted) ? certs.listed.find((c) => c.fingerprint.startsWith(wanted)) : undefined;
    if (!cert) {
      throw new UserError([{ ...where, message: `no listed certificate ${opts.certificate}`, hint: `listed: ${certs.listed.map((c) => shortFingerprint(c.fingerprint)).join(", ") || "none"}; give the first 12 hex digits of one (the file name in ${layout.sealingCertsDir(opts.cluster)}/)` }]);
    }
    const keys = readGivenKeys(opts.root, io.cwd, opts.keys, certs);
    const map = new Map([[opts.cluster, keys]]);
    const status = secretsStatus(opts.root, fleet, io.now?.() ?? new Date(), opts.cluster, map);
    const blocking = status.rows.filter((r) => r.sealedWithFingerprints.includes(cert.fingerprint) || (r.sealedWith !== "-" && r.sealedWithFingerprints.length === 0 && !r.verified));
    if (blocking.length > 0) {
      const keyHint = keys.some((k) => k.cert.fingerprint === cert.fingerprint) ? "" : ` (or, if they are not, pass --key <private key of ${shortFingerprint(cert.fingerprint)}> to open them and check)`;
      throw new UserError(
        blocking.map((r) => ({
          file: layout.sealedSecretFile(r.cluster, ...(r.secret.split("/") as [string, string])),
          line: 1,
          col: 1,
          message: `may be sealed with certificate ${shortFingerprint(cert.fingerprint)} (${r.sealedWith}): removing its key would leave it unopenable`,
          hint: `re-seal first: berth seal --reseal ${opts.cluster} --key <private key of ${shortFingerprint(cert.fingerprint)}>, commit and push${keyHint}`,
        })),
      );
    }
    const verified = status.rows.every((r) => r.sealedWith === "-" || r.verified);
    const live = await connect(fleet, cluster, opts, io, deps);
    const say = (s: string) => io.stdout.write(`${s}\n`);
    const sealedCount = status.rows.filter((r) => r.sealedWith !== "-").length;
    say(`nothing of cluster ${opts.cluster} is sealed with ${shortFingerprint(cert.fingerprint)} (${sealedCount} SealedSecret${sealedCount === 1 ? "" : "s"}, ${verified ? "verified by opening them" : "unverified: from berth.dev/sealed-with; pass --key to open them"})`);
    rmSync(join(opts.root, cert.file), { force: true });
    say(`${cert.file}: removed`);
    const held = (await listKeySecrets(live.kube, live.namespace)).filter((k) => k.fingerprint === cert.fingerprint);
    for (const k of held) {
      await deleteKeySecret(live.kube, live.namespace, k.secret);
      say(`Secret ${live.namespace}/${k.secret}: deleted`);
    }
    if (held.length === 0) say(`the controller held no key Secret for ${shortFingerprint(cert.fingerprint)}`);
    await restartController(live.kube, live.namespace, live.deployment, opts.timeoutMs);
    say(`deployment/${live.deployment} restarted: the controller no longer holds ${shortFingerprint(cert.fingerprint)}; commit the removed certificate`);
    return 0;
  } finally {
    lock.release();
  }
}

interface Live {
  kube: Kube;
  namespace: string;
  deployment: string;
}

/** The cluster's context (same rules as bootstrap: its name, or a recorded identity checked live) and its controller. */
async function connect(fleet: Fleet, cluster: Cluster, opts: LiveOptions, io: CommandIO, deps: LiveDeps): Promise<Live> {
  const sealer = planCluster(fleet, cluster).instances.find((i) => i.app?.spec.role === "sealed-secrets");
  if (!sealer) {
    throw new UserError([{ file: layout.clusterFile(cluster.name), line: 0, col: 0, message: `cluster "${cluster.name}" runs no sealed-secrets controller (no app with role: sealed-secrets)`, hint: "add the sealed-secrets app to the cluster's apps" }]);
  }
  const context = expectedContext(cluster, opts.context, false, opts.trustContext ?? false);
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(io.env)) if (v !== undefined) env[k] = v;
  const kube: Kube = { runner: deps.runner, kubectl: await deps.kubectl(io.env), context, env, cwd: opts.root, now: deps.now, sleep: deps.sleep, say: (s) => io.stdout.write(`${s}\n`) };
  for (const check of identityChecks(cluster, context)) {
    const r = await deps.runner(kube.kubectl, check.command.args, { env, cwd: opts.root, timeoutMs: 120_000 });
    const live = r.stdout.trim();
    const same = check.field === "apiServer" ? live.replace(/\/+$/, "") === check.expected.replace(/\/+$/, "") : live === check.expected;
    if (r.code !== 0 || !same) {
      throw new EnvironmentError(`kube context ${context} does not reach cluster ${cluster.name}: identity.${check.field} is ${check.expected}, the context gives ${live || "(nothing)"}; nothing was changed`, `pass the context of cluster ${cluster.name}`);
    }
  }
  const deployment = await findController(kube, sealer.namespace);
  return { kube, namespace: sealer.namespace, deployment };
}

async function installAndVerify(live: Live, cert: SealingCertificate, privateKeyPem: string, timeoutMs: number): Promise<void> {
  const { kube, namespace, deployment } = live;
  const secret = sealingKeySecret({ certPem: cert.pem, privateKeyPem, namespace });
  const { toYaml } = await import("../yaml/canonical.js");
  await applyKeySecret(kube, namespace, toYaml(secret), secret.metadata.name);
  kube.say(`  Secret ${namespace}/${secret.metadata.name}: applied (label sealedsecrets.bitnami.com/sealed-secrets-key=active)`);
  await restartController(kube, namespace, deployment, timeoutMs);
  kube.say(`  deployment/${deployment} restarted, so the controller loads the key`);
  const failure = await controllerOpens(kube, namespace, cert, timeoutMs);
  if (failure !== undefined) {
    throw new ExitError(
      1,
      `berth: the controller did not open a canary sealed with certificate ${shortFingerprint(cert.fingerprint)} within ${Math.round(timeoutMs / 1000)} s: ${failure}\n  fix: look at the controller's log (kubectl --context ${kube.context} -n ${namespace} logs deployment/${deployment}); the key Secret ${secret.metadata.name} stays installed, and the repository was not changed`,
    );
  }
  kube.say(`  verified: the controller opened a canary SealedSecret sealed with ${shortFingerprint(cert.fingerprint)} (Synced, Secret holds the value)`);
}

function checkedCert(cert: ClusterCert, io: CommandIO): SealingCertificate {
  const parsed = parseSealingCertificate(cert.x509.toString(), { now: io.now?.() ?? new Date(), file: cert.file });
  if (!parsed.ok) throw new UserError(parsed.diagnostics);
  return parsed.value;
}

