import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { EnvironmentError, UserError, type Diagnostic } from "../errors.js";
import { githubConfigFor } from "../github/config.js";
import { repoKeysApi, type DeployKey, type RepoKeysApi } from "../github/deploy-keys.js";
import { redact } from "../github/errors.js";
import { layout } from "../layout.js";
import type { Cluster } from "../model/fleet.js";
import { accessMismatch, githubRepoOf, requiredCredentials, type RepoCredential } from "../plan/repo-credentials.js";
import { deployKeyFailure } from "../repo-access/github-failure.js";
import { knownHostLines } from "../repo-access/known-hosts.js";
import { registryEnvNames, registryLoginFromEnv } from "../exec/registry-env.js";
import { checkRotationApplied, type ClusterReader } from "../repo-access/rotation.js";
import { accessName, DEPLOY_KEY_ANNOTATION, sealCredential } from "../repo-access/sealed-credential.js";
import { generateDeployKey, sshFingerprint } from "../repo-access/ssh-key.js";
import { setKnownHosts } from "../scaffold/cluster-edit.js";
import { parseSealedSecretFile, type ParsedSealedSecret, type SealingCertificate } from "../sealer/index.js";
import { loadSealingCertificate } from "../secrets/cluster-certificate.js";
import { writeFileAtomic } from "../write/atomic.js";
import { acquireWriteLock } from "../write/lock.js";
import { loadCheckedFleet, requireCluster } from "../read/checked-fleet.js";
import type { CommandIO, ExitCode } from "./context.js";

export interface RepoConnectOptions {
  root: string;
  cluster: string;
  /** A private chart registry of the cluster (its `registries:` URL) instead of the fleet repository. */
  registry?: string;
  /** Replace the credential: a new deploy key is registered beside the old one. */
  rotate: boolean;
  /** After a rotation reached the cluster: delete the deploy keys the cluster no longer uses. */
  finish: boolean;
  /** Read the secret part (token, App private key, registry password) from standard input. */
  fromStdin: boolean;
  appId?: string;
  installationId?: string;
  /** A registry's user name (not a secret); else from BERTH_REGISTRY_<HOST>_USERNAME. */
  username?: string;
  /** The kube context --finish reads the cluster through (default: the cluster's name). */
  context?: string;
}

export interface RepoConnectDeps {
  io: CommandIO;
  /** How --finish reads the cluster (kubectl, or a test's real API server). */
  cluster?: ClusterReader;
  sleep?: (ms: number) => Promise<void>;
  retryBaseMs?: number;
}

/** The title of every deploy key berth registers for a cluster: how it finds them again. */
export const deployKeyTitle = (cluster: string) => `berth:${cluster}`;

/**
 * Gives Argo CD on one cluster a credential for the fleet repository (repo.access) or one of the
 * cluster's private chart registries, sealed for that cluster into secrets/<cluster>/argocd/. The
 * credential exists in plaintext only in this process's memory; output names keys and
 * fingerprints, never values.
 */
export async function runRepoConnect(opts: RepoConnectOptions, deps: RepoConnectDeps): Promise<ExitCode> {
  if (opts.rotate && opts.finish) throw new UserError([cli(opts, "--rotate and --finish are two steps of one rotation", "run --rotate, commit and push, wait for Argo CD to sync, then run --finish")]);
  const lock = acquireWriteLock(opts.root, deps.io.env);
  try {
    const fleet = loadCheckedFleet(opts.root);
    requireCluster(fleet, opts.cluster);
    const cluster = fleet.clusters.find((c) => c.name === opts.cluster)!;
    const cred = pickCredential(cluster, opts);
    const at = { file: layout.clusterFile(cluster.name), line: 0, col: 0 };
    const mismatch = cred.purpose === "fleet" ? accessMismatch(cred.access, cred.url) : undefined;
    if (mismatch) throw new UserError([{ ...at, ...mismatch }]);
    const existing = readExisting(opts.root, cred);
    if (cred.access === "deployKey") return await connectDeployKey(opts, deps, cluster, cred, existing);
    if (opts.finish) throw new UserError([cli(opts, `--finish deletes replaced deploy keys; a ${accessName(cred.access)} has none`, `revoke the old ${accessName(cred.access)} where it was issued, once Argo CD on ${cluster.name} uses the new one`)]);
    if (existing && !opts.rotate) {
      deps.io.stdout.write(`${cred.file}: kept the sealed ${accessName(cred.access)} for ${cred.url} (cluster ${cluster.name}); --rotate replaces it\n`);
      return 0;
    }
    const cert = certificate(opts.root, cluster.name, deps.io);
    const values = await readSecretValues(opts, deps.io, cred);
    try {
      write(opts.root, cred.file, sealCredential(cred, values, cert));
    } finally {
      for (const v of values.values()) v.fill(0);
    }
    deps.io.stdout.write(`${cred.file}: sealed ${[...values.keys()].sort().join(", ")} for ${cred.url} (cluster ${cluster.name}, ${cred.prefix ? "repo-creds" : "repository"})\n`);
    deps.io.stdout.write(`next: commit ${cred.file} and push${cred.purpose === "fleet" ? "; a cluster not yet bootstrapped gets it from berth bootstrap" : ""}\n`);
    return 0;
  } finally {
    lock.release();
  }
}

function cli(opts: RepoConnectOptions, message: string, hint: string): Diagnostic {
  return { file: layout.clusterFile(opts.cluster), line: 0, col: 0, message, hint };
}

function pickCredential(cluster: Cluster, opts: RepoConnectOptions): RepoCredential {
  const creds = requiredCredentials(cluster);
  if (opts.registry !== undefined) {
    const found = creds.find((c) => c.purpose === "registry" && c.url === opts.registry!.replace(/\/+$/, ""));
    if (found) return found;
    throw new UserError([cli(opts, `${opts.registry} is not one of cluster "${cluster.name}"'s private registries`, `add it to ${layout.clusterFile(cluster.name)}: registries: [{ url: ${opts.registry} }] (the URL as apps name it in source.repo)`)]);
  }
  const fleet = creds.find((c) => c.purpose === "fleet");
  if (fleet) return fleet;
  throw new UserError([
    cli(opts, `cluster "${cluster.name}" reads ${cluster.spec.repo.url} without a credential (repo.access is public)`, "set repo.access in cluster.yaml: deployKey (with an ssh:// or git@ URL), githubApp or token (with an https:// URL); or give --registry <url> for a chart registry"),
  ]);
}

function readExisting(root: string, cred: RepoCredential): ParsedSealedSecret | undefined {
  const abs = join(root, cred.file);
  if (!existsSync(abs)) return undefined;
  const parsed = parseSealedSecretFile(readFileSync(abs, "utf8"), cred.file);
  if (!parsed.ok) throw new UserError(parsed.diagnostics.map((d) => ({ ...d, hint: `${d.hint ? `${d.hint}; ` : ""}or delete ${cred.file} and connect again` })));
  return parsed.value;
}

function certificate(root: string, cluster: string, io: CommandIO): SealingCertificate {
  const cert = loadSealingCertificate(root, cluster, io.now?.() ?? new Date());
  if (!cert.ok) throw new UserError(cert.diagnostics);
  return cert.value;
}

function write(root: string, file: string, content: string): void {
  mkdirSync(dirname(join(root, file)), { recursive: true });
  writeFileAtomic(join(root, file), content);
}

/** The secret values of a token, GitHub App or registry login: standard input or the environment, never argv. */
async function readSecretValues(opts: RepoConnectOptions, io: CommandIO, cred: RepoCredential): Promise<Map<string, Buffer>> {
  const secretFrom = async (envName: string, what: string): Promise<Buffer> => {
    if (opts.fromStdin) {
      if (!io.stdin) throw new EnvironmentError(`--from-stdin, but there is no standard input to read the ${what} from`, `pipe it in: \`pass show ${what} | berth repo connect ${opts.cluster} --from-stdin\``);
      const raw = await io.stdin();
      const trimmed = Buffer.from(raw.toString("utf8").replace(/\r?\n$/, ""), "utf8");
      raw.fill(0);
      if (trimmed.length === 0) throw new EnvironmentError(`standard input was empty: no ${what}`, "pipe the value in");
      return trimmed;
    }
    const v = io.env[envName];
    if (!v) throw new EnvironmentError(`no ${what}: ${envName} is not set and --from-stdin was not given`, `export ${envName} (e.g. from your password manager), or pipe the value in with --from-stdin; never as an argument`);
    return Buffer.from(v, "utf8");
  };
  if (cred.access === "token") {
    return new Map([["username", Buffer.from("x-access-token")], ["password", await secretFrom("BERTH_REPO_TOKEN", "token")]]);
  }
  if (cred.access === "githubApp") {
    const id = (name: string, v: string | undefined) => {
      if (!v || !/^[1-9]\d{0,15}$/.test(v)) throw new UserError([cli(opts, `${name} ${v === undefined ? "is required for a GitHub App" : `"${v}" is not a number`}`, `give ${name} <number> (the App's settings page and its installation's URL show them)`)]);
      return Buffer.from(v);
    };
    const appId = id("--app-id", opts.appId);
    const installationId = id("--installation-id", opts.installationId);
    const key = await secretFrom("BERTH_GITHUB_APP_PRIVATE_KEY", "GitHub App private key");
    if (!/-----BEGIN (RSA )?PRIVATE KEY-----/.test(key.toString("latin1"))) {
      key.fill(0);
      throw new EnvironmentError("the GitHub App private key is not a PEM private key", "give the .pem file GitHub generated for the App (Settings → Developer settings → GitHub Apps → Private keys)");
    }
    const values = new Map([["githubAppID", appId], ["githubAppInstallationID", installationId], ["githubAppPrivateKey", key]]);
    const api = io.env.GITHUB_API_URL?.trim();
    if (api && api.replace(/\/+$/, "") !== "https://api.github.com") values.set("githubAppEnterpriseBaseUrl", Buffer.from(api.replace(/\/+$/, "")));
    return values;
  }
  // A chart registry's login: the same per-host variables berth's own renders read.
  const names = registryEnvNames(cred.url);
  const username = opts.username ?? registryLoginFromEnv(cred.url, io.env)?.username;
  if (!username) throw new UserError([cli(opts, `no user name for ${cred.url}`, `give --username <name> or export ${names.username}`)]);
  return new Map([["username", Buffer.from(username)], ["password", await secretFrom(names.password, `password for ${cred.url}`)]]);
}

async function connectDeployKey(opts: RepoConnectOptions, deps: RepoConnectDeps, cluster: Cluster, cred: RepoCredential, existing: ParsedSealedSecret | undefined): Promise<ExitCode> {
  const { io } = deps;
  const gh = githubRepoOf(cred.url);
  if (!gh) throw new UserError([cli(opts, `${cred.url} does not name a GitHub repository (owner/name)`, "berth registers deploy keys through GitHub's API; for another host, register the key there and seal it with berth seal")]);
  const config = githubConfigFor(io.env, gh.owner, gh.repo);
  const say = (s: string) => io.stderr.write(`${redact(s, config.token)}\n`);
  const api = repoKeysApi(config, {
    rateLimit: { retries: 3, maxWaitMs: 15 * 60_000, sleep: deps.sleep ?? ((ms) => delay(ms)), now: () => (io.now?.() ?? new Date()).getTime(), onWait: (ms, status) => say(`berth repo connect: GitHub answered ${status} (rate limit); retrying in ${Math.ceil(ms / 1000)}s`) },
    retryBaseMs: deps.retryBaseMs,
    warn: (m) => say(`berth repo connect: ${m}`),
  });
  const repoName = `${gh.owner}/${gh.repo}`;
  const call = async <T>(doing: string, f: () => Promise<T>): Promise<T> => {
    try {
      return await f();
    } catch (e) {
      throw deployKeyFailure(e, doing, repoName, config.token);
    }
  };
  const title = deployKeyTitle(cluster.name);
  const sealedFingerprint = existing?.secret.metadata.annotations?.[DEPLOY_KEY_ANNOTATION];
  const keys = await call(`list the deploy keys of ${repoName}`, () => api.list());
  const fp = (k: DeployKey) => sshFingerprint(k.key);

  if (opts.finish) return finish(opts, deps, cluster, cred, api, call, keys, sealedFingerprint, title, repoName);

  // Host keys first: nothing is registered or written when GitHub's cannot be read.
  const hostLines = knownHostLines(cred.url, await call("read GitHub's SSH host keys (GET /meta)", () => api.sshHostKeys()));
  if (hostLines.length === 0) throw new EnvironmentError(`GitHub's API (GET /meta) lists no SSH host keys for ${cred.url}`, "berth never trusts an unknown host key; check GITHUB_API_URL (GitHub Enterprise: https://HOST/api/v3)");
  const clusterFile = join(opts.root, layout.clusterFile(cluster.name));
  const pinned = cluster.spec.repo.knownHosts ?? [];
  const hostsChanged = JSON.stringify([...pinned].sort()) !== JSON.stringify([...hostLines].sort());
  for (const line of hostLines) io.stdout.write(`host key ${line.split(" ")[0]} ${line.split(" ")[1]} ${sshFingerprint(line)}\n`);

  const current = sealedFingerprint ? keys.find((k) => fp(k) === sealedFingerprint) : undefined;
  let keyLine = "";
  if (existing && !opts.rotate) {
    if (!current) {
      throw new EnvironmentError(
        `${cred.file} holds deploy key ${sealedFingerprint ?? "(no berth.dev/deploy-key annotation)"}, which is not registered on ${repoName}`,
        `run \`berth repo connect ${cluster.name} --rotate\` to register a new key and seal it (the sealed one cannot be read back to register it again)`,
      );
    }
    keyLine = `${cred.file}: kept deploy key ${current.title} ${sealedFingerprint} (read-only ${current.readOnly ? "yes" : "NO"}) on ${repoName}; --rotate replaces it\n`;
  } else {
    const cert = certificate(opts.root, cluster.name, io);
    const pair = generateDeployKey(title);
    try {
      const added = await call(`add a read-only deploy key to ${repoName}`, () => api.add(title, pair.publicKey));
      if (!added.readOnly) throw new EnvironmentError(`GitHub registered deploy key ${added.id} on ${repoName} with write access`, "delete it in the repository's settings (Deploy keys); berth only registers read-only keys");
      write(opts.root, cred.file, sealCredential(cred, new Map([["sshPrivateKey", pair.privateKey]]), cert, { [DEPLOY_KEY_ANNOTATION]: pair.fingerprint }));
    } finally {
      pair.privateKey.fill(0);
    }
    const older = keys.filter((k) => k.title === title);
    keyLine = `${cred.file}: sealed a new read-only deploy key ${title} ${pair.fingerprint}, registered on ${repoName} (cluster ${cluster.name})\n`;
    if (opts.rotate || older.length > 0) {
      keyLine += `next: commit and push; once Argo CD on ${cluster.name} has synced it, \`berth repo connect ${cluster.name} --finish\` deletes the ${older.length} older key${older.length === 1 ? "" : "s"} (${older.map(fp).join(", ")})\n`;
    }
  }
  if (hostsChanged) {
    writeFileAtomic(clusterFile, setKnownHosts(readFileSync(clusterFile, "utf8"), hostLines));
    io.stdout.write(`${layout.clusterFile(cluster.name)}: pinned ${hostLines.length} SSH host key${hostLines.length === 1 ? "" : "s"} from GitHub's API in repo.knownHosts (run berth generate: Argo CD reads them from argocd-ssh-known-hosts-cm)\n`);
  }
  io.stdout.write(keyLine);
  return 0;
}

async function finish(
  opts: RepoConnectOptions,
  deps: RepoConnectDeps,
  cluster: Cluster,
  cred: RepoCredential,
  api: RepoKeysApi,
  call: <T>(doing: string, f: () => Promise<T>) => Promise<T>,
  keys: DeployKey[],
  sealedFingerprint: string | undefined,
  title: string,
  repoName: string,
): Promise<ExitCode> {
  if (!sealedFingerprint) throw new UserError([cli(opts, `no deploy key is sealed at ${cred.file}: nothing to finish`, `run \`berth repo connect ${cluster.name}\` first`)]);
  const stale = keys.filter((k) => k.title === title && sshFingerprint(k.key) !== sealedFingerprint);
  if (stale.length === 0) {
    deps.io.stdout.write(`${repoName}: no older deploy key of cluster ${cluster.name}; ${sealedFingerprint} is the only one\n`);
    return 0;
  }
  if (!deps.cluster) throw new Error("unreachable: the CLI always passes a cluster reader");
  const applied = await checkRotationApplied(deps.cluster, { root: opts.root, file: cred.file, secretName: cred.secretName, fingerprint: sealedFingerprint });
  if (!applied.ok) throw new EnvironmentError(`not deleting the older key${stale.length === 1 ? "" : "s"} yet: ${applied.why}`, `${applied.fix}; deleting the key Argo CD still uses would lock cluster ${cluster.name} out`);
  for (const k of stale) {
    await call(`delete deploy key ${k.id} from ${repoName}`, () => api.remove(k.id));
    deps.io.stdout.write(`${repoName}: deleted the older deploy key ${k.title} ${sshFingerprint(k.key)} (${applied.evidence})\n`);
  }
  return 0;
}
