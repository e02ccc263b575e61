import { randomBytes } from "node:crypto";
import { EnvironmentError } from "../errors.js";
import type { Runner } from "../exec/runner.js";
import { summarizeStderr } from "../exec/stderr.js";
import { buildSealedSecret, sealValue, SEALING_KEY_LABEL, type SealingCertificate } from "../sealer/index.js";
import { toYaml } from "../yaml/canonical.js";
import { certificateFingerprint, shortFingerprint } from "./cluster-certificate.js";

/**
 * The sealing keys a live controller holds: Secrets in its namespace labelled
 * sealedsecrets.bitnami.com/sealed-secrets-key (it loads them only when it starts, unless it runs
 * with --watch-for-secrets, so every change is followed by a restart of its Deployment), and
 * proof through the controller itself that it holds a key: a canary SealedSecret sealed with the
 * key's certificate reaches Synced and its Secret holds the canary value.
 */
export interface Kube {
  runner: Runner;
  kubectl: string;
  context: string;
  env: Record<string, string>;
  cwd: string;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  say: (line: string) => void;
}

const SHORT = 2 * 60_000;
/** The Helm chart's standard label on the controller's Deployment. */
const CONTROLLER_SELECTOR = "app.kubernetes.io/name=sealed-secrets";
const CANARY_ITEM = "check";

async function kubectl(kube: Kube, args: readonly string[], what: string, opts: { stdin?: string; timeoutMs?: number; allowFail?: boolean } = {}) {
  const full = ["--context", kube.context, ...args];
  const r = await kube.runner(kube.kubectl, full, { env: kube.env, cwd: kube.cwd, stdin: opts.stdin, timeoutMs: opts.timeoutMs ?? SHORT });
  if (r.code !== 0 && !opts.allowFail) {
    const why = r.spawnError ? `could not run ${kube.kubectl}: ${r.spawnError}` : r.timedOut ? "timed out" : `exit code ${r.code}: ${summarizeStderr(r.stderr) || "(no message)"}`;
    throw new EnvironmentError(`${what}\n  $ kubectl ${full.join(" ")}\n  ${why}`, `check that context ${kube.context} reaches the cluster and its user may ${what.replace(/^could not /, "")}; nothing was deleted`);
  }
  return r;
}

/** The controller's Deployment in `namespace` (exactly one). */
export async function findController(kube: Kube, namespace: string): Promise<string> {
  const r = await kubectl(kube, ["-n", namespace, "get", "deployments", "-l", CONTROLLER_SELECTOR, "-o", "jsonpath={.items[*].metadata.name}"], `could not list the sealed-secrets Deployments in ${namespace}`);
  const names = r.stdout.split(/\s+/).filter(Boolean);
  if (names.length !== 1) {
    throw new EnvironmentError(
      `expected one sealed-secrets controller Deployment (label ${CONTROLLER_SELECTOR}) in namespace ${namespace} of context ${kube.context}, found ${names.length === 0 ? "none" : names.join(", ")}`,
      "bootstrap the cluster first (berth bootstrap), or check that the sealed-secrets app runs in this namespace",
    );
  }
  return names[0]!;
}

export interface HeldKey {
  secret: string;
  fingerprint: string | undefined;
}

/** The key Secrets the controller loads (the certificate of each; the private key is never kept). */
export async function listKeySecrets(kube: Kube, namespace: string): Promise<HeldKey[]> {
  // Only the names and certificates: the private keys are not asked for.
  const r = await kubectl(kube, ["-n", namespace, "get", "secrets", "-l", SEALING_KEY_LABEL, "-o", 'jsonpath={range .items[*]}{.metadata.name}{" "}{.data.tls\\.crt}{"\\n"}{end}'], `could not list the sealing key Secrets in ${namespace}`);
  return r.stdout
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => {
      const [secret, crt] = l.split(" ");
      return { secret: secret!, fingerprint: crt ? certificateFingerprint(Buffer.from(crt, "base64").toString("utf8")) : undefined };
    });
}

/** Applies the key Secret (server-side apply: no last-applied annotation holding the key). */
export async function applyKeySecret(kube: Kube, namespace: string, secretYaml: string, secretName: string): Promise<void> {
  await kubectl(kube, ["apply", "--server-side", "--field-manager", "berth", "-f", "-"], `could not create Secret ${namespace}/${secretName}`, { stdin: secretYaml });
}

export async function deleteKeySecret(kube: Kube, namespace: string, secretName: string): Promise<void> {
  await kubectl(kube, ["-n", namespace, "delete", "secret", secretName, "--ignore-not-found"], `could not delete Secret ${namespace}/${secretName}`);
}

/** Restarts the controller's Deployment and waits for the rollout, so the new pod has loaded the keys. */
export async function restartController(kube: Kube, namespace: string, deployment: string, timeoutMs: number): Promise<void> {
  await kubectl(kube, ["-n", namespace, "rollout", "restart", `deployment/${deployment}`], `could not restart deployment/${deployment}`);
  const seconds = Math.max(30, Math.round(timeoutMs / 1000));
  await kubectl(kube, ["-n", namespace, "rollout", "status", `deployment/${deployment}`, `--timeout=${seconds}s`], `could not wait for deployment/${deployment} to roll out`, { timeoutMs: timeoutMs + 30_000 });
}

/**
 * Proves the controller holds the key of `cert`: seals a random value with it into a canary
 * SealedSecret in the controller's namespace, waits until the controller reports it Synced and its
 * Secret holds the value, then removes both. Returns undefined on success, else what the
 * controller said last.
 */
export async function controllerOpens(kube: Kube, namespace: string, cert: SealingCertificate, timeoutMs: number): Promise<string | undefined> {
  const name = `berth-key-check-${shortFingerprint(cert.fingerprint)}`;
  const value = randomBytes(24).toString("base64url");
  const sealed = sealValue({ cert, namespace, name, scope: "strict", value: Buffer.from(value, "utf8") });
  const canary = buildSealedSecret({ name, namespace, scope: "strict", type: "Opaque", encryptedData: { [CANARY_ITEM]: sealed }, certFingerprint: cert.fingerprint, labels: { "app.kubernetes.io/managed-by": "berth" } });
  const cleanup = async () => {
    await kubectl(kube, ["-n", namespace, "delete", "sealedsecrets.bitnami.com", name, "--ignore-not-found", "--wait=false"], "could not delete the canary SealedSecret", { allowFail: true });
    await kubectl(kube, ["-n", namespace, "delete", "secret", name, "--ignore-not-found", "--wait=false"], "could not delete the canary Secret", { allowFail: true });
  };
  await cleanup();
  await kubectl(kube, ["apply", "--server-side", "--field-manager", "berth", "-f", "-"], `could not create the canary SealedSecret ${namespace}/${name}`, { stdin: toYaml(canary) });
  const deadline = kube.now() + timeoutMs;
  let last = "the controller has not reported on it";
  try {
    for (;;) {
      const ss = await kubectl(kube, ["-n", namespace, "get", "sealedsecrets.bitnami.com", name, "-o", "json"], "could not read the canary SealedSecret", { allowFail: true });
      const synced = ss.code === 0 ? syncedCondition(ss.stdout) : undefined;
      if (synced) last = synced.status === "True" ? "Synced, but its Secret does not hold the canary value yet" : `Synced=${synced.status}: ${synced.message ?? ""}`;
      if (synced?.status === "True") {
        const s = await kubectl(kube, ["-n", namespace, "get", "secret", name, "-o", `jsonpath={.data.${CANARY_ITEM}}`], "could not read the canary Secret", { allowFail: true });
        if (s.code === 0 && Buffer.from(s.stdout.trim(), "base64").toString("utf8") === value) return undefined;
      }
      if (kube.now() > deadline) return last;
      await kube.sleep(1000);
    }
  } finally {
    await cleanup();
  }
}

function syncedCondition(json: string): { status: string; message?: string } | undefined {
  try {
    const o = JSON.parse(json) as { metadata?: { generation?: number }; status?: { observedGeneration?: number; conditions?: { type: string; status: string; message?: string }[] } };
    // A condition about an older generation says nothing about this object.
    if (o.status?.observedGeneration !== undefined && o.metadata?.generation !== undefined && o.status.observedGeneration < o.metadata.generation) return undefined;
    return o.status?.conditions?.find((c) => c.type === "Synced");
  } catch {
    return undefined;
  }
}
